/**
 * The rules of an aanmelding that need no database (issue 18 item 4, docs/casus.md): the platform's
 * aanmeldcriteria (at least one), the age in whole years on the date of aanmelding inside the
 * platform's doelgroep, the band that is all the broker keeps of that age, and whether a parent
 * or guardian must consent.
 *
 * Invariants:
 * - The age itself is never stored or logged: only its band and the consent flag leave here.
 * - An age outside the doelgroep is refused, so that no youth outside it is put on the agenda
 *   (the Dutch DPA's predecessor criticised young children in such systems).
 */
import type { FieldError } from '../../protocol/schemas/schema-registry.js';
import type { Platform } from '../platform/platform.js';

/** The bands of age at aanmelding, as monitoring reports them; boundaries at 12, 16, 18 and 23 years. */
export const AGE_BANDS = ['0-11', '12-15', '16-17', '18-22', '23-27', '28+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The band of an age in whole years. */
export function ageBand(age: number): AgeBand {
  if (age < 12) return '0-11';
  if (age < 16) return '12-15';
  if (age < 18) return '16-17';
  if (age < 23) return '18-22';
  if (age < 28) return '23-27';
  return '28+';
}

export interface AanmeldingInput {
  readonly aanmeldcriteria: readonly string[];
  readonly agesAtAanmelding: readonly number[];
  readonly subjectCount: number;
}

/** Field errors of an aanmelding against the platform's criteria and doelgroep (empty when it is fine). */
export function aanmeldingErrors(platform: Pick<Platform, 'aanmeldcriteria' | 'doelgroep'>, a: AanmeldingInput): FieldError[] {
  const errors: FieldError[] = [];
  const known = new Set(platform.aanmeldcriteria.map((c) => c.id));
  if (a.aanmeldcriteria.length === 0) errors.push({ pointer: '/aanmeldcriteria', code: 'too-few', detail: 'names at least one aanmeldcriterium of this platform' });
  a.aanmeldcriteria.forEach((c, i) => {
    if (!known.has(c)) errors.push({ pointer: `/aanmeldcriteria/${i}`, code: 'not-in-list', detail: 'is not an aanmeldcriterium of this platform' });
  });
  if (a.agesAtAanmelding.length !== a.subjectCount) {
    errors.push({ pointer: '/agesAtAanmelding', code: 'mismatch', detail: 'gives one age per subject, in the order of subjects' });
  }
  const { minAge, maxAge } = platform.doelgroep;
  a.agesAtAanmelding.forEach((age, i) => {
    if (age < minAge || age > maxAge) {
      errors.push({ pointer: `/agesAtAanmelding/${i}`, code: age < minAge ? 'too-small' : 'too-large', detail: `is outside the doelgroep of this platform (${minAge} up to and including ${maxAge} years)` });
    }
  });
  return errors;
}

/** Whether a parent or guardian must consent for a youth of this age at aanmelding (AVG art. 7; platform setting). */
export function parentConsentNeeded(platform: Pick<Platform, 'consent'>, age: number): boolean {
  return age < platform.consent.parentBelowAge;
}
