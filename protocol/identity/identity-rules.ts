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
 */
import { findBsnForms } from './bsn-forms.js';
import { maskCaseNumbers } from './case-numbers.js';
import { findDates, findShortYearDates } from './date-forms.js';
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

/** The first identity form found in `value` read as `kind`, or null. */
export function identityFormIn(value: string, kind: ValueKind): IdentityForm | null {
  const text = maskCaseNumbers(value);
  if (findBsnForms(text).length > 0) return 'bsn';
  if (findEmailAddresses(text).length > 0) return 'email';
  if (findIbans(text).length > 0) return 'iban';
  if (findPhoneNumbers(text).length > 0) return 'phone';
  if (findPostcodeAddresses(text, kind === 'prose').length > 0) return 'postcode-address';
  const dates = findDates(text);
  if (kind === 'identifier') return dates.length > 0 ? 'date' : null;
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
