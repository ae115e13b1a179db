/**
 * Versioned normalisation of an identity into the byte string that the VOPRF pseudonymises
 * (the RFC 9497 PrivateInput, §3.3). Two partners who register the same youth must arrive at
 * the same bytes, or their signals never meet; so every rule here is part of the protocol
 * and any change is a new NORMALISATION_VERSION (and so a new pseudonym space).
 *
 * Output, as UTF-8:
 * - `jpp-id:v1:bsn:<9 digits>` when a BSN is known;
 * - `jpp-id:v1:naw:<surname>|<yyyy-mm-dd>|<initial>` otherwise (surname, birth date, first
 *   initial: "naw" after the familiar naam-adres-woonplaats, though no address is used).
 *
 * Invariants (version 1; docs/pseudonymisation.md is the readable form):
 * - The two kinds never collide: the prefix differs, and after it the BSN form holds exactly
 *   9 digits while the other holds letters, '|' and a date only.
 * - A BSN is 9 digits after removing whitespace and dots (8 digits get a leading zero) and
 *   passes the 11-proef; all zeros is refused.
 * - Names are folded: NFKD, combining marks removed, lower case, then ß→ss, æ→ae, œ→oe,
 *   ø→o, ł→l, đ/ð→d, þ→th, ı→i; the ĳ ligature becomes "ij" through NFKD. "y" stays "y".
 * - Leading tussenvoegsels (TUSSENVOEGSELS, word by word) are removed from the surname,
 *   whether given in the `tussenvoegsel` field (which is simply put in front of the surname)
 *   or inside the surname; at least one word always remains. Then spaces, hyphens,
 *   apostrophes and dots are removed; what remains must be letters only.
 * - So "van der Berg", "Van den Berg" and "Berg" give the same surname "berg": different
 *   tussenvoegsels collide by design (see docs/pseudonymisation.md for why).
 * - The initial is the first letter of the folded first name (or given initial), so
 *   "IJsbrand" gives "i".
 * - The birth date is YYYY-MM-DD, a real calendar date, years 1900–2099.
 * - Errors are IdentityNormalisationError: they name the field and the rule, never the value.
 * - Pure: no clock, no locale, no I/O, no `node:` imports (it runs in browsers too).
 */
import { passesElfproef } from './elfproef.js';

/** The version of these rules; it is part of every identity key. */
export const NORMALISATION_VERSION = 1;

const PREFIX = `jpp-id:v${NORMALISATION_VERSION}:`;

/** An identity by BSN (burgerservicenummer). */
export interface BsnIdentity {
  bsn: string;
}

/** An identity without BSN: surname, date of birth and first name or first initial. */
export interface NameIdentity {
  surname: string;
  /** YYYY-MM-DD */
  birthDate: string;
  firstName?: string;
  firstInitial?: string;
  tussenvoegsel?: string;
}

export type IdentityInput = BsnIdentity | NameIdentity;

export type IdentityField = 'input' | 'bsn' | 'surname' | 'tussenvoegsel' | 'birthDate' | 'firstName' | 'firstInitial';

/**
 * Why an identity was refused. The message names the field and the rule, never the value,
 * so it may be shown and logged.
 */
