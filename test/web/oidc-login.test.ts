/**
 * Web login through a real OpenID Provider (oidc-provider, started here on a free port), in
 * chromium: the broker's login button, the provider's login form and consent page, and back.
 * The broker runs in production mode with people the test registers in its database; the
 * register decides who logs in and as what, the provider's claims only narrow it.
 *
 * Two providers, configured as their kind is in the field:
 * - Keycloak-like: a public client; realm roles in the nested claim `realm_access.roles` and the
 *   organisation in `organization`, both released by scopes and (conformIdTokenClaims) only
 *   from userinfo, so the broker must read userinfo;
 * - Entra-like: a confidential client; app roles in a `roles` array in the ID token only (its
 *   userinfo does not return them), and the default scopes.
 *
 * Every refusal is checked in the browser (status, Dutch message, no session) and in the
 * operational log (one line with the reason code); no log line holds a subject, name, e-mail,
 * username or token.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { startOpenIdProvider, type ProviderOptions, type ProviderUser, type TestOpenIdProvider } from '../support/openid-provider.js';
import { HAS_CHROMIUM, expectAccessible, launchBrowser, newPage } from '../support/browser.js';

const describeBrowser = HAS_CHROMIUM ? describe : describe.skip;

/** A free port on 127.0.0.1, so that the broker's address (its redirect URI) is known before it starts. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

interface Setup {
  op: TestOpenIdProvider;
  tb: TestBroker;
  url: string;
  browser: Browser;
  log: string[];
  /** Every claim value and credential the test made up; none may reach the log. */
  secrets: string[];
}

