/**
 * The sequencer's pending entries read as a block: one row for the window of entries after a
 * cursor, in (transaction, id) order and below the sequencing horizon (horizonParts in
 * logboek.repository.ts), holding the entries' texts joined with nothing between them and an index
 * `tx:id:bytes,…` (`tx:id:-` for an entry that already has a leaf).
 *
 * Why: as one row per entry, pg made a row object and a 1 KB string per entry, and those were a
 * third of the broker's CPU in a run (the garbage collector and pg's rows; docs/performance.md,
 * scenario 8, fifth pass). A block is one string of its texts and one of its index. One row per
 * statement, not rows of 256 (the export's form, from a recursive statement, each block after the
 * last): the recursion's work tables cost PostgreSQL 8-14 µs per entry against 2 for the rows, a
 * single aggregate about 2.7; the caller keeps each statement to a few MB (pg's parser copies a
 * message as it grows).
 *
 * Invariants:
 * - The window is one range scan of logboek_tx_ix after the cursor, as the row read's
 *   (pendingEntries in logboek.repository.ts); the next window starts after the last entry of the
 *   index, as parsed by the caller.
 * - The aggregates read a subquery sorted by (tx, id), which PostgreSQL keeps in practice but does
 *   not promise: the caller (pending-block-fns.ts) checks that the entries come strictly in (tx, id)
 *   order, starting after the cursor, and that each block's texts are as long as its index says,
 *   so that a plan that did not keep the order fails the run instead of placing entries out of order.
 * - Entries from before migration 0005 (tx 1 and 2) are probed for a leaf, as in the row read
 *   (pendingEntries in logboek.repository.ts); later ones are placed in this order and are not.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { HorizonParts } from './logboek.repository.js';

/** One pendingBlock: its entries' texts joined, and its index `tx:id:bytes,…` (`-` for an entry already placed). */
export interface PendingBlockRow {
  readonly text: string;
  readonly index: string;
}

/**
 * Up to `limit` entries after `after` (null: from the start) and below the horizon of `parts`, as
 * one block in order. Fewer entries than `limit` means none are left below the horizon.
 */
export async function pendingBlock(ex: Executor, parts: HorizonParts, after: HorizonParts['cursor'], limit: number): Promise<PendingBlockRow> {
  if (limit <= 0) return { text: '', index: '' };
  const horizon =
    parts.running === null
      ? sql`pg_snapshot_xmin(pg_current_snapshot())`
      : sql`least(${parts.next}::xid8, (select min(x) from pg_snapshot_xip(pg_current_snapshot()) as x where xid(x)::text = any(${parts.running}::text[])))`;
  const row = (
    await sql<{ text: string | null; index: string | null }>`
      select string_agg(case when p.placed then '' else p.content end, '') as text,
             string_agg(p.tx::text || ':' || p.id::text || ':' || case when p.placed then '-' else octet_length(p.content)::text end, ',') as index
        from (select e.tx, e.id, e.content,
                     case when e.tx < '3'::xid8 then (select l.seq from logboek_leaves l where l.entry_id = e.id) is not null else false end as placed
                from logboek_entries e
               where (e.tx, e.id) > (${after?.tx ?? '0'}::xid8, ${after?.id ?? 0}::bigint)
                 and e.tx < ${horizon}
               order by e.tx, e.id
               limit ${limit}) as p`.execute(ex)
  ).rows[0];
  return { text: row?.text ?? '', index: row?.index ?? '' };
}
