/**
 * What the four lifecycle services share: their dependencies, the access checks, the
 * version's views, loading (and compiling) a version, and the `policy-change` log entry.
 *
 * Invariants:
 * - Every operation is a unit of work (broker/unit-of-work): `asReader` admits `read-policy` or
 *   `manage-policy`, `asManager` only `manage-policy` (the access gate: capability and register),
 *   before anything else; the work runs in its transaction, and its `policy-change` entry is
 *   appended before the commit.
 * - A draft is read and compiled in the work's transaction, locked, so that an edit cannot land
 *   between reading its lines and compiling them; a frozen version compiles once (cached by
 *   content hash). PGlite has one connection: nothing here uses `db` inside a unit of work.
 * - A `policy-change` entry holds ids, states and counts, never free text.
 */
import type { OutcomeOf, PolicyChangeDetails } from '../logboek/log-vocabulary.js';
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues, type ValueKind } from '../../protocol/identity/identity-detector.js';
import type { PersonPrincipal, Principal } from '../auth/principal.js';
import { roleHas, type Platform } from '../platform/platform.js';
import type { SchemaName, SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { LogWriter } from '../logboek/log-writer.js';
import type { PersonWork, UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import { compilePolicyWith, type CompiledPolicy } from './compiled-policy.js';
import { createKyselyAdapter } from './kysely-adapter.js';
import { splitLines, textOf, type PolicyLine } from './policy-content.js';
import type { PolicyService } from './policy.service.js';
import { findVersion, lockVersion, readLines, type PersonRef, type StoredPolicyVersion } from './policy-version.repository.js';
import { refusalOf, statusOf, versionIdOf, type LifecycleStep } from './policy-status-fns.js';
import type { PolicyStatus, PolicySummary, PolicyVersionView } from './policy-lifecycle-types.js';

export interface PolicyLifecycleDeps {
  db: Kysely<Database>;
  platform: Platform;
  schemas: SchemaRegistry;
  /** Coerces types: query-string values arrive as strings. */
  querySchemas: SchemaRegistry;
  policy: PolicyService;
  /** The policy service's own seeding writes the log directly (it runs before any caller). */
  log: LogWriter;
  /** The unit of work every lifecycle operation acts in (access gate, transaction, logboek). */
  uow: UnitOfWork;
  modelFile: string;
  now: () => Date;
}

export interface LoadedVersion {
  v: StoredPolicyVersion;
  lines: PolicyLine[];
  compiled?: CompiledPolicy;
}

export interface PolicyLifecycleContext {
  readonly deps: PolicyLifecycleDeps;
  /** A reading operation: `read-policy` or `manage-policy`, confirmed by the register. */
  asReader<T>(principal: Principal, traceId: string, work: (w: PersonWork) => Promise<T>): Promise<T>;
  /** A changing operation: `manage-policy`, confirmed by the register. */
  asManager<T>(principal: Principal, traceId: string, work: (w: PersonWork) => Promise<T>): Promise<T>;
  check<T>(schemas: SchemaRegistry, name: SchemaName, data: unknown): T;
  /** The version id of a path segment; 404 when it cannot be one. */
  idOf(version: string): number;
  mustFind(ex: Executor, id: number): Promise<StoredPolicyVersion>;
  personRef(p: PersonPrincipal): PersonRef;
  status(v: StoredPolicyVersion): PolicyStatus;
  /** Throws the refusal of `step` for this person, if any. */
  requireStep(step: LifecycleStep, v: StoredPolicyVersion, person: PersonPrincipal): void;
  summary(v: StoredPolicyVersion): PolicySummary;
  view(ex: Executor, v: StoredPolicyVersion): Promise<PolicyVersionView>;
  /** A version with its lines and (if asked) compiled, read in the work's transaction `ex`. */
  load(ex: Executor, id: number, withCompiled: boolean): Promise<LoadedVersion>;
  /** Queues the `policy-change` entry of a step on the unit of work (ids, states and counts only). */
  logStep(w: Work, outcome: OutcomeOf<'policy-change'>, v: { id: number; hash: string }, details?: PolicyChangeDetails): void;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Which request fields are prose (notes, grondslagen, texts) and which identifiers, for the identity detector (protocol/identity). */
const POLICY_TEXT_FIELDS: ReadonlyMap<string, ValueKind> = new Map<string, ValueKind>([
  ...['note', 'grondslag', 'rulesText', 'testsText', 'source'].map((f) => [f, 'prose'] as const),
  ...['id', 'role', 'doel', 'partner', 'category', 'action', 'member', 'group', 'rule'].map((f) => [f, 'identifier'] as const),
]);

export function createPolicyLifecycleContext(deps: PolicyLifecycleDeps): PolicyLifecycleContext {
  const { platform, now } = deps;
  const activeId = (): number => deps.policy.active().versionId;

  const mustFind = async (ex: Executor, id: number): Promise<StoredPolicyVersion> => {
    const v = await findVersion(ex, id);
    if (!v) throw new AppError('not-found', `there is no policy version ${id}`);
    return v;
  };
  const status = (v: StoredPolicyVersion): PolicyStatus => statusOf(v, activeId(), now());
  const summary = (v: StoredPolicyVersion): PolicySummary => ({
    id: v.id,
    status: status(v),
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

  return {
    deps,
    asReader: (principal, traceId, work) =>
      deps.uow.asPerson(
        principal,
        { capability: principal.kind === 'person' && roleHas(platform, principal.role, 'manage-policy') ? 'manage-policy' : 'read-policy' },
        traceId,
        work,
      ),
    asManager: (principal, traceId, work) => deps.uow.asPerson(principal, { capability: 'manage-policy' }, traceId, work),
    check<T>(schemas: SchemaRegistry, name: SchemaName, data: unknown): T {
      // Free text typed into a policy (notes, grondslagen, rules and tests texts) never holds an identity.
      const leaks = findIdentityValues(data, POLICY_TEXT_FIELDS);
      if (leaks.length > 0) throw identityDetected(leaks);
      const errors = schemas.validate(name, data);
      if (errors.length > 0) throw validationError(errors);
      return data as T;
    },
    idOf(version) {
      const id = versionIdOf(version);
      if (id === null) throw new AppError('not-found', 'there is no such policy version');
      return id;
    },
    mustFind,
    personRef: (p) => ({ id: p.id, organisation: p.organisation, role: p.role }),
    status,
    requireStep(step, v, person) {
      const refusal = refusalOf(step, { id: v.id, state: v.state, authorId: v.author.id, activatedAt: v.activatedAt }, person.id, activeId(), now());
      if (refusal) throw new AppError(refusal.code, refusal.message);
    },
    summary,
    async view(ex, v) {
      const lines = await readLines(ex, v.id);
      return { ...summary(v), modelText: v.modelText, rulesText: textOf(lines), ...splitLines(lines), tests: v.tests };
    },
    async load(ex, id, withCompiled) {
      const frozen = await mustFind(ex, id);
      if (frozen.state !== 'draft') {
        return {
          v: frozen,
          lines: await readLines(ex, id),
          ...(withCompiled ? { compiled: await deps.policy.compiled(ex, id, frozen.contentHash, frozen.modelText) } : {}),
        };
      }
      await lockVersion(ex, id);
      const v = await mustFind(ex, id);
      const lines = await readLines(ex, id);
      return { v, lines, ...(withCompiled ? { compiled: await compilePolicyWith(v.modelText, createKyselyAdapter(ex, id), platform) } : {}) };
    },
    logStep(w, outcome, v, details = {}) {
      w.log({ action: 'policy-change', outcome, policy: { version: v.id, hash: v.hash }, details });
    },
  };
}