async function setUp(provider: Omit<ProviderOptions, 'brokerUrl'>, env: Record<string, string>): Promise<Setup> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const op = await startOpenIdProvider({ ...provider, brokerUrl: url });
  const log: string[] = [];
  const { privateKey } = generateKeyPairSync('ed25519');
  const tb = await startTestBroker({
    production: true,
    port,
    logDestination: new Writable({
      write(chunk: Buffer, _enc, done) {
        log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
    env: {
      JPP_SUBJECT_KEY: randomBytes(32).toString('base64url'),
      JPP_JWT_ISSUER: op.issuer,
      JPP_JWT_JWKS_URL: `${op.issuer}/jwks`,
      JPP_LOG_SIGNING_KEY: JSON.stringify(privateKey.export({ format: 'jwk' })),
      JPP_OIDC_ISSUER: op.issuer,
      JPP_OIDC_CLIENT_ID: op.clientId,
      JPP_WEB_SESSION_SECRET: randomBytes(32).toString('base64url'),
      JPP_PUBLIC_URL: url,
      ...(provider.clientSecret ? { JPP_OIDC_CLIENT_SECRET: provider.clientSecret } : {}),
      ...env,
    },
  });
  // The register starts empty in production: its bootstrap registers a functioneel beheerder,
  // who registers every person of these tests through the register's own service (as the API does).
  await tb.broker.register.bootstrap(
    [BEHEERDER, TWEEDE_BEHEERDER].map((b) => ({ personId: b.id, displayName: 'Beheerder', organisation: b.organisation, roles: [b.role] })),
    'test-bootstrap',
  );
  return { op, tb, url, browser: await launchBrowser(), log, secrets: provider.clientSecret ? [provider.clientSecret] : [] };
}

/** The functioneel beheerder who keeps the register in these tests. */
const BEHEERDER = { kind: 'person', id: 'beheerder-oidc-test', organisation: 'zvh-limburg-noord', role: 'functioneel-beheerder' } as const;
/** The second beheerder, who approves privileged roles (four eyes). */
const TWEEDE_BEHEERDER = { ...BEHEERDER, id: 'beheerder-2-oidc-test' } as const;

async function tearDown(s: Setup | undefined): Promise<void> {
  await s?.browser.close();
  await s?.tb.close();
  await s?.op.close();
}

/** A person at the provider (random subject, name, e-mail, credentials), optionally also in the broker's register. */
async function person(
  s: Setup,
  claims: Record<string, unknown>,
  register?: { organisation: string; roles: string[] },
): Promise<ProviderUser> {
  const tag = randomBytes(4).toString('hex');
  const user: ProviderUser = {
    username: `gebruiker-${tag}`,
    password: randomBytes(12).toString('base64url'),
    sub: randomUUID(),
    claims: { name: `Proef Persoon ${tag}`, email: `proef.${tag}@example.org`, ...claims },
  };
  s.op.users.set(user.username, user);
  s.secrets.push(user.sub, user.username, user.password, String(user.claims['name']), String(user.claims['email']));
  if (register) {
    await s.tb.broker.register.people.register(
      BEHEERDER,
      { personId: user.sub, displayName: `Register persoon`, organisation: register.organisation, roles: register.roles.map((role) => ({ role })) },
      'test-register',
    );
    // Privileged roles (jurist, privacy officer) count once a second beheerder approved them (four eyes).
    for (const g of (await s.tb.broker.register.people.pending(TWEEDE_BEHEERDER)).items.filter((p) => p.personId === user.sub)) {
      await s.tb.broker.register.people.approve(TWEEDE_BEHEERDER, user.sub, g.role, 'test-approve');
    }
  }
  return user;
}

/**
 * From the broker's login page through the provider and back: clicks the login button, signs
 * in on the provider's form when it asks (`expectForm` says whether it must), allows access on
 * its consent page when it asks, and stops when the browser is back at the broker.
 */
async function logIn(s: Setup, page: Page, user: ProviderUser, o: { terug?: string; expectForm?: boolean } = {}): Promise<{ status: number }> {
  const loginsBefore = s.op.counts.logins;
  await page.goto(`${s.url}/inloggen${o.terug ? `?terug=${encodeURIComponent(o.terug)}` : ''}`);
  let status = 0;
  const onResponse = (r: import('playwright-core').Response): void => {
    if (r.request().isNavigationRequest() && r.url().startsWith(s.url)) status = r.status();
  };
  page.on('response', onResponse);
  await Promise.all([page.waitForURL((u) => u.origin === s.op.issuer || u.pathname !== '/inloggen'), page.click('button:has-text("Inloggen via uw organisatie")')]);
  for (let step = 0; step < 6 && new URL(page.url()).origin === s.op.issuer; step++) {
    if (await page.locator('#username').count()) {
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.click('button:has-text("Sign in")')]);
    } else if (await page.locator('button:has-text("Allow")').count()) {
      await Promise.all([page.waitForEvent('framenavigated'), page.click('button:has-text("Allow")')]);
    } else {
      throw new Error(`unexpected page at the provider: ${await page.locator('main').innerText()}`);
    }
    await page.waitForLoadState('load');
  }
  page.off('response', onResponse);
  expect(new URL(page.url()).origin, 'back at the broker').toBe(s.url);
  if (o.expectForm !== undefined) expect(s.op.counts.logins > loginsBefore, 'the provider asked for the login form').toBe(o.expectForm);
  return { status };
}

/** The operational log's login refusals, as parsed lines. */
const refusals = (s: Setup): Array<Record<string, unknown>> =>
  s.log.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === 'web-login-refused');

/** Whether the browser has a broker session: the start page answers, or redirects to the login page. */
async function hasSession(s: Setup, page: Page): Promise<boolean> {
  await page.goto(`${s.url}/`);
  return new URL(page.url()).pathname === '/';
}

function expectLogClean(s: Setup): void {
  expect(s.log.length).toBeGreaterThan(0);
  for (const line of s.log) {
    for (const secret of s.secrets) expect(line, 'a log line').not.toContain(secret);
    expect(line, 'a log line holds no JWT').not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  }
}

