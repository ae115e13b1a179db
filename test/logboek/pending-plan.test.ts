/**
 * The sequencer's search for pending entries must cost what is pending, not what the log
 * holds: a range scan of (tx, id) after the last leaf, and one index probe per candidate.
 * An earlier form compared the row with a subquery's record and guarded with NOT EXISTS, and
 * PostgreSQL answered it by scanning every entry and hashing every leaf on every run, so that
 * sealing slowed down as the log grew. This asks the planner, on a log of 40,000 sealed
 * entries and a few pending ones, with statistics, on the engine the suite runs on.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { explainPendingEntries } from '../../broker/logboek/logboek.repository.js';
import { openEngineDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> };
let db: Kysely<Database>;

beforeAll(async () => {
  opened = await openEngineDatabase('jpp_pendplan');
  db = opened.db;
  await migrateToLatest(db);
  // 40,000 entries in 40 transactions, as answers write them; the first 39,950 sealed.
  for (let t = 0; t < 40; t++) {
    await db.transaction().execute((trx) =>
      sql`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
          select '{"n":' || n || ',"v":1}', 'log-read', now(), 'test', 'read', 'trace' from generate_series(1, 1000) as n`.execute(trx),
    );
  }
  await sql`insert into logboek_leaves (seq, entry_id, leaf_hash)
            select row_number() over (order by tx, id) - 1, id, sha256(id::text::bytea)
              from (select tx, id from logboek_entries order by tx, id limit 39950) as sealed`.execute(db);
  await sql`analyze logboek_entries`.execute(db);
  await sql`analyze logboek_leaves`.execute(db);
}, 120_000);
afterAll(async () => {
  await opened?.close();
});

it('finds pending entries by a range scan after the last leaf, never by scanning the whole log', async () => {
  const plan = await db.transaction().execute((trx) => explainPendingEntries(trx, 5000));
  expect(plan).toMatch(/Index (Only )?Scan using logboek_tx_ix on logboek_entries/);
  expect(plan).toMatch(/Index (Only )?Scan using logboek_leaves_entry_id_key on logboek_leaves/);
  expect(plan).not.toMatch(/Seq Scan on logboek_(entries|leaves)/);
  expect(plan).not.toMatch(/Hash (Anti )?Join/);
});

it('with a backlog, still reads pending entries in index order up to the limit, never reading and sorting them all', async () => {
  // 40,000 more entries pending: a broker that was down, or a log filled before its sequencer ran.
  for (let t = 0; t < 40; t++) {
    await db.transaction().execute((trx) =>
      sql`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
          select '{"n":' || n || ',"v":1}', 'log-read', now(), 'test', 'read', 'trace' from generate_series(1, 1000) as n`.execute(trx),
    );
  }
  await sql`analyze logboek_entries`.execute(db);
  const plan = await db.transaction().execute((trx) => explainPendingEntries(trx, 10_000));
  expect(plan).toMatch(/Index (Only )?Scan using logboek_tx_ix on logboek_entries/);
  expect(plan).not.toMatch(/Sort|Seq Scan on logboek_(entries|leaves)|Bitmap Heap Scan on logboek_entries/);
}, 120_000);
