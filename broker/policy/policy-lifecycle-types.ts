/**
 * The types of the policy lifecycle (docs/policies.md): what the API, the web pages and the
 * command line see of a policy version, and the operations of its four services (versions,
 * analysis, review, activation; policy-lifecycle.service.ts composes them).
 */
import type { Principal } from '../auth/principal.js';
import type { PolicyState } from '../db/tables/policy-version.table.js';
import type { Grouping, PolicyTest, Rule } from './policy-content.js';
import type { LintFinding } from './policy-lint-fns.js';
import type { PolicyTestReport } from './policy-tests-fns.js';
import type { PolicyDiff } from './policy-diff-fns.js';
import type { ExactImpact, Impact } from './policy-impact-fns.js';
import type { Explanation } from './policy-explain-fns.js';
import type { PersonRef } from './policy-version.repository.js';

/** The stored state, or what `activated_at` and the clock make of an approved version. */
export type PolicyStatus = PolicyState | 'scheduled' | 'active' | 'superseded';

export interface PolicySummary {
  id: number;
  status: PolicyStatus;
  contentHash: string;
  source: string;
  basedOn: number | null;
  note: string;
  author: PersonRef;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  reviewer: PersonRef | null;
  reviewedAt: string | null;
  activeFrom: string | null;
  ruleCount: number;
  testCount: number;
}

export interface PolicyVersionView extends PolicySummary {
  modelText: string;
  rulesText: string;
  rules: Rule[];
  groupings: Grouping[];
  tests: PolicyTest[];
}

/** A result about one version, named by id and content hash. */
export type Versioned<T> = T & { version: number; contentHash: string };

export interface LintReport {
  errors: number;
  warnings: number;
  infos: number;
  findings: LintFinding[];
}

export type DiffReport = { from: { version: number; contentHash: string }; to: { version: number; contentHash: string } } & PolicyDiff;

/** The exact impact against the version active when the preview was fetched. */
export type ExactImpactView = ExactImpact & { against: { version: number; contentHash: string } };

/**
 * An impact preview: the replay of the questions logged in the last `days` days (top level:
 * `replayed`, `newlyAllowed` … count logged decisions), and the exact impact over the whole
 * decision space (`exact`), whose newly allowed decisions an approval must confirm.
 */
export type ImpactPreview = Versioned<Impact & { previewId: string; days: number; from: string; to: string; exact: ExactImpactView }>;

/** Drafts: list, read, create, edit rules and tests, and roll back (a new draft). */
export interface PolicyVersionsService {
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: PolicySummary[]; active: number | null }>;
  get(principal: Principal, version: string): Promise<PolicyVersionView>;
  create(principal: Principal, body: unknown, traceId: string): Promise<PolicyVersionView>;
  putRules(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicyVersionView>;
  putTests(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicyVersionView>;
  rollback(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicyVersionView>;
}

/** What a version would do: lint, tests, diff, impact preview, simulation. Reads only (the preview is recorded). */
export interface PolicyAnalysisService {
  lint(principal: Principal, version: string): Promise<Versioned<LintReport>>;
  test(principal: Principal, version: string): Promise<Versioned<PolicyTestReport>>;
  diff(principal: Principal, version: string, query: Record<string, unknown>): Promise<DiffReport>;
  impact(principal: Principal, version: string, query: Record<string, unknown>, traceId: string): Promise<ImpactPreview>;
  simulate(principal: Principal, version: string, body: unknown): Promise<Versioned<Explanation>>;
}

/** Four eyes: the author submits, another officer approves or rejects. */
export interface PolicyReviewService {
  submit(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
  approve(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
  reject(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
}

/** An approved version takes effect, now or from a set time. */
export interface PolicyActivationService {
  activate(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
}

export interface PolicyLifecycleService extends PolicyVersionsService, PolicyAnalysisService, PolicyReviewService, PolicyActivationService {}
