/** Stored policy versions. Versions are immutable; only `activated_at` is ever set. */
import type { Executor } from '../db/database.js';

export interface StoredPolicyVersion {
  readonly id: number;
  readonly contentHash: string;
  readonly modelText: string;
  readonly rulesText: string;
}

export async function findActivePolicyVersion(ex: Executor): Promise<StoredPolicyVersion | undefined> {
  const row = await ex
    .selectFrom('policy_versions')
    .select(['id', 'content_hash', 'model_text', 'rules_text'])
    .where('activated_at', 'is not', null)
    .orderBy('activated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { id: row.id, contentHash: row.content_hash, modelText: row.model_text, rulesText: row.rules_text };
}

/** Stores a version and activates it at once (seeding only; the FG lifecycle adds review). */
export async function insertActivePolicyVersion(
  ex: Executor,
  v: { contentHash: string; modelText: string; rulesText: string; source: string; at: Date },
): Promise<number> {
  const row = await ex
    .insertInto('policy_versions')
    .values({ content_hash: v.contentHash, model_text: v.modelText, rules_text: v.rulesText, source: v.source, activated_at: v.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
