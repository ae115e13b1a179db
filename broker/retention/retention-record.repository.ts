/** The records of past retention runs: `retention-run` entries of the logboek, newest first, with their place in the tree. */
import type { Executor } from '../db/database.js';

export async function listRetentionRecords(
  ex: Executor,
  limit: number,
): Promise<Array<{ loggedAt: Date; seq: number | null; details: Record<string, unknown> | null }>> {
  const rows = await ex
    .selectFrom('logboek_entries as e')
    .leftJoin('logboek_leaves as l', 'l.entry_id', 'e.id')
    .select(['e.logged_at as loggedAt', 'e.content', 'l.seq'])
    .where('e.action', '=', 'retention-run')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    loggedAt: r.loggedAt,
    // The record's index in the Merkle tree, once the sequencer placed it (its inclusion proof).
    seq: r.seq === null ? null : Number(r.seq),
    // A record whose own content was redacted by a later run has no details left.
    details: r.content ? ((JSON.parse(r.content) as { details: Record<string, unknown> }).details ?? null) : null,
  }));
}
