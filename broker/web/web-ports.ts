/**
 * The services of other modules that the web pages use, as the pages need them: the policy
 * lifecycle (docs/policies.md), the casus workflow, data-subject rights, retention and
 * monitoring (docs/casus.md). Their signatures are those of the services (principal first, bodies as
 * the API takes them, results as the API returns them), so the composition root passes the
 * services themselves. Where a service exports the type of a result, the port uses it;
 * the rest name only the fields the pages read.
 */
import type { Principal } from '../auth/principal.js';
import type { PolicyLifecycleService } from '../policy/policy-lifecycle.service.js';
import type { CasusView, NotificationView } from '../casus/casus.service.js';
import type { BezwaarView, HoldView, InzageReport, RightsService } from '../rights/rights.service.js';
import type { RetentionRun, RetentionService } from '../retention/retention.service.js';

/** The policy lifecycle (docs/policies.md), as the policy pages use it: the service's own types. */
export type PolicyPort = Pick<
  PolicyLifecycleService,
  'list' | 'get' | 'create' | 'putRules' | 'putTests' | 'lint' | 'test' | 'diff' | 'impact' | 'submit' | 'approve' | 'reject' | 'activate' | 'rollback' | 'simulate'
>;

export type NotificationStateView = NotificationView;

export type CasusDetail = CasusView;

/** The casus service (issue 7). */
export interface CasusPort {
  create(principal: Principal, body: unknown, traceId: string): Promise<CasusDetail>;
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: CasusDetail[]; nextCursor: string | null }>;
  get(principal: Principal, caseId: string): Promise<CasusDetail>;
  transition(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusDetail>;
  addVervolgactie(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusDetail>;
  completeVervolgactie(principal: Principal, caseId: string, actionId: string, traceId: string): Promise<CasusDetail>;
  setNotification(principal: Principal, caseId: string, subjectId: string, body: unknown, traceId: string): Promise<CasusDetail>;
  recordConsent(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusDetail>;
  withdrawConsent(principal: Principal, caseId: string, consentId: string, traceId: string): Promise<CasusDetail>;
  overdue(principal: Principal): Promise<{ items: Array<{ caseId: string; caseRef: string; subjectId: string; state: string; dueAt: string }>; total: number }>;
}

export type InzageView = InzageReport;

export type BezwaarItem = BezwaarView;

export type LegalHoldItem = HoldView;

/** Data-subject rights (issue 7): inzage, bezwaar and legal holds, as the rights service offers them. */
export type RightsPort = Pick<RightsService, 'inzage' | 'decideBezwaar' | 'liftBezwaar' | 'listBezwaren' | 'placeHold' | 'listHolds' | 'releaseHold'>;

export type RetentionRunView = RetentionRun;

/** Retention (issue 7): past runs with their logboek records, and a run on a person's request. */
export type RetentionPort = Pick<RetentionService, 'runFor' | 'list'>;

export interface MonitoringCellView {
  key: Record<string, string>;
  count: number | null;
  suppressed?: boolean;
}

export interface MonitoringView {
  period: { from: string; to: string };
  threshold: number;
  tables: Array<{ id: string; dimensions: string[]; cells: MonitoringCellView[]; total: { count: number | null; suppressed?: boolean } }>;
  medianDaysAanmeldingToBespreking: number | null;
}

/** Monitoring for the partneroverleg (issue 7). */
export interface MonitoringPort {
  report(principal: Principal, query: Record<string, unknown>, traceId: string): Promise<MonitoringView>;
}
