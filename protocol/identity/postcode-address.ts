/**
 * A Dutch address written as postcode with house number (PostNL's postcode: four digits, the
 * first not 0, and two letters other than SA, SD and SS): 1234 AB 12, 1234AB12, 1234 AB 12-a,
 * or with the number before it, as in "Markt 12, 6131 AB". A postcode alone is an area of
 * some 15 to 25 addresses and is not counted; with the house number it is one address.
 */
import type { TextSpan } from './text-span.js';

const POSTCODE = /(?<![A-Za-z0-9])[1-9]\d{3} ?(?!SA|SD|SS|sa|sd|ss)[A-Za-z]{2}(?![A-Za-z])/g;
const NUMBER_AFTER = /^[ ,\-]{0,3}\d{1,5}(?![\d])/;
const NUMBER_BEFORE = /(?<![\d])\d{1,5}[A-Za-z]?[ ,]{1,3}$/;

/**
 * Every postcode with a house number in `text`. With `lettersInUpperCase`, only postcodes
 * written with capitals count (prose: "1998 en 2004" is not an address).
 */
export function findPostcodeAddresses(text: string, lettersInUpperCase: boolean): TextSpan[] {
  const found: TextSpan[] = [];
  for (const m of text.matchAll(POSTCODE)) {
    if (lettersInUpperCase && !/[A-Z]{2}$/.test(m[0])) continue;
    const end = m.index + m[0].length;
    const after = NUMBER_AFTER.exec(text.slice(end, end + 12));
    if (after) {
      found.push({ start: m.index, end: end + after[0].length });
      continue;
    }
    const before = NUMBER_BEFORE.exec(text.slice(Math.max(0, m.index - 10), m.index));
    if (before) found.push({ start: m.index - before[0].length, end });
  }
  return found;
}
