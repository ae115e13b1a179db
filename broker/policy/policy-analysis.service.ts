/**
 * What a policy version would do, for privacy officers and juristen: lint, its decision-table
 * tests, the diff against another version, the impact preview, and the simulator.
 *
 * Invariants:
 * - Nothing here changes a version. Fetching an impact preview records it (an approval must
 *   name one) and, because it replays the disclosure log in aggregate, writes a `log-read`
 *   entry in the same transaction; the preview holds no subject, person or casus.
 * - The preview's exact impact compares with the version active when it is fetched, over
 *   the platform's whole decision space; it records the keys and the digest of the newly
 *   allowed decisions, which the approval must confirm.
 * - A draft is analysed as it is at one moment (locked while it is read and compiled).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { keyOf, listDisclosures, type DisclosureKey } from '../disclosures/disclosure.repository.js';
import { splitLines } from './policy-content.js';
import { countFindings, lintPolicy, lintTests } from './policy-lint-fns.js';
import { runPolicyTests } from './policy-tests-fns.js';
import { diffPolicies } from './policy-diff-fns.js';
import { createImpactReplay, exactImpact, tupleKey } from './policy-impact-fns.js';
import { explain, type SimulateRequest } from './policy-explain-fns.js';
import { findVersion, insertPreview, readLines, type StoredPolicyVersion } from './policy-version.repository.js';
import type { PolicyLifecycleContext } from './policy-lifecycle-context.js';
import type { PolicyAnalysisService } from './policy-lifecycle-types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 1000;

export function createPolicyAnalysisService(ctx: PolicyLifecycleContext): PolicyAnalysisService {
  const { platform, now } = ctx.deps;

  return {
    lint: (principal, version) =>
      ctx.asReader(principal, '', async (w) => {
        const id = ctx.idOf(version);
        const { v, lines } = await ctx.load(w.trx, id, false);
        const findings = [...(await lintPolicy(v.modelText, lines, platform)), ...lintTests(v.tests, splitLines(lines).rules, platform)];
        return { version: id, contentHash: v.contentHash, ...countFindings(findings), findings };
      }),

    test: (principal, version) =>
      ctx.asReader(principal, '', async (w) => {
        const id = ctx.idOf(version);
        const { v, compiled } = await ctx.load(w.trx, id, true);
        return { version: id, contentHash: v.contentHash, ...runPolicyTests(compiled!.table, v.tests) };
      }),

    diff: (principal, version, query) =>
      ctx.asReader(principal, '', async (w) => {
        const id = ctx.idOf(version);
        const q = ctx.check<{ against?: number }>(ctx.deps.querySchemas, 'policy-requests#/$defs/diffQuery', { ...query });
        const againstId = q.against ?? ctx.deps.policy.active().versionId;
        const [to, from] = [await ctx.mustFind(w.trx, id), await findVersion(w.trx, againstId)];
        if (!from) throw new AppError('not-found', `there is no policy version ${againstId}`, [{ pointer: '/against', code: 'not-found', detail: 'is not a policy version' }]);
        const side = async (v: StoredPolicyVersion) => ({ ...splitLines(await readLines(w.trx, v.id)), tests: v.tests });
        return {
          from: { version: from.id, contentHash: from.contentHash },
          to: { version: to.id, contentHash: to.contentHash },
          ...diffPolicies(await side(from), await side(to)),
        };
      }),

    impact: (principal, version, query, traceId) =>
      ctx.asReader(principal, traceId, async (w) => {
        const { trx, person } = w;
        const id = ctx.idOf(version);
        const q = ctx.check<{ days: number }>(ctx.deps.querySchemas, 'policy-requests#/$defs/impactQuery', { ...query });
        const to = now();
        const from = new Date(to.getTime() - q.days * DAY_MS);
        const { v, compiled } = await ctx.load(trx, id, true);
        const replay = createImpactReplay(compiled!.table);
        // One disclosure per answer, whichever form logged it (an entry per partner, or a question's entry).
        for (let before: DisclosureKey | undefined; ; ) {
          // `to` is exclusive in the filter; what was logged at this very moment counts too.
          const page = await listDisclosures(trx, { from, to: new Date(to.getTime() + 1), limit: PAGE, ...(before !== undefined ? { before } : {}) });
          for (const d of page.slice(0, PAGE)) replay.add(d);
          if (page.length <= PAGE) break;
          before = keyOf(page[PAGE - 1]!);
        }
        const impact = replay.result();
        const active = ctx.deps.policy.active();
        const exact = exactImpact(active.table, compiled!.table, platform);
        const previewId = randomUUID();
        await insertPreview(trx, {
          id: previewId, versionId: id, contentHash: v.contentHash, personId: person.id, days: q.days,
          replayed: impact.replayed, newlyAllowed: impact.newlyAllowed.total, newlyDenied: impact.newlyDenied.total, createdAt: now(),
          exact: {
            againstVersionId: active.versionId, againstHash: active.contentHash, newAccess: exact.newlyAllowed.map(tupleKey),
            newAccessDigest: exact.newAccessDigest, newlyDenied: exact.newlyDenied.length,
          },
        });
        w.log({
          action: 'log-read',
          outcome: 'read',
          policy: { version: id, hash: v.contentHash },
          details: { resource: 'policy-impact', previewId, days: q.days, replayed: impact.replayed, against: active.versionId, newAccess: exact.newlyAllowed.length },
        });
        return {
          previewId, version: id, contentHash: v.contentHash, days: q.days, from: from.toISOString(), to: to.toISOString(), ...impact,
          exact: { against: { version: active.versionId, contentHash: active.contentHash }, ...exact },
        };
      }),

    simulate: (principal, version, body) =>
      ctx.asReader(principal, '', async (w) => {
        const id = ctx.idOf(version);
        const req = ctx.check<SimulateRequest>(ctx.deps.schemas, 'policy-requests#/$defs/simulate', body);
        const { v, lines, compiled } = await ctx.load(w.trx, id, true);
        return { version: id, contentHash: v.contentHash, ...explain(compiled!, splitLines(lines).rules, req) };
      }),
  };
}
