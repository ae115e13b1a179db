/**
 * What the rights services answer (inzage, bezwaar, legal hold, verzoeken), and the views built
 * from their rows. Types and pure view functions only.
 */
import type { RuleRef } from '../policy/decision-table.js';
import type { BezwaarRow } from './bezwaar.repository.js';
import type { HoldRow } from './legal-hold.repository.js';
import type { VerzoekRow } from './verzoek.repository.js';
import { answeredOnTime, isOverdue } from './verzoek-fns.js';

export interface InzageReport {
  reportId: string;
  generatedAt: string;
  generatedBy: string;
  complete: true;
  total: number;
  disclosures: Array<{
    entryId: number;
    loggedAt: string;
    partner: string;
    outcome: 'hit' | 'no-hit' | 'not-permitted';
    toRole: string;
    toOrganisation: string;
    doel: string;
    grondslagen: RuleRef[];
    caseRef: string | null;
    queryId: string | null;
  }>;
  notifications: Array<{ caseRef: string; state: string; at: string }>;
  bezwaren: BezwaarView[];
  /** Who made the report, in words: the role and organisation (never a person's id). */
  generatedByName: string;
  /** Every source of INZAGE_SOURCES (inzage-sources.ts), in its order, with its items and its independent count. */
  sections: InzageSection[];
  /** The sum of the sections: listed items against the counts taken apart from the listing. */
  completeness: { listed: number; counted: number; complete: boolean };
}

export interface InzageSection {
  source: string;
  title: string;
  empty: string;
  listed: number;
  counted: number;
  items: Array<{ text: string; data: Record<string, unknown> }>;
}

export interface BezwaarView {
  bezwaarId: string;
  doelen: string[];
  decision: 'upheld' | 'rejected';
  decidedBy: string;
  decidedAt: string;
  liftedAt: string | null;
  active: boolean;
  /** `beperking`: a restriction of processing (AVG art. 18) for every doel. */
  kind: 'bezwaar' | 'beperking';
}

export interface HoldView {
  holdId: string;
  scope: 'case' | 'subject';
  caseId: string | null;
  caseRef: string | null;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedAt: string | null;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const bezwaarView = (b: BezwaarRow): BezwaarView => ({
  bezwaarId: b.id,
  doelen: b.doelen,
  decision: b.decision,
  decidedBy: b.decidedBy,
  decidedAt: b.decidedAt.toISOString(),
  liftedAt: b.liftedAt?.toISOString() ?? null,
  active: b.decision === 'upheld' && b.liftedAt === null,
  kind: b.kind,
});

export const holdView = (h: HoldRow): HoldView => ({
  holdId: h.id,
  scope: h.scope,
  caseId: h.caseId,
  caseRef: h.caseRef,
  reason: h.reason,
  placedBy: h.placedBy,
  placedAt: h.placedAt.toISOString(),
  releasedAt: h.releasedAt?.toISOString() ?? null,
});

/** A verzoek van een betrokkene as the API and the web show it: never whom it is about. */
export interface VerzoekView {
  verzoekId: string;
  type: VerzoekRow['type'];
  requester: VerzoekRow['requester'];
  identityCheck: string;
  receivedOn: string;
  deadline: string;
  extendedUntil: string | null;
  extensionReason: string | null;
  status: 'open' | 'answered';
  decision: VerzoekRow['decision'];
  grondslag: string | null;
  answeredOn: string | null;
  answeredBy: string | null;
  registeredBy: string;
  registeredAt: string;
  overdue: boolean;
  onTime: boolean | null;
}

/** The view of a verzoek on `today` (Europe/Amsterdam), which decides whether it is overdue. */
export const verzoekView = (v: VerzoekRow, today: string): VerzoekView => ({
  verzoekId: v.id,
  type: v.type,
  requester: v.requester,
  identityCheck: v.identityCheck,
  receivedOn: v.receivedOn,
  deadline: v.deadline,
  extendedUntil: v.extendedUntil,
  extensionReason: v.extensionReason,
  status: v.status,
  decision: v.decision,
  grondslag: v.grondslag,
  answeredOn: v.answeredOn,
  answeredBy: v.answeredBy,
  registeredBy: v.registeredBy,
  registeredAt: v.registeredAt.toISOString(),
  overdue: isOverdue(v, today),
  onTime: answeredOnTime(v),
});
