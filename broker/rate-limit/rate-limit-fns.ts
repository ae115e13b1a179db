/**
 * Pure rules of the rate limits and the custodian's quotas: is a limit exceeded, and when may
 * the caller try again (the `Retry-After` of RFC 9110 §10.2.3). Table-tested in
 * `test/unit/rate-limit-fns.test.ts`.
 *
 * Invariants:
 * - The counts passed in include the request being decided, so that concurrent requests,
 *   counted one by one under the counter's row lock, see each other.
 * - A refused request is not counted (its transaction rolls back), so trying again after
 *   `retryAfterSeconds` succeeds if nothing else was counted meanwhile.
 */
import type { Exceeded, Limit, MinuteCount } from './rate-limit-types.js';

export const MINUTE_MS = 60_000;
/** The length of the sliding window of a per-day limit. */
export const DAY_MS = 86_400_000;

/** The start of the minute that `at` falls in: the counter's bucket. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** Whether `bucket` is still inside the 24 hours up to `now`. */
export function inDayWindow(bucket: Date, now: Date): boolean {
  return bucket.getTime() > now.getTime() - DAY_MS;
}

/** The totals of the minute of `now` and of the 24 hours up to `now`. */
export function totals(counts: readonly MinuteCount[], now: Date): { minute: number; day: number } {
  const minute = minuteOf(now).getTime();
  let m = 0;
  let d = 0;
  for (const c of counts) {
    if (!inDayWindow(c.minute, now)) continue;
    d += c.count;
    if (c.minute.getTime() === minute) m += c.count;
  }
  return { minute: m, day: d };
}

/**
 * Which window `counts` (this request included) exceed, or undefined when the request is allowed.
 * When both are exceeded, the one to wait longest for is named.
 */
export function exceeded(limit: Limit, counts: readonly MinuteCount[], now: Date): Exceeded | undefined {
  const t = totals(counts, now);
  const waits: Exceeded[] = [];
  if (t.minute > limit.perMinute) {
    waits.push({ window: 'minute', max: limit.perMinute, retryAfterSeconds: seconds(minuteOf(now).getTime() + MINUTE_MS - now.getTime()) });
  }
  if (t.day > limit.perDay) {
    // The request fits again once the oldest minutes that hold (day total - limit) have left the window.
    const needed = t.day - limit.perDay;
    let freed = 0;
    let until = now.getTime() + DAY_MS;
    for (const c of [...counts].filter((x) => inDayWindow(x.minute, now)).sort((a, b) => a.minute.getTime() - b.minute.getTime())) {
      freed += c.count;
      if (freed >= needed) {
        until = c.minute.getTime() + DAY_MS;
        break;
      }
    }
    waits.push({ window: 'day', max: limit.perDay, retryAfterSeconds: seconds(until - now.getTime()) });
  }
  return waits.sort((a, b) => b.retryAfterSeconds - a.retryAfterSeconds)[0];
}

/** Whole seconds, rounded up, at least 1. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
