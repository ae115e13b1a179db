/**
 * The services of other modules that the web pages use, as the pages need them: the policy
 * lifecycle (docs/policies.md), the casus workflow, data-subject rights, retention and
 * monitoring (docs/casus.md). Their signatures are those of the services (principal first, bodies as
 * the API takes them, results as the API returns them), so the composition root passes the
 * services themselves. Where a service exports the type of a result, the port uses it;
 * the rest name only the fields the pages read.
 */
import type { Principal } from '../auth/principal.js';
import type { Rule } from '../policy/policy-content.js';
import type { PolicySummary } from '../policy/policy-lifecycle.service.js';
import type { CasusView, NotificationView } from '../casus/casus.service.js';
import type { BezwaarView, HoldView, InzageReport, RightsService } from '../rights/rights.service.js';
import type { RetentionRun, RetentionService } from '../retention/retention.service.js';

export type PolicySummaryView = PolicySummary;

export type RuleView = Rule;

export interface PolicyTestView {
  role: string;
  doel: string;
  partner: string;
  category: string;
  action: string;
  expect: string;
  rule: string;
}

export interface PolicyVersionDetail extends PolicySummaryView {
  rules: RuleView[];
  groupings: unknown[];
  tests: PolicyTestView[];
}

export interface LintFindingView {
  severity: 'error' | 'warning' | 'info';
  code: string;
  rule: string | null;
  message: string;
  pointer?: string;
}

export interface TestResultView {
  index: number;
  role: string;
  doel: string;
  partner: string;
  category: string;
  action: string;
  expect: string;
  expectRule: string;
  actual: string;
  actualRule: string | null;
  grondslag: string | null;
  pass: boolean;
}

export interface ImpactCounts {
  total: number;
  byRole: Record<string, number>;
  byDoel: Record<string, number>;
  byPartner: Record<string, number>;
}

export interface ImpactView {
  previewId: string;
  days: number;
  from: string;
  to: string;
  replayed: number;
  unchanged: number;
  newlyAllowed: ImpactCounts;
  newlyDenied: ImpactCounts;
  changes: Array<{ role: string; doel: string; partner: string; action: string; before: string; after: string; afterRules?: string[]; count: number }>;
}

export interface DiffView {
  from: { version: number; contentHash: string };
  to: { version: number; contentHash: string };
  added: RuleView[];
  removed: RuleView[];
  changed: Array<{ id: string; fields: string[]; before: RuleView; after: RuleView }>;
  unchanged: number;
}

export interface ExplanationView {
  decision: 'allow' | 'deny';
  rule: { rule: string; effect: string; grondslag: string } | null;
  nearest: null | {
    rule: RuleView;
    score: number;
    matched: string[];
    mismatched: Array<{ field: string; expected: string; actual: string; reason: string }>;
  };
}

/** The policy lifecycle service (issue 5). */
export interface PolicyPort {
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: PolicySummaryView[]; active: number | null }>;
  get(principal: Principal, version: string): Promise<PolicyVersionDetail>;
  create(principal: Principal, body: unknown, traceId: string): Promise<{ id: number }>;
  putRules(principal: Principal, version: string, body: unknown, traceId: string): Promise<unknown>;
  lint(principal: Principal, version: string): Promise<{ errors: number; warnings: number; infos: number; findings: LintFindingView[] }>;
  test(principal: Principal, version: string): Promise<{ passed: number; failed: number; results: TestResultView[] }>;
  diff(principal: Principal, version: string, query: Record<string, unknown>): Promise<DiffView>;
  impact(principal: Principal, version: string, query: Record<string, unknown>, traceId: string): Promise<ImpactView>;
  submit(principal: Principal, version: string, body: unknown, traceId: string): Promise<unknown>;
  approve(principal: Principal, version: string, body: unknown, traceId: string): Promise<unknown>;
  reject(principal: Principal, version: string, body: unknown, traceId: string): Promise<unknown>;
  activate(principal: Principal, version: string, body: unknown, traceId: string): Promise<unknown>;
  /** A new draft that copies a superseded version (POST /v1/policies/{version}/rollback). */
  rollback(principal: Principal, version: string, body: unknown, traceId: string): Promise<{ id: number }>;
  simulate(principal: Principal, version: string, body: unknown): Promise<ExplanationView>;
}

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
