/**
 * The compact export reads its page as rows of PAGE_BLOCK entries (sequencedPageBlocks in
 * logboek.repository.ts) on the engine the suite runs on: across several blocks, with a redacted
 * entry, non-ASCII texts and a page that does not start at a block's multiple, the page built from
 * them is byte for byte the page built from one row per entry (sequencedPage), and an entry the
 * splice declines sends the page back to the rows.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { PAGE_BLOCK, sequencedPage, sequencedPageBlocks } from '../../broker/logboek/logboek.repository.js';
import { pageFromBlocks, pageFromRows } from '../../broker/logboek/bundle-page.js';
import { decodeBundle } from '../../broker/logboek/tiles.js';
import { openEngineDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> };
let db: Kysely<Database>;
const N = 2 * PAGE_BLOCK + 77;

beforeAll(async () => {
  opened = await openEngineDatabase('jpp_pageblock');
  db = opened.db;
  await migrateToLatest(db);
  // Entries 0..N-1; one non-ASCII text in three; entry N-3 has a top-level key with an escape (the splice declines it).
  await sql`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id, subject_hash)
            select case when n = ${N - 3} then '{"a\\"b":' || n || '}'
                        when n % 3 = 0 then '{"naam":"ë€😀 ' || n || '","z":' || n || '}'
                        else '{"action":"log-read","n":' || n || ',"tekst":"' || repeat('x', n % 50) || '"}' end,
                   'log-read', now(), 'test', 'read', 'trace', sha256(n::text::bytea)
              from generate_series(0, ${N - 1}) as n order by n`.execute(db);
  await sql`insert into logboek_leaves (seq, entry_id, leaf_hash)
            select row_number() over (order by id) - 1, id, sha256(id::text::bytea) from logboek_entries`.execute(db);
  // Retention's redaction of one entry (content and subject gone, its leaf stays).
  await sql`update logboek_entries set content = null, subject_hash = null, case_ref = null, query_id = null
             where id = (select entry_id from logboek_leaves where seq = ${PAGE_BLOCK + 5})`.execute(db);
}, 120_000);
afterAll(async () => {
  await opened?.close();
});

const rowsPage = async (from: number, to: number): Promise<Buffer> => {
  const { leaves, rows } = await sequencedPage(db, from, to);
  return pageFromRows(leaves, rows);
};
const blocksPage = (from: number, to: number): Promise<Buffer | undefined> =>
  db.transaction().execute(async (trx) => pageFromBlocks(await sequencedPageBlocks(trx, from, to), from, to));

it('gives the page of the rows, across blocks, with a redacted entry and non-ASCII texts, from any start', async () => {
  for (const [from, to] of [
    [0, 2 * PAGE_BLOCK + 50],
    [7, PAGE_BLOCK + 9],
    [PAGE_BLOCK + 5, PAGE_BLOCK + 6],
    [1, 2],
  ] as const) {
    const page = await blocksPage(from, to);
    expect(page, `[${from}, ${to})`).toBeDefined();
    expect(page!.equals(await rowsPage(from, to)), `[${from}, ${to})`).toBe(true);
  }
  const blocks = await db.transaction().execute((trx) => sequencedPageBlocks(trx, 7, 7 + 2 * PAGE_BLOCK + 3));
  expect(blocks).toHaveLength(3);
  expect(blocks.map((b) => Number(b.index.split(':')[0]))).toEqual([7, 7 + PAGE_BLOCK, 7 + 2 * PAGE_BLOCK]);
  const around = await blocksPage(PAGE_BLOCK, PAGE_BLOCK + 10);
  const entries = decodeBundle(around!.subarray(32 * 10));
  expect(entries.map((e) => e.length === 0)).toEqual(Array.from({ length: 10 }, (_, k) => k === 5)); // only the redacted one is empty
});

it('hands a page with an entry the splice declines back to the rows', async () => {
  expect(await blocksPage(N - 10, N)).toBeUndefined();
  expect((await rowsPage(N - 10, N)).length).toBeGreaterThan(32 * 10);
});
