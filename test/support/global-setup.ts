/**
 * Runs once per `vitest run`. On PGlite (no DATABASE_URL) it migrates one in-memory
 * database and dumps it, so that each test file opens a ready schema in under a second
 * instead of creating and migrating its own. On PostgreSQL it checks that the server
 * answers, so that a missing server fails fast with a clear message, and migrates one
 * template database that a test broker's database is copied from (`CREATE DATABASE … TEMPLATE`,
 * a file copy on the server) instead of migrating its own; the template is dropped at the end.
 * No connection stays open on the template: PostgreSQL copies a template only while nobody is
 * connected to it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { adminStatement } from './admin-statement.js';
import { openDatabase } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    /** PostgreSQL: the name of the migrated template database, '' on PGlite. */
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void | Promise<void>> {
  const url = process.env['DATABASE_URL'];
  if (url) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
    } catch (err) {
      throw new Error(`DATABASE_URL is set but PostgreSQL does not answer: ${(err as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    const template = `jpp_template_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminStatement(url, `create database ${template}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${template}`;
    const handle = await openDatabase({ kind: 'postgres', url: templateUrl.toString() });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    process.stdout.write('test engine: PostgreSQL (DATABASE_URL)\n');
    project.provide('pgliteTemplate', '');
    project.provide('postgresTemplate', template);
    return () => adminStatement(url, `drop database if exists ${template} with (force)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'jpp-template-'));
  const file = join(dir, 'migrated.tar');
  const handle = await openDatabase({ kind: 'pglite-memory' });
  await migrateToLatest(handle.db);
  writeFileSync(file, Buffer.from(await (await handle.dumpDataDir!()).arrayBuffer()));
  await handle.close();
  process.stdout.write('test engine: embedded PGlite (set DATABASE_URL to run on PostgreSQL)\n');
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', '');
  return () => rmSync(dir, { recursive: true, force: true });
}


