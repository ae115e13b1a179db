/**
 * Activation: an approved version takes effect now or from a set time.
 *
 * Invariants:
 * - Only an approved version that was never activated is activated, once (the database
 *   refuses a second time, migration 0006); `activeFrom` never lies in the past.
 * - The activation sends `NOTIFY jpp_policy` in its transaction, so every broker process
 *   reloads when it commits (policy-listener.ts); this process reloads right away.
 * - It writes a `policy-change` logboek entry in its transaction, naming the version it
 *   supersedes.
 */
import { AppError, validationError } from '../errors/app-error.js';
import { requireRegistered } from '../people/require-registered.js';
import { POLICY_CHANNEL } from './policy-listener.js';
import { lockVersion, markActivated, notifyActivation } from './policy-version.repository.js';
import type { PolicyLifecycleContext } from './policy-lifecycle-context.js';
import type { PolicyActivationService } from './policy-lifecycle-types.js';

export function createPolicyActivationService(ctx: PolicyLifecycleContext): PolicyActivationService {
  const { db, now } = ctx.deps;

  return {
    async activate(principal, version, body, traceId) {
      const startedAt = now();
      const person = ctx.manager(principal);
      const id = ctx.idOf(version);
      const req = ctx.check<{ activeFrom?: string }>(ctx.deps.schemas, 'policy-requests#/$defs/activate', body ?? {});
      const at = now();
      const activeFrom = req.activeFrom ? new Date(req.activeFrom) : at;
      if (activeFrom.getTime() < at.getTime() - 1000) throw validationError([{ pointer: '/activeFrom', detail: 'lies in the past; leave it out to activate now' }]);
      await db.transaction().execute(async (trx) => {
        await lockVersion(trx, id);
        const v = await ctx.mustFind(trx, id);
        ctx.requireStep('activate', v, person);
        await requireRegistered(trx, person);
        if (!(await markActivated(trx, id, activeFrom, at))) throw new AppError('conflict', `policy version ${id} was activated meanwhile`);
        await notifyActivation(trx, POLICY_CHANNEL, id);
        await ctx.logStep(trx, person, 'activated', { id, hash: v.contentHash }, traceId, startedAt, {
          status: activeFrom.getTime() > at.getTime() ? 'scheduled' : 'active', activeFrom: activeFrom.toISOString(), previous: ctx.deps.policy.active().versionId,
        });
      });
      ctx.deps.log.committed();
      await ctx.deps.policy.reload();
      return ctx.summary(await ctx.mustFind(db, id));
    },
  };
}
