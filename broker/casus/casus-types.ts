/** What the casus services answer: a casus, its notificatie per subject, and the overdue list. Types only. */
import type { CaseKind, CaseStatus } from './casus-workflow.js';

export interface NotificationView {
  state: 'pending' | 'informed' | 'deferred';
  informedAt: string | null;
  deferReason: string | null;
  deferredUntil: string | null;
  dueAt: string | null;
  overdue: boolean;
  /** When and by whom the current state was recorded; null while pending (by: null before migration 0180). */
  changedAt: string | null;
  changedBy: string | null;
}

export interface CasusView {
  caseId: string;
  caseRef: string;
  doel: string;
  routeIn: string;
  aanmeldcriteria: string[];
  kind: CaseKind;
  status: CaseStatus;
  openedBy: string;
  openedAt: string;
  statusChangedAt: string;
  closedAt: string | null;
  outcome: string | null;
  queryable: boolean;
  legalHold: boolean;
  subjects: Array<{
    subjectId: string;
    position: number;
    ageBand: string | null;
    parentConsentNeeded: boolean;
    notification: NotificationView;
    screenings?: { count: number; lastAt: string | null };
  }>;
  history?: Array<{ from: string | null; to: string; reason: string | null; outcome: string | null; by: string; at: string }>;
  consents?: ConsentView[];
  regie?: { partner: string; since: string; setBy: string | null } | null;
  vervolgacties?: Array<{ actionId: string; partner: string; kind: string; toPartner?: string; dueDate: string; completedAt: string | null; completedBy: string | null; createdBy: string; createdAt: string }>;
}

export interface ConsentView {
  consentId: string;
  subjectId: string;
  givenBy: 'jongere' | 'ouder' | 'beiden';
  partners: string[];
  doel: string;
  givenOn: string;
  validUntil: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  status: 'in-force' | 'withdrawn' | 'expired' | 'not-yet-valid';
  recordedBy: string;
  recordedAt: string;
}

export interface OverdueItem {
  caseId: string;
  caseRef: string;
  subjectId: string;
  state: 'pending' | 'deferred';
  dueAt: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
