/** Custodian usage counts, per caller and minute. */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/** How far back the quotas look: the per-day quota counts the 24 hours up to now. Retention removes older counts. */
export const USAGE_WINDOW_MS = 86_400_000;

/**
 * Adds `elements` to the caller's count for the minute of `now` and returns the caller's
 * totals for that minute and for the 24 hours up to `now`, this request included. The
 * upsert locks the caller's row for the minute, so concurrent requests count one by one.
 */
export async function addUsage(ex: Executor, callerId: string, elements: number, now: Date): Promise<{ minute: number; day: number }> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  await ex
    .insertInto('custodian_usage')
    .values({ caller_id: callerId, minute, elements })
    .onConflict((oc) => oc.columns(['caller_id', 'minute']).doUpdateSet({ elements: sql`custodian_usage.elements + excluded.elements` }))
    .execute();
  const row = await ex
    .selectFrom('custodian_usage')
    .select([
      sql<number>`coalesce(sum(elements) filter (where minute = ${minute}), 0)::int`.as('minute'),
      sql<number>`coalesce(sum(elements), 0)::int`.as('day'),
    ])
    .where('caller_id', '=', callerId)
    .where('minute', '>', new Date(now.getTime() - USAGE_WINDOW_MS))
    .executeTakeFirstOrThrow();
  return row;
}
