/**
 * Activation: an approved version takes effect now or from a set time.
 *
 * Invariants:
 * - Only an approved version that was never activated is activated, once (the database
 *   refuses a second time, migration 0006); `activeFrom` never lies in the past.
 * - No unconfirmed new access: when the version active now is not the one the approval's
 *   preview compared with, every decision this version newly allows over the active one
 *   must be among those the approver confirmed; otherwise 409 and nothing changes.
 * - The activation sends `NOTIFY jpp_policy` in its transaction, so every broker process
 *   reloads when it commits (policy-listener.ts); this process reloads right away.
 * - It writes a `policy-change` logboek entry in its transaction, naming the version it
 *   supersedes.
 */
import { AppError, validationError } from '../errors/app-error.js';
import { POLICY_CHANNEL } from './policy-listener.js';
import { exactImpact, tupleKey } from './policy-impact-fns.js';
import { findPreview, lockVersion, markActivated, notifyActivation } from './policy-version.repository.js';
import type { PolicyLifecycleContext } from './policy-lifecycle-context.js';
import type { PolicyActivationService } from './policy-lifecycle-types.js';

export function createPolicyActivationService(ctx: PolicyLifecycleContext): PolicyActivationService {
  const { db, platform, now } = ctx.deps;

  return {
    async activate(principal, version, body, traceId) {
      const id = await ctx.asManager(principal, traceId, async (w) => {
        const { trx, person } = w;
        const id = ctx.idOf(version);
        const req = ctx.check<{ activeFrom?: string }>(ctx.deps.schemas, 'policy-requests#/$defs/activate', body ?? {});
        const at = now();
        const activeFrom = req.activeFrom ? new Date(req.activeFrom) : at;
        if (activeFrom.getTime() < at.getTime() - 1000) throw validationError([{ pointer: '/activeFrom', code: 'in-past', detail: 'lies in the past; leave it out to activate now' }]);
        await lockVersion(trx, id);
        const v = await ctx.mustFind(trx, id);
        ctx.requireStep('activate', v, person);
        // The approval confirmed new access over the version active then. If another one took
        // over since, what this version newly allows over that one must be within that set.
        const active = ctx.deps.policy.active();
        const approval = v.approvalPreviewId ? await findPreview(trx, v.approvalPreviewId) : undefined;
        if (approval?.exact?.againstVersionId !== active.versionId) {
          const confirmed = new Set(approval?.exact?.newAccess ?? []);
          const table = (await ctx.deps.policy.compiled(trx, id, v.contentHash, v.modelText)).table;
          const unconfirmed = exactImpact(active.table, table, platform).newlyAllowed.filter((t) => !confirmed.has(tupleKey(t)));
          if (unconfirmed.length > 0) {
            throw new AppError(
              'conflict',
              `version ${id} would newly allow ${unconfirmed.length} decision(s) over version ${active.versionId}, active now, that its approval did not confirm; copy it into a new draft and have it reviewed again`,
              [{ pointer: '/confirmNewAccess', code: 'not-confirmed', detail: `the approval did not confirm ${unconfirmed.length} decision(s) newly allowed over version ${active.versionId}` }],
            );
          }
        }
        if (!(await markActivated(trx, id, activeFrom, at))) throw new AppError('conflict', `policy version ${id} was activated meanwhile`);
        await notifyActivation(trx, POLICY_CHANNEL, id);
        ctx.logStep(w, 'activated', { id, hash: v.contentHash }, {
          status: activeFrom.getTime() > at.getTime() ? 'scheduled' : 'active', activeFrom: activeFrom.toISOString(), previous: ctx.deps.policy.active().versionId,
        });
        return id;
      });
      // After the commit: this process reloads at once (others on NOTIFY jpp_policy).
      await ctx.deps.policy.reload();
      return ctx.summary(await ctx.mustFind(db, id));
    },
  };
}
