/** Custodian usage counts, per caller and minute. */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { MinuteCount } from '../rate-limit/rate-limit-types.js';

/** How far back the quotas look: the per-day quota counts the 24 hours up to now. Retention removes older counts. */
export const USAGE_WINDOW_MS = 86_400_000;

/**
 * Adds `elements` to the caller's count for the minute of `now` and returns the caller's counts
 * per minute for the 24 hours up to `now`, this request included. The upsert locks the caller's
 * row for the minute, so concurrent requests count one by one.
 */
export async function addUsage(ex: Executor, callerId: string, elements: number, now: Date): Promise<MinuteCount[]> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  await ex
    .insertInto('custodian_usage')
    .values({ caller_id: callerId, minute, elements })
    .onConflict((oc) => oc.columns(['caller_id', 'minute']).doUpdateSet({ elements: sql`custodian_usage.elements + excluded.elements` }))
    .execute();
  const rows = await ex
    .selectFrom('custodian_usage')
    .select(['minute', sql<number>`elements::int`.as('elements')])
    .where('caller_id', '=', callerId)
    .where('minute', '>', new Date(now.getTime() - USAGE_WINDOW_MS))
    .execute();
  return rows.map((r) => ({ minute: new Date(r.minute), count: Number(r.elements) }));
}
