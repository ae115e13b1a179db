/**
 * An IBAN (ISO 13616): country code, two check digits and the country's BBAN, together or in
 * groups of four (NL91 ABNA 0417 1643 00). A form counts only when it has the country's
 * length and passes the mod-97 check: ibantools keeps the registry of countries and lengths.
 */
import { electronicFormatIBAN, getCountrySpecifications, isValidIBAN } from 'ibantools';
import type { TextSpan } from './text-span.js';

const START = /[A-Za-z]{2}\d{2}/g;
const SPECS = getCountrySpecifications();

/** Every IBAN in `text` (upper or lower case, with or without spaces) that passes its check. */
export function findIbans(text: string): TextSpan[] {
  const found: TextSpan[] = [];
  for (const m of text.matchAll(START)) {
    const length = SPECS[m[0].slice(0, 2).toUpperCase()]?.chars;
    if (!length) continue;
    // Take the country's number of characters, skipping single spaces between groups.
    let chars = '';
    let end = m.index;
    while (end < text.length && chars.length < length) {
      const c = text[end]!;
      if (/[A-Za-z0-9]/.test(c)) chars += c;
      else if (!(c === ' ' && /[A-Za-z0-9]/.test(text[end + 1] ?? '') && chars.length > 0)) break;
      end++;
    }
    if (chars.length !== length || /[A-Za-z0-9]/.test(text[end] ?? '')) continue;
    if (isValidIBAN(electronicFormatIBAN(chars.toUpperCase()) ?? '')) found.push({ start: m.index, end });
  }
  return found;
}
