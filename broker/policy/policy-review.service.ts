/**
 * Four eyes on a policy change: the author submits a draft; another privacy officer
 * approves it, having fetched its impact preview, or either rejects it.
 *
 * Invariants:
 * - Submission runs lint (of rules and tests) and the version's stored tests in the submitting transaction;
 *   any lint error or failing test refuses it and nothing changes. From then on the
 *   version's content is frozen (the database refuses changes, migration 0006).
 * - The approver is never the author (also a database CHECK, migration 0006).
 * - Approval names an impact preview that this approver fetched for this exact content
 *   (contentHash) within the last 24 hours, against the version active now. If its exact
 *   impact shows decisions that become allowed, the approval carries the preview's digest
 *   of them (`confirmNewAccess`): the approver confirmed that set, every decision of it.
 *   The database refuses the status change otherwise (migration 0050).
 * - Every step writes a `policy-change` logboek entry in its transaction.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { FieldError } from '../../protocol/schemas/schema-registry.js';
import { compilePolicyWith } from './compiled-policy.js';
import { createKyselyAdapter } from './kysely-adapter.js';
import { lintPolicy, lintTests } from './policy-lint-fns.js';
import { splitLines } from './policy-content.js';
import { describeResult, runPolicyTests } from './policy-tests-fns.js';
import { findPreview, lockVersion, markReviewed, markSubmitted, readLines, updateNote } from './policy-version.repository.js';
import { exactRefusal, previewRefusal } from './policy-status-fns.js';
import type { PolicyLifecycleContext } from './policy-lifecycle-context.js';
import type { PolicyReviewService } from './policy-lifecycle-types.js';

export function createPolicyReviewService(ctx: PolicyLifecycleContext): PolicyReviewService {
  const { platform, now } = ctx.deps;

  return {
    submit: (principal, version, body, traceId) =>
      ctx.asManager(principal, traceId, async (w) => {
        const { trx, person } = w;
        const id = ctx.idOf(version);
        const req = ctx.check<{ note?: string }>(ctx.deps.schemas, 'policy-requests#/$defs/submit', body ?? {});
        await lockVersion(trx, id);
        const v = await ctx.mustFind(trx, id);
        ctx.requireStep('submit', v, person);
        const lines = await readLines(trx, id);
        const findings = [...(await lintPolicy(v.modelText, lines, platform)), ...lintTests(v.tests, splitLines(lines).rules, platform)].filter((f) => f.severity === 'error');
        const report = runPolicyTests((await compilePolicyWith(v.modelText, createKyselyAdapter(trx, id), platform)).table, v.tests);
        if (findings.length > 0 || report.failed > 0) {
          const errors: FieldError[] = [
            ...findings.map((f) => ({ pointer: f.pointer, code: 'invalid' as const, detail: `${f.code}: ${f.message}` })),
            ...report.results.filter((r) => !r.pass).map((r) => ({ pointer: `/tests/${r.index}`, code: 'mismatch' as const, detail: describeResult(r) })),
          ];
          throw new AppError(
            'validation',
            `draft ${id} cannot be submitted: ${findings.length} lint error(s), ${report.failed} failing test(s) of ${report.results.length}`,
            errors,
          );
        }
        if (!(await markSubmitted(trx, id, now(), req.note))) throw new AppError('conflict', `policy version ${id} is no longer a draft`);
        ctx.logStep(w, 'submitted', { id, hash: v.contentHash }, { status: 'submitted', testsPassed: report.passed });
        return ctx.summary(await ctx.mustFind(trx, id));
      }),

    approve: (principal, version, body, traceId) =>
      ctx.asManager(principal, traceId, async (w) => {
        const { trx, person } = w;
        const id = ctx.idOf(version);
        const req = ctx.check<{ previewId: string; confirmNewAccess?: string }>(ctx.deps.schemas, 'policy-requests#/$defs/approve', body);
        await lockVersion(trx, id);
        const v = await ctx.mustFind(trx, id);
        ctx.requireStep('approve', v, person);
        const preview = await findPreview(trx, req.previewId);
        const refusal = previewRefusal(preview, v, person.id, now()) ?? exactRefusal(preview!.exact, ctx.deps.policy.active().versionId);
        if (refusal) throw validationError([{ pointer: '/previewId', code: 'outdated', detail: refusal }]);
        const exact = preview!.exact!;
        const newAccess = exact.newAccess.length;
        if (newAccess > 0 && req.confirmNewAccess !== exact.newAccessDigest) {
          throw validationError(
            [{
              pointer: '/confirmNewAccess',
              code: 'not-confirmed', detail: `must be the preview's exact.newAccessDigest: it shows ${newAccess} newly allowed decision(s), and the approval confirms each of them`,
            }],
            `version ${id} opens new access (${newAccess} decision(s) newly allowed over version ${exact.againstVersionId ?? 'none'}); confirm them with confirmNewAccess set to the preview's digest`,
          );
        }
        const approved = await markReviewed(trx, id, {
          state: 'approved', reviewer: ctx.personRef(person), at: now(), approvalPreviewId: preview!.id, confirmedNewAccess: newAccess > 0 ? exact.newAccessDigest : null,
        });
        if (!approved) throw new AppError('conflict', `policy version ${id} is no longer submitted`);
        ctx.logStep(w, 'approved', { id, hash: v.contentHash }, {
          status: 'approved', previewId: req.previewId, against: exact.againstVersionId, newAccess, newlyAllowed: preview!.newlyAllowed, confirmNewAccess: newAccess > 0,
        });
        return ctx.summary(await ctx.mustFind(trx, id));
      }),

    reject: (principal, version, body, traceId) =>
      ctx.asManager(principal, traceId, async (w) => {
        const { trx, person } = w;
        const id = ctx.idOf(version);
        const req = ctx.check<{ note: string }>(ctx.deps.schemas, 'policy-requests#/$defs/reject', body);
        await lockVersion(trx, id);
        const v = await ctx.mustFind(trx, id);
        ctx.requireStep('reject', v, person);
        await markReviewed(trx, id, { state: 'rejected', reviewer: ctx.personRef(person), at: now() });
        const withdrawn = v.author.id === person.id;
        await updateNote(trx, id, `${v.note}${v.note ? '\n\n' : ''}${withdrawn ? 'Ingetrokken door de auteur' : 'Afgewezen'}: ${req.note}`);
        ctx.logStep(w, 'rejected', { id, hash: v.contentHash }, { status: 'rejected', withdrawn });
        return ctx.summary(await ctx.mustFind(trx, id));
      }),
  };
}
