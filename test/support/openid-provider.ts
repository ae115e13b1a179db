/**
 * A real OpenID Provider for the login tests: `oidc-provider` (panva, OpenID Certified), in this
 * process, on a free port on 127.0.0.1. It is configured as providers are in the field:
 * - the broker is a registered client (authorization code with PKCE required; public, or
 *   confidential with client_secret_post), with its redirect and post-logout redirect URIs;
 * - custom claims come only through scopes, and with `conformIdTokenClaims` (the library's
 *   default, as Keycloak does) only from userinfo; without it (as Microsoft Entra ID does) also
 *   in the ID token, and `idTokenOnly` claims (Entra's `roles`) never from userinfo;
 * - the person signs in on the provider's own login form (username and password) and allows
 *   the client's access on its consent page, in the browser;
 * - RP-initiated logout asks the person to confirm, then ends the provider's session.
 *
 * `actAsOtherClient` makes the provider handle the broker's next logins as another registered
 * client's (one that shares the broker's redirect URI), so the broker receives a genuine,
 * correctly signed ID token whose audience is that other client: the mix-up a wrong-audience
 * check exists for.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import escapeHtml from 'escape-html';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface ProviderUser {
  readonly username: string;
  readonly password: string;
  /** The subject the provider gives this user (and the broker's person register knows them by). */
  readonly sub: string;
  /** Claims beside `sub` (name, email, realm_access, roles, …); which ones a client gets depends on its scopes. */
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface ProviderOptions {
  /** The broker's address: its redirect URI is `<brokerUrl>/inloggen/terug`, its post-logout redirect URI `<brokerUrl>/uitgelogd`. */
  readonly brokerUrl: string;
  readonly clientId?: string;
  /** Set: a confidential client (client_secret_post). Unset: a public client. */
  readonly clientSecret?: string;
  /** The claims each scope releases (OpenID Connect Core §5.4), beside `openid: ['sub']`. */
  readonly scopes: Readonly<Record<string, readonly string[]>>;
  /** true: scope claims only from userinfo (Keycloak-like); false: in the ID token too (Entra-like). */
  readonly conformIdTokenClaims: boolean;
  /** Claims that userinfo never returns (Entra ID returns app roles in the ID token only). */
  readonly idTokenOnly?: readonly string[];
  /** Listen on this port (default: a free one). */
  readonly port?: number;
  /**
   * Issue access tokens as JWTs for this audience (RFC 9068; oidc-provider's resource indicators,
   * RFC 8707), as Keycloak does with an audience mapper and Entra ID for an app ID URI: the broker's
   * API and the key custodian then accept the web login's access token.
   */
  readonly jwtAccessTokenAudience?: string;
}

export interface TestOpenIdProvider {
  readonly issuer: string;
  readonly clientId: string;
  /** The other registered client that `actAsOtherClient` hands the broker's logins to. */
  readonly otherClientId: string;
  readonly users: Map<string, ProviderUser>;
  /** How often someone completed the login form: a login that did not raise it rode on the provider's session. */
  readonly counts: { logins: number; userinfo: number; endSession: number };
  actAsOtherClient: boolean;
  close(): Promise<void>;
}

