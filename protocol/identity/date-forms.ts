/**
 * Calendar dates as people write them, in Dutch and ISO forms, for years 1900-2099:
 * - numeric with one separator used twice: 12-03-2011, 12/03/2011, 12.03.2011, 12 03 2011,
 *   2011-03-12, 2011/03/12 (day and month with or without a leading zero);
 * - with the month's name, Dutch or English, written out or abbreviated: 12 maart 2011,
 *   12 mrt. 2011, 12-mrt-2011, 12mrt2011, 1e januari 2011;
 * - 8 digits together: 20110312, 12032011;
 * - with a two-digit year (12-03-11): only as a date of birth (see identity-rules.ts), since
 *   version and article numbers (2.1.10) look the same.
 *
 * Invariants:
 * - The two separators of a numeric date are the same character: ZVH-2026-0112 and
 *   2026/0112 are a year and a sequence number, not 12 January 2026.
 * - Digits are never taken from a longer run: 120320115 holds no date.
 */
import { hasMatch, spansOf, type TextSpan } from './text-span.js';

const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const YEAR = '(?:19|20)\\d{2}';
const MONTH_NAMES = [
  'januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december',
  'january', 'february', 'march', 'may', 'june', 'july', 'october',
  'sept', 'febr', 'jan', 'feb', 'mrt', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'okt', 'oct', 'nov', 'dec',
].join('|');

const ISO = new RegExp(`(?<!\\d)${YEAR}([-/. ])${MONTH}\\1${DAY}(?!\\d)`, 'g');
const DUTCH = new RegExp(`(?<!\\d)${DAY}([-/. ])${MONTH}\\1${YEAR}(?!\\d)`, 'g');
const NAMED = new RegExp(`(?<!\\d)${DAY}(?:e|ste|de)?[ .\\-/]?(?:${MONTH_NAMES})(?![a-z])\\.?[ .\\-/,]{0,2}${YEAR}(?!\\d)`, 'gi');
const COMPACT = new RegExp(
  `(?<!\\d)(?:${YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])|(?:0[1-9]|[12]\\d|3[01])(?:0[1-9]|1[0-2])${YEAR})(?!\\d)`,
  'g',
);
const SHORT_YEAR = new RegExp(`(?<!\\d)${DAY}([-/.])${MONTH}\\1\\d{2}(?!\\d)`, 'g');

/** Every full date in `text` (four-digit year), in any of the forms above. */
const FULL_DATE_FORMS: readonly RegExp[] = [ISO, DUTCH, NAMED, COMPACT];

export function findDates(text: string): TextSpan[] {
  return FULL_DATE_FORMS.flatMap((p) => spansOf(text, p));
}

/** Dates with a two-digit year (12-03-11): counted only where a date of birth is named. */
export function findShortYearDates(text: string): TextSpan[] {
  return spansOf(text, SHORT_YEAR);
}

/** Whether `text` holds a full date: `findDates(text).length > 0`, without building the spans. */
export function hasDate(text: string): boolean {
  return FULL_DATE_FORMS.some((p) => hasMatch(text, p));
}
