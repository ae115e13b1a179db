/**
 * OpenID Connect login for the web interface outside demo mode, against any standard OpenID
 * Provider (docs/identity-providers.md): the authorization code flow with PKCE (RFC 7636, S256),
 * state and nonce, through openid-client (panva), which also validates the ID token (signature,
 * iss, aud/azp, exp, nonce) and checks that userinfo's `sub` is the ID token's; and
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) where the provider offers it.
 *
 * Invariants:
 * - The person register decides, not the token (oidc-claims.ts `decideLogin`): the subject must
 *   be an active person in the register, and the role and organisation come from the register;
 *   the provider's mapped claims may only narrow them.
 * - Every register read of the login goes through `askRegister`, one call.
 * - A refused login is a `LoginRefused` with a stable reason code and, for the log, only the
 *   names of failed checks and OAuth error codes: never a token, a claim value or the provider's
 *   free text.
 * - Only the provider's authorization and end-session endpoints' origins are added to the
 *   pages' CSP form-action (web-app.ts); nothing else of the provider is reachable by a form.
 * - Plain-http issuers are allowed only on the loopback interface (tests, a local IdP).
 */
import { setTimeout as delay } from 'node:timers/promises';
import * as client from 'openid-client';
import { AppError, type ErrorCode } from '../errors/app-error.js';
import { ConfigError, type WebConfig } from '../config/config.js';
import type { Executor } from '../db/database.js';
import type { Platform } from '../platform/platform.js';
import { findActivePerson, findPerson, personStanding } from '../register/person.repository.js';
import { checkPlatformClaim, type PlatformClaim } from '../auth/token-verifier.js';
import {
  claimsRead, decideLogin, displayNameOf, mergeClaims, needsUserinfo, providerGrantsOf,
  type Claims, type RefusalReason, type RegisterAnswer,
} from './oidc-claims.js';

export const CALLBACK_PATH = '/inloggen/terug';
/** Where the provider sends the browser after RP-initiated logout (register it as post_logout_redirect_uri). */
export const LOGGED_OUT_PATH = '/uitgelogd';

/** Seconds to wait for the provider's discovery document, token and userinfo answers. */
const PROVIDER_TIMEOUT_SECONDS = 10;
/** How long a page waits for discovery before it goes out with a CSP that allows only this origin's forms. */
const CSP_DISCOVERY_WAIT_MS = 2_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * What the person register says about a subject: the one place where the login reads it.
 */
export async function askRegister(ex: Executor, personId: string, now: Date): Promise<RegisterAnswer> {
  const person = await findActivePerson(ex, personId, now);
  if (person) return { status: 'active', organisation: person.organisation, roles: person.roles, displayName: person.displayName };
  const standing = await personStanding(ex, personId, now);
  if (standing === 'unknown') return { status: 'not-registered' };
  // Registered, but with no role that counts now: the login is refused as role-not-granted.
  if (standing === 'no-role') {
    return { status: 'active', organisation: (await findPerson(ex, personId))?.organisationId ?? '', roles: [] };
  }
  // Deactivated, outside their validity period, or their organisation deactivated.
  return { status: 'deactivated' };
}

/** A refused login: a stable reason, and for the operational log only names of checks and OAuth error codes. */
export class LoginRefused extends AppError {
  constructor(
    readonly reason: RefusalReason,
    detail: string,
    /** Safe to log: e.g. `{ check: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', claim: 'aud' }` or `{ oauthError: 'access_denied' }`. */
    readonly logContext: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(STATUS_OF[reason], detail, [], options);
    this.name = 'LoginRefused';
  }
}

const STATUS_OF: Record<RefusalReason, ErrorCode> = {
  'not-registered': 'forbidden',
  deactivated: 'forbidden',
  'role-not-granted': 'forbidden',
  'organisation-not-granted': 'forbidden',
  'wrong-platform': 'forbidden',
  'wrong-audience': 'unauthenticated',
  'state-mismatch': 'unauthenticated',
  'invalid-id-token': 'unauthenticated',
  'userinfo-mismatch': 'unauthenticated',
  'provider-error': 'unauthenticated',
  'provider-unreachable': 'unavailable',
};