describeBrowser('web login through a Keycloak-like OpenID Provider (public client, realm_access.roles and organization from userinfo)', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(
      {
        scopes: {
          profile: ['name', 'given_name', 'family_name', 'preferred_username'],
          email: ['email', 'email_verified'],
          roles: ['realm_access'],
          organization: ['organization'],
        },
        conformIdTokenClaims: true,
      },
      {
        JPP_OIDC_SCOPES: 'openid profile email roles organization',
        JPP_OIDC_ROLE_CLAIM: 'realm_access.roles',
        JPP_OIDC_ROLE_MAP: JSON.stringify({ 'jpp-jurist': 'jurist', 'jpp-fg': 'privacy-officer', 'jpp-voorzitter': 'voorzitter' }),
        JPP_OIDC_ORG_CLAIM: 'organization',
        JPP_OIDC_ORG_MAP: JSON.stringify({ 'zvh-ln': 'zvh-limburg-noord', politie: 'politie' }),
      },
    );
  });
  afterAll(async () => {
    if (s) expectLogClean(s);
    await tearDown(s);
  });

  // Keycloak's organization claim (Organization Membership mapper): the aliases as an object's keys.
  const keycloakClaims = (roles: string[], organization = 'zvh-ln') => ({
    realm_access: { roles: [...roles, 'offline_access', 'uma_authorization', 'default-roles-jpp'] },
    organization: { [organization]: {} },
  });

  it('logs a registered jurist in: the page allows forms to the provider (only), and the role and organisation come from the register', async () => {
    const user = await person(s, keycloakClaims(['jpp-jurist']), { organisation: 'zvh-limburg-noord', roles: ['jurist'] });
    const page = await newPage(s.browser);
    const loginPage = await page.goto(`${s.url}/inloggen`);
    const csp = loginPage!.headers()['content-security-policy']!;
    expect(csp).toContain(`form-action 'self' ${s.op.issuer};`);
    expect(csp.match(/form-action [^;]*/)![0].split(' ')).toEqual(['form-action', "'self'", s.op.issuer]);
    await expectAccessible(page, 'the login page');
    const userinfoBefore = s.op.counts.userinfo;
    await logIn(s, page, user, { terug: '/logboek', expectForm: true });
    expect(new URL(page.url()).pathname).toBe('/logboek');
    expect(s.op.counts.userinfo, 'the roles and name came from userinfo').toBe(userinfoBefore + 1);
    // The register's name (findActivePerson gives none yet, so the provider's), and the register's role.
    // The name shown is the register's, not the provider's: the register decides who the person is here.
    await expect(page.locator('.site-user').innerText()).resolves.toContain('Register persoon');
    await expect(page.locator('.site-user').innerText()).resolves.not.toContain(String(user.claims['name']));
    await expect(page.locator('.site-user').innerText()).resolves.toContain('(Jurist)');
    await expect(page.locator('nav[aria-label="Hoofdmenu"]').innerText()).resolves.toContain('Logboek');
    const line = s.log.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['event'] === 'web-login');
    expect(line).toMatchObject({ event: 'web-login', role: 'jurist' });
    await page.context().close();
  });

  it('refuses a person the register does not know, says what to do, and logs not-registered', async () => {
    const user = await person(s, keycloakClaims(['jpp-jurist']));
    const page = await newPage(s.browser);
    const { status } = await logIn(s, page, user, { expectForm: true });
    expect(status).toBe(403);
    await expect(page.locator('h1').innerText()).resolves.toBe('Inloggen is niet gelukt');
    await expect(page.locator('[role="alert"]').innerText()).resolves.toContain('Vraag de functioneel beheerder van het platform om u te registreren');
    await expectAccessible(page, 'the refusal page');
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'not-registered', level: 40 });
    expect(await hasSession(s, page)).toBe(false);
    await page.context().close();
  });

  it('refuses a person whose register entry was deactivated, though the provider still knows them', async () => {
    const user = await person(s, keycloakClaims(['jpp-jurist']), { organisation: 'zvh-limburg-noord', roles: ['jurist'] });
    const before = await newPage(s.browser);
    await logIn(s, before, user, { expectForm: true });
    expect(await hasSession(s, before)).toBe(true);
    await before.context().close();
    await s.tb.broker.register.people.deactivate(BEHEERDER, user.sub, 'test-deactivate');
    const page = await newPage(s.browser);
    const { status } = await logIn(s, page, user, { expectForm: true });
    expect(status).toBe(403);
    await expect(page.locator('[role="alert"]').innerText()).resolves.toContain('is beëindigd');
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'deactivated' });
    expect(await hasSession(s, page)).toBe(false);
    await page.context().close();
  });

  it('refuses a role the register does not grant: the provider says jurist, the register says voorzitter', async () => {
    const user = await person(s, keycloakClaims(['jpp-jurist']), { organisation: 'zvh-limburg-noord', roles: ['voorzitter'] });
    const page = await newPage(s.browser);
    const { status } = await logIn(s, page, user, { expectForm: true });
    expect(status).toBe(403);
    await expect(page.locator('[role="alert"]').innerText()).resolves.toContain('geeft u geen van de rollen die u in');
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'role-not-granted' });
    expect(await hasSession(s, page)).toBe(false);
    await page.context().close();
  });

  it('refuses an organisation the register does not give: the provider says politie, the register says the ZVH', async () => {
    const user = await person(s, keycloakClaims(['jpp-jurist'], 'politie'), { organisation: 'zvh-limburg-noord', roles: ['jurist'] });
    const page = await newPage(s.browser);
    const { status } = await logIn(s, page, user, { expectForm: true });
    expect(status).toBe(403);
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'organisation-not-granted' });
    expect(await hasSession(s, page)).toBe(false);
    await page.context().close();
  });

  it('refuses an ID token issued to another client (wrong audience), signed by the provider itself', async () => {
    const user = await person(s, keycloakClaims(['jpp-jurist']), { organisation: 'zvh-limburg-noord', roles: ['jurist'] });
    const page = await newPage(s.browser);
    s.op.actAsOtherClient = true;
    let status: number;
    try {
      ({ status } = await logIn(s, page, user, { expectForm: true }));
    } finally {
      s.op.actAsOtherClient = false;
    }
    expect(status).toBe(401);
    await expect(page.locator('[role="alert"]').innerText()).resolves.toContain('niet voor deze website bestemd');
    await expect(page.locator('a:has-text("Opnieuw inloggen")').count()).resolves.toBe(1);
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'wrong-audience', check: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', claim: 'aud' });
    expect(await hasSession(s, page)).toBe(false);
    await page.context().close();
  });

  it('refuses a callback whose state is not the browser\'s own', async () => {
    const page = await newPage(s.browser);
    const res = await page.goto(`${s.url}/inloggen/terug?code=x&state=vervalst&iss=${encodeURIComponent(s.op.issuer)}`);
    expect(res!.status()).toBe(401);
    await expect(page.locator('[role="alert"]').innerText()).resolves.toContain('Begin opnieuw met inloggen');
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'state-mismatch' });
    await page.context().close();
  });

  it('logs out at the broker and at the provider (RP-initiated logout): logging in again needs the provider\'s form again', async () => {
    const user = await person(s, keycloakClaims(['jpp-jurist']), { organisation: 'zvh-limburg-noord', roles: ['jurist'] });
    const page = await newPage(s.browser);
    await logIn(s, page, user, { expectForm: true });
    // Without logging out, the provider's session carries a second login past its form.
    await logIn(s, page, user, { expectForm: false });
    expect(await hasSession(s, page)).toBe(true);
    const endSessionBefore = s.op.counts.endSession;
    await Promise.all([page.waitForURL((u) => u.origin === s.op.issuer), page.click('button:has-text("Uitloggen")')]);
    expect(s.op.counts.endSession).toBe(endSessionBefore + 1);
    expect(new URL(page.url()).pathname).toMatch(/^\/session\/end/);
    await Promise.all([page.waitForURL(`${s.url}/uitgelogd`), page.click('button:has-text("Yes, sign me out")')]);
    await expect(page.locator('h1').innerText()).resolves.toBe('U bent uitgelogd');
    await expectAccessible(page, 'the logged-out page');
    expect(await hasSession(s, page)).toBe(false);
    await logIn(s, page, user, { expectForm: true });
    expect(await hasSession(s, page)).toBe(true);
    await page.context().close();
  });
});

