/** The inzage report's words for times and categories (inzage-sources.ts): Europe/Amsterdam, summer and winter time, plain Dutch. */
import { describe, expect, it } from 'vitest';
import { CATEGORY_NL, dag, moment } from '../../broker/rights/inzage-sources.js';
import { SIGNAL_CATEGORIES } from '../../broker/signals/signal-category.js';

describe('inzage texts', () => {
  it.each([
    ['2026-07-01T10:00:00.000Z', '1 juli 2026 om 12:00'],
    ['2026-12-05T10:00:00.000Z', '5 december 2026 om 11:00'],
    ['2026-12-31T23:30:00.000Z', '1 januari 2027 om 00:30'],
    ['2026-03-29T00:59:00.000Z', '29 maart 2026 om 01:59'],
    ['2026-03-29T01:00:00.000Z', '29 maart 2026 om 03:00'],
  ])('%s is %s in Amsterdam', (utc, words) => {
    expect(moment(utc)).toBe(words);
  });

  it.each([
    ['2026-10-24T22:30:00.000Z', '25 oktober 2026'],
    ['2026-10-25T22:30:00.000Z', '25 oktober 2026'],
  ])('the day of %s is %s', (utc, words) => {
    expect(dag(utc)).toBe(words);
  });

  it('has plain Dutch for every signal category', () => {
    for (const c of SIGNAL_CATEGORIES) {
      expect(CATEGORY_NL[c], c).toBeDefined();
      expect(CATEGORY_NL[c], c).not.toBe(c);
    }
  });
});
