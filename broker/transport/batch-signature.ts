/**
 * Signed signal batches: a compact JWS (RFC 7515) over the batch JSON, made with the
 * partner's own key (EdDSA or ES256), verified against the keys registered to the
 * partner the caller authenticated as (bearer token and, over mTLS, the client
 * certificate). A batch signed with a key registered to another partner, or to nobody,
 * is refused.
 *
 * Invariants:
 * - The JWS header must name its key (`kid`) and an allowed algorithm; `none`, HMAC and
 *   embedded keys (`jwk`, `jku`, `x5u`) are refused, since the key must come from the registry.
 * - The registry file is read again whenever it changed, before each signed batch, so that a
 *   key registered while the broker runs is usable at once, and a key revoked while it runs
 *   is refused from the next batch on (jpp-broker partner-key revoke).
 * - Error messages never repeat the payload.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { readRegistry } from './partner-registry.js';
import { findPartnerKey, insertPartnerKeys, revokePartnerKeys } from './partner-key.repository.js';

export const JWS_ALGORITHMS = ['EdDSA', 'ES256'];

export interface VerifiedBatch {
  readonly payload: unknown;
  readonly kid: string;
  readonly jwsSha256: string;
}

export interface BatchSignatureVerifier {
  /**
   * Verifies a compact JWS as coming from `partner`; returns its JSON payload. Reads the keys in
   * `ex`: the batch's own transaction (on PGlite, the one connection it holds).
   */
  verify(ex: Executor, partner: string, jws: string): Promise<VerifiedBatch>;
  /**
   * Copies keys new in the registry file, and its revocations, into the database, in `ex` (idempotent:
   * a key already there and a revocation already made are left alone). Returns how many keys were new.
   */
  syncRegistry(ex?: Executor): Promise<number>;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function createBatchSignatureVerifier(deps: { db: Kysely<Database>; registryFile: string | undefined; partners: ReadonlySet<string> }): BatchSignatureVerifier {
  // The registry file as last read, by its modification time: reading and parsing it is what is
  // cached, never whether the database holds it. The keys and revocations are written in the
  // caller's transaction, which may still roll back (a refused batch does); a "done" flag kept here
  // would then skip them for every later batch, and a revoked key would be accepted again.
  let read: { mtime: number; keys: ReturnType<typeof readRegistry> } | undefined;

  const syncRegistry = async (ex: Executor = deps.db): Promise<number> => {
    const file = deps.registryFile;
    if (!file || !existsSync(file)) return 0;
    const mtime = statSync(file).mtimeMs;
    if (read?.mtime !== mtime) read = { mtime, keys: readRegistry(file).filter((k) => deps.partners.has(k.partner)) };
    const keys = read.keys;
    const n = await insertPartnerKeys(
      ex,
      keys.map((k) => ({ partnerId: k.partner, kid: k.kid, jwk: k.jwk, addedAt: new Date(k.addedAt) })),
    );
    await revokePartnerKeys(
      ex,
      keys.flatMap((k) => (k.revokedAt ? [{ partnerId: k.partner, kid: k.kid, revokedAt: new Date(k.revokedAt) }] : [])),
    );
    return n;
  };

  return {
    syncRegistry,
    async verify(ex, partner, jws) {
      const bad = (reason: string): AppError => new AppError('validation', reason, [{ pointer: '/', code: 'invalid', detail: reason }]);
      if (!COMPACT_JWS.test(jws)) throw bad('the body is not a compact JWS (RFC 7515 §7.1)');
      let header;
      try {
        header = decodeProtectedHeader(jws);
      } catch {
        throw bad('the JWS protected header is not readable');
      }
      if (typeof header.alg !== 'string' || !JWS_ALGORITHMS.includes(header.alg)) {
        throw bad(`the JWS alg must be one of ${JWS_ALGORITHMS.join(', ')}`);
      }
      if (header.jwk || header.jku || header.x5u || header.x5c) throw bad('the JWS must not carry its own key; name a registered key by kid');
      if (typeof header.kid !== 'string' || header.kid.length === 0) throw bad('the JWS header must name the signing key (kid)');
      await syncRegistry(ex);
      const key = await findPartnerKey(ex, partner, header.kid);
      // Same refusal whether the kid is unknown or registered to another partner.
      if (!key) throw new AppError('forbidden', `the batch is signed with a key that is not registered to partner ${partner}`);
      if (key.revokedAt) throw new AppError('forbidden', 'the batch is signed with a revoked key');
      let payload: Uint8Array;
      try {
        const imported = await importJWK(key.jwk as JWK, header.alg);
        ({ payload } = await compactVerify(jws, imported, { algorithms: JWS_ALGORITHMS }));
      } catch {
        throw new AppError('forbidden', 'the batch signature does not verify against the registered key');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
      } catch {
        throw bad('the JWS payload is not JSON');
      }
      return { payload: parsed, kid: header.kid, jwsSha256: createHash('sha256').update(jws).digest('hex') };
    },
  };
}
