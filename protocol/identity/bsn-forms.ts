/**
 * A BSN (burgerservicenummer, Wet algemene bepalingen burgerservicenummer art. 1) as people
 * write it: 9 digits, together (111222333) or in three groups joined by spaces, dots or
 * hyphens (111 222 333, 111.222.333, 111-222-333, 1112.22.333); or 8 digits together, as a
 * spreadsheet leaves a BSN whose leading zero it dropped. A form counts only when its digits
 * pass the 11-proef, which every BSN does.
 *
 * Invariants:
 * - Digit groups are never joined across other characters (/, :, letters), and a window of
 *   grouped digits counts only as three groups of 2 to 4 digits: a case number such as
 *   ZVH-2026-0112 (4 + 4) or a parketnummer (2 + 6 + 2) is not read as one number.
 * - 8 digits count only together: spread over groups they are a case number's year and
 *   sequence far more often than a BSN.
 */
import { passesElfproef } from '../pseudonymisation/elfproef.js';
import { DIGIT_GROUP_SEPARATOR, type TextSpan } from './text-span.js';

const GROUPED_DIGITS = new RegExp(`(?<!\\d)\\d+(?:${DIGIT_GROUP_SEPARATOR}\\d+)*(?!\\d)`, 'g');
const SEPARATOR = new RegExp(DIGIT_GROUP_SEPARATOR);

/** Every place in `text` written like a BSN that passes the 11-proef. */
export function findBsnForms(text: string): TextSpan[] {
  const found: TextSpan[] = [];
  for (const m of text.matchAll(GROUPED_DIGITS)) {
    // The groups of this run, with their offsets.
    const groups: Array<{ digits: string; start: number }> = [];
    let offset = m.index;
    for (const part of m[0].split(SEPARATOR)) {
      groups.push({ digits: part, start: offset });
      offset += part.length + 1;
    }
    for (const g of groups) {
      if ((g.digits.length === 9 || g.digits.length === 8) && passesElfproef(g.digits)) {
        found.push({ start: g.start, end: g.start + g.digits.length });
      }
    }
    for (let i = 0; i + 3 <= groups.length; i++) {
      const window = groups.slice(i, i + 3);
      if (!window.every((g) => g.digits.length >= 2 && g.digits.length <= 4)) continue;
      const digits = window.map((g) => g.digits).join('');
      if (digits.length === 9 && passesElfproef(digits)) {
        const last = window[2]!;
        found.push({ start: window[0]!.start, end: last.start + last.digits.length });
      }
    }
  }
  return found;
}
