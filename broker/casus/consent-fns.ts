/**
 * Consent as a record (issue 18 item 5, docs/casus.md), the rules that need no database: who may
 * give it for a youth of this age, whether a record is in force for a question, and which
 * partners a question may ask with it.
 *
 * Invariants:
 * - Consent is given by the youth, a parent or guardian, or both (AVG art. 6(1)(a) and 7); below
 *   the platform's `consent.parentBelowAge` a parent or guardian must consent, from that age the youth.
 * - A record is in force from `givenOn` up to and including `validUntil`, for its doel only, until
 *   withdrawn (AVG art. 7(3): withdrawal does not affect what was lawful before it).
 * - A partner that only the consent rules permit is asked only when a record in force names it;
 *   otherwise it gets the answer without consent (for a consent-only partner: `not-permitted`).
 */
import type { FieldError } from '../../protocol/schemas/schema-registry.js';

export const CONSENT_GIVERS = ['jongere', 'ouder', 'beiden'] as const;
export type ConsentGiver = (typeof CONSENT_GIVERS)[number];

const DAY = 86_400_000;

/** Field errors of who gave consent, for a subject that does or does not need a parent's consent. */
export function giverErrors(givenBy: ConsentGiver, parentConsentNeeded: boolean): FieldError[] {
  if (parentConsentNeeded && givenBy === 'jongere') {
    return [{ pointer: '/givenBy', code: 'mismatch', detail: 'must include a parent or guardian: the youth was below the platform\'s consent age at aanmelding' }];
  }
  if (!parentConsentNeeded && givenBy === 'ouder') {
    return [{ pointer: '/givenBy', code: 'mismatch', detail: 'must include the youth: from the platform\'s consent age the youth consents' }];
  }
  return [];
}

/** Field errors of a record's period: given on or before today, valid until after that and not already past. */
export function periodErrors(givenOn: Date, validUntil: Date, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const today = Math.floor(now.getTime() / DAY) * DAY;
  if (givenOn.getTime() > today) errors.push({ pointer: '/givenOn', code: 'in-future', detail: 'lies in the future' });
  if (validUntil.getTime() <= givenOn.getTime()) errors.push({ pointer: '/validUntil', code: 'before-start', detail: 'must lie after givenOn' });
  else if (validUntil.getTime() < today) errors.push({ pointer: '/validUntil', code: 'in-past', detail: 'lies in the past: this consent has expired already' });
  return errors;
}

export interface ConsentState {
  readonly doel: string;
  readonly givenOn: Date;
  readonly validUntil: Date;
  readonly withdrawnAt: Date | null;
}

/** Why a record is not in force now (or `in-force`): withdrawn, expired, not yet valid. */
export function consentStatus(c: Omit<ConsentState, 'doel'>, now: Date): 'in-force' | 'withdrawn' | 'expired' | 'not-yet-valid' {
  if (c.withdrawnAt && c.withdrawnAt.getTime() <= now.getTime()) return 'withdrawn';
  if (now.getTime() >= c.validUntil.getTime() + DAY) return 'expired';
  if (now.getTime() < c.givenOn.getTime()) return 'not-yet-valid';
  return 'in-force';
}

/** Whether a record is in force for a question under `doel` at `now`. */
export function consentInForce(c: ConsentState, doel: string, now: Date): boolean {
  return c.doel === doel && consentStatus(c, now) === 'in-force';
}

/**
 * Per partner, whether the question may use the consent rules: only for partners that a record in
 * force names. `undefined` consent: no partner.
 */
export function consentPartners(consent: { readonly partners: readonly string[] } | undefined, inForce: boolean): ReadonlySet<string> {
  return new Set(consent && inForce ? consent.partners : []);
}
