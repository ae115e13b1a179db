/**
 * A leaf must name a real entry (migration 0230): the foreign key from `logboek_leaves.entry_id`
 * to `logboek_entries` is gone, and a statement trigger refuses, with the key's SQLSTATE (23503),
 * every INSERT of leaves of which one names no entry, the sequencer's own (insertLeaves) included:
 * nothing of the statement is written, and the sequencer's run fails with it. The entries' side of
 * the key (no entry with a leaf deleted, no id changed) is the entries' guard's, checked here too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { insertLeaves } from '../../broker/logboek/logboek.repository.js';
import { openEngineDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> };
let db: Kysely<Database>;
let ids: number[];

const hashes = (n: number, fill = 7): Buffer => Buffer.alloc(32 * n, fill);
const leafCount = async (ex: Kysely<Database> = db): Promise<number> =>
  (await sql<{ n: number }>`select count(*)::int as n from logboek_leaves`.execute(ex)).rows[0]!.n;
/** The SQLSTATE of what `run` threw (PostgreSQL and PGlite both put it in `code`). */
const sqlState = async (run: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await run();
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
  return undefined;
};

beforeAll(async () => {
  opened = await openEngineDatabase('jpp_leafcheck');
  db = opened.db;
  await migrateToLatest(db);
  ids = (
    await sql<{ id: number }>`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
      select '{"n":' || n || '}', 'log-read', now(), 'test', 'read', 'trace' from generate_series(1, 5) as n returning id`.execute(db)
  ).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}, 60_000);
afterAll(async () => {
  await opened?.close();
});

describe('a leaf names a real entry', () => {
  it('has no foreign key from the leaves to the entries any more (the trigger does its check)', async () => {
    const keys = await sql<{ n: number }>`select count(*)::int as n from pg_constraint where conrelid = 'logboek_leaves'::regclass and contype = 'f'`.execute(db);
    expect(keys.rows[0]!.n).toBe(0);
  });

  it('refuses one leaf naming an entry that does not exist', async () => {
    const missing = ids[ids.length - 1]! + 1000;
    expect(await sqlState(() => sql`insert into logboek_leaves (seq, entry_id, leaf_hash) values (0, ${missing}, ${hashes(1)})`.execute(db))).toBe('23503');
    expect(await leafCount()).toBe(0);
  });

  it("refuses the sequencer's insert of a run when one of its leaves names a missing entry, and writes none of the run", async () => {
    const run = [ids[0]!, ids[1]!, ids[ids.length - 1]! + 1000, ids[2]!];
    const state = await sqlState(() => db.transaction().execute((trx) => insertLeaves(trx, 0, run, hashes(run.length))));
    expect(state).toBe('23503');
    expect(await leafCount()).toBe(0);
  });

  it('refuses a missing entry after leaves of real ones in the same transaction, so the run commits nothing', async () => {
    const state = await sqlState(() =>
      db.transaction().execute(async (trx) => {
        await insertLeaves(trx, 0, [ids[0]!, ids[1]!], hashes(2));
        await insertLeaves(trx, 2, [ids[ids.length - 1]! + 1], hashes(1));
      }),
    );
    expect(state).toBe('23503');
    expect(await leafCount()).toBe(0);
  });

  it('accepts leaves that name real entries, as one statement and as several', async () => {
    await db.transaction().execute(async (trx) => {
      await insertLeaves(trx, 0, ids.slice(0, 3), hashes(3));
      await insertLeaves(trx, 3, ids.slice(3), hashes(ids.length - 3));
    });
    expect(await leafCount()).toBe(ids.length);
    const named = await sql<{ n: number }>`select count(*)::int as n from logboek_leaves l join logboek_entries e on e.id = l.entry_id`.execute(db);
    expect(named.rows[0]!.n).toBe(ids.length);
  });

  it('keeps what the key kept on the entries side: an entry with a leaf is neither deleted nor given another id', async () => {
    expect(await sqlState(() => sql`delete from logboek_entries where id = ${ids[0]!}`.execute(db))).toBe('42501');
    expect(await sqlState(() => sql`update logboek_entries set id = ${ids[0]! + 5000} where id = ${ids[0]!}`.execute(db))).toBeDefined();
    expect(await sqlState(() => sql`truncate logboek_entries cascade`.execute(db))).toBe('42501');
    expect(await leafCount()).toBe(ids.length);
  });
});
