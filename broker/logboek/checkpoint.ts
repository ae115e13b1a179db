/**
 * Signed checkpoints (tree heads): a compact JWS (RFC 7515) with Ed25519 (RFC 8037) over
 * {origin, treeSize, rootHash, time, previous}. `previous` is the SHA-256 of the previous
 * checkpoint's JWS, so checkpoints form a chain a witness can follow.
 *
 * Invariants:
 * - A checkpoint commits to the RFC 9162 root of the first `treeSize` leaves.
 * - Verification pins the algorithm (EdDSA), the type and the origin.
 */
import { createHash } from 'node:crypto';
import { compactVerify, CompactSign, importJWK, type JWK } from 'jose';

export const CHECKPOINT_TYPE = 'jpp-checkpoint+jws';

export interface CheckpointBody {
  origin: string;
  treeSize: number;
  /** Standard base64 (as in RFC 9162 test data and CT APIs). */
  rootHash: string;
  time: string;
  /** base64url SHA-256 of the previous checkpoint's JWS; null for the first. */
  previous: string | null;
}

export interface CheckpointSigner {
  readonly publicJwk: JWK;
  sign(body: CheckpointBody): Promise<string>;
}

export async function createCheckpointSigner(privateJwk: JWK): Promise<CheckpointSigner> {
  const key = await importJWK(privateJwk, 'EdDSA');
  const { d: _d, ...pub } = privateJwk;
  const publicJwk: JWK = { ...pub, alg: 'EdDSA', use: 'sig' };
  return {
    publicJwk,
    async sign(body) {
      return new CompactSign(new TextEncoder().encode(JSON.stringify(body)))
        .setProtectedHeader({ alg: 'EdDSA', typ: CHECKPOINT_TYPE, ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
        .sign(key);
    },
  };
}

/** The chain link to a checkpoint: base64url SHA-256 of its JWS text. */
export const checkpointDigest = (jws: string): string => createHash('sha256').update(jws).digest('base64url');

/** Verifies a checkpoint's signature and shape; returns its body or throws. */
export async function verifyCheckpoint(jws: string, publicJwk: JWK, origin?: string): Promise<CheckpointBody> {
  const key = await importJWK({ ...publicJwk, alg: 'EdDSA' }, 'EdDSA');
  const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ['EdDSA'] });
  if (protectedHeader.typ !== CHECKPOINT_TYPE) throw new Error('not a jpp-broker checkpoint');
  const body = JSON.parse(new TextDecoder().decode(payload)) as CheckpointBody;
  if (!Number.isSafeInteger(body.treeSize) || body.treeSize < 0 || typeof body.rootHash !== 'string' || typeof body.origin !== 'string') {
    throw new Error('malformed checkpoint');
  }
  if (origin !== undefined && body.origin !== origin) throw new Error(`checkpoint is for origin ${body.origin}, not ${origin}`);
  return body;
}
