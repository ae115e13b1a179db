/** Registered partner keys and stored batch signatures. */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface StoredPartnerKey {
  readonly kid: string;
  readonly jwk: Record<string, unknown>;
  readonly revokedAt: Date | null;
}

export async function findPartnerKey(ex: Executor, partnerId: string, kid: string): Promise<StoredPartnerKey | undefined> {
  const row = await ex
    .selectFrom('partner_keys')
    .select(['kid', 'public_jwk', 'revoked_at'])
    .where('partner_id', '=', partnerId)
    .where('kid', '=', kid)
    .executeTakeFirst();
  return row && { kid: row.kid, jwk: row.public_jwk, revokedAt: row.revoked_at };
}

/** Inserts keys not yet present (by partner and kid); existing keys are left as they are. Returns how many were new. */
export async function insertPartnerKeys(
  ex: Executor,
  keys: ReadonlyArray<{ partnerId: string; kid: string; jwk: Record<string, unknown>; addedAt: Date }>,
): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await ex
    .insertInto('partner_keys')
    .values(keys.map((k) => ({ partner_id: k.partnerId, kid: k.kid, public_jwk: JSON.stringify(k.jwk), added_at: k.addedAt })))
    .onConflict((oc) => oc.columns(['partner_id', 'kid']).doNothing())
    .returning('kid')
    .execute();
  return rows.length;
}

/**
 * Marks keys revoked; a key revoked before keeps its first revocation time. Returns how many were
 * newly revoked. One statement however many keys: every signed batch runs it (batch-signature.ts).
 */
export async function revokePartnerKeys(ex: Executor, keys: ReadonlyArray<{ partnerId: string; kid: string; revokedAt: Date }>): Promise<number> {
  if (keys.length === 0) return 0;
  const r = await sql`
    update partner_keys as p set revoked_at = v.revoked_at
      from unnest(${keys.map((k) => k.partnerId)}::text[], ${keys.map((k) => k.kid)}::text[], ${keys.map((k) => k.revokedAt.toISOString())}::timestamptz[])
           as v(partner_id, kid, revoked_at)
     where p.partner_id = v.partner_id and p.kid = v.kid and p.revoked_at is null`.execute(ex);
  return Number(r.numAffectedRows ?? 0);
}

export async function insertBatchSignature(
  ex: Executor,
  s: { partnerId: string; batchId: string; kid: string; jws: string; jwsSha256: string },
): Promise<void> {
  await ex
    .insertInto('signal_batch_signatures')
    .values({ partner_id: s.partnerId, batch_id: s.batchId, kid: s.kid, jws: s.jws, jws_sha256: s.jwsSha256 })
    .execute();
}

/** The stored JWS of a batch (for non-repudiation disputes and tests). */
export async function findBatchSignature(ex: Executor, partnerId: string, batchId: string): Promise<{ jws: string; jwsSha256: string; kid: string } | undefined> {
  const row = await ex
    .selectFrom('signal_batch_signatures')
    .select(['jws', 'jws_sha256', 'kid'])
    .where('partner_id', '=', partnerId)
    .where('batch_id', '=', batchId)
    .executeTakeFirst();
  return row && { jws: row.jws, jwsSha256: row.jws_sha256, kid: row.kid };
}

/** Every key registered to a partner, oldest first (revoked ones included: they stay on record). */
export async function listPartnerKeys(ex: Executor, partnerId: string): Promise<Array<{ kid: string; addedAt: Date; revokedAt: Date | null }>> {
  const rows = await ex.selectFrom('partner_keys').select(['kid', 'added_at', 'revoked_at']).where('partner_id', '=', partnerId).orderBy('added_at').orderBy('kid').execute();
  return rows.map((r) => ({ kid: r.kid, addedAt: r.added_at, revokedAt: r.revoked_at }));
}