const OTHER_CLIENT = 'andere-toepassing';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} – Test OpenID Provider</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function loginForm(uid: string, error?: string): string {
  return page(
    'Sign in',
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <p><label for="username">Username</label> <input id="username" name="username" autocomplete="username" required></p>
  <p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <button type="submit">Sign in</button>
</form>`,
  );
}

export async function startOpenIdProvider(options: ProviderOptions): Promise<TestOpenIdProvider> {
  const clientId = options.clientId ?? 'jpp-broker';
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = new Map<string, ProviderUser>();
  const counts = { logins: 0, userinfo: 0, endSession: 0 };
  const idTokenOnly = new Set(options.idTokenOnly ?? []);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `op-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };
  const redirectUri = `${options.brokerUrl}/inloggen/terug`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        ...(options.clientSecret ? { client_secret: options.clientSecret, token_endpoint_auth_method: 'client_secret_post' as const } : { token_endpoint_auth_method: 'none' as const }),
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [`${options.brokerUrl}/uitgelogd`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        client_name: 'jpp-broker',
      },
      {
        client_id: OTHER_CLIENT,
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        client_name: 'Another application',
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], ...Object.fromEntries(Object.entries(options.scopes).map(([k, v]) => [k, [...v]])) },
    conformIdTokenClaims: options.conformIdTokenClaims,
    findAccount: (_ctx: KoaContextWithOIDC, sub: string) => {
      const user = [...users.values()].find((u) => u.sub === sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: (use: string) => ({
          sub,
          ...Object.fromEntries(Object.entries(user.claims).filter(([k]) => use !== 'userinfo' || !idTokenOnly.has(k))),
        }),
      };
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [signingKey] },
    features: {
      devInteractions: { enabled: false },
      ...(options.jwtAccessTokenAudience
        ? {
            resourceIndicators: {
              enabled: true,
              defaultResource: () => options.jwtAccessTokenAudience!,
              useGrantedResource: () => true,
              getResourceServerInfo: () => ({ scope: 'openid', audience: options.jwtAccessTokenAudience!, accessTokenFormat: 'jwt' as const, accessTokenTTL: 600 }),
            },
          }
        : {}),
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign out', `<p>Do you want to sign out of the Test OpenID Provider?</p>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You are signed out.</p>');
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    clientBasedCORS: () => false,
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Error', `<p>${escapeHtml(String(out['error'] ?? 'error'))}</p>`);
    },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();

  const op: TestOpenIdProvider = {
    issuer,
    clientId,
    otherClientId: OTHER_CLIENT,
    users,
    counts,
    actAsOtherClient: false,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };

  /** The provider's own pages: its login form and its consent page (oidc-provider leaves these to the deployment). */
  async function interactions(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const [, , uid = '', action] = path.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, page('Error', '<p>This sign-in has expired.</p>'));
    if (req.method === 'GET') {
      if (details.prompt.name === 'login') return send(res, 200, loginForm(uid));
      const scope = String(details.params['scope'] ?? '');
      return send(res, 200, page('Allow access', `<p>${escapeHtml(String(details.params['client_id']))} asks for: ${escapeHtml(scope)}</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>`));
    }
    const form = await readForm(req);
    if (action === 'login') {
      const user = users.get(form.get('username') ?? '');
      if (!user || user.password !== form.get('password')) return send(res, 200, loginForm(uid, 'Invalid username or password.'));
      counts.logins += 1;
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    if (action === 'confirm') {
      const { prompt, params, session, grantId } = details;
      const grant = (grantId ? await provider.Grant.find(grantId) : undefined) ?? new provider.Grant({ accountId: session!.accountId, clientId: String(params['client_id']) });
      const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const resources = (prompt.details as { missingResourceScopes?: Record<string, string[]> }).missingResourceScopes ?? {};
      for (const [indicator, scopes] of Object.entries(resources)) grant.addResourceScope(indicator, scopes.join(' '));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      return;
    }
    send(res, 404, page('Not found', ''));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (url.pathname.startsWith('/interaction/')) return interactions(req, res, url.pathname);
      if (url.pathname === '/me') counts.userinfo += 1;
      if (url.pathname.startsWith('/session/end') && req.method === 'GET') counts.endSession += 1;
      if (op.actAsOtherClient && req.method === 'GET' && url.pathname === '/auth' && url.searchParams.get('client_id') === clientId) {
        url.searchParams.set('client_id', OTHER_CLIENT);
        req.url = `${url.pathname}${url.search}`;
      }
      if (op.actAsOtherClient && req.method === 'POST' && url.pathname === '/token') {
        const form = await readForm(req);
        if (form.get('client_id') === clientId && !options.clientSecret) form.set('client_id', OTHER_CLIENT);
        // oidc-provider reads a body that an upstream parser already read from req.body.
        (req as IncomingMessage & { body?: string }).body = form.toString();
      }
      handle(req, res);
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, page('Error', `<p>${escapeHtml(String((err as Error).message))}</p>`));
    });
  });
  return op;
}
