/**
 * What the casusoverleg services answer (docs/casusoverleg.md): a meeting with its agenda and per
 * casus the invitations (with the partners' contact points) and the partners the policy excluded;
 * and, for a partner, the casussen it is invited to with its own matching refs. Types and closed
 * lists only.
 */
import type { RuleRef } from '../policy/decision-table.js';
import type { OverdueVervolgactie } from '../casus/regie.service.js';

/** Why a partner is on a casus's invitation list: derived (hit, aanmelder, regiehouder) or added by the voorzitter. */
export const INVITATION_GROUNDS = ['hit', 'aanmelder', 'regiehouder', 'toegevoegd'] as const;
export type InvitationGround = (typeof INVITATION_GROUNDS)[number];

/** The voorzitter's reasons for adding a partner the derivation did not name (casus#/$defs/invitationReason). */
export const INVITATION_REASONS = ['betrokken-bij-gezin', 'lopende-hulpverlening', 'vervolgactie', 'warme-overdracht', 'expertise', 'overig'] as const;
export type InvitationReason = (typeof INVITATION_REASONS)[number];

/**
 * Why a candidate was not invited: the policy permits it only with consent in force for every youth
 * of the casus (`toestemming-nodig`), a deny rule refuses it (`geweigerd`), or no rule permits it (`geen-regel`).
 */
export type ExclusionReason = 'toestemming-nodig' | 'geweigerd' | 'geen-regel';

/** A partner's contact point for the casusoverleg (platform file): a functional team address, no personal data. */
export interface ContactPoint {
  team: string;
  email: string;
}

export interface InvitationView {
  partner: string;
  grounds: InvitationGround[];
  addedReason: InvitationReason | null;
  /** Whether the invitation relied on consent in force (action uitnodigen-met-toestemming). */
  consent: boolean;
  basis: RuleRef[];
  contact: ContactPoint | null;
  invitedAt: string;
}

export interface ExclusionView {
  partner: string;
  grounds: InvitationGround[];
  addedReason: InvitationReason | null;
  reason: ExclusionReason;
  basis: RuleRef[];
  decidedAt: string;
}

export interface AgendaItemView {
  caseId: string;
  caseRef: string;
  status: string;
  regiehouder: string | null;
  addedAt: string;
  invitations: InvitationView[];
  excluded: ExclusionView[];
}

export interface MeetingView {
  meetingId: string;
  platform: string;
  date: string;
  plannedBy: string;
  plannedAt: string;
  agenda: AgendaItemView[];
}

export interface MeetingSummary {
  meetingId: string;
  platform: string;
  date: string;
  agendaCount: number;
}

/** A vervolgactie as a partner sees it: only its own (it is the owner or the receiving partner). */
export interface PartnerVervolgactie {
  actionId: string;
  partner: string;
  kind: string;
  toPartner: string | null;
  dueDate: string;
  completedAt: string | null;
  overdue: boolean;
}

/** One casus a partner is invited to: never another partner's signals, never a subject. */
export interface PartnerInvitation {
  meetingId: string;
  date: string;
  caseId: string;
  caseRef: string;
  partner: string;
  /** The partner's own current signal refs that made its hit, so it can find the youth in its own system. */
  ownRefs: string[];
  regiehouder: string | null;
  vervolgacties: PartnerVervolgactie[];
}

/** An overdue vervolgactie of a casus whose regie the partner holds: the casus module's view, with its regiehouder known. */
export type RegieOverdueItem = OverdueVervolgactie & { regiehouder: string };

export interface PartnerOverview {
  /** The partners the caller speaks for: an adapter's one, or every partner of the person's organisation. */
  partners: string[];
  items: PartnerInvitation[];
  /** Overdue vervolgacties of open casussen whose regiehouder is one of `partners`. */
  regieOverdue: RegieOverdueItem[];
}
