/**
 * A minimal OpenID Connect provider for tests of the web login: discovery, an authorization
 * endpoint that logs in a preset user at once, a token endpoint that checks the PKCE verifier
 * (RFC 7636 S256), the client and the redirect URI, and a JWKS. ID tokens are ES256 JWTs
 * (jose) with the claims the broker expects (sub, org, role, name, nonce).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface FakeOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  /** Who the next authorization logs in (claims beyond sub are optional). */
  user: { sub: string; name?: string; org?: string; role?: string };
  /** Authorization requests seen, for assertions on PKCE and state. */
  readonly authorizations: Array<Record<string, string>>;
  close(): Promise<void>;
}

export async function startFakeOidcProvider(clientId = 'jpp-broker-web'): Promise<FakeOidcProvider> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string; user: FakeOidcProvider['user'] }>();
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider: FakeOidcProvider = {
    issuer,
    clientId,
    user: { sub: 'oidc-jurist', name: 'Jurist via OIDC', org: 'zvh-limburg-noord', role: 'jurist' },
    authorizations: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post'],
    });
  });
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [jwk] });
  });
  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string>;
    provider.authorizations.push(q);
    if (q['client_id'] !== clientId || q['response_type'] !== 'code' || q['code_challenge_method'] !== 'S256' || !q['code_challenge']) {
      res.status(400).send('bad authorization request');
      return;
    }
    const code = randomBytes(16).toString('base64url');
    codes.set(code, { challenge: q['code_challenge'], nonce: q['nonce'] ?? '', redirectUri: q['redirect_uri']!, user: { ...provider.user } });
    const back = new URL(q['redirect_uri']!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q['state'] ?? '');
    back.searchParams.set('iss', issuer);
    res.redirect(302, back.href);
  });
  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    const b = req.body as Record<string, string>;
    const grant = codes.get(b['code'] ?? '');
    codes.delete(b['code'] ?? '');
    const pkceOk = grant && createHash('sha256').update(b['code_verifier'] ?? '').digest('base64url') === grant.challenge;
    if (!grant || !pkceOk || b['redirect_uri'] !== grant.redirectUri || b['client_id'] !== clientId || b['grant_type'] !== 'authorization_code') {
      res.status(400).json({ error: 'invalid_grant' });
      return;
    }
    const { sub, ...claims } = grant.user;
    const idToken = await new SignJWT({ ...claims, nonce: grant.nonce })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    res.json({ access_token: randomBytes(16).toString('base64url'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
  });
  return provider;
}