export class IdentityNormalisationError extends Error {
  override readonly name = 'IdentityNormalisationError';
  constructor(
    readonly field: IdentityField,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * Tussenvoegsels (voorvoegsels) removed from the front of a surname, as single folded words;
 * a multi-word tussenvoegsel such as "van der", "in 't" or "uit de" is a run of them. Based on
 * the Dutch forms and the foreign ones that the BRP registers as voorvoegsel. Changing this
 * list changes keys: it is part of NORMALISATION_VERSION.
 */
export const TUSSENVOEGSELS: readonly string[] = Object.freeze([
  // Dutch
  'van', 'de', 'der', 'den', 'het', "'t", 't', "'s", 's', 'te', 'ten', 'ter', 'in', 'op', 'uit', 'uijt',
  'aan', 'bij', 'tot', 'toe', 'onder', 'over', 'voor', 'boven', 'v', 'vd', 'vander', 'vanden',
  // German, French, Italian, Spanish, Portuguese, Arabic forms registered as voorvoegsel
  'von', 'vom', 'zu', 'zum', 'zur', 'am', 'im', 'auf', 'aus', 'unter', 'vor',
  'la', 'le', 'les', "l'", 'du', 'des', "d'", 'd',
  'di', 'da', 'dal', 'dalla', 'del', 'della', 'dei', 'degli', 'lo', 'los', 'las', 'do', 'dos', 'das',
  'al', 'el',
]);

const PARTICLES = new Set(TUSSENVOEGSELS);

/** Letters that NFKD does not decompose into a base letter plus marks. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const SPECIAL_LETTER_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'gu');
const APOSTROPHES = /[\u2018\u2019\u02bc\u02bb\u0060\u00b4\u2032]/gu;
const HYPHENS = /[\u2010\u2011\u2012\u2013\u2014\u2212]/gu;

/**
 * Folds a name: NFKD, strip combining marks, lower case, map the special letters, unify
 * apostrophes and hyphens, collapse whitespace. Exported so tests and callers can see
 * exactly what a name becomes.
 */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(SPECIAL_LETTER_RE, (c) => SPECIAL_LETTERS[c] ?? c)
    .replace(APOSTROPHES, "'")
    .replace(HYPHENS, '-')
    .replace(/\s+/gu, ' ')
    .trim();
}

function requireString(value: unknown, field: IdentityField): string {
  if (typeof value !== 'string') throw new IdentityNormalisationError(field, 'must be a string');
  return value;
}

/**
 * A BSN as its canonical 9 digits: whitespace and dots removed, 8 digits padded with a
 * leading zero, then the 11-proef. Throws IdentityNormalisationError otherwise.
 */
export function normaliseBsn(bsn: string): string {
  const digits = requireString(bsn, 'bsn').replace(/[\s.]/gu, '');
  if (!/^\d{8,9}$/.test(digits)) {
    throw new IdentityNormalisationError('bsn', 'must be 9 digits (or 8 with an implied leading zero), spaces and dots allowed');
  }
  const nine = digits.padStart(9, '0');
  if (/^0+$/.test(nine) || !passesElfproef(nine)) {
    throw new IdentityNormalisationError('bsn', 'is not a valid BSN (fails the 11-proef)');
  }
  return nine;
}

/** Splits a folded surname into words; "d'hondt" → ["d'", "hondt"], "'s-gravesande" → ["'s", "gravesande"]. */
function surnameWords(folded: string): string[] {
  return folded.match(/'?[^\s\-.']+'?/gu) ?? [];
}

/**
 * The surname as it enters the key: folded, leading tussenvoegsels removed (the separate
 * tussenvoegsel field is put in front first), then separators removed.
 */
export function normaliseSurname(surname: string, tussenvoegsel?: string): string {
  const s = requireString(surname, 'surname');
  const t = tussenvoegsel === undefined ? '' : requireString(tussenvoegsel, 'tussenvoegsel');
  const folded = foldName(`${t} ${s}`);
  if (/[^\p{L}\s\-.']/u.test(folded)) {
    throw new IdentityNormalisationError('surname', 'may hold only letters, spaces, hyphens, apostrophes and dots');
  }
  const words = surnameWords(folded);
  let first = 0;
  while (first < words.length - 1 && PARTICLES.has(words[first]!)) first++;
  const result = words.slice(first).join('').replace(/'/g, '');
  if (result === '') throw new IdentityNormalisationError('surname', 'must hold at least one letter');
  return result;
}

/** The first letter of a folded first name or initial ("IJsbrand" → "i", "É." → "e"). */
function initialOf(value: string, field: 'firstName' | 'firstInitial'): string {
  const folded = foldName(requireString(value, field));
  const letter = /\p{L}/u.exec(folded)?.[0];
  if (!letter) throw new IdentityNormalisationError(field, 'must hold at least one letter');
  // A folded letter may expand ("æ" → "ae"); the initial is its first letter.
  return letter;
}

/**
 * The first initial from a first name or an initial. If both are given they must agree,
 * so that a mismatch is noticed at the source instead of producing a silent non-match.
 */
export function firstInitialOf(firstName?: string, firstInitial?: string): string {
  const fromName = firstName === undefined ? undefined : initialOf(firstName, 'firstName');
  const given = firstInitial === undefined ? undefined : initialOf(firstInitial, 'firstInitial');
  if (fromName !== undefined && given !== undefined && fromName !== given) {
    throw new IdentityNormalisationError('firstInitial', 'does not match the first letter of firstName');
  }
  const initial = fromName ?? given;
  if (initial === undefined) throw new IdentityNormalisationError('firstName', 'give firstName or firstInitial');
  return initial;
}

/** A birth date as YYYY-MM-DD, checked to be a real calendar date between 1900 and 2099. */
export function normaliseBirthDate(birthDate: string): string {
  const text = requireString(birthDate, 'birthDate').trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new IdentityNormalisationError('birthDate', 'must be YYYY-MM-DD');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || year > 2099) throw new IdentityNormalisationError('birthDate', 'year must be between 1900 and 2099');
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new IdentityNormalisationError('birthDate', 'is not a calendar date');
  }
  return text;
}

function isBsnIdentity(input: IdentityInput): input is BsnIdentity {
  return 'bsn' in input && input.bsn !== undefined;
}

/**
 * The identity key as a string, e.g. `jpp-id:v1:bsn:<9 digits>`. Never log it: it is the
 * identity itself. Exported for tests and for showing the rules, not for storage.
 */
export function identityKeyString(input: IdentityInput): string {
  if (typeof input !== 'object' || input === null) throw new IdentityNormalisationError('input', 'must be an object');
  if (isBsnIdentity(input)) {
    const rest = Object.entries(input).filter(([k, v]) => k !== 'bsn' && v !== undefined);
    if (rest.length > 0) {
      throw new IdentityNormalisationError('input', 'give either a BSN or surname, birth date and first name/initial, not both');
    }
    return `${PREFIX}bsn:${normaliseBsn(input.bsn)}`;
  }
  const surname = normaliseSurname(input.surname, input.tussenvoegsel);
  const birthDate = normaliseBirthDate(input.birthDate);
  const initial = firstInitialOf(input.firstName, input.firstInitial);
  return `${PREFIX}naw:${surname}|${birthDate}|${initial}`;
}

/** The identity key as UTF-8 bytes: the VOPRF input (RFC 9497 §3.3, PrivateInput). */
export function identityKey(input: IdentityInput): Uint8Array {
  return new TextEncoder().encode(identityKeyString(input));
}
