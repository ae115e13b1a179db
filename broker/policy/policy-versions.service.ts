/**
 * Policy versions and their drafts: list and read versions; create a draft (a copy, the
 * platform's seed set, or an imported file), edit its rules and tests, and roll back (a new
 * draft that copies a superseded version).
 *
 * Invariants:
 * - Only a draft's author edits it, under a row lock, and only while it is a draft; with
 *   `expectedHash` an edit that someone else's save overtook is refused (409).
 * - History is never rewritten: versions are not deleted, and a rollback is a new draft.
 * - Every draft has a toelichting (note): why the change (the schema requires it, not empty).
 * - Every change writes a `policy-change` logboek entry in its own transaction.
 */
import type { PolicyChangeDetails } from '../logboek/log-vocabulary.js';
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Executor } from '../db/database.js';
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { FieldError } from '../../protocol/schemas/schema-registry.js';
import { contentHash, linesFromText, linesOf, testsFromText, type Grouping, type PolicyLine, type PolicyTest, type Rule } from './policy-content.js';
import { readSeedFiles } from './policy.service.js';
import { findVersion, insertDraft, listVersions, lockVersion, readLines, replaceLines, updateDraft, type StoredPolicyVersion } from './policy-version.repository.js';
import type { PolicyLifecycleContext } from './policy-lifecycle-context.js';
import type { PersonWork } from '../unit-of-work/unit-of-work.js';
import type { PolicyStatus, PolicyVersionView, PolicyVersionsService } from './policy-lifecycle-types.js';

/** Field errors for rule ids used twice, at the second use. */
function duplicateIds(lines: readonly PolicyLine[], pointerOf: (ruleIndex: number) => string): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  lines
    .filter((l) => l.ptype === 'p')
    .forEach((l, i) => {
      const id = l.values[0] ?? '';
      if (id && seen.has(id)) errors.push({ pointer: pointerOf(i), code: 'duplicate', detail: `rule id ${id} is used twice` });
      seen.add(id);
    });
  return errors;
}

function parseRulesText(text: string, pointer: string): PolicyLine[] {
  try {
    return linesFromText(text);
  } catch (err) {
    throw validationError([{ pointer, code: 'invalid-format', detail: `is not valid policy CSV: ${(err as Error).message}` }]);
  }
}

