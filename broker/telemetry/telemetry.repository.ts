/**
 * What the metrics read from the database at a scrape (metrics.ts): the logboek's pending
 * entries, its tree size and the time of its latest checkpoint. Reads only; counts and times,
 * never content.
 *
 * Invariants:
 * - A scrape costs what is pending, not what the log holds: the pending entries are counted by
 *   a range scan of (tx, id) after the last leaf's entry, as the sequencer finds them
 *   (logboek.repository.ts, `pendingEntries`), with the cursor passed as values.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface LogboekState {
  readonly pending: number;
  readonly treeSize: number;
  readonly latestCheckpointAt: Date | undefined;
}

export async function logboekState(ex: Executor): Promise<LogboekState> {
  const head = (
    await sql<{ tree_size: number; tx: string | null; id: number | null; checkpoint_at: Date | null }>`
      select coalesce((select max(seq) + 1 from logboek_leaves), 0)::int as tree_size,
             c.tx::text as tx, c.id,
             (select created_at from logboek_checkpoints order by id desc limit 1) as checkpoint_at
        from (select 1) as one
        left join lateral (
          select e.tx, e.id from logboek_leaves l join logboek_entries e on e.id = l.entry_id order by l.seq desc limit 1
        ) as c on true`.execute(ex)
  ).rows[0]!;
  const pending = (
    await sql<{ n: number }>`
      select count(*)::int as n from logboek_entries e
       where (e.tx, e.id) > (${head.tx ?? '0'}::xid8, ${head.id ?? 0}::bigint)
         and (select l.seq from logboek_leaves l where l.entry_id = e.id) is null`.execute(ex)
  ).rows[0]!.n;
  return { pending, treeSize: head.tree_size, latestCheckpointAt: head.checkpoint_at ?? undefined };
}
