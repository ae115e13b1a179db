/**
 * Rate-limit counters: one row per counter and minute. The only SQL of the rate limits.
 *
 * Invariants:
 * - One statement per request, whatever the number of counters (a question already makes several
 *   round trips; the limits add one): it adds one to each counter's minute, removes the counter's
 *   rows that the 24-hour window no longer covers, and returns the counts in the window.
 * - The upsert locks each counter's row for the minute until the transaction ends, always in the
 *   order given, so concurrent requests (on any replica) are counted one by one without deadlock;
 *   a refusal rolls its count back.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { MinuteCount } from './rate-limit-types.js';
import { DAY_MS, minuteOf } from './rate-limit-fns.js';

/** Adds one to each of `counters` for the minute of `now`; returns each one's counts of the 24 hours up to `now`, this one included. */
export async function countOne(ex: Executor, counters: readonly string[], now: Date): Promise<Map<string, MinuteCount[]>> {
  const minute = minuteOf(now);
  const since = new Date(now.getTime() - DAY_MS);
  const values = sql.join(counters.map((c) => sql`(${c}, ${minute}::timestamptz, 1)`));
  const list = sql.join(counters.map((c) => sql`${c}`));
  // The CTEs and the outer query share one snapshot: the outer read sees the other minutes, the
  // upsert's RETURNING gives this minute's new count; stale rows and this minute never overlap.
  const { rows } = await sql<{ counter: string; minute: Date | string; count: number }>`
    with up as (
      insert into rate_limit_usage (counter, minute, count) values ${values}
      on conflict (counter, minute) do update set count = rate_limit_usage.count + 1
      returning counter, minute, count
    ), stale as (
      delete from rate_limit_usage where counter in (${list}) and minute <= ${since}
    )
    select counter, minute, count::int as count from up
    union all
    select counter, minute, count::int as count from rate_limit_usage
     where counter in (${list}) and minute > ${since} and minute <> ${minute}`.execute(ex);
  const counts = new Map<string, MinuteCount[]>(counters.map((c) => [c, []]));
  for (const r of rows) counts.get(r.counter)?.push({ minute: new Date(r.minute), count: Number(r.count) });
  return counts;
}
