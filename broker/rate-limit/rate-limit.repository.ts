/**
 * Rate-limit counters: one row per counter and minute. The only SQL of the rate limits.
 *
 * Invariants:
 * - The upsert locks the counter's row for the minute until the transaction ends, so concurrent
 *   requests of one person (on any replica) are counted one by one; a refusal rolls its count back.
 * - Rows of a counter that the 24-hour window no longer covers are removed when that counter counts.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { MinuteCount } from './rate-limit-types.js';
import { DAY_MS, minuteOf } from './rate-limit-fns.js';

/** Adds one to `counter` for the minute of `now`; returns its counts of the 24 hours up to `now`, this one included. */
export async function countOne(ex: Executor, counter: string, now: Date): Promise<MinuteCount[]> {
  const since = new Date(now.getTime() - DAY_MS);
  await ex
    .insertInto('rate_limit_usage')
    .values({ counter, minute: minuteOf(now), count: 1 })
    .onConflict((oc) => oc.columns(['counter', 'minute']).doUpdateSet({ count: sql`rate_limit_usage.count + 1` }))
    .execute();
  await ex.deleteFrom('rate_limit_usage').where('counter', '=', counter).where('minute', '<=', since).execute();
  const rows = await ex
    .selectFrom('rate_limit_usage')
    .select(['minute', sql<number>`count::int`.as('count')])
    .where('counter', '=', counter)
    .where('minute', '>', since)
    .execute();
  return rows.map((r) => ({ minute: new Date(r.minute), count: Number(r.count) }));
}
