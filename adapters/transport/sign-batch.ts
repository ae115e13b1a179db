/**
 * Signs a signal batch as a compact JWS (RFC 7515) with the partner's private key (jose):
 * the broker verifies it against the keys registered to the partner and keeps it, so
 * that the partner cannot later deny having sent the batch.
 */
import { readFileSync } from 'node:fs';
import { CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';

export interface BatchSigner {
  readonly kid: string;
  sign(batch: unknown): Promise<string>;
}

/** A signer from a private JWK (Ed25519 → EdDSA, P-256 → ES256) that carries its kid. */
export async function createBatchSigner(privateJwk: JWK): Promise<BatchSigner> {
  const alg = privateJwk.kty === 'OKP' && privateJwk.crv === 'Ed25519' ? 'EdDSA' : privateJwk.kty === 'EC' && privateJwk.crv === 'P-256' ? 'ES256' : undefined;
  if (!alg) throw new Error('the signing key must be an Ed25519 or P-256 private JWK');
  if (typeof privateJwk.kid !== 'string' || typeof privateJwk.d !== 'string') throw new Error('the signing key must be a private JWK with a kid');
  const key = (await importJWK(privateJwk, alg)) as CryptoKey;
  const kid = privateJwk.kid;
  const encoder = new TextEncoder();
  return {
    kid,
    sign: (batch) => new CompactSign(encoder.encode(JSON.stringify(batch))).setProtectedHeader({ alg, kid, typ: 'jpp-signal-batch+jws' }).sign(key),
  };
}

export async function loadBatchSigner(file: string): Promise<BatchSigner> {
  return createBatchSigner(JSON.parse(readFileSync(file, 'utf8')) as JWK);
}
