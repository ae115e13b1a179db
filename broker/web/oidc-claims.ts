/**
 * The pure rules of a web login through an OpenID Provider (oidc-login.ts does the I/O): where a
 * claim sits, what the provider's role and organisation claims map to, whether userinfo is
 * needed, and the one decision of who may log in as what.
 *
 * Invariants:
 * - The person register decides, not the token: only a person the register knows and holds
 *   active logs in, only in a role and for an organisation the register gives them.
 * - The provider's claims can narrow that, never widen it: with a role claim configured, the
 *   usable roles are the register's roles that the claim maps to (an absent claim maps to
 *   none); with an organisation claim configured, the register's organisation must be among
 *   those the claim maps to.
 * - A refusal has one stable reason code, for the operational log and the person's message.
 *   Nothing here returns or formats a claim's value.
 */
import type { ClaimMapping } from '../config/config.js';

/** Why a login was refused; stable codes for the operational log (docs/web.md). */
export type RefusalReason =
  /** The register does not know the subject (or, until it tells them apart, knows no active person with it). */
  | 'not-registered'
  /** The register knows the subject, but their access has ended. */
  | 'deactivated'
  /** The provider's role claim maps to none of the roles the register gives. */
  | 'role-not-granted'
  /** The provider's organisation claim does not name the register's organisation. */
  | 'organisation-not-granted'
  /** The ID token is for another client (aud, azp). */
  | 'wrong-audience'
  /** The token names another platform, or none where several share one process. */
  | 'wrong-platform'
  /** The callback's state is not the one this browser's session holds, or no login was started in it. */
  | 'state-mismatch'
  /** The ID token failed a check other than its audience (signature, issuer, nonce, expiry). */
  | 'invalid-id-token'
  /** The userinfo answer is about another subject than the ID token. */
  | 'userinfo-mismatch'
  /** The provider answered with an error (at the authorization or the token endpoint). */
  | 'provider-error'
  /** The provider could not be reached. */
  | 'provider-unreachable';

/** What the person register says about a subject, as the login needs it. */
export type RegisterAnswer =
  | { readonly status: 'active'; readonly organisation: string; readonly roles: readonly string[]; readonly displayName?: string }
  | { readonly status: 'not-registered' }
  | { readonly status: 'deactivated' };

export type Claims = Readonly<Record<string, unknown>>;

/**
 * A claim by name, or by a dotted path into nested objects (`realm_access.roles`). A claim
 * whose own name holds dots (a namespaced claim such as `https://example.org/roles`) is found
 * by its whole name first.
 */
export function claimAt(claims: Claims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * A claim's values: a string is one, an array gives its strings, an object its keys (Keycloak's
 * `organization` claim is `{"<alias>": {…}}`); anything else (absent, a number) none.
 */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (value !== null && typeof value === 'object') return Object.keys(value);
  return [];
}

/** The platform ids a claim's values map to: through the map when configured, else the values themselves. */
export function mappedIds(values: readonly string[], map: ClaimMapping['map']): Set<string> {
  if (!map) return new Set(values);
  return new Set(values.flatMap((v) => (Object.hasOwn(map, v) ? map[v]! : [])));
}

/** What the provider says, after mapping: undefined where no claim is configured. */
export interface ProviderGrants {
  readonly roles: ReadonlySet<string> | undefined;
  readonly organisations: ReadonlySet<string> | undefined;
}

export function providerGrantsOf(claims: Claims, roleClaim: ClaimMapping | undefined, organisationClaim: ClaimMapping | undefined): ProviderGrants {
  const of = (m: ClaimMapping | undefined): Set<string> | undefined => (m ? mappedIds(stringsOf(claimAt(claims, m.path)), m.map) : undefined);
  return { roles: of(roleClaim), organisations: of(organisationClaim) };
}

export type LoginDecision =
  | { readonly ok: true; readonly organisation: string; readonly roles: readonly string[] }
  | { readonly ok: false; readonly reason: RefusalReason };

/**
 * Who may log in as what: the register's answer, narrowed by the provider's mapped claims.
 * The roles keep the register's order; more than one means the person chooses.
 */
export function decideLogin(register: RegisterAnswer, provider: ProviderGrants): LoginDecision {
  if (register.status !== 'active') return { ok: false, reason: register.status };
  if (provider.organisations && !provider.organisations.has(register.organisation)) return { ok: false, reason: 'organisation-not-granted' };
  const roles = provider.roles ? register.roles.filter((r) => provider.roles!.has(r)) : [...register.roles];
  if (roles.length === 0) return { ok: false, reason: 'role-not-granted' };
  return { ok: true, organisation: register.organisation, roles };
}

/** The claims the login reads beside `sub`: the name, and the configured role and organisation claims. */
export function claimsRead(roleClaim: ClaimMapping | undefined, organisationClaim: ClaimMapping | undefined): string[] {
  return ['name', ...(roleClaim ? [roleClaim.path] : []), ...(organisationClaim ? [organisationClaim.path] : [])];
}

/** Whether to ask the userinfo endpoint: always, never, or (auto) when the ID token lacks a claim the login reads. */
export function needsUserinfo(mode: 'auto' | 'always' | 'never', hasEndpoint: boolean, idToken: Claims, read: readonly string[]): boolean {
  if (!hasEndpoint || mode === 'never') return false;
  return mode === 'always' || read.some((path) => claimAt(idToken, path) === undefined);
}

/**
 * The ID token's claims, completed by userinfo's: a claim the ID token carries is kept as
 * signed; userinfo fills in the ones it lacks. (The caller has checked that both are about
 * the same `sub`.)
 */
export function mergeClaims(idToken: Claims, userinfo: Claims | undefined): Claims {
  return userinfo ? { ...userinfo, ...idToken } : idToken;
}

/** The name to show the person themselves: the register's, else the provider's, else a neutral Dutch word. */
export function displayNameOf(register: string | undefined, claims: Claims): string {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const given = [text(claims['given_name']), text(claims['family_name'])].filter(Boolean).join(' ');
  return text(register) ?? text(claims['name']) ?? (given || undefined) ?? text(claims['preferred_username']) ?? 'Medewerker';
}
