/**
 * Verified bearer tokens (RFC 7519), kept by the SHA-256 of the token until they expire, so that a
 * person who asks many questions with one token has its signature checked once (issue 21).
 *
 * Invariants:
 * - Only a token whose signature, issuer, audience, algorithm and `exp` jose accepted is stored,
 *   with the payload jose returned; a refused token is never stored, so it is refused again.
 * - An entry is served only while `now < exp` (jose's own rule for `exp`, no clock tolerance), and
 *   no longer than `maxAgeMs` after it was verified, which bounds how long a signing key that the
 *   issuer withdrew from its JWKS still counts for tokens it signed before.
 * - The cache holds the token's hash, never the token, and at most `maxEntries` entries (the
 *   oldest go first), so a flood of distinct tokens cannot grow memory.
 * - It caches what the token says, never what the register says: the access gate asks the register
 *   on every request (access-gate.ts), so deactivation and revocation act on the next request.
 */
import { hash } from 'node:crypto';
import type { JWTPayload } from 'jose';

export interface VerifiedTokenCache {
  /** The payload of a token verified before and not yet expired; undefined otherwise. */
  get(token: string): JWTPayload | undefined;
  /** Keeps a payload that jose has just verified. */
  set(token: string, payload: JWTPayload): void;
  readonly size: number;
}

export function createVerifiedTokenCache(opts: { maxEntries?: number; maxAgeMs?: number; clock?: () => number } = {}): VerifiedTokenCache {
  const maxEntries = opts.maxEntries ?? 10_000;
  const maxAgeMs = opts.maxAgeMs ?? 10 * 60_000;
  const clock = opts.clock ?? Date.now;
  const entries = new Map<string, { payload: JWTPayload; until: number }>();
  const keyOf = (token: string): string => hash('sha256', token, 'base64url');
  return {
    get(token) {
      const key = keyOf(token);
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (clock() >= hit.until) {
        entries.delete(key);
        return undefined;
      }
      return hit.payload;
    },
    set(token, payload) {
      if (typeof payload.exp !== 'number') return;
      const now = clock();
      const until = Math.min(payload.exp * 1000, now + maxAgeMs);
      if (until <= now) return;
      const key = keyOf(token);
      entries.delete(key);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { payload, until });
    },
    get size() {
      return entries.size;
    },
  };
}
