/**
 * The pure rules of the rate limits and quotas (broker/rate-limit/rate-limit-fns.ts): which
 * window is exceeded and the Retry-After that lets the caller in again.
 */
import { describe, expect, it } from 'vitest';
import { exceeded, minuteOf, totals } from '../../broker/rate-limit/rate-limit-fns.js';

const base = Date.UTC(2026, 11, 4, 10, 0, 0);
const at = (minute: number, second = 0): Date => new Date(base + minute * 60_000 + second * 1000);
const counts = (...c: Array<[number, number]>) => c.map(([minute, count]) => ({ minute: at(minute), count }));
const limit = { perMinute: 3, perDay: 5 };

describe('rate-limit rules', () => {
  it('buckets by the minute', () => {
    expect(minuteOf(at(2, 59)).toISOString()).toBe(at(2).toISOString());
  });

  it('totals the minute of now and the 24 hours up to now, leaving out older minutes', () => {
    expect(totals(counts([0, 2], [1, 1], [-1440, 9]), at(1, 10))).toEqual({ minute: 1, day: 3 });
    expect(totals(counts([0, 2]), at(1440, 0))).toEqual({ minute: 0, day: 0 });
    expect(totals(counts([0, 2]), at(1439, 59))).toEqual({ minute: 0, day: 2 });
  });

  it.each([
    ['within both windows', counts([0, 3]), at(0, 10), undefined],
    ['past the minute: until the next minute', counts([0, 4]), at(0, 10), { window: 'minute', max: 3, retryAfterSeconds: 50 }],
    ['past the minute at its last second: at least 1 s', counts([0, 4]), at(0, 59.5), { window: 'minute', max: 3, retryAfterSeconds: 1 }],
    ['past the day: until the oldest minute leaves the window', counts([0, 2], [5, 3], [9, 1]), at(9, 30), { window: 'day', max: 5, retryAfterSeconds: 86_400 - 9 * 60 - 30 }],
    ['past the day by more: until enough minutes left', counts([0, 1], [5, 3], [9, 3]), at(9, 30), { window: 'day', max: 5, retryAfterSeconds: 86_400 - 4 * 60 - 30 }],
    ['past both: the longer wait', counts([0, 2], [9, 4]), at(9, 0), { window: 'day', max: 5, retryAfterSeconds: 86_400 - 9 * 60 }],
  ])('%s', (_label, c, now, expected) => {
    expect(exceeded(limit, c, now)).toEqual(expected);
  });
});
