/**
 * The rules: which identity forms refuse a value, per kind of value. One place, so that the
 * broker, the adapters and the browser refuse the same values (docs/identity-detection.md).
 *
 * The broker takes minimal signals only (AVG art. 5(1)(c), data minimisation): a BSN, a
 * name with a birth date, an e-mail address, a phone number, an address or a bank account
 * typed where an opaque reference or a note belongs must be refused, not stored or logged.
 *
 * Two kinds of value:
 * - `identifier`: refs, batch ids, case numbers, vocabulary ids (a policy test's category).
 *   Refused: a BSN in any spelling, an e-mail address, a phone number, an IBAN, a postcode
 *   with house number (letters in any case), and ANY full date. Why any date: an identifier
 *   has no reason to hold a date written as a date, and a date of birth cannot be told
 *   from another date; a case system's registration date is written as 8 digits after its
 *   prefix (GCOS-20260315), which case-numbers.ts accepts.
 * - `prose`: notes, grondslagen, the rules text, reasons. Refused: the same BSN, e-mail,
 *   phone and IBAN forms; a postcode with house number in capitals; a date only when a
 *   person's name stands beside it or the text calls it a date of birth (geboren, geb.,
 *   geboortedatum), with a two-digit year too. Why not any date: prose about law cites
 *   dates (the Besluit of 12 maart 2025, in force per 1-3-2025) that identify nobody.
 *   Why capitals: in prose "tussen 1998 en 2004" is not the postcode 1998 EN.
 *
 * In both, case numbers of the forms in case-numbers.ts are taken out first: a parketnummer
 * is a case number, not a phone number.
 *
 * Invariants:
 * - A reason never repeats the value or any part of it.
 * - The rules read the value only: no list of names, no network, no state. The same value
 *   of the same kind is refused everywhere or nowhere.
 * - A finder is skipped only when the value cannot hold what it looks for (too few digits, no
 *   `@`: MIN_DIGITS); skipping never changes what is refused, only what it costs.
 */
import { findBsnForms } from './bsn-forms.js';
import { maskCaseNumbers } from './case-numbers.js';
import { findDates, findShortYearDates, hasDate } from './date-forms.js';
import { findEmailAddresses } from './email-address.js';
import { findIbans } from './iban.js';
import { nameBeside, namedAsBirthDate } from './person-name.js';
import { findPhoneNumbers } from './phone-number.js';
import { findPostcodeAddresses } from './postcode-address.js';

/** How a value is read: an identifier (refs, case numbers) or prose (notes, grondslagen). */
export type ValueKind = 'identifier' | 'prose';

/** The identity forms the rules recognise. */
export type IdentityForm = 'bsn' | 'email' | 'phone' | 'iban' | 'postcode-address' | 'date' | 'name-with-date' | 'birth-date';

/** Why a value was refused, without the value. */
export const IDENTITY_REASONS: Readonly<Record<IdentityForm, string>> = {
  bsn: 'looks like a BSN (passes the 11-proef)',
  email: 'looks like an e-mail address',
  phone: 'looks like a phone number',
  iban: 'looks like an IBAN (passes the mod-97 check)',
  'postcode-address': 'looks like a postcode with house number (an address)',
  date: 'looks like a date (possibly a date of birth)',
  'name-with-date': 'looks like a name beside a date (possibly a date of birth)',
  'birth-date': 'looks like a date of birth',
};

/**
 * The fewest ASCII digits a value must hold before a finder can find anything in it. Each finder
 * runs only when the value holds at least that many: a cheap count that skips regular expressions
 * which cannot match (an identifier such as `HALT-0042` holds four digits, and most of the finders
 * need eight). Counted on the value, before the case numbers are masked: masking only turns digits
 * into `#`, so the masked text never holds more digits than the value. Each bound is the least
 * any match of that finder needs:
 * - case numbers (masked first): 8 (GCOS-YYYYMMDD; the other forms have 10 and 11);
 * - BSN: 8 (one group of 8 or 9 digits, or three groups of 2 to 4 that make 9);
 * - phone: 8 (an international number with + has 8 to 15; a Dutch one 10; 00 and 10 more);
 * - postcode with house number: 5 (four of the postcode, one of the number);
 * - full date: 5 (a day and a year around a month's name; with a numeric month 6, compact 8);
 * - short-year date (prose only): 4 (day, month, two of the year);
 * - IBAN: 2 (its check digits, right after the country code; the rest may be letters).
 * An e-mail address needs an `@`. `test/unit/identity-detector.test.ts` compares this against
 * running every finder on every value.
 */
export const MIN_DIGITS = { caseNumber: 8, bsn: 8, phone: 8, postcodeAddress: 5, date: 5, shortYearDate: 4, iban: 2 } as const;

/** The number of ASCII digits (what `\d` matches without the `u` flag) in `value`. */
function digitCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** The first identity form found in `value` read as `kind`, or null. */
export function identityFormIn(value: string, kind: ValueKind): IdentityForm | null {
  const digits = digitCount(value);
  const text = digits >= MIN_DIGITS.caseNumber ? maskCaseNumbers(value) : value;
  if (digits >= MIN_DIGITS.bsn && findBsnForms(text).length > 0) return 'bsn';
  if (text.includes('@') && findEmailAddresses(text).length > 0) return 'email';
  if (digits >= MIN_DIGITS.iban && findIbans(text).length > 0) return 'iban';
  if (digits >= MIN_DIGITS.phone && findPhoneNumbers(text).length > 0) return 'phone';
  if (digits >= MIN_DIGITS.postcodeAddress && findPostcodeAddresses(text, kind === 'prose').length > 0) return 'postcode-address';
  if (kind === 'identifier') return digits >= MIN_DIGITS.date && hasDate(text) ? 'date' : null;
  if (digits < MIN_DIGITS.shortYearDate) return null;
  const dates = digits >= MIN_DIGITS.date ? findDates(text) : [];
  for (const span of [...dates, ...findShortYearDates(text)]) {
    if (namedAsBirthDate(text, span)) return 'birth-date';
    if (nameBeside(text, span)) return 'name-with-date';
  }
  return null;
}

/** Why `value` read as `kind` looks like an identity, or null when it does not. */
export function identityReasonFor(value: string, kind: ValueKind): string | null {
  const form = identityFormIn(value, kind);
  return form ? IDENTITY_REASONS[form] : null;
}
