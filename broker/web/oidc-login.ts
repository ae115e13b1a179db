/**
 * OpenID Connect login for the web interface outside demo mode: the authorization code flow
 * with PKCE (RFC 7636, S256), state and nonce, through openid-client (panva), which also
 * validates the ID token (signature, iss, aud, exp, nonce).
 *
 * The ID token must carry the same claims a bearer token does: `sub`, and `org` and `role`
 * for the organisation and role the person acts in (docs/configuration.md), and `platform` as
 * a bearer token must (token-verifier.ts); `name` is shown when present. The services still
 * check the role's capabilities and the person register.
 *
 * Plain-http issuers are allowed only on the loopback interface (tests, a local IdP).
 */
import * as client from 'openid-client';
import { AppError } from '../errors/app-error.js';
import type { WebConfig } from '../config/config.js';
import type { WebUser } from './web-user.js';
import { checkPlatformClaim, type PlatformClaim } from '../auth/token-verifier.js';

export const CALLBACK_PATH = '/inloggen/terug';

export interface OidcStart {
  readonly url: string;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

export interface OidcLogin {
  /** Where to send the browser, and what the session must keep until it comes back. */
  start(): Promise<OidcStart>;
  /** Completes the login from the callback URL; throws AppError when anything does not check. */
  finish(callbackUrl: URL, checks: { verifier: string; state: string; nonce: string }): Promise<{ user: WebUser; accessToken: string }>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createOidcLogin(web: WebConfig, platform?: PlatformClaim): OidcLogin {
  const oidc = web.oidc!;
  const redirectUri = `${web.publicUrl}${CALLBACK_PATH}`;
  let configuration: Promise<client.Configuration> | undefined;
  const discover = (): Promise<client.Configuration> => {
    configuration ??= (async () => {
      const issuer = new URL(oidc.issuer);
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      return client.discovery(
        issuer,
        oidc.clientId,
        oidc.clientSecret,
        oidc.clientSecret ? client.ClientSecretPost(oidc.clientSecret) : client.None(),
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      );
    })();
    configuration.catch(() => {
      configuration = undefined;
    });
    return configuration;
  };

  return {
    async start() {
      let config: client.Configuration;
      try {
        config = await discover();
      } catch (err) {
        throw new AppError('unavailable', 'the OpenID Connect issuer cannot be reached', [], { cause: err });
      }
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, verifier, state, nonce };
    },
    async finish(callbackUrl, checks) {
      const config = await discover();
      let tokens;
      try {
        tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        throw new AppError('unauthenticated', 'the login could not be completed', [], { cause: err });
      }
      const claims = tokens.claims()!;
      try {
        checkPlatformClaim(claims['platform'], platform);
      } catch (err) {
        throw new AppError('forbidden', `the ID token is not for this platform: ${(err as Error).message}`);
      }
      const org = claims['org'];
      const role = claims['role'];
      if (typeof org !== 'string' || typeof role !== 'string') {
        throw new AppError('forbidden', 'the ID token names no organisation (org) and role (role) for this platform');
      }
      const name = typeof claims['name'] === 'string' ? claims['name'] : claims.sub;
      return { user: { id: claims.sub, displayName: name, organisation: org, role }, accessToken: tokens.access_token };
    },
  };
}
