/**
 * The web interface's sessions and forms over plain HTTP (no browser): login required,
 * cookie flags, CSRF on every POST, session regeneration at login and destruction at
 * logout, no open redirect, role checks below the menu, and the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';
import { csrfOf, webClient, webLogin } from '../support/web-client.js';

/** A browser-like client: keeps the session cookie, does not follow redirects. */
const client = webClient;
const login = webLogin;

describe('web sessions and forms', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker();
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('sends a visitor without a session to the login page, remembering where they were going', async () => {
    const res = await client(tb.url).req('GET', '/logboek?partner=halt');
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/inloggen?terug=${encodeURIComponent('/logboek?partner=halt')}`);
  });

  it('sets an httpOnly, SameSite=Lax session cookie (not Secure over http) at login only, and strict security headers', async () => {
    const c = client(tb.url);
    const res = await c.req('GET', '/inloggen');
    expect(res.status).toBe(200);
    // Before login only the login form's CSRF nonce, never a session.
    expect(res.setCookie).toMatch(/^jpp-session-login=[A-Za-z0-9_-]{22};/);
    expect(res.setCookie).toMatch(/HttpOnly/);
    expect(res.setCookie).toMatch(/SameSite=Lax/);
    expect(res.setCookie).not.toMatch(/Secure/);
    const login = await c.req('POST', '/inloggen', { _csrf: csrfOf(res.text), user: 'demo-jurist' });
    expect(login.status).toBe(303);
    expect(login.setCookie).toMatch(/^jpp-session=/);
    expect(login.setCookie).toMatch(/HttpOnly/);
    expect(login.setCookie).toMatch(/SameSite=Lax/);
    expect(login.setCookie).not.toMatch(/Secure/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.text).toContain('<html lang="nl"');
    expect(res.text).toContain('href="#inhoud"');
  });

  it('stores no session row for anonymous page views, and one at login', async () => {
    const rows = async () => Number((await tb.broker.db.selectFrom('web_sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await rows();
    const c = client(tb.url);
    for (const path of ['/inloggen', '/', '/logboek?casus=x', '/inloggen?terug=%2Fbeleid', '/assets/css/site.css', '/niet-bestaand', '/inloggen']) {
      const res = await c.req('GET', path);
      expect(res.status).toBeLessThan(500);
      expect(res.setCookie ?? '').not.toMatch(/^jpp-session=/);
    }
    expect(await rows()).toBe(before);
    const page = await c.req('GET', '/inloggen');
    expect((await c.req('POST', '/inloggen', { _csrf: csrfOf(page.text), user: 'demo-jurist' })).status).toBe(303);
    expect(await rows()).toBe(before + 1);
  });

  it('refuses a login form with another browser\'s token, or a forged one', async () => {
    const mine = client(tb.url);
    const theirs = client(tb.url);
    await mine.req('GET', '/inloggen');
    const token = csrfOf((await theirs.req('GET', '/inloggen')).text);
    expect((await mine.req('POST', '/inloggen', { _csrf: token, user: 'demo-jurist' })).status).toBe(403);
    const nonce = decodeURIComponent(mine.cookie.split('=')[1]!);
    expect((await mine.req('POST', '/inloggen', { _csrf: `${nonce}.${'A'.repeat(43)}`, user: 'demo-jurist' })).status).toBe(403);
    expect((await mine.req('GET', '/')).status).toBe(303);
  });

  it('refuses a login form without the CSRF token, and logs nobody in', async () => {
    const c = client(tb.url);
    await c.req('GET', '/inloggen');
    const res = await c.req('POST', '/inloggen', { user: 'demo-jurist' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Formulier verlopen');
    expect((await c.req('GET', '/')).status).toBe(303);
  });

  it('gives a new session id at login, and returns only to local paths', async () => {
    const c = client(tb.url);
    const page = await c.req('GET', '/inloggen');
    const before = c.cookie;
    const res = await c.req('POST', '/inloggen', { _csrf: csrfOf(page.text), user: 'demo-jurist', terug: '//evil.example/x' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/');
    expect(c.cookie).not.toBe(before);
    // The old (pre-login) session id is no longer logged in.
    const old = client(tb.url);
    old.cookie = before;
    expect((await old.req('GET', '/')).status).toBe(303);
    expect((await c.req('GET', '/')).status).toBe(200);
  });

  it('refuses a demo user the register does not know, in Dutch, and stores no session', async () => {
    const c = client(tb.url);
    const page = await c.req('GET', '/inloggen');
    const res = await c.req('POST', '/inloggen', { _csrf: csrfOf(page.text), user: 'demo-nobody' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('register');
    expect(res.text).not.toMatch(/is not|demo user/);
  });

  it('shows each role only its own pages, and the services refuse the rest', async () => {
    const { c: voorzitter } = await login(tb.url, 'demo-voorzitter');
    const home = await voorzitter.req('GET', '/');
    expect(home.text).toContain('href="/casussen"');
    expect(home.text).not.toContain('href="/logboek"');
    expect((await voorzitter.req('GET', '/logboek')).status).toBe(403);
    expect((await voorzitter.req('GET', '/logboek/export/bevragingen.csv')).status).toBe(403);

    const { c: jurist } = await login(tb.url, 'demo-jurist');
    const jhome = await jurist.req('GET', '/');
    expect(jhome.text).toContain('href="/logboek"');
    expect(jhome.text).not.toContain('href="/screening"');
    expect((await jurist.req('GET', '/screening')).status).toBe(403);
  });

  it('ends the session everywhere at logout', async () => {
    const { c } = await login(tb.url, 'demo-jurist');
    const home = await c.req('GET', '/');
    const cookie = c.cookie;
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(cookie.split('=')[1]!))![1]!;
    expect(await tb.broker.db.selectFrom('web_sessions').select('sid').where('sid', '=', sid).execute()).toHaveLength(1);
    const out = await c.req('POST', '/uitloggen', { _csrf: csrfOf(home.text) });
    expect(out.status).toBe(303);
    const replay = client(tb.url);
    replay.cookie = cookie;
    expect((await replay.req('GET', '/')).status).toBe(303);
    expect(await tb.broker.db.selectFrom('web_sessions').select('sid').where('sid', '=', sid).execute()).toEqual([]);
  });

  it('guards the custodian endpoint: CSRF header first, then a login', async () => {
    const c = client(tb.url);
    const page = await c.req('GET', '/inloggen');
    const body = JSON.stringify({ epoch: 1, doel: 'jpp-screening', blindedElements: [] });
    const noToken = await c.req('POST', '/web-api/custodian/evaluate', undefined, { 'content-type': 'application/json' });
    expect(noToken.status).toBe(403);
    const res = await fetch(`${tb.url}/web-api/custodian/evaluate`, {
      method: 'POST',
      headers: { cookie: c.cookie, 'content-type': 'application/json', 'x-csrf-token': csrfOf(page.text) },
      body,
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('keeps no identity, pseudonym or token in the session table', async () => {
    const rows = await tb.broker.db.selectFrom('web_sessions').select('data').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const data = JSON.parse(r.data) as Record<string, unknown>;
      expect(Object.keys(data).filter((k) => !['cookie', 'csrfToken', 'user', 'exports'].includes(k))).toEqual([]);
    }
  });
});

describe('web sessions behind https', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker({ env: { JPP_PUBLIC_URL: 'https://jpp.example' } });
  });
  afterAll(async () => {
    await tb?.close();
  });

  it('uses a Secure __Host- cookie when the public address is https (TLS ended at a proxy)', async () => {
    const c = client(tb.url);
    const res = await c.req('GET', '/inloggen', undefined, { 'x-forwarded-proto': 'https' });
    expect(res.setCookie).toMatch(/^__Host-jpp-session-login=/);
    expect(res.setCookie).toMatch(/; Secure/);
    expect(res.setCookie).toMatch(/Path=\/;/);
    const login = await c.req('POST', '/inloggen', { _csrf: csrfOf(res.text), user: 'demo-jurist' }, { 'x-forwarded-proto': 'https' });
    expect(login.setCookie).toMatch(/^__Host-jpp-session=/);
    expect(login.setCookie).toMatch(/; Secure/);
    expect(login.setCookie).toMatch(/HttpOnly/);
  });
});

describe('operational logs of the web interface', () => {
  it('hold no pseudonym, casus reference, cookie or CSRF token', async () => {
    const { Writable } = await import('node:stream');
    let out = '';
    const destination = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    const tb = await startTestBroker({ logDestination: destination });
    try {
      const { c } = await login(tb.url, 'demo-voorzitter');
      const page = await c.req('GET', '/screening');
      const subject = randomPseudonym();
      const caseRef = opaqueRef('ZVH');
      await openCase(tb, [subject], { caseRef });
      const res = await c.req('POST', '/screening', { _csrf: csrfOf(page.text), subject, doel: 'jpp-screening', caseRef });
      expect(res.status).toBe(200);
      expect(res.text).toContain('Uitkomst van de screening');
      await c.req('GET', `/logboek?casus=${caseRef}`);
      expect(out).toContain('"url":"/screening"');
      for (const secret of [subject, caseRef, csrfOf(page.text), c.cookie.split('=')[1]!]) expect(out).not.toContain(secret);
    } finally {
      await tb.close();
    }
  });
});
