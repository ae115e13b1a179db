/**
 * A throwaway PostgreSQL database for one test file: created on the server of
 * DATABASE_URL (which outlives a test run), dropped (with force) when the test is done.
 * With TEST_DATABASE_ROLE=runtime, the test broker runs as a login member of the least-privilege
 * role (migration 0110) on a database its owner migrated, as in production.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { adminStatement as admin } from './admin-statement.js';
import { openDatabase, type Database } from '../../broker/db/database.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(adminUrl: string, prefix = 'jpp_test', template?: string): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(adminUrl, `drop database if exists ${name} with (force)`) };
}

/**
 * A throwaway PostgreSQL database that is already migrated: a copy of the run's template
 * database (`test/support/global-setup.ts`; `CREATE DATABASE … TEMPLATE` copies its files on the
 * server, far cheaper than running every migration again). Migrating it again finds nothing to do.
 */
export async function createMigratedTestDatabase(adminUrl: string, prefix = 'jpp_test'): Promise<TestDatabase> {
  const template = inject('postgresTemplate');
  if (!template) throw new Error('no migrated PostgreSQL template: the global setup makes one when DATABASE_URL is set');
  return createTestDatabase(adminUrl, prefix, template);
}

/**
 * A database on the engine the suite runs on, for tests below the broker: a throwaway
 * PostgreSQL database when DATABASE_URL is set, else an in-memory PGlite. Unmigrated.
 */
export async function openEngineDatabase(prefix: string): Promise<{ db: Kysely<Database>; close(): Promise<void> }> {
  const adminUrl = process.env['DATABASE_URL'];
  if (!adminUrl) {
    const handle = await openDatabase({ kind: 'pglite-memory' });
    return { db: handle.db, close: () => handle.close() };
  }
  const testDb = await createTestDatabase(adminUrl, prefix);
  const handle = await openDatabase({ kind: 'postgres', url: testDb.url });
  return {
    db: handle.db,
    async close() {
      await handle.close();
      await testDb.drop();
    },
  };
}

/**
 * A throwaway database migrated by its owner (a copy of the run's template), and a login role that is a member of the broker's
 * least-privilege role (migration 0110) to run the broker as: the URL names that login role.
 * `drop` drops the database and the login role.
 */
export async function createRuntimeRoleDatabase(adminUrl: string, prefix = 'jpp_rt'): Promise<TestDatabase & { ownerUrl: string }> {
  const database = await createMigratedTestDatabase(adminUrl, prefix);
  const login = `${database.name}_login`;
  await admin(adminUrl, `create role ${login} login in role jpp_broker_runtime`);
  const url = new URL(database.url);
  url.username = login;
  return {
    name: database.name,
    url: url.toString(),
    ownerUrl: database.url,
    async drop() {
      await database.drop();
      await admin(adminUrl, `drop role if exists ${login}`);
    },
  };
}
