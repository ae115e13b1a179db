/** The records of past retention runs: `retention-run` entries of the logboek, newest first. */
import type { Executor } from '../db/database.js';

export async function listRetentionRecords(ex: Executor, limit: number): Promise<Array<{ loggedAt: Date; details: Record<string, unknown> | null }>> {
  const rows = await ex
    .selectFrom('logboek_entries')
    .select(['logged_at as loggedAt', 'content'])
    .where('action', '=', 'retention-run')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    loggedAt: r.loggedAt,
    // A record whose own content was redacted by a later run has no details left.
    details: r.content ? ((JSON.parse(r.content) as { details: Record<string, unknown> }).details ?? null) : null,
  }));
}