export function createPolicyVersionsService(ctx: PolicyLifecycleContext): PolicyVersionsService {
  const { platform, now } = ctx.deps;

  /** Edits a draft in the caller's unit of work: lock, check state, author and expected hash, then `change`. */
  const editDraft = async (
    w: PersonWork,
    version: string,
    expectedHash: string | undefined,
    change: (trx: Executor, v: StoredPolicyVersion) => Promise<{ hash: string; outcome: 'rules-edited' | 'tests-edited'; details: PolicyChangeDetails }>,
  ): Promise<PolicyVersionView> => {
    const { trx, person } = w;
    const id = ctx.idOf(version);
    await lockVersion(trx, id);
    const v = await ctx.mustFind(trx, id);
    ctx.requireStep('edit', v, person);
    if (expectedHash && expectedHash !== v.contentHash) {
      throw new AppError('conflict', `draft ${id} was changed meanwhile (its hash is no longer expectedHash); reload it and edit again`, [
        { pointer: '/expectedHash', code: 'outdated', detail: 'does not match the current content hash' },
      ]);
    }
    const { hash, outcome, details } = await change(trx, v);
    ctx.logStep(w, outcome, { id, hash }, { status: 'draft', ...details });
    return ctx.view(trx, await ctx.mustFind(trx, id));
  };

  return {
    list: (principal, query) =>
      ctx.asReader(principal, '', async (w) => {
        const q = ctx.check<{ status?: PolicyStatus }>(ctx.deps.querySchemas, 'policy-requests#/$defs/listQuery', { ...query });
        const items = (await listVersions(w.trx)).map(ctx.summary).filter((s) => !q.status || s.status === q.status);
        return { items, active: ctx.deps.policy.active().versionId };
      }),

    get: (principal, version) =>
      ctx.asReader(principal, '', async (w) => {
        const id = ctx.idOf(version);
        return ctx.view(w.trx, await ctx.mustFind(w.trx, id));
      }),

    create: (principal, body, traceId) =>
      ctx.asManager(principal, traceId, async (w) => {
        const { trx, person } = w;
        const req = ctx.check<{ copyOf?: number; seed?: true; rulesText?: string; testsText?: string; source?: string; note: string }>(
          ctx.deps.schemas,
          'policy-requests#/$defs/create',
          body,
        );
        let content: { modelText: string; lines: PolicyLine[]; tests: PolicyTest[]; source: string; basedOn: number | null };
        if (req.copyOf !== undefined) {
          const from = await findVersion(trx, req.copyOf);
          if (!from) throw validationError([{ pointer: '/copyOf', code: 'not-found', detail: 'is not a policy version' }]);
          content = { modelText: from.modelText, lines: await readLines(trx, from.id), tests: from.tests, source: `copy:${from.id}`, basedOn: from.id };
        } else if (req.seed) {
          const seed = readSeedFiles(ctx.deps.modelFile, platform);
          content = { modelText: seed.modelText, lines: linesFromText(seed.rulesText), tests: seed.tests, source: `import:${basename(platform.policyFile)}`, basedOn: null };
        } else {
          const lines = parseRulesText(req.rulesText!, '/rulesText');
          let tests: PolicyTest[] = [];
          try {
            tests = req.testsText ? testsFromText(req.testsText) : [];
          } catch (err) {
            throw validationError([{ pointer: '/testsText', code: 'invalid-format', detail: `is not a valid decision table: ${(err as Error).message}` }]);
          }
          const dup = duplicateIds(lines, () => '/rulesText');
          if (dup.length > 0) throw validationError(dup);
          content = { modelText: readFileSync(ctx.deps.modelFile, 'utf8'), lines, tests, source: `import:${req.source ?? 'text'}`, basedOn: null };
        }
        const hash = contentHash(content.modelText, content.lines);
        const id = await insertDraft(trx, { ...content, contentHash: hash, author: ctx.personRef(person), note: req.note, at: now() });
        ctx.logStep(w, 'created', { id, hash }, { status: 'draft', source: content.source, basedOn: content.basedOn });
        return ctx.view(trx, await ctx.mustFind(trx, id));
      }),

    putRules: (principal, version, body, traceId) =>
      ctx.asManager(principal, traceId, async (w) => {
        const req = ctx.check<{ rules?: Rule[]; groupings?: Grouping[]; rulesText?: string; expectedHash?: string; note?: string }>(
          ctx.deps.schemas,
          'policy-requests#/$defs/rules',
          body,
        );
        const lines = req.rulesText !== undefined ? parseRulesText(req.rulesText, '/rulesText') : linesOf(req.rules!, req.groupings!);
        const dup = duplicateIds(lines, (i) => (req.rulesText !== undefined ? '/rulesText' : `/rules/${i}/id`));
        if (dup.length > 0) throw validationError(dup);
        return editDraft(w, version, req.expectedHash, async (trx, v) => {
          const hash = contentHash(v.modelText, lines);
          await replaceLines(trx, v.id, lines);
          await updateDraft(trx, v.id, { contentHash: hash, at: now(), ...(req.note !== undefined ? { note: req.note } : {}) });
          return { hash, outcome: 'rules-edited', details: { ruleCount: lines.filter((l) => l.ptype === 'p').length, previousHash: v.contentHash } };
        });
      }),

    putTests: (principal, version, body, traceId) =>
      ctx.asManager(principal, traceId, async (w) => {
        const req = ctx.check<{ tests: PolicyTest[]; expectedHash?: string }>(ctx.deps.schemas, 'policy-requests#/$defs/tests', body);
        return editDraft(w, version, req.expectedHash, async (trx, v) => {
          await updateDraft(trx, v.id, { contentHash: v.contentHash, tests: req.tests, at: now() });
          return { hash: v.contentHash, outcome: 'tests-edited', details: { testCount: req.tests.length } };
        });
      }),

    rollback: (principal, version, body, traceId) =>
      ctx.asManager(principal, traceId, async (w) => {
        const { trx, person } = w;
        const id = ctx.idOf(version);
        const req = ctx.check<{ note: string }>(ctx.deps.schemas, 'policy-requests#/$defs/rollback', body ?? {});
        const old = await ctx.mustFind(trx, id);
        ctx.requireStep('rollback', old, person);
        const lines = await readLines(trx, id);
        const newId = await insertDraft(trx, {
          contentHash: old.contentHash, modelText: old.modelText, source: `rollback:${id}`, author: ctx.personRef(person),
          note: req.note, basedOn: id, tests: old.tests, lines, at: now(),
        });
        ctx.logStep(w, 'rollback-created', { id: newId, hash: old.contentHash }, { status: 'draft', basedOn: id });
        return ctx.view(trx, await ctx.mustFind(trx, newId));
      }),
  };
}
