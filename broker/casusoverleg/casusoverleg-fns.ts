/**
 * The casusoverleg's rules as pure functions (table-tested in test/unit/casusoverleg-fns.test.ts):
 * which partners a casus's invitation list names, which of them the policy lets the voorzitter
 * invite, which partners a consent record covers, and what a warme overdracht needs.
 *
 * Invariants:
 * - The list is derived, not typed: every partner with a hit in the casus's questions, the aanmelder
 *   (the route in, when it is a partner) and the regiehouder; the voorzitter may add a partner only
 *   with a reason code. Each partner appears once, in platform order, with all its grounds.
 * - Inviting is decided by the policy's action `uitnodigen` for the voorzitter's role, the casus's
 *   doel and the partner; `uitnodigen-met-toestemming` counts only for partners that consent in
 *   force covers for EVERY youth of the casus (an invitation tells that each of them is on the agenda).
 * - A partner the policy does not permit is not invited, and the reason says why in a code.
 */
import type { FieldError } from '../../protocol/schemas/schema-registry.js';
import type { PartnerScope, RuleRef } from '../policy/decision-table.js';
import { consentInForce, type ConsentState } from '../casus/consent-fns.js';
import { INVITATION_GROUNDS, type ExclusionReason, type InvitationGround, type InvitationReason } from './casusoverleg-types.js';

const DAY = 86_400_000;

export interface Candidate {
  readonly partner: string;
  readonly grounds: InvitationGround[];
  /** The categories that made the partner's hits (empty without a hit). */
  readonly categories: string[];
  readonly addedReason: InvitationReason | null;
}

/** The casus's invitation list before the policy: hits, aanmelder, regiehouder, and additions; once per partner, in platform order. */
export function deriveCandidates(input: {
  readonly partners: readonly string[];
  readonly hits: ReadonlyArray<{ readonly partner: string; readonly categories: readonly string[] }>;
  readonly routeIn: string;
  readonly regiehouder: string | null;
  readonly added?: ReadonlyArray<{ readonly partner: string; readonly reason: InvitationReason }>;
}): Candidate[] {
  const out: Candidate[] = [];
  for (const partner of input.partners) {
    const hits = input.hits.filter((h) => h.partner === partner);
    const added = input.added?.find((a) => a.partner === partner);
    const has: Record<InvitationGround, boolean> = {
      hit: hits.length > 0,
      aanmelder: input.routeIn === partner,
      regiehouder: input.regiehouder === partner,
      toegevoegd: added !== undefined,
    };
    const grounds = INVITATION_GROUNDS.filter((g) => has[g]);
    if (grounds.length === 0) continue;
    out.push({ partner, grounds, categories: [...new Set(hits.flatMap((h) => h.categories))].sort(), addedReason: added?.reason ?? null });
  }
  return out;
}

export type Decided = Candidate &
  ({ readonly invited: true; readonly consent: boolean; readonly basis: RuleRef[] } | { readonly invited: false; readonly consent: false; readonly reason: ExclusionReason; readonly basis: RuleRef[] });

/**
 * The policy's decision per candidate, from the decision table's scopes for `uitnodigen` (`plain`)
 * and `uitnodigen-met-toestemming` (`consented`), and the partners consent covers (consentCoverage).
 */
export function decideInvitations(
  candidates: readonly Candidate[],
  plain: readonly PartnerScope[],
  consented: readonly PartnerScope[],
  covered: ReadonlySet<string>,
): Decided[] {
  return candidates.map((c): Decided => {
    const p = plain.find((s) => s.partner === c.partner);
    const withConsent = consented.find((s) => s.partner === c.partner);
    if (p?.permitted) return { ...c, invited: true, consent: false, basis: [...p.basis] };
    if (withConsent?.permitted && covered.has(c.partner)) return { ...c, invited: true, consent: true, basis: [...withConsent.basis] };
    const basis = [...(p?.basis ?? [])];
    const reason: ExclusionReason = withConsent?.permitted ? 'toestemming-nodig' : basis.some((r) => r.effect === 'deny') ? 'geweigerd' : 'geen-regel';
    return { ...c, invited: false, consent: false, reason, basis };
  });
}

/**
 * The partners that consent in force covers for every subject of a casus, for `doel` at `now`: for
 * each subject the union of the partners its records in force name, intersected over the subjects.
 */
export function consentCoverage(
  subjectIds: readonly string[],
  consents: ReadonlyArray<ConsentState & { readonly subjectId: string; readonly partners: readonly string[] }>,
  doel: string,
  now: Date,
): Set<string> {
  let covered: Set<string> | undefined;
  for (const subjectId of subjectIds) {
    const mine = new Set(consents.filter((c) => c.subjectId === subjectId && consentInForce(c, doel, now)).flatMap((c) => c.partners));
    covered = covered === undefined ? mine : new Set([...covered].filter((p) => mine.has(p)));
  }
  return covered ?? new Set();
}

/** Field errors of a meeting's date: today or later (midnight UTC). */
export function meetingDateErrors(date: Date, now: Date): FieldError[] {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  return date.getTime() < today ? [{ pointer: '/date', code: 'in-past', detail: 'lies in the past' }] : [];
}

/**
 * Field errors of a vervolgactie's receiving partner: a warme overdracht names another partner
 * (`toPartner`) that consent in force covers for every youth of the casus (Halt refers "warm" only
 * with consent); any other kind names none.
 */
export function overdrachtErrors(req: { readonly kind: string; readonly partner: string; readonly toPartner?: string }, covered: ReadonlySet<string>): FieldError[] {
  if (req.kind !== 'warme-overdracht') {
    return req.toPartner === undefined ? [] : [{ pointer: '/toPartner', code: 'not-applicable', detail: 'is only given for a warme overdracht' }];
  }
  if (req.toPartner === undefined) return [{ pointer: '/toPartner', code: 'required', detail: 'is required for a warme overdracht' }];
  if (req.toPartner === req.partner) return [{ pointer: '/toPartner', code: 'mismatch', detail: 'must be another partner than the one that hands over' }];
  if (!covered.has(req.toPartner)) {
    return [{ pointer: '/toPartner', code: 'no-consent', detail: 'needs consent in force for every subject of this casus that names this partner' }];
  }
  return [];
}
