/**
 * JPP_DATABASE_POOL_SIZE reaches PostgreSQL: a broker's pool never holds more connections than its
 * platform's pool size, however many statements wait. Several platforms in one process each open a
 * pool, so the server's max_connections must cover the sum (docs/performance.md, "Capacity on
 * paper"). PostgreSQL only: the embedded database has one connection; skipped (visibly) without
 * DATABASE_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { openDatabase } from '../../broker/db/database.js';
import { databaseTargetOf } from '../../broker/app/create-broker.js';
import { loadConfig } from '../../broker/config/config.js';

const adminUrl = process.env['DATABASE_URL'];

describe.skipIf(!adminUrl)('the PostgreSQL pool size of a platform', () => {
  let database: TestDatabase;
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-pool-'));
  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!, 'jpp_pool');
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds at most JPP_DATABASE_POOL_SIZE connections while more statements wait', async () => {
    const config = loadConfig({ JPP_MODE: 'demo', DATABASE_URL: database.url, JPP_DATABASE_POOL_SIZE: '2', DATA_DIR: dataDir });
    const handle = await openDatabase(databaseTargetOf(config));
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      let most = 0;
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const r = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1 and backend_type = $2', [database.name, 'client backend']);
          most = Math.max(most, Number(r.rows[0]!.n));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const started = Date.now();
      await Promise.all(Array.from({ length: 6 }, () => sql`select pg_sleep(0.3)`.execute(handle.db)));
      const took = Date.now() - started;
      polling = false;
      await poll;
      expect(most).toBe(2);
      // Six statements of 0.3 s over two connections: three after one another, not six at once.
      expect(took).toBeGreaterThanOrEqual(850);
    } finally {
      await admin.end();
      await handle.close();
    }
  });
});
