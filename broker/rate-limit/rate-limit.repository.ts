/**
 * Rate-limit counters: a few rows (shards) per counter and minute. The only SQL of the rate limits.
 *
 * Invariants:
 * - One statement per request, whatever the number of counters (a question already makes several
 *   round trips; the limits add one): it adds one to each counter's minute, removes the counter's
 *   rows that the 24-hour window no longer covers, and returns the counts in the window.
 * - The upsert locks one shard of each counter's minute until the transaction ends, always in the
 *   order given, so concurrent requests (on any replica) never deadlock, and at most one in
 *   SHARDS waits for another; a refusal rolls its count back. Requests on other shards that are
 *   not yet committed are not seen, so a burst may pass a limit by up to SHARDS - 1: a limit
 *   that slows a search through youths, not an exact quota.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { precompile } from '../db/precompiled.js';
import type { MinuteCount } from './rate-limit-types.js';
import { DAY_MS, minuteOf } from './rate-limit-fns.js';

/** Shards per counter and minute. */
export const SHARDS = 8;

/** Runs for every question and new casus: compiled once per number of counters (db/precompiled.ts). */
const countStatement = precompile<{ counters: string[]; minute: Date; since: Date; shard: number }, { counter: string; minute: Date | string; count: number }>(
  (ex, { counters, minute, since, shard }) => {
    const values = sql.join(counters.map((c) => sql`(${c}, ${minute}::timestamptz, ${shard}::smallint, 1)`));
    const list = sql.join(counters.map((c) => sql`${c}`));
    // The CTEs and the outer query share one snapshot: the outer read sees the other minutes, the
    // upsert's RETURNING gives this minute's new count; stale rows and this minute never overlap.
    const query = sql`
      with up as (
        insert into rate_limit_usage (counter, minute, shard, count) values ${values}
        on conflict (counter, minute, shard) do update set count = rate_limit_usage.count + 1
        returning counter, minute, count
      ), stale as (
        delete from rate_limit_usage where counter in (${list}) and minute <= ${since}
      )
      select counter, minute, count::int as count from up
      union all
      select counter, minute, count::int as count from rate_limit_usage
       where counter in (${list}) and minute > ${since} and not (minute = ${minute} and shard = ${shard})`;
    return { compile: () => query.compile(ex) };
  },
);

/** Adds one to each of `counters` for the minute of `now`; returns each one's counts of the 24 hours up to `now`, this one included. */

export async function countOne(ex: Executor, counters: readonly string[], now: Date, shard = Math.floor(Math.random() * SHARDS)): Promise<Map<string, MinuteCount[]>> {
  const minute = minuteOf(now);
  const since = new Date(now.getTime() - DAY_MS);
  const { rows } = await countStatement.execute(ex, { counters: [...counters], minute, since, shard });
  // One count per minute: the shards of a minute added up.
  const perMinute = new Map<string, Map<number, number>>(counters.map((c) => [c, new Map()]));
  for (const r of rows) {
    const m = perMinute.get(r.counter);
    const t = new Date(r.minute).getTime();
    m?.set(t, (m.get(t) ?? 0) + Number(r.count));
  }
  return new Map([...perMinute].map(([c, m]) => [c, [...m].map(([t, count]) => ({ minute: new Date(t), count }))]));
}
