/**
 * The LISTEN/NOTIFY policy listener survives PostgreSQL terminating its connection: it
 * reconnects, reloads at once (a notification sent meanwhile is lost), and hears the next
 * activation. PostgreSQL only: the embedded database reloads in-process.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../broker/http/logger.js';
import { listenForPolicyChanges, POLICY_CHANNEL, type PolicyListener } from '../../broker/policy/policy-listener.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const adminUrl = process.env['DATABASE_URL'];
if (!adminUrl) console.warn('policy-listener.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');

describe.skipIf(!adminUrl)('the policy listener', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let listener: PolicyListener | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!, 'jpp_listener');
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await listener?.close();
    await admin?.end();
    await database?.drop();
  });

  const until = async (check: () => boolean, ms = 5_000): Promise<void> => {
    for (const since = Date.now(); !check(); ) {
      if (Date.now() - since > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('reconnects after its connection is terminated, reloads, and hears the next notification', async () => {
    let reloads = 0;
    listener = await listenForPolicyChanges(database.url, async () => void reloads++, createLogger({ level: 'silent' }));
    await admin.query(`notify ${POLICY_CHANNEL}, '1'`);
    await until(() => reloads === 1);

    const terminated = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query ilike 'listen%'", [database.name]);
    expect(terminated.rowCount).toBe(1);
    // It reloads on reconnecting: a notification sent while it was away is lost.
    await until(() => reloads === 2);
    await admin.query(`notify ${POLICY_CHANNEL}, '2'`);
    await until(() => reloads === 3);
  });
});