export interface OidcStart {
  readonly url: string;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** A login the register allows: the person, and the roles they may act in (one or more; more: they choose). */
export interface OidcLoginResult {
  readonly person: { readonly id: string; readonly displayName: string; readonly organisation: string };
  readonly roles: readonly string[];
  readonly accessToken: string;
  /** Kept in the session for RP-initiated logout's id_token_hint. */
  readonly idToken: string;
}

export interface OidcLogin {
  /** The origins of the provider's authorization and end-session endpoints, for the CSP's form-action; [] while the provider is unknown. */
  formActionOrigins(): Promise<readonly string[]>;
  /** Where to send the browser, and what the session must keep until it comes back. */
  start(): Promise<OidcStart>;
  /** Completes the login from the callback URL; throws LoginRefused when anything does not check. */
  finish(callbackUrl: URL, checks: { verifier: string; state: string; nonce: string }): Promise<OidcLoginResult>;
  /** The provider's end-session URL (RP-initiated logout), or undefined when it offers none. */
  logoutUrl(idToken: string | undefined): Promise<string | undefined>;
}

export interface OidcLoginDeps {
  readonly web: WebConfig;
  readonly platform: Platform;
  /** The person register's answer about a subject (`askRegister` over the broker's database). */
  readonly register: (personId: string) => Promise<RegisterAnswer>;
  /** What a token's `platform` claim must say (as for bearer tokens). */
  readonly platformClaim?: PlatformClaim;
}

export function createOidcLogin(deps: OidcLoginDeps): OidcLogin {
  const oidc = deps.web.oidc!;
  checkMappings(deps);
  const redirectUri = `${deps.web.publicUrl}${CALLBACK_PATH}`;
  const read = claimsRead(oidc.roleClaim, oidc.organisationClaim);
  let configuration: Promise<client.Configuration> | undefined;
  let known: client.Configuration | undefined;
  const discover = (): Promise<client.Configuration> => {
    configuration ??= (async () => {
      const issuer = new URL(oidc.issuer);
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      const config = await client.discovery(
        issuer,
        oidc.clientId,
        oidc.clientSecret,
        oidc.clientSecret ? client.ClientSecretPost(oidc.clientSecret) : client.None(),
        { timeout: PROVIDER_TIMEOUT_SECONDS, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
      );
      known = config;
      return config;
    })();
    configuration.catch(() => {
      configuration = undefined;
    });
    return configuration;
  };
  const discovered = async (): Promise<client.Configuration> => {
    try {
      return await discover();
    } catch (err) {
      throw new LoginRefused('provider-unreachable', 'the OpenID Provider cannot be reached', {}, { cause: err });
    }
  };
  // Discover at once, so that the first page's CSP already names the provider.
  discover().catch(() => undefined);

  return {
    async formActionOrigins() {
      let config = known;
      if (!config) {
        config = await Promise.race([
          discover().catch(() => undefined),
          delay(CSP_DISCOVERY_WAIT_MS, undefined, { ref: false }),
        ]);
      }
      if (!config) return [];
      const m = config.serverMetadata();
      const origins = [m.authorization_endpoint, m.end_session_endpoint].flatMap((u) => (u ? [new URL(u).origin] : []));
      return [...new Set(origins)];
    },

    async start() {
      const config = await discovered();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: oidc.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, verifier, state, nonce };
    },

    async finish(callbackUrl, checks) {
      // openid-client checks the state too; checking it first gives the refusal its own reason.
      if (callbackUrl.searchParams.get('state') !== checks.state) {
        throw new LoginRefused('state-mismatch', "the callback's state is not this browser's login");
      }
      const config = await discovered();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        throw refusalOf(err, 'token');
      }
      const idClaims = tokens.claims()! as Claims & { sub: string };
      let claims: Claims = idClaims;
      if (needsUserinfo(oidc.userinfo, config.serverMetadata().userinfo_endpoint !== undefined, idClaims, read)) {
        try {
          // openid-client refuses an answer whose sub is not the ID token's (OpenID Connect Core §5.3.2).
          claims = mergeClaims(idClaims, await client.fetchUserInfo(config, tokens.access_token, idClaims.sub));
        } catch (err) {
          throw refusalOf(err, 'userinfo');
        }
      }
      try {
        checkPlatformClaim(claims['platform'], deps.platformClaim);
      } catch (err) {
        throw new LoginRefused('wrong-platform', 'the token is not for this platform', {}, { cause: err });
      }
      const register = await deps.register(idClaims.sub);
      const decision = decideLogin(register, providerGrantsOf(claims, oidc.roleClaim, oidc.organisationClaim));
      if (!decision.ok) throw new LoginRefused(decision.reason, REFUSAL_DETAIL[decision.reason]);
      return {
        person: {
          id: idClaims.sub,
          displayName: displayNameOf(register.status === 'active' ? register.displayName : undefined, claims),
          organisation: decision.organisation,
        },
        roles: decision.roles,
        accessToken: tokens.access_token,
        idToken: tokens.id_token!,
      };
    },

    async logoutUrl(idToken) {
      if (!idToken) return undefined;
      let config: client.Configuration;
      try {
        config = await discover();
      } catch {
        return undefined;
      }
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${deps.web.publicUrl}${LOGGED_OUT_PATH}`,
      }).href;
    },
  };
}

const REFUSAL_DETAIL: Record<RefusalReason, string> = {
  'not-registered': "the person register knows no active person with this subject",
  deactivated: "this person's access has ended in the person register",
  'role-not-granted': "the provider's role claim maps to none of the roles the register gives this person",
  'organisation-not-granted': "the provider's organisation claim does not name the register's organisation of this person",
  'wrong-audience': 'the ID token is for another client',
  'wrong-platform': 'the token is not for this platform',
  'state-mismatch': "the callback's state is not this browser's login",
  'invalid-id-token': 'the ID token did not pass its checks',
  'userinfo-mismatch': "the userinfo answer is about another subject than the ID token",
  'provider-error': 'the OpenID Provider answered with an error',
  'provider-unreachable': 'the OpenID Provider cannot be reached',
};

/** An OAuth error code as RFC 6749 §5.2 spells them; anything else is not logged. */
const OAUTH_ERROR = /^[a-z_]{1,64}$/;

/**
 * openid-client's error, as a refusal. Only the library's check code, the name of the claim
 * that failed and the provider's OAuth error code are kept for the log: the errors' causes
 * hold the token's claims, which never go to a log.
 */
function refusalOf(err: unknown, step: 'token' | 'userinfo'): LoginRefused {
  const mk = (reason: RefusalReason, context: Record<string, string> = {}): LoginRefused =>
    new LoginRefused(reason, REFUSAL_DETAIL[reason], { step, ...context });
  if (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError) {
    return mk('provider-error', OAUTH_ERROR.test(err.error) ? { oauthError: err.error } : {});
  }
  if (err instanceof client.ClientError) {
    const check = err.code ?? 'unknown';
    const inner = (err.cause as { cause?: { claim?: unknown; attribute?: unknown } } | undefined)?.cause;
    const claim = typeof inner?.claim === 'string' ? inner.claim : typeof inner?.attribute === 'string' ? inner.attribute : undefined;
    const context = { check, ...(claim ? { claim } : {}) };
    if (check === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && (claim === 'aud' || claim === 'azp')) return mk('wrong-audience', context);
    if (step === 'userinfo' && check === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' && claim === 'sub') return mk('userinfo-mismatch', context);
    if (['OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', 'OAUTH_KEY_SELECTION_FAILED', 'OAUTH_INVALID_RESPONSE'].includes(check)) {
      return mk(step === 'token' ? 'invalid-id-token' : 'provider-error', context);
    }
    return mk('provider-error', context);
  }
  const name = (err as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || (err instanceof TypeError && (err as { cause?: unknown }).cause !== undefined)) {
    return mk('provider-unreachable');
  }
  return mk('provider-error');
}

/** Every mapped role and organisation must be the platform's: a typo would otherwise silently refuse everyone. */
function checkMappings(deps: OidcLoginDeps): void {
  const oidc = deps.web.oidc!;
  const problems: string[] = [];
  const roles = new Set(deps.platform.roles.map((r) => r.id));
  const orgs = new Set(deps.platform.organisations.map((o) => o.id));
  const check = (map: Readonly<Record<string, readonly string[]>> | undefined, ids: Set<string>, name: string, kind: string): void => {
    const unknown = [...new Set(Object.values(map ?? {}).flat())].filter((id) => !ids.has(id));
    if (unknown.length > 0) problems.push(`  ${name}: maps to ${kind} that platform ${deps.platform.id} does not define: ${unknown.join(', ')}`);
  };
  check(oidc.roleClaim?.map, roles, 'JPP_OIDC_ROLE_MAP', 'roles');
  check(oidc.organisationClaim?.map, orgs, 'JPP_OIDC_ORG_MAP', 'organisations');
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}
