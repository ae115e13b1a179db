/**
 * The policy lifecycle for privacy officers (FG): draft → submitted → approved → active
 * (optionally from a set time) → superseded, with lint, tests, diff, explain and an
 * impact preview along the way (docs/policies.md).
 *
 * Invariants:
 * - Access checks live here: `manage-policy` to change anything, `read-policy` (or
 *   `manage-policy`) to read; a person who changes something must also hold the role in
 *   the broker's register.
 * - Only a draft's author edits or submits it. The approver is never the author (four
 *   eyes), which the database enforces as well (CHECK in migration 0006).
 * - Submission runs lint and the version's stored tests in the submitting transaction;
 *   any lint error or failing test refuses it and nothing changes.
 * - Approval names an impact preview that this approver fetched for this exact content
 *   (contentHash) within the last 24 hours; if it shows newly allowed decisions, the
 *   approver must confirm them (`confirmNewAccess: true`).
 * - History is never rewritten: versions are not deleted, content freezes at submission,
 *   and a rollback is a new draft that copies an old version.
 * - Every step that changes something writes a `policy-change` logboek entry in its own
 *   transaction; fetching an impact preview (which reads the disclosure log, in
 *   aggregate) writes a `log-read` entry. Entries hold ids, states and counts, no free text.
 * - An activation sends `NOTIFY jpp_policy` in its transaction, so every broker process
 *   reloads when it commits (policy-listener.ts); this process reloads right away.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues, type ValueKind } from '../../protocol/identity/identity-detector.js';
import type { PersonPrincipal, Principal } from '../auth/principal.js';
import { roleHas, type Platform } from '../platform/platform.js';
import type { SchemaName, SchemaRegistry, FieldError } from '../../protocol/schemas/schema-registry.js';
import type { AccessGate } from '../access/access-gate.js';
import type { LogWriter } from '../logboek/log-writer.js';
import { actorOf } from '../logboek/log-entry.js';
import { listDisclosures } from '../disclosures/disclosure.repository.js';
import type { PolicyState } from '../db/tables/policy-version.table.js';
import { compilePolicyWith, type CompiledPolicy } from './compiled-policy.js';
import { createKyselyAdapter } from './kysely-adapter.js';
import {
  contentHash,
  linesFromText,
  linesOf,
  splitLines,
  testsFromText,
  textOf,
  type Grouping,
  type PolicyLine,
  type PolicyTest,
  type Rule,
} from './policy-content.js';
import { countFindings, lintPolicy, type LintFinding } from './policy-lint.js';
import { describeResult, runPolicyTests, type PolicyTestReport } from './policy-tests.js';
import { diffPolicies, type PolicyDiff } from './policy-diff.js';
import { createImpactReplay, type Impact } from './policy-impact.js';
import { explain, type Explanation, type SimulateRequest } from './policy-explain.js';
import { POLICY_CHANNEL } from './policy-listener.js';
import { readSeedFiles, type PolicyService } from './policy.service.js';
import {
  findPreview,
  findVersion,
  insertDraft,
  insertPreview,
  listVersions,
  lockVersion,
  markActivated,
  markReviewed,
  markSubmitted,
  notifyActivation,
  readLines,
  replaceLines,
  updateDraft,
  updateNote,
  type PersonRef,
  type StoredPolicyVersion,
} from './policy-version.repository.js';

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

type Versioned<T> = T & { version: number; contentHash: string };

export interface PolicyLifecycleService {
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: PolicySummary[]; active: number | null }>;
  get(principal: Principal, version: string): Promise<PolicyVersionView>;
  create(principal: Principal, body: unknown, traceId: string): Promise<PolicyVersionView>;
  putRules(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicyVersionView>;
  putTests(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicyVersionView>;
  lint(principal: Principal, version: string): Promise<Versioned<{ errors: number; warnings: number; infos: number; findings: LintFinding[] }>>;
  test(principal: Principal, version: string): Promise<Versioned<PolicyTestReport>>;
  diff(principal: Principal, version: string, query: Record<string, unknown>): Promise<{ from: { version: number; contentHash: string }; to: { version: number; contentHash: string } } & PolicyDiff>;
  impact(principal: Principal, version: string, query: Record<string, unknown>, traceId: string): Promise<Versioned<Impact & { previewId: string; days: number; from: string; to: string }>>;
  submit(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
  approve(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
  reject(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
  activate(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicySummary>;
  rollback(principal: Principal, version: string, body: unknown, traceId: string): Promise<PolicyVersionView>;
  simulate(principal: Principal, version: string, body: unknown): Promise<Versioned<Explanation>>;
}

/** What a privacy officer types into a policy request: prose (notes, grondslagen, CSV texts) and vocabulary ids. */
const POLICY_TEXT_FIELDS: ReadonlyMap<string, ValueKind> = new Map<string, ValueKind>([
  ...['note', 'grondslag', 'rulesText', 'testsText', 'source'].map((f) => [f, 'prose'] as const),
  ...['id', 'role', 'doel', 'partner', 'category', 'action', 'member', 'group', 'rule'].map((f) => [f, 'identifier'] as const),
]);
const PREVIEW_VALID_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function createPolicyLifecycleService(deps: {
  db: Kysely<Database>;
  platform: Platform;
  schemas: SchemaRegistry;
  /** Coerces types: query-string values arrive as strings. */
  querySchemas: SchemaRegistry;
  policy: PolicyService;
  log: LogWriter;
  /** The access gate (broker/access); the lead moves this module onto the unit of work next. */
  gate: AccessGate;
  modelFile: string;
  now: () => Date;
}): PolicyLifecycleService {
  const { db, platform, now } = deps;

  // The access gate decides (capability and register, in one call). Reads by a manager need only manage-policy.
  const reader = (principal: Principal): Promise<PersonPrincipal> =>
    deps.gate.person(db, principal, {
      capability: principal.kind === 'person' && roleHas(platform, principal.role, 'manage-policy') ? 'manage-policy' : 'read-policy',
    });
  const manager = (principal: Principal): Promise<PersonPrincipal> => deps.gate.person(db, principal, { capability: 'manage-policy' });

  const check = <T>(schemas: SchemaRegistry, name: SchemaName, data: unknown): T => {
    const leaks = findIdentityValues(data, POLICY_TEXT_FIELDS);
    if (leaks.length > 0) throw identityDetected(leaks);
    const errors = schemas.validate(name, data);
    if (errors.length > 0) throw validationError(errors);
    return data as T;
  };
  const idOf = (version: string): number => {
    if (!/^[1-9]\d{0,9}$/.test(version) || Number(version) > 2147483647) throw new AppError('not-found', 'there is no such policy version');
    return Number(version);
  };
  const mustFind = async (ex: Executor, id: number): Promise<StoredPolicyVersion> => {
    const v = await findVersion(ex, id);
    if (!v) throw new AppError('not-found', `there is no policy version ${id}`);
    return v;
  };
  const personRef = (p: PersonPrincipal): PersonRef => ({ id: p.id, organisation: p.organisation, role: p.role });

  const statusOf = (v: StoredPolicyVersion, activeId: number): PolicyStatus => {
    if (!v.activatedAt) return v.state;
    if (v.activatedAt.getTime() > now().getTime()) return 'scheduled';
    return v.id === activeId ? 'active' : 'superseded';
  };
  const summary = (v: StoredPolicyVersion): PolicySummary => ({
    id: v.id,
    status: statusOf(v, deps.policy.active().versionId),
    contentHash: v.contentHash,
    source: v.source,
    basedOn: v.basedOn,
    note: v.note,
    author: v.author,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
    submittedAt: iso(v.submittedAt),
    reviewer: v.reviewer,
    reviewedAt: iso(v.reviewedAt),
    activeFrom: iso(v.activatedAt),
    ruleCount: v.ruleCount,
    testCount: v.tests.length,
  });
  const view = async (ex: Executor, v: StoredPolicyVersion): Promise<PolicyVersionView> => {
    const lines = await readLines(ex, v.id);
    return { ...summary(v), modelText: v.modelText, rulesText: textOf(lines), ...splitLines(lines), tests: v.tests };
  };

  /**
   * A version with its lines and (if asked) compiled. A frozen version compiles once (cached by
   * hash); a draft is read and compiled inside a transaction that locks it against edits meanwhile.
   * (PGlite has one connection: nothing here may use `db` while a transaction holds it.)
   */
  const load = async (id: number, withCompiled: boolean): Promise<{ v: StoredPolicyVersion; lines: PolicyLine[]; compiled?: CompiledPolicy }> => {
    const frozen = await mustFind(db, id);
    if (frozen.state !== 'draft') {
      return {
        v: frozen,
        lines: await readLines(db, id),
        ...(withCompiled ? { compiled: await deps.policy.compiled(db, id, frozen.contentHash, frozen.modelText) } : {}),
      };
    }
    return db.transaction().execute(async (trx) => {
      await lockVersion(trx, id);
      const v = await mustFind(trx, id);
      const lines = await readLines(trx, id);
      return { v, lines, ...(withCompiled ? { compiled: await compilePolicyWith(v.modelText, createKyselyAdapter(trx, id), platform) } : {}) };
    });
  };

  const logStep = async (
    ex: Executor,
    person: PersonPrincipal,
    outcome: string,
    v: { id: number; hash: string },
    traceId: string,
    startedAt: Date,
    details: Record<string, string | number | boolean | null> = {},
  ): Promise<void> => {
    await deps.log.append(ex, [
      { action: 'policy-change', actor: actorOf(person), outcome, traceId, startedAt, endedAt: now(), policy: { version: v.id, hash: v.hash }, details },
    ]);
  };

  const duplicateIds = (lines: readonly PolicyLine[], pointerOf: (ruleIndex: number) => string): FieldError[] => {
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    lines
      .filter((l) => l.ptype === 'p')
      .forEach((l, i) => {
        const id = l.values[0] ?? '';
        if (id && seen.has(id)) errors.push({ pointer: pointerOf(i), detail: `rule id ${id} is used twice` });
        seen.add(id);
      });
    return errors;
  };
  const parseRulesText = (text: string, pointer: string): PolicyLine[] => {
    try {
      return linesFromText(text);
    } catch (err) {
      throw validationError([{ pointer, detail: `is not valid policy CSV: ${(err as Error).message}` }]);
    }
  };

  /** Edits a draft: lock, check state, author and expected hash, then `change`. */
  const editDraft = async (
    principal: Principal,
    version: string,
    traceId: string,
    expectedHash: string | undefined,
    change: (trx: Executor, v: StoredPolicyVersion) => Promise<{ hash: string; outcome: string; details: Record<string, number | string> }>,
  ): Promise<PolicyVersionView> => {
    const startedAt = now();
    const person = await manager(principal);
    const id = idOf(version);
    const result = await db.transaction().execute(async (trx) => {
      await lockVersion(trx, id);
      const v = await mustFind(trx, id);
      if (v.state !== 'draft') throw new AppError('conflict', `policy version ${id} is ${statusOf(v, deps.policy.active().versionId)}; only a draft can be edited (copy it into a new draft)`);
      if (v.author.id !== person.id) throw new AppError('forbidden', `only the author of draft ${id} may edit it; copy it into a draft of your own`);
      if (expectedHash && expectedHash !== v.contentHash) {
        throw new AppError('conflict', `draft ${id} was changed meanwhile (its hash is no longer expectedHash); reload it and edit again`, [
          { pointer: '/expectedHash', detail: 'does not match the current content hash' },
        ]);
      }
      const { hash, outcome, details } = await change(trx, v);
      await logStep(trx, person, outcome, { id, hash }, traceId, startedAt, { status: 'draft', ...details });
      return view(trx, await mustFind(trx, id));
    });
    deps.log.committed();
    return result;
  };

  return {
    async list(principal, query) {
      await reader(principal);
      const q = check<{ status?: PolicyStatus }>(deps.querySchemas, 'policy-requests#/$defs/listQuery', { ...query });
      const items = (await listVersions(db)).map(summary).filter((s) => !q.status || s.status === q.status);
      return { items, active: deps.policy.active().versionId };
    },

    async get(principal, version) {
      await reader(principal);
      const id = idOf(version);
      return view(db, await mustFind(db, id));
    },

    async create(principal, body, traceId) {
      const startedAt = now();
      const person = await manager(principal);
      const req = check<{ copyOf?: number; seed?: true; rulesText?: string; testsText?: string; source?: string; note?: string }>(
        deps.schemas,
        'policy-requests#/$defs/create',
        body,
      );
      const result = await db.transaction().execute(async (trx) => {
        let content: { modelText: string; lines: PolicyLine[]; tests: PolicyTest[]; source: string; basedOn: number | null };
        if (req.copyOf !== undefined) {
          const from = await findVersion(trx, req.copyOf);
          if (!from) throw validationError([{ pointer: '/copyOf', detail: 'is not a policy version' }]);
          content = { modelText: from.modelText, lines: await readLines(trx, from.id), tests: from.tests, source: `copy:${from.id}`, basedOn: from.id };
        } else if (req.seed) {
          const seed = readSeedFiles(deps.modelFile, platform);
          content = { modelText: seed.modelText, lines: linesFromText(seed.rulesText), tests: seed.tests, source: `import:${basename(platform.policyFile)}`, basedOn: null };
        } else {
          const lines = parseRulesText(req.rulesText!, '/rulesText');
          let tests: PolicyTest[] = [];
          try {
            tests = req.testsText ? testsFromText(req.testsText) : [];
          } catch (err) {
            throw validationError([{ pointer: '/testsText', detail: `is not a valid decision table: ${(err as Error).message}` }]);
          }
          const dup = duplicateIds(lines, () => '/rulesText');
          if (dup.length > 0) throw validationError(dup);
          content = { modelText: readFileSync(deps.modelFile, 'utf8'), lines, tests, source: `import:${req.source ?? 'text'}`, basedOn: null };
        }
        const hash = contentHash(content.modelText, content.lines);
        const id = await insertDraft(trx, { ...content, contentHash: hash, author: personRef(person), note: req.note ?? '', at: now() });
        await logStep(trx, person, 'created', { id, hash }, traceId, startedAt, { status: 'draft', source: content.source, basedOn: content.basedOn });
        return view(trx, await mustFind(trx, id));
      });
      deps.log.committed();
      return result;
    },

    async putRules(principal, version, body, traceId) {
      await manager(principal);
      const req = check<{ rules?: Rule[]; groupings?: Grouping[]; rulesText?: string; expectedHash?: string; note?: string }>(
        deps.schemas,
        'policy-requests#/$defs/rules',
        body,
      );
      const lines = req.rulesText !== undefined ? parseRulesText(req.rulesText, '/rulesText') : linesOf(req.rules!, req.groupings!);
      const dup = duplicateIds(lines, (i) => (req.rulesText !== undefined ? '/rulesText' : `/rules/${i}/id`));
      if (dup.length > 0) throw validationError(dup);
      return editDraft(principal, version, traceId, req.expectedHash, async (trx, v) => {
        const hash = contentHash(v.modelText, lines);
        await replaceLines(trx, v.id, lines);
        await updateDraft(trx, v.id, { contentHash: hash, at: now(), ...(req.note !== undefined ? { note: req.note } : {}) });
        return { hash, outcome: 'rules-edited', details: { ruleCount: lines.filter((l) => l.ptype === 'p').length, previousHash: v.contentHash } };
      });
    },

    async putTests(principal, version, body, traceId) {
      await manager(principal);
      const req = check<{ tests: PolicyTest[]; expectedHash?: string }>(deps.schemas, 'policy-requests#/$defs/tests', body);
      return editDraft(principal, version, traceId, req.expectedHash, async (trx, v) => {
        await updateDraft(trx, v.id, { contentHash: v.contentHash, tests: req.tests, at: now() });
        return { hash: v.contentHash, outcome: 'tests-edited', details: { testCount: req.tests.length } };
      });
    },

    async lint(principal, version) {
      await reader(principal);
      const id = idOf(version);
      const { v, lines } = await load(id, false);
      const findings = await lintPolicy(v.modelText, lines, platform);
      return { version: id, contentHash: v.contentHash, ...countFindings(findings), findings };
    },

    async test(principal, version) {
      await reader(principal);
      const id = idOf(version);
      const { v, compiled } = await load(id, true);
      return { version: id, contentHash: v.contentHash, ...runPolicyTests(compiled!.table, v.tests) };
    },

    async diff(principal, version, query) {
      await reader(principal);
      const id = idOf(version);
      const q = check<{ against?: number }>(deps.querySchemas, 'policy-requests#/$defs/diffQuery', { ...query });
      const againstId = q.against ?? deps.policy.active().versionId;
      const [to, from] = [await mustFind(db, id), await findVersion(db, againstId)];
      if (!from) throw new AppError('not-found', `there is no policy version ${againstId}`, [{ pointer: '/against', detail: 'is not a policy version' }]);
      const side = async (v: StoredPolicyVersion) => ({ ...splitLines(await readLines(db, v.id)), tests: v.tests });
      return {
        from: { version: from.id, contentHash: from.contentHash },
        to: { version: to.id, contentHash: to.contentHash },
        ...diffPolicies(await side(from), await side(to)),
      };
    },

    async impact(principal, version, query, traceId) {
      const startedAt = now();
      const person = await reader(principal);
      const id = idOf(version);
      const q = check<{ days: number }>(deps.querySchemas, 'policy-requests#/$defs/impactQuery', { ...query });
      const to = now();
      const from = new Date(to.getTime() - q.days * DAY_MS);
      const { v, compiled } = await load(id, true);
      const replay = createImpactReplay(compiled!.table);
      for (let beforeId: number | undefined; ; ) {
        // `to` is exclusive in the filter; what was logged at this very moment counts too.
        const page = await listDisclosures(db, { from, to: new Date(to.getTime() + 1), limit: 1000, ...(beforeId !== undefined ? { beforeId } : {}) });
        for (const d of page.slice(0, 1000)) replay.add(d);
        if (page.length <= 1000) break;
        beforeId = page[999]!.id;
      }
      const impact = replay.result();
      const previewId = randomUUID();
      await db.transaction().execute(async (trx) => {
        await insertPreview(trx, {
          id: previewId, versionId: id, contentHash: v.contentHash, personId: person.id, days: q.days,
          replayed: impact.replayed, newlyAllowed: impact.newlyAllowed.total, newlyDenied: impact.newlyDenied.total, createdAt: now(),
        });
        await deps.log.append(trx, [
          {
            action: 'log-read', actor: actorOf(person), outcome: 'read', traceId, startedAt, endedAt: now(),
            policy: { version: id, hash: v.contentHash },
            details: { resource: 'policy-impact', previewId, days: q.days, replayed: impact.replayed },
          },
        ]);
      });
      deps.log.committed();
      return { previewId, version: id, contentHash: v.contentHash, days: q.days, from: from.toISOString(), to: to.toISOString(), ...impact };
    },

    async submit(principal, version, body, traceId) {
      const startedAt = now();
      const person = await manager(principal);
      const id = idOf(version);
      const req = check<{ note?: string }>(deps.schemas, 'policy-requests#/$defs/submit', body ?? {});
      const result = await db.transaction().execute(async (trx) => {
        await lockVersion(trx, id);
        const v = await mustFind(trx, id);
        if (v.state !== 'draft') throw new AppError('conflict', `policy version ${id} is ${statusOf(v, deps.policy.active().versionId)}; only a draft can be submitted`);
        if (v.author.id !== person.id) throw new AppError('forbidden', `only the author of draft ${id} may submit it`);
        const lines = await readLines(trx, id);
        const findings = (await lintPolicy(v.modelText, lines, platform)).filter((f) => f.severity === 'error');
        const report = runPolicyTests((await compilePolicyWith(v.modelText, createKyselyAdapter(trx, id), platform)).table, v.tests);
        if (findings.length > 0 || report.failed > 0) {
          const errors: FieldError[] = [
            ...findings.map((f) => ({ pointer: f.pointer, detail: `${f.code}: ${f.message}` })),
            ...report.results.filter((r) => !r.pass).map((r) => ({ pointer: `/tests/${r.index}`, detail: describeResult(r) })),
          ];
          throw new AppError(
            'validation',
            `draft ${id} cannot be submitted: ${findings.length} lint error(s), ${report.failed} failing test(s) of ${report.results.length}`,
            errors,
          );
        }
        if (!(await markSubmitted(trx, id, now(), req.note))) throw new AppError('conflict', `policy version ${id} is no longer a draft`);
        await logStep(trx, person, 'submitted', { id, hash: v.contentHash }, traceId, startedAt, { status: 'submitted', testsPassed: report.passed });
        return summary(await mustFind(trx, id));
      });
      deps.log.committed();
      return result;
    },

    async approve(principal, version, body, traceId) {
      const startedAt = now();
      const person = await manager(principal);
      const id = idOf(version);
      const req = check<{ previewId: string; confirmNewAccess: boolean }>(deps.schemas, 'policy-requests#/$defs/approve', body);
      const result = await db.transaction().execute(async (trx) => {
        await lockVersion(trx, id);
        const v = await mustFind(trx, id);
        if (v.state !== 'submitted') throw new AppError('conflict', `policy version ${id} is ${statusOf(v, deps.policy.active().versionId)}; only a submitted version can be approved`);
        if (v.author.id === person.id) throw new AppError('forbidden', `four eyes: the author of version ${id} cannot approve it; another privacy officer must`);
        const preview = await findPreview(trx, req.previewId);
        const stale =
          !preview ? 'is not an impact preview; fetch GET /v1/policies/{version}/impact first'
          : preview.versionId !== id || preview.contentHash !== v.contentHash ? 'is a preview of other content than this version'
          : preview.personId !== person.id ? 'was fetched by someone else; the approver must see the preview'
          : now().getTime() - preview.createdAt.getTime() > PREVIEW_VALID_MS ? 'is older than 24 hours; fetch the preview again'
          : null;
        if (stale) throw validationError([{ pointer: '/previewId', detail: stale }]);
        if (preview!.newlyAllowed > 0 && req.confirmNewAccess !== true) {
          throw validationError(
            [{ pointer: '/confirmNewAccess', detail: `must be true: the preview shows ${preview!.newlyAllowed} newly allowed decision(s)` }],
            `version ${id} opens new access (${preview!.newlyAllowed} decision(s) in the preview); confirm it with confirmNewAccess: true`,
          );
        }
        if (!(await markReviewed(trx, id, { state: 'approved', reviewer: personRef(person), at: now() }))) {
          throw new AppError('conflict', `policy version ${id} is no longer submitted`);
        }
        await logStep(trx, person, 'approved', { id, hash: v.contentHash }, traceId, startedAt, {
          status: 'approved', previewId: req.previewId, newlyAllowed: preview!.newlyAllowed, confirmNewAccess: req.confirmNewAccess === true,
        });
        return summary(await mustFind(trx, id));
      });
      deps.log.committed();
      return result;
    },

    async reject(principal, version, body, traceId) {
      const startedAt = now();
      const person = await manager(principal);
      const id = idOf(version);
      const req = check<{ note: string }>(deps.schemas, 'policy-requests#/$defs/reject', body);
      const result = await db.transaction().execute(async (trx) => {
        await lockVersion(trx, id);
        const v = await mustFind(trx, id);
        if (v.state !== 'submitted') throw new AppError('conflict', `policy version ${id} is ${statusOf(v, deps.policy.active().versionId)}; only a submitted version can be rejected`);
        await markReviewed(trx, id, { state: 'rejected', reviewer: personRef(person), at: now() });
        await updateNote(trx, id, `${v.note}${v.note ? '\n\n' : ''}Afgewezen door ${person.id}: ${req.note}`);
        await logStep(trx, person, 'rejected', { id, hash: v.contentHash }, traceId, startedAt, { status: 'rejected', withdrawn: v.author.id === person.id });
        return summary(await mustFind(trx, id));
      });
      deps.log.committed();
      return result;
    },

    async activate(principal, version, body, traceId) {
      const startedAt = now();
      const person = await manager(principal);
      const id = idOf(version);
      const req = check<{ activeFrom?: string }>(deps.schemas, 'policy-requests#/$defs/activate', body ?? {});
      const at = now();
      const activeFrom = req.activeFrom ? new Date(req.activeFrom) : at;
      if (activeFrom.getTime() < at.getTime() - 1000) throw validationError([{ pointer: '/activeFrom', detail: 'lies in the past; leave it out to activate now' }]);
      const result = await db.transaction().execute(async (trx) => {
        await lockVersion(trx, id);
        const v = await mustFind(trx, id);
        if (v.state !== 'approved' || v.activatedAt) {
          throw new AppError('conflict', `policy version ${id} is ${statusOf(v, deps.policy.active().versionId)}; only an approved version that was never activated can be activated`);
        }
        if (!(await markActivated(trx, id, activeFrom, at))) throw new AppError('conflict', `policy version ${id} was activated meanwhile`);
        await notifyActivation(trx, POLICY_CHANNEL, id);
        await logStep(trx, person, 'activated', { id, hash: v.contentHash }, traceId, startedAt, {
          status: activeFrom.getTime() > at.getTime() ? 'scheduled' : 'active', activeFrom: activeFrom.toISOString(), previous: deps.policy.active().versionId,
        });
      });
      deps.log.committed();
      await deps.policy.reload();
      return summary(await mustFind(db, id));
    },

    async rollback(principal, version, body, traceId) {
      const startedAt = now();
      const person = await manager(principal);
      const id = idOf(version);
      const req = check<{ note?: string }>(deps.schemas, 'policy-requests#/$defs/rollback', body ?? {});
      const result = await db.transaction().execute(async (trx) => {
        const old = await mustFind(trx, id);
        if (statusOf(old, deps.policy.active().versionId) !== 'superseded') {
          throw new AppError('conflict', `policy version ${id} is ${statusOf(old, deps.policy.active().versionId)}; only a superseded version (one that was active before) can be rolled back to`);
        }
        const lines = await readLines(trx, id);
        const newId = await insertDraft(trx, {
          contentHash: old.contentHash, modelText: old.modelText, source: `rollback:${id}`, author: personRef(person),
          note: req.note ?? `Terug naar versie ${id}`, basedOn: id, tests: old.tests, lines, at: now(),
        });
        await logStep(trx, person, 'rollback-created', { id: newId, hash: old.contentHash }, traceId, startedAt, { status: 'draft', basedOn: id });
        return view(trx, await mustFind(trx, newId));
      });
      deps.log.committed();
      return result;
    },

    async simulate(principal, version, body) {
      await reader(principal);
      const id = idOf(version);
      const req = check<SimulateRequest>(deps.schemas, 'policy-requests#/$defs/simulate', body);
      const { v, lines, compiled } = await load(id, true);
      return { version: id, contentHash: v.contentHash, ...explain(compiled!, splitLines(lines).rules, req) };
    },
  };
}
