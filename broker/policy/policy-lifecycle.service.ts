/**
 * The policy lifecycle for privacy officers (FG): draft → submitted → approved → active
 * (optionally from a set time) → superseded, with lint, tests, diff, explain and an
 * impact preview along the way (docs/policies.md). One service for the routes, the web
 * pages and the command line, made of four:
 *
 * - versions (policy-versions.service.ts): list, read, create, edit rules and tests, roll back;
 * - analysis (policy-analysis.service.ts): lint, tests, diff, impact preview, simulate;
 * - review (policy-review.service.ts): submit, approve (four eyes), reject;
 * - activation (policy-activation.service.ts): activate now or from a set time.
 *
 * Invariants (each service's header states its own):
 * - Access checks live in the services: `manage-policy` to change anything, `read-policy`
 *   (or `manage-policy`) to read; a person who changes something must also hold the role
 *   in the broker's register.
 * - Only a draft's author edits or submits it. The approver is never the author (four
 *   eyes), which the database enforces as well (CHECK in migration 0006).
 * - History is never rewritten: versions are not deleted, content freezes at submission,
 *   and a rollback is a new draft that copies an old version.
 * - Every step that changes something writes a `policy-change` logboek entry in its own
 *   transaction; fetching an impact preview writes a `log-read` entry.
 */
import { createPolicyLifecycleContext, type PolicyLifecycleDeps } from './policy-lifecycle-context.js';
import { createPolicyVersionsService } from './policy-versions.service.js';
import { createPolicyAnalysisService } from './policy-analysis.service.js';
import { createPolicyReviewService } from './policy-review.service.js';
import { createPolicyActivationService } from './policy-activation.service.js';
import type { PolicyLifecycleService } from './policy-lifecycle-types.js';

export type { PolicyLifecycleService, PolicyStatus, PolicySummary, PolicyVersionView } from './policy-lifecycle-types.js';
export type { PolicyLifecycleDeps } from './policy-lifecycle-context.js';

export function createPolicyLifecycleService(deps: PolicyLifecycleDeps): PolicyLifecycleService {
  const ctx = createPolicyLifecycleContext(deps);
  return {
    ...createPolicyVersionsService(ctx),
    ...createPolicyAnalysisService(ctx),
    ...createPolicyReviewService(ctx),
    ...createPolicyActivationService(ctx),
  };
}
