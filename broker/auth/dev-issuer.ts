/**
 * The demo's built-in development issuer: signs short-lived tokens for seeded demo users
 * and adapters with an Ed25519 key kept in DATA_DIR. Demo mode only; production uses the
 * configured issuer's JWKS.
 */
import { createLocalJWKSet, importJWK, SignJWT, type JWTVerifyGetKey } from 'jose';
import { DEMO_ISSUER } from '../config/demo-secrets.js';

export interface DevIssuer {
  readonly keys: JWTVerifyGetKey;
  sign(claims: Record<string, string>, subject: string, audience: string, ttlSeconds?: number): Promise<string>;
}

/**
 * `platform`: beside other platforms, every token names the platform it is for (its `platform`
 * claim, checked by token-verifier.ts); a claim given to `sign` replaces it.
 */
export async function createDevIssuer(privateJwk: JsonWebKey, platform?: string): Promise<DevIssuer> {
  const { d: _private, ...publicJwk } = privateJwk;
  const key = await importJWK(privateJwk as Parameters<typeof importJWK>[0], 'EdDSA');
  const kid = (privateJwk as { kid?: string }).kid ?? 'demo-1';
  return {
    keys: createLocalJWKSet({ keys: [{ ...(publicJwk as object), kid, alg: 'EdDSA', use: 'sig' }] }),
    async sign(claims, subject, audience, ttlSeconds = 8 * 3600) {
      return new SignJWT({ ...(platform ? { platform } : {}), ...claims })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setIssuer(DEMO_ISSUER)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
  };
}
