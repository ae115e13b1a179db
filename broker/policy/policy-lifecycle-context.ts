/**
 * What the four lifecycle services share: their dependencies, the access checks, the
 * version's views, loading (and compiling) a version, and the `policy-change` log entry.
 *
 * Invariants:
 * - `reader` admits `read-policy` or `manage-policy`, `manager` only `manage-policy`; the
 *   services call one of them before anything else.
 * - A draft is read and compiled inside a transaction that locks it, so that an edit
 *   cannot land between reading its lines and compiling them; a frozen version compiles
 *   once (cached by content hash). PGlite has one connection: nothing here uses `db`
 *   while a transaction holds it.
 * - A `policy-change` entry holds ids, states and counts, never free text.
 */
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues, type ValueKind } from '../../protocol/identity/identity-detector.js';
import type { PersonPrincipal, Principal } from '../auth/principal.js';
import type { AccessGate } from '../access/access-gate.js';
import { roleHas, type Platform } from '../platform/platform.js';
import type { SchemaName, SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { LogWriter } from '../logboek/log-writer.js';
import { actorOf } from '../logboek/log-entry.js';
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
  log: LogWriter;
  /** The access gate (broker/access): capability and register in one call. */
  gate: AccessGate;
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
  reader(principal: Principal): Promise<PersonPrincipal>;
  manager(principal: Principal): Promise<PersonPrincipal>;
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
  load(id: number, withCompiled: boolean): Promise<LoadedVersion>;
  logStep(
    ex: Executor,
    person: PersonPrincipal,
    outcome: string,
    v: { id: number; hash: string },
    traceId: string,
    startedAt: Date,
    details?: Record<string, string | number | boolean | null>,
  ): Promise<void>;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Which request fields are prose (notes, grondslagen, texts) and which identifiers, for the identity detector (protocol/identity). */
const POLICY_TEXT_FIELDS: ReadonlyMap<string, ValueKind> = new Map<string, ValueKind>([
  ...['note', 'grondslag', 'rulesText', 'testsText', 'source'].map((f) => [f, 'prose'] as const),
  ...['id', 'role', 'doel', 'partner', 'category', 'action', 'member', 'group', 'rule'].map((f) => [f, 'identifier'] as const),
]);

export function createPolicyLifecycleContext(deps: PolicyLifecycleDeps): PolicyLifecycleContext {
  const { db, platform, now } = deps;
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
    // The access gate decides: the role's capability and the register's confirmation, in one call.
    reader: (principal) =>
      deps.gate.person(db, principal, {
        capability: principal.kind === 'person' && roleHas(platform, principal.role, 'manage-policy') ? 'manage-policy' : 'read-policy',
      }),
    manager: (principal) => deps.gate.person(db, principal, { capability: 'manage-policy' }),
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
    async load(id, withCompiled) {
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
    },
    async logStep(ex, person, outcome, v, traceId, startedAt, details = {}) {
      await deps.log.append(ex, [
        { action: 'policy-change', actor: actorOf(person), outcome, traceId, startedAt, endedAt: now(), policy: { version: v.id, hash: v.hash }, details },
      ]);
    },
  };
}
