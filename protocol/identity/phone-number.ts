/**
 * Telephone numbers as people write them (ITU-T E.164 numbers, Dutch numbering plan):
 * - Dutch: ten digits starting with the trunk prefix 0, together (0612345678) or grouped
 *   after the area or mobile prefix, as written in the Netherlands: 06-12345678,
 *   06 1234 5678, 010-1234567, 046 - 123 45 67, (010) 123 4567, 0612 345 678.
 * - International: + (or 00) and a country code, then 8 to 15 digits in all, in any grouping:
 *   +31 6 1234 5678, +31 (0)6 12345678, +44 20 7946 0958, 0031 6 12345678.
 *
 * Why not libphonenumber-js: it ignores how a number is grouped, so it reads the Den Haag
 * parketnummer 09-173943-23 and the gerechtshof number 200.340.397/01 as Dutch numbers
 * (measured, version 1.12); and a detector wants "written like a phone number", not "is an
 * assigned number".
 *
 * Invariants:
 * - A Dutch number's first group is 06 or 0 plus two or three digits (a trunk prefix with an
 *   area code: 010, 046, 0475, or a mobile 0612); what follows is one group of the remaining
 *   digits, or groups of 2 to 4 digits. So a parketnummer (2 + 6 + 2 digits) is not one.
 * - Only the trunk prefix 0 or an international prefix (+, 00) makes a number: 200.340.397
 *   is not a phone number.
 */
import type { TextSpan } from './text-span.js';

// A run of digit groups, optionally with parentheses round the first, joined by up to three
// separator characters (06 - 1234 5678). Candidates only; the grouping is checked below.
const DUTCH_CANDIDATE = /(?<![\d+])\(?0\d{1,3}\)?(?:[ \u00a0.\-]{0,3}\d+)+/g;
const INTERNATIONAL_CANDIDATE = /(?<![\d+])(?:\+|00)[ \u00a0]?[1-9][\d \u00a0.\-()]*\d/g;

function dutchNumber(candidate: string): number | null {
  const groups = candidate.split(/[^\d]+/).filter((g) => g.length > 0);
  const first = groups[0];
  if (!first) return null;
  // Together: 0 and nine digits, not 00 (that is an international prefix).
  if (/^0[1-9]\d{8}/.test(first)) return candidate.indexOf(first) + 10;
  const isPrefix = first === '06' || (first.length >= 3 && first.length <= 4 && first[1] !== '0');
  if (!isPrefix) return null;
  const remaining = 10 - first.length;
  const rest = groups.slice(1);
  // One group with every remaining digit...
  if (rest[0]?.length === remaining) return endOfGroups(candidate, 2);
  // ...or groups of 2 to 4 digits that add up to exactly the remaining digits.
  let sum = 0;
  for (let i = 0; i < rest.length; i++) {
    const g = rest[i]!;
    if (g.length < 2 || g.length > 4) return null;
    sum += g.length;
    if (sum === remaining) return endOfGroups(candidate, i + 2);
    if (sum > remaining) return null;
  }
  return null;
}

/** Where the first `count` digit groups of `candidate` end. */
function endOfGroups(candidate: string, count: number): number {
  let seen = 0;
  for (const m of candidate.matchAll(/\d+/g)) {
    if (++seen === count) return m.index + m[0].length;
  }
  return candidate.length;
}

function internationalNumber(candidate: string): number | null {
  const trunkZero = /\(0\)/g;
  const digits = candidate.replace(trunkZero, '').replace(/\D/g, '');
  if (candidate.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? candidate.length : null;
  // 00 + country code: at least ten digits after the 00, so that a zero-padded number is not read as one.
  const after = digits.slice(2);
  return after.length >= 10 && after.length <= 15 ? candidate.length : null;
}

/** Every place in `text` written like a Dutch or international telephone number. */
export function findPhoneNumbers(text: string): TextSpan[] {
  const found: TextSpan[] = [];
  for (const m of text.matchAll(INTERNATIONAL_CANDIDATE)) {
    const length = internationalNumber(m[0]);
    if (length !== null) found.push({ start: m.index, end: m.index + length });
  }
  for (const m of text.matchAll(DUTCH_CANDIDATE)) {
    const length = dutchNumber(m[0]);
    // A contiguous number must end there: 0612345678 yes, 061234567890 no.
    if (length !== null && !/^\d/.test(m[0].slice(length))) found.push({ start: m.index, end: m.index + length });
  }
  return found;
}
