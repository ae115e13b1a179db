/**
 * The active policy: loaded from the database through the kysely casbin adapter,
 * compiled into a decision table, and named in every answer by its version id and
 * content hash.
 *
 * Invariants:
 * - The active version is the activated one with the latest `activated_at <= now`
 *   (the clock is injected); a version scheduled for later takes over by itself when
 *   its time comes, without a reload.
 * - A query uses the table of the version that was active when it started, and logs it.
 * - Casbin runs only here and in the lifecycle service, when a version is compiled, never
 *   per query.
 * - `reload()` is called after an activation in this process, and on PostgreSQL's
 *   `NOTIFY jpp_policy` from any other process (policy-listener.ts).
 * - On a database without any version, the platform's seed set (policies/<set>.csv and
 *   policies/tests/<set>.decisions.csv) becomes version 1: authored by `system:seed`,
 *   taken as reviewed by whoever deployed the platform file (`system:platform-file`),
 *   and logged as a `policy-change`. Like every approval it names an impact preview: its
 *   exact impact over a policy that allows nothing, every allowed decision new and
 *   confirmed (migration 0050). An advisory lock keeps two processes from seeding twice.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import type { Platform } from '../platform/platform.js';
import type { LogWriter } from '../logboek/log-writer.js';
import type { DecisionTable } from './decision-table.js';
import { compilePolicyWith, createLinesAdapter, type CompiledPolicy } from './compiled-policy.js';
import { createKyselyAdapter } from './kysely-adapter.js';
import { contentHash, linesFromText, testsFromText, type PolicyTest } from './policy-content.js';
import { exactImpact, tupleKey } from './policy-impact-fns.js';
import { activatedVersions, insertDraft, lockSeeding, insertPreview, markActivated, markReviewed, markSubmitted } from './policy-version.repository.js';

export interface ActivePolicy {
  readonly versionId: number;
  readonly contentHash: string;
  readonly table: DecisionTable;
}

export interface PolicyService {
  /** The version deciding queries now. */
  active(): ActivePolicy;
  /** Reloads the activated versions from the database. */
  reload(): Promise<void>;
  /** A stored version compiled (cached by content hash). */
  compiled(ex: Executor, versionId: number, contentHash: string, modelText: string): Promise<CompiledPolicy>;
}

/** The decision-table tests that belong to a platform's seed policy file. */
export function seedTestsFile(platform: Platform): string {
  return join(dirname(platform.policyFile), 'tests', `${basename(platform.policyFile, '.csv')}.decisions.csv`);
}

/** Reads a seed set from files: model, lines and (when the file exists) tests. */
export function readSeedFiles(modelFile: string, platform: Platform): { modelText: string; rulesText: string; tests: PolicyTest[] } {
  let tests: PolicyTest[] = [];
  try {
    tests = testsFromText(readFileSync(seedTestsFile(platform), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { modelText: readFileSync(modelFile, 'utf8'), rulesText: readFileSync(platform.policyFile, 'utf8'), tests };
}

/** Builds the decision table of a model and rules text (files, benchmarks). */
export async function compilePolicy(modelText: string, rulesText: string, platform: Platform): Promise<DecisionTable> {
  return (await compilePolicyWith(modelText, createLinesAdapter(linesFromText(rulesText)), platform)).table;
}


async function seedIfEmpty(db: Kysely<Database>, platform: Platform, modelFile: string, log: LogWriter, now: () => Date): Promise<void> {
  if ((await activatedVersions(db)).length > 0) return;
  const seed = readSeedFiles(modelFile, platform);
  const lines = linesFromText(seed.rulesText);
  const hash = contentHash(seed.modelText, lines);
  const table = (await compilePolicyWith(seed.modelText, createLinesAdapter(lines), platform)).table;
  const exact = exactImpact(null, table, platform);
  const wrote = await db.transaction().execute(async (trx) => {
    await lockSeeding(trx);
    if ((await activatedVersions(trx)).length > 0) return false;
    const at = now();
    const source = `seed:${basename(platform.policyFile)}`;
    const author = { id: 'system:seed', organisation: null, role: null };
    const reviewer = { id: 'system:platform-file', organisation: null, role: null };
    const id = await insertDraft(trx, { contentHash: hash, modelText: seed.modelText, source, author, note: 'Startbeleid uit het platformbestand', basedOn: null, tests: seed.tests, lines, at });
    await markSubmitted(trx, id, at);
    const previewId = randomUUID();
    await insertPreview(trx, {
      id: previewId, versionId: id, contentHash: hash, personId: reviewer.id, days: 0, replayed: 0, newlyAllowed: 0, newlyDenied: 0, createdAt: at,
      exact: { againstVersionId: null, againstHash: null, newAccess: exact.newlyAllowed.map(tupleKey), newAccessDigest: exact.newAccessDigest, newlyDenied: 0 },
    });
    await markReviewed(trx, id, { state: 'approved', reviewer, at, approvalPreviewId: previewId, confirmedNewAccess: exact.newlyAllowed.length > 0 ? exact.newAccessDigest : null });
    await markActivated(trx, id, at, at);
    await log.append(trx, [
      {
        action: 'policy-change',
        actor: { kind: 'system', id: 'system:seed' },
        outcome: 'activated',
        traceId: randomBytes(16).toString('hex'),
        startedAt: at,
        endedAt: at,
        policy: { version: id, hash },
        details: { step: 'seed', source, status: 'active', newAccess: exact.newlyAllowed.length },
      },
    ]);
    return true;
  });
  if (wrote) log.committed();
}

/**
 * Loads the active policy version (seeding the platform's set into an empty database).
 */
export async function createPolicyService(deps: {
  db: Kysely<Database>;
  platform: Platform;
  modelFile: string;
  log: LogWriter;
  now: () => Date;
}): Promise<PolicyService> {
  const { db, platform, now } = deps;
  const cache = new Map<string, Promise<CompiledPolicy>>();
  const compiled = (ex: Executor, versionId: number, hash: string, modelText: string): Promise<CompiledPolicy> => {
    let hit = cache.get(hash);
    if (hit) {
      cache.delete(hash);
      cache.set(hash, hit); // most recently used last
      return hit;
    }
    hit = compilePolicyWith(modelText, createKyselyAdapter(ex, versionId), platform);
    hit.catch(() => cache.delete(hash));
    cache.set(hash, hit);
    while (cache.size > 16) cache.delete(cache.keys().next().value!);
    return hit;
  };

  // Oldest activation first: the active one is the last whose time has come.
  let versions: ActivePolicy[] = [];
  let times: number[] = [];
  const reload = async (): Promise<void> => {
    const stored = await activatedVersions(db);
    const t = now().getTime();
    // Keep the one active now and every one scheduled after it.
    let from = 0;
    stored.forEach((v, i) => {
      if (v.activatedAt.getTime() <= t) from = i;
    });
    const keep = stored.slice(from);
    const loaded: ActivePolicy[] = [];
    for (const v of keep) {
      loaded.push({ versionId: v.id, contentHash: v.contentHash, table: (await compiled(db, v.id, v.contentHash, v.modelText)).table });
    }
    versions = loaded;
    times = keep.map((v) => v.activatedAt.getTime());
  };

  await seedIfEmpty(db, platform, deps.modelFile, deps.log, now);
  await reload();
  if (versions.length === 0) throw new Error('no active policy version after seeding');

  return {
    active() {
      const t = now().getTime();
      for (let i = versions.length - 1; i > 0; i--) if (times[i]! <= t) return versions[i]!;
      return versions[0]!;
    },
    reload,
    compiled,
  };
}
