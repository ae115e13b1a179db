/**
 * Verifies JWT bearer tokens (RFC 7519, RFC 9068 style) with jose against the configured
 * issuer, audience and JWKS, and turns their claims into a Principal.
 *
 * Claims:
 * - person:  `sub` (person id), `org` (organisation id), `role` (role id); or `sub` alone, when the
 *   register gives the person exactly one role (a provider's own access token)
 * - adapter: `sub`, `partner` (partner id)
 * A token with both `role` and `partner` is refused: one token, one kind of caller.
 * - platform: `platform` (platform id). A broker refuses a token that names another platform;
 *   beside other platforms in one process (and so, possibly, one identity provider) it also
 *   refuses a token that names none, so a token of one platform is never accepted by another.
 *
 * Invariants: tokens are never logged; an error says why without echoing the token.
 *
 * Verified tokens are cached (verified-token-cache.ts) by the SHA-256 of the token until their
 * `exp`: a person asks many questions with one token, and verifying its signature each time cost
 * 7–10 % of the broker's CPU per question (docs/performance.md). Only the signature and the
 * standard claims' check is cached; the claims are read into a principal, and the register is
 * asked (here for a subject-only token, and by the access gate for every token), on every request,
 * so deactivation and revocation still act on the next request.
 */
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { createVerifiedTokenCache, type VerifiedTokenCache } from './verified-token-cache.js';
import { AppError } from '../errors/app-error.js';
import type { Principal } from './principal.js';

export type TokenVerifier = (token: string) => Promise<Principal>;

const ID = /^[a-z0-9][a-z0-9._:-]{0,127}$/i;

export interface PlatformClaim {
  /** The platform this verifier serves. */
  readonly id: string;
  /** Whether a token must carry the claim (several platforms), or may leave it out (one platform). */
  readonly required: boolean;
}

/**
 * For a person's token without `org` and `role` claims (as identity providers issue them: Keycloak's
 * and Entra ID's access tokens carry roles in claims of their own): the organisation and the role
 * the register gives the subject now, when it gives exactly one; undefined otherwise.
 */
export type RegisterRoleOf = (subject: string) => Promise<{ organisation: string; role: string } | 'several' | undefined>;

export function createTokenVerifier(opts: {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  platform?: PlatformClaim;
  /** Where a person's token names no organisation and role, the register's single role decides (the access gate confirms it again). */
  registerRoleOf?: RegisterRoleOf;
  /** Verified payloads by token hash; a cache of its own by default, `null` to verify every time. */
  cache?: VerifiedTokenCache | null;
}): TokenVerifier {
  const cache = opts.cache === undefined ? createVerifiedTokenCache() : opts.cache;
  return async (token) => {
    let payload: JWTPayload;
    try {
      const known = cache?.get(token);
      if (known) payload = known;
      else {
        ({ payload } = await jwtVerify(token, opts.keys, {
          issuer: opts.issuer,
          audience: opts.audience,
          algorithms: ['EdDSA', 'ES256', 'RS256', 'PS256'],
          requiredClaims: ['sub', 'exp'],
        }));
        cache?.set(token, payload);
      }
    } catch (err) {
      const reason =
        err instanceof joseErrors.JWTExpired ? 'the token has expired'
        : err instanceof joseErrors.JWTClaimValidationFailed ? `the token's ${err.claim} claim is not accepted`
        : 'the token is not valid';
      throw new AppError('unauthenticated', reason, [], { cause: err });
    }
    const str = (v: unknown): string | undefined => (typeof v === 'string' && ID.test(v) ? v : undefined);
    const sub = str(payload.sub);
    const partner = str(payload['partner']);
    const org = str(payload['org']);
    const role = str(payload['role']);
    if (!sub) throw new AppError('unauthenticated', "the token's sub claim is missing or malformed");
    checkPlatformClaim(payload['platform'], opts.platform);
    if (partner && (org || role)) throw new AppError('unauthenticated', 'a token is either a person\'s or an adapter\'s, not both');
    if (partner) return { kind: 'adapter', id: sub, partner };
    if (org && role) return { kind: 'person', id: sub, organisation: org, role };
    if (!org && !role && opts.registerRoleOf) {
      const held = await opts.registerRoleOf(sub);
      if (held === 'several') throw new AppError('forbidden', 'the register gives this person several roles: the token must name one (role and org claims)');
      if (held) return { kind: 'person', id: sub, organisation: held.organisation, role: held.role };
      throw new AppError('forbidden', "the broker's register does not confirm this person now");
    }
    throw new AppError('unauthenticated', 'the token carries neither a partner nor an organisation and role');
  };
}

/** Refuses a token of another platform, and one without a platform where several share a process. */
export function checkPlatformClaim(claim: unknown, platform: PlatformClaim | undefined): void {
  if (!platform) return;
  if (claim === undefined) {
    if (platform.required) throw new AppError('unauthenticated', 'the token names no platform (platform claim); this broker serves several platforms');
    return;
  }
  if (claim !== platform.id) throw new AppError('unauthenticated', "the token's platform claim is not accepted: it is for another platform");
}
