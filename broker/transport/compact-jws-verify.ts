/**
 * Verifies a compact JWS (RFC 7515 §7.1) of a signal batch with node:crypto, for the algorithms the
 * broker takes (EdDSA with Ed25519, ES256), and returns its payload's bytes.
 *
 * Invariants (the same checks as jose's `compactVerify`, or stricter):
 * - three base64url parts, none of a length base64url cannot have (4n + 1);
 * - the protected header is a JSON object whose `alg` is one of the caller's algorithms; a `crit`
 *   header is refused whatever it names (jose honours `b64` there: an unencoded payload, which no
 *   adapter sends);
 * - the signature is verified over the ASCII of `header.payload` with the key imported for that
 *   algorithm (import-jwk: jose's `importJWK`, which checks the key against the algorithm);
 * - nothing is returned unless the signature verifies.
 *
 * Why: jose decodes the payload with `atob` and copies the signing input through a TextEncoder;
 * for a batch of 1,000 signals (about 230 KB) that was 4–5 µs of the broker's CPU per signal, and
 * the same verification with Buffer's native base64url and `crypto.verify` about 1.5
 * (docs/performance.md, scenario 7).
 */
import { KeyObject, verify } from 'node:crypto';
import { decodeProtectedHeader, importJWK, type JWK } from 'jose';

export type JwsAlgorithm = 'EdDSA' | 'ES256';

export class JwsInvalid extends Error {}

/** Keys imported before, by algorithm and JWK text: the registry holds few keys, each used for every batch. */
const imported = new Map<string, KeyObject>();
const MAX_KEYS = 256;

/** The public key of `jwk` for `alg`, imported (and checked) by jose, as a node:crypto KeyObject. */
export async function verifyKeyOf(jwk: Readonly<Record<string, unknown>>, alg: JwsAlgorithm): Promise<KeyObject> {
  const id = `${alg} ${JSON.stringify(jwk)}`;
  const known = imported.get(id);
  if (known) return known;
  const key = await importJWK(jwk as JWK, alg);
  if (key instanceof Uint8Array) throw new JwsInvalid('a symmetric key cannot verify a batch');
  const object = KeyObject.from(key);
  const type = object.asymmetricKeyType;
  const fits = alg === 'EdDSA' ? type === 'ed25519' : type === 'ec' && object.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (object.type !== 'public' || !fits) throw new JwsInvalid(`the key is not a public key for ${alg}`);
  if (imported.size >= MAX_KEYS) imported.clear();
  imported.set(id, object);
  return object;
}

/** The protected header of a compact JWS (jose's reading of it), or JwsInvalid. */
export function protectedHeaderOf(jws: string): Record<string, unknown> {
  try {
    return decodeProtectedHeader(jws) as Record<string, unknown>;
  } catch {
    throw new JwsInvalid('the JWS protected header is not readable');
  }
}

/**
 * The payload bytes of `jws` when its signature verifies with `key` under `alg`, which the protected
 * header must name; JwsInvalid otherwise. `key` must come from verifyKeyOf(…, alg).
 */
export function verifyCompactJws(jws: string, key: KeyObject, alg: JwsAlgorithm): Buffer {
  const dot1 = jws.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : jws.indexOf('.', dot1 + 1);
  if (dot1 <= 0 || dot2 <= dot1 || jws.indexOf('.', dot2 + 1) >= 0) throw new JwsInvalid('not a compact JWS');
  if (dot1 % 4 === 1 || (dot2 - dot1 - 1) % 4 === 1 || (jws.length - dot2 - 1) % 4 === 1) throw new JwsInvalid('a part is not base64url');
  const header = protectedHeaderOf(jws);
  if (header['alg'] !== alg) throw new JwsInvalid('the header names another algorithm');
  if (header['crit'] !== undefined) throw new JwsInvalid('a crit header is not taken');
  const signature = Buffer.from(jws.slice(dot2 + 1), 'base64url');
  const input = Buffer.from(jws.slice(0, dot2), 'latin1'); // base64url and '.' only: ASCII
  const ok = alg === 'EdDSA'
    ? verify(null, input, key, signature)
    : signature.length === 64 && verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new JwsInvalid('the signature does not verify');
  return Buffer.from(jws.slice(dot1 + 1, dot2), 'base64url');
}
