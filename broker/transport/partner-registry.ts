/**
 * The partner registry file: the public JWS keys registered to each partner, written by
 * `jpp-broker pki issue` and `jpp-broker partner-key add`, read by the broker, which
 * copies new keys into its `partner_keys` table (at start-up, and when a batch names a
 * key it does not know yet). A file, so that registering a key needs no access to a
 * database another process holds; the table is the lasting record.
 *
 * Format: {"keys": [{"partner": "halt", "kid": "...", "jwk": {public JWK}, "addedAt": "...",
 * "revokedAt": "..." (once revoked)}]}
 *
 * Invariants: only public keys (a JWK with private members is refused); a kid is unique
 * per partner; a key is never removed, and a revocation is never undone, so that every
 * stored JWS stays verifiable and a revoked key stays refused.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RegisteredKey {
  readonly partner: string;
  readonly kid: string;
  readonly jwk: Record<string, unknown>;
  readonly addedAt: string;
  /** When the key was revoked: the broker refuses batches signed with it from then on. */
  readonly revokedAt?: string;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
const ALLOWED = new Map([
  ['OKP', ['Ed25519']],
  ['EC', ['P-256']],
]);

/** Why `jwk` cannot be registered, or null. */
export function publicKeyProblem(jwk: Record<string, unknown>): string | null {
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'the JWK holds a private key; register the public key only';
  const curves = ALLOWED.get(String(jwk['kty']));
  if (!curves || !curves.includes(String(jwk['crv']))) return 'the key must be Ed25519 (EdDSA) or P-256 (ES256)';
  if (typeof jwk['x'] !== 'string') return 'the JWK lacks x';
  return null;
}

export function readRegistry(file: string): RegisteredKey[] {
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown };
  if (!Array.isArray(parsed.keys)) throw new Error(`${file}: expected {"keys": [...]}`);
  return parsed.keys as RegisteredKey[];
}

/** Appends a key to the registry file; a kid already registered for the partner is an error. */
export function addRegisteredKey(file: string, key: RegisteredKey): RegisteredKey {
  const problem = publicKeyProblem(key.jwk);
  if (problem) throw new Error(problem);
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(key.kid)) throw new Error('a kid is 1 to 128 letters, digits and . _ : -');
  const keys = readRegistry(file);
  if (keys.some((k) => k.partner === key.partner && k.kid === key.kid)) {
    throw new Error(`partner ${key.partner} already has a key ${key.kid}`);
  }
  const entry = { ...key, jwk: { ...key.jwk, kid: key.kid } };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ keys: [...keys, entry] }, null, 2)}\n`);
  return entry;
}

/**
 * Marks a partner's key revoked in the registry file (the broker copies the revocation into
 * its database at the next signed batch). Returns false when it was revoked already.
 */
export function revokeRegisteredKey(file: string, partner: string, kid: string, at: Date): boolean {
  const keys = readRegistry(file);
  const key = keys.find((k) => k.partner === partner && k.kid === kid);
  if (!key) throw new Error(`partner ${partner} has no registered key ${kid} in ${file}`);
  if (key.revokedAt) return false;
  const updated = keys.map((k) => (k === key ? { ...k, revokedAt: at.toISOString() } : k));
  writeFileSync(file, `${JSON.stringify({ keys: updated }, null, 2)}\n`);
  return true;
}
