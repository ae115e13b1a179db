/**
 * The casus workflow of a JPP casusoverleg, as pure data: statuses, the moves between
 * them, and the closed lists of codes that the workflow records instead of free text.
 *
 * aangemeld → in-screening → besproken → vervolg → afgesloten, with op- or afschaling
 * (hand-over to a ZVH person-centred approach, or back to the local network) after the
 * bespreking. Free search is impossible: a query needs a casus in a queryable status.
 *
 * Invariants:
 * - No narrative anywhere: reasons, outcomes, vervolgactie kinds and defer reasons are codes.
 * - A closed casus (afgesloten) never moves again and cannot be queried.
 */
import { CASE_STATUSES } from '../db/migrations/0008-casus.js';

export { CASE_STATUSES };
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** From each status, where a casus may go next. */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  aangemeld: ['in-screening', 'afgesloten'],
  'in-screening': ['besproken', 'afgesloten'],
  besproken: ['vervolg', 'opgeschaald', 'afgeschaald', 'afgesloten'],
  vervolg: ['opgeschaald', 'afgeschaald', 'afgesloten'],
  opgeschaald: ['afgesloten'],
  afgeschaald: ['afgesloten'],
  afgesloten: [],
};

/** Statuses in which the broker answers "bekend?" for the casus: before the bespreking and during vervolg. */
export const QUERYABLE_STATUSES: ReadonlySet<CaseStatus> = new Set<CaseStatus>(['aangemeld', 'in-screening', 'vervolg']);

/** Statuses in which vervolgacties may be recorded. */
export const VERVOLG_STATUSES: ReadonlySet<CaseStatus> = new Set<CaseStatus>(['besproken', 'vervolg']);

/** Statuses that need a reason code (op- and afschaling). */
export const NEEDS_REASON: ReadonlySet<CaseStatus> = new Set<CaseStatus>(['opgeschaald', 'afgeschaald']);

/** Routes in that are not a platform partner. */
export const OTHER_ROUTES_IN = ['school', 'ouders-jongere', 'overig'] as const;

export const CASE_KINDS = ['person', 'group'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** How many subjects a casus of each kind holds. */
export const SUBJECT_COUNT: Readonly<Record<CaseKind, { min: number; max: number }>> = {
  person: { min: 1, max: 1 },
  group: { min: 2, max: 50 },
};

export function canMove(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