describeBrowser('web login through an Entra-like OpenID Provider (confidential client, roles array in the ID token only)', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(
      {
        clientSecret: randomBytes(24).toString('base64url'),
        scopes: { openid: ['sub', 'roles'], profile: ['name', 'preferred_username'], email: ['email'] },
        conformIdTokenClaims: false,
        idTokenOnly: ['roles'],
      },
      {
        JPP_OIDC_ROLE_CLAIM: 'roles',
        JPP_OIDC_ROLE_MAP: JSON.stringify({ 'JPP.Jurist': 'jurist', 'JPP.PrivacyOfficer': 'privacy-officer' }),
      },
    );
  });
  afterAll(async () => {
    if (s) expectLogClean(s);
    await tearDown(s);
  });

  it('lets a person with two usable roles choose one, reading the roles from the ID token without userinfo', async () => {
    const user = await person(s, { roles: ['JPP.Jurist', 'JPP.PrivacyOfficer'] }, { organisation: 'zvh-limburg-noord', roles: ['jurist', 'privacy-officer'] });
    const page = await newPage(s.browser);
    const userinfoBefore = s.op.counts.userinfo;
    await logIn(s, page, user, { terug: '/beleid', expectForm: true });
    expect(s.op.counts.userinfo, 'name and roles were in the ID token').toBe(userinfoBefore);
    expect(new URL(page.url()).pathname).toBe('/inloggen/rol');
    await expect(page.locator('h1').innerText()).resolves.toBe('Kies uw rol');
    await expect(page.locator('label[for="rol-jurist"]').innerText()).resolves.toBe('Jurist');
    await expect(page.locator('label[for="rol-privacy-officer"]').innerText()).resolves.toBe('Privacy officer (FG)');
    await expectAccessible(page, 'the role choice');
    await page.check('#rol-privacy-officer');
    await Promise.all([page.waitForURL(`${s.url}/beleid`), page.click('button:has-text("Verder")')]);
    await expect(page.locator('.site-user').innerText()).resolves.toContain('(Privacy officer (FG))');
    await page.context().close();
  });

  it('narrows to the one role the token names when the register gives two: no choice, that role', async () => {
    const user = await person(s, { roles: ['JPP.Jurist'] }, { organisation: 'zvh-limburg-noord', roles: ['jurist', 'privacy-officer'] });
    const page = await newPage(s.browser);
    await logIn(s, page, user, { expectForm: true });
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.locator('.site-user').innerText()).resolves.toContain('(Jurist)');
    await page.context().close();
  });

  it('never widens: a token role the register does not give is refused, and so is a token without roles', async () => {
    const widen = await person(s, { roles: ['JPP.PrivacyOfficer'] }, { organisation: 'zvh-limburg-noord', roles: ['jurist'] });
    const page = await newPage(s.browser);
    expect((await logIn(s, page, widen, { expectForm: true })).status).toBe(403);
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'role-not-granted' });
    expect(await hasSession(s, page)).toBe(false);
    await page.context().close();

    const none = await person(s, {}, { organisation: 'zvh-limburg-noord', roles: ['jurist'] });
    const page2 = await newPage(s.browser);
    expect((await logIn(s, page2, none, { expectForm: true })).status).toBe(403);
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'role-not-granted' });
    await page2.context().close();
  });

  it('refuses a person the register does not know', async () => {
    const user = await person(s, { roles: ['JPP.Jurist'] });
    const page = await newPage(s.browser);
    expect((await logIn(s, page, user, { expectForm: true })).status).toBe(403);
    expect(refusals(s).at(-1)).toMatchObject({ reason: 'not-registered' });
    await page.context().close();
  });
});
