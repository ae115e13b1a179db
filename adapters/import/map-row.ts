/**
 * One export row → one minimal signal (plus the identity to pseudonymise), or the reason
 * it is skipped or rejected.
 *
 * - Skipped (not an error, counted): outside the doelgroep on the day of the import, a
 *   source code the mapping does not map, or already expired.
 * - Rejected (an error in the partner's data, reported with line and field): a missing or
 *   malformed value, a BSN that fails the 11-proef, a ref that looks like an identity,
 *   a registration date in the future, a ref that appears twice.
 *
 * Invariants: a reason names the column and the rule, never the value; the identity
 * leaves this module only towards pseudonymisation.
 */
import { identityReason } from '../../protocol/identity/identity-detector.js';
import { IdentityNormalisationError, identityKey, type IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';
import type { AdapterMapping, DateColumn } from './mapping.js';

export interface MappedSignal {
  readonly identity: IdentityInput;
  readonly category: string;
  readonly registeredAt: string;
  readonly expiresAt: string;
  readonly ref: string;
}

export type RowOutcome =
  | { readonly kind: 'signal'; readonly signal: MappedSignal }
  | { readonly kind: 'skipped'; readonly reason: 'outside-doelgroep' | 'unmapped-code' | 'expired' }
  | { readonly kind: 'rejected'; readonly field: string; readonly reason: string };

const DAY_MS = 86_400_000;
const PATTERNS: Record<DateColumn['format'], RegExp> = {
  'yyyy-mm-dd': /^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})$/,
  'dd-mm-yyyy': /^(?<d>\d{1,2})-(?<m>\d{1,2})-(?<y>\d{4})$/,
  'dd/mm/yyyy': /^(?<d>\d{1,2})\/(?<m>\d{1,2})\/(?<y>\d{4})$/,
  yyyymmdd: /^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$/,
};

/** A date in the given format as YYYY-MM-DD, or null when it is not a calendar date. */
export function parseDate(text: string, format: DateColumn['format']): string | null {
  const m = PATTERNS[format].exec(text.trim());
  if (!m?.groups) return null;
  const [y, mo, d] = [Number(m.groups['y']), Number(m.groups['m']), Number(m.groups['d'])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Age in whole years on `today` (YYYY-MM-DD strings). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function mapRow(record: Readonly<Record<string, string>>, mapping: AdapterMapping, today: string): RowOutcome {
  const reject = (field: string, reason: string): RowOutcome => ({ kind: 'rejected', field, reason });
  const value = (column: string): string => (record[column] ?? '').trim();

  const birthText = value(mapping.birthDate.column);
  if (!birthText) return reject(mapping.birthDate.column, 'is empty: the birth date is needed for the doelgroep check');
  const birthDate = parseDate(birthText, mapping.birthDate.format);
  if (!birthDate) return reject(mapping.birthDate.column, `is not a date in the format ${mapping.birthDate.format}`);
  if (birthDate > today) return reject(mapping.birthDate.column, 'lies in the future');
  const age = ageOn(birthDate, today);
  if (age < mapping.doelgroep.minAge || age > mapping.doelgroep.maxAge) return { kind: 'skipped', reason: 'outside-doelgroep' };

  const code = value(mapping.category.column);
  if (!code) return reject(mapping.category.column, 'is empty');
  const category = Object.hasOwn(mapping.category.map, code) ? mapping.category.map[code] : undefined;
  if (!category) return { kind: 'skipped', reason: 'unmapped-code' };

  const regText = value(mapping.registeredAt.column);
  const registeredAt = regText ? parseDate(regText, mapping.registeredAt.format) : null;
  if (!registeredAt) return reject(mapping.registeredAt.column, `is not a date in the format ${mapping.registeredAt.format}`);
  if (registeredAt > today) return reject(mapping.registeredAt.column, 'lies in the future');
  const expiresAt = new Date(Date.parse(`${registeredAt}T00:00:00Z`) + mapping.validity.days * DAY_MS).toISOString().slice(0, 10);
  if (expiresAt <= today) return { kind: 'skipped', reason: 'expired' };

  const source = value(mapping.ref.column);
  if (!source) return reject(mapping.ref.column, 'is empty');
  const ref = `${mapping.ref.prefix ?? ''}${source}`;
  if (ref.length > 80 || !/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(ref)) {
    return reject(mapping.ref.column, 'must be at most 80 letters, digits and . _ : - (an opaque record id)');
  }
  const leak = identityReason(ref);
  if (leak) return reject(mapping.ref.column, `${leak}; a ref must be an opaque record id, not an identity`);

  let identity: IdentityInput | undefined;
  const bsn = mapping.identity.bsn ? value(mapping.identity.bsn) : '';
  if (bsn) identity = { bsn };
  else if (mapping.identity.fallback) {
    const f = mapping.identity.fallback;
    const tussenvoegsel = f.tussenvoegsel ? value(f.tussenvoegsel) : '';
    identity = { surname: value(f.surname), firstName: value(f.firstName), birthDate, ...(tussenvoegsel ? { tussenvoegsel } : {}) };
  } else {
    return reject(mapping.identity.bsn!, 'is empty, and the mapping has no fallback identity');
  }
  try {
    identityKey(identity); // checks the 11-proef and the name rules now, so a bad row is named by its line
  } catch (err) {
    if (err instanceof IdentityNormalisationError) {
      const column =
        err.field === 'bsn' ? mapping.identity.bsn!
        : err.field === 'surname' ? mapping.identity.fallback!.surname
        : err.field === 'tussenvoegsel' ? mapping.identity.fallback!.tussenvoegsel ?? 'tussenvoegsel'
        : err.field === 'firstName' || err.field === 'firstInitial' ? mapping.identity.fallback!.firstName
        : err.field === 'birthDate' ? mapping.birthDate.column
        : 'identity';
      return reject(column, err.message.replace(/^[^:]*:\s*/, ''));
    }
    throw err;
  }
  return { kind: 'signal', signal: { identity, category, registeredAt, expiresAt, ref } };
}
