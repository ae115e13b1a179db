/**
 * Outside demo mode the web interface logs people in with OpenID Connect (authorization code
 * with PKCE), against a test provider: the redirect carries an S256 challenge, state and
 * nonce; the callback is checked (state, PKCE, ID token) before a session exists; the
 * person's organisation and role come from the ID token.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { startFakeOidcProvider, type FakeOidcProvider } from '../support/fake-oidc-provider.js';

function jar(base: string) {
  let cookie = '';
  return {
    async get(url: string) {
      const res = await fetch(url.startsWith('http') ? url : `${base}${url}`, { redirect: 'manual', headers: url.startsWith(base) || !url.startsWith('http') ? (cookie ? { cookie } : {}) : {} });
      const set = res.headers.get('set-cookie');
      if (set && (url.startsWith(base) || !url.startsWith('http'))) cookie = set.split(';')[0]!;
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    },
    async post(path: string, form: Record<string, string>) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams(form).toString(),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    },
  };
}
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

describe('OpenID Connect login (production mode)', () => {
  let op: FakeOidcProvider;
  let tb: TestBroker;
  beforeAll(async () => {
    op = await startFakeOidcProvider();
    const { privateKey } = generateKeyPairSync('ed25519');
    tb = await startTestBroker({
      production: true,
      env: {
        JPP_SUBJECT_KEY: randomBytes(32).toString('base64url'),
        JPP_JWT_ISSUER: op.issuer,
        JPP_JWT_JWKS_URL: `${op.issuer}/jwks`,
        JPP_LOG_SIGNING_KEY: JSON.stringify(privateKey.export({ format: 'jwk' })),
        JPP_OIDC_ISSUER: op.issuer,
        JPP_OIDC_CLIENT_ID: op.clientId,
        JPP_WEB_SESSION_SECRET: randomBytes(32).toString('base64url'),
        // Names the redirect URI only; the test replays the provider's redirect on the broker itself.
        JPP_PUBLIC_URL: 'http://jpp.example',
      },
    });
  });
  afterAll(async () => {
    await tb?.close();
    await op?.close();
  });

  /** Walks the login: broker → provider → broker callback. */
  async function login(c: ReturnType<typeof jar>) {
    const page = await c.get('/inloggen?terug=/logboek');
    expect(page.text).toContain('Inloggen via uw organisatie');
    const start = await c.post('/inloggen', { _csrf: csrfOf(page.text), terug: '/logboek' });
    expect(start.status).toBe(303);
    const authorize = new URL(start.location!);
    expect(authorize.origin).toBe(op.issuer);
    const atProvider = await c.get(start.location!);
    expect(atProvider.status).toBe(302);
    const callback = new URL(atProvider.location!);
    return { authorize, callback };
  }

  it('sends the browser to the issuer with PKCE S256, state and nonce, and logs in from the ID token', async () => {
    const c = jar(tb.url);
    const { authorize, callback } = await login(c);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('scope')).toContain('openid');
    const done = await c.get(`${callback.pathname}${callback.search}`);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/logboek');
    const home = await c.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Jurist via OIDC');
    expect(home.text).toContain('href="/logboek"');
  });

  it('refuses a callback whose state does not match, and logs nobody in', async () => {
    const c = jar(tb.url);
    const { callback } = await login(c);
    callback.searchParams.set('state', 'forged');
    const done = await c.get(`${callback.pathname}${callback.search}`);
    expect(done.status).toBe(401);
    expect((await c.get('/')).status).toBe(303);
  });

  it('refuses a callback in a browser that did not start the login', async () => {
    const c = jar(tb.url);
    const { callback } = await login(c);
    const stranger = jar(tb.url);
    expect((await stranger.get(`${callback.pathname}${callback.search}`)).status).toBe(401);
  });

  it('refuses an ID token without organisation and role', async () => {
    op.user = { sub: 'oidc-nobody', name: 'Zonder rol' };
    const c = jar(tb.url);
    const { callback } = await login(c);
    const done = await c.get(`${callback.pathname}${callback.search}`);
    expect(done.status).toBe(403);
    expect((await c.get('/')).status).toBe(303);
  });
});
