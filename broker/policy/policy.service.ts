/**
 * The active policy: loaded from the database at start-up, compiled into a decision
 * table, and named in every answer by its version id and content hash.
 *
 * Invariants:
 * - Exactly one version is active at a time; a query uses the table of the version that
 *   was active when it started, and logs that version.
 * - Casbin runs only here, when a version is loaded, never per query.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newEnforcer, newModelFromString } from 'casbin';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Platform } from '../platform/platform.js';
import { buildDecisionTable, type DecisionTable } from './decision-table.js';
import { createRulesTextAdapter } from './rules-text-adapter.js';
import { findActivePolicyVersion, insertActivePolicyVersion } from './policy-version.repository.js';

export interface ActivePolicy {
  readonly versionId: number;
  readonly contentHash: string;
  readonly table: DecisionTable;
}

export interface PolicyService {
  active(): ActivePolicy;
}

/** The content hash of a policy version: SHA-256 over model and rules, length-prefixed. */
export function policyContentHash(modelText: string, rulesText: string): string {
  const h = createHash('sha256');
  for (const part of [modelText, rulesText]) h.update(`${Buffer.byteLength(part)}:`).update(part);
  return `sha256:${h.digest('hex')}`;
}

/** Builds the decision table of a model and rules text. */
export async function compilePolicy(modelText: string, rulesText: string, platform: Platform): Promise<DecisionTable> {
  const enforcer = await newEnforcer(newModelFromString(modelText), createRulesTextAdapter(rulesText));
  return buildDecisionTable(enforcer, platform);
}

/**
 * Loads the active policy version; when the database has none yet, stores and activates
 * the platform's seed policy (`policies/model.conf` + the platform's CSV).
 */
export async function createPolicyService(deps: {
  db: Kysely<Database>;
  platform: Platform;
  modelFile: string;
  now: () => Date;
}): Promise<PolicyService> {
  const { db, platform } = deps;
  let stored = await findActivePolicyVersion(db);
  if (!stored) {
    const modelText = readFileSync(deps.modelFile, 'utf8');
    const rulesText = readFileSync(platform.policyFile, 'utf8');
    const contentHash = policyContentHash(modelText, rulesText);
    await db.transaction().execute(async (trx) => {
      if (!(await findActivePolicyVersion(trx))) {
        await insertActivePolicyVersion(trx, { contentHash, modelText, rulesText, source: platform.policyFile, at: deps.now() });
      }
    });
    stored = await findActivePolicyVersion(db);
    if (!stored) throw new Error('no active policy version after seeding');
  }
  const active: ActivePolicy = {
    versionId: stored.id,
    contentHash: stored.contentHash,
    table: await compilePolicy(stored.modelText, stored.rulesText, platform),
  };
  return { active: () => active };
}
