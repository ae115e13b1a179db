/**
 * The web interface, served by the broker itself: server-rendered Dutch pages for
 * voorzitters, privacy officers and juristen (docs/web.md).
 *
 * Invariants:
 * - A session row is stored only when someone logs in (or starts an OpenID Connect login):
 *   a visitor's page views store nothing.
 * - Pages call the services in process with the session's principal; every access check,
 *   validation and logboek entry of the API applies unchanged.
 * - Sessions live in the database (web_sessions); the cookie is httpOnly, SameSite=Lax,
 *   and Secure when the public address is https.
 * - Beside other platforms in one process, each platform's session cookie has its own name
 *   (and path), and its sessions live in its own database under its own secret: a session of
 *   one platform is never valid at another.
 * - Every state-changing request (POST) carries the session's CSRF token (csrf-sync,
 *   synchronizer token pattern): forms as `_csrf`, scripts as `x-csrf-token`; before login,
 *   the login form's signed double-submit token (login-csrf.ts).
 * - A Content-Security-Policy allows scripts from this origin only: no inline script. Forms
 *   go to this origin only, and where login goes through an OpenID Provider also to its
 *   authorization and end-session endpoints' origins (nothing else).
 * - Logging out ends the session in the database at once, and then, where the provider offers
 *   it, the provider's session too (RP-initiated logout, login.page.ts).
 * - No identity ever reaches the server: identity inputs have no name and are
 *   pseudonymised in the browser (client/pseudonymise.ts).
 */
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Platform } from '../platform/platform.js';
import type { WebConfig } from '../config/config.js';
import type { QueryService } from '../queries/query.service.js';
import type { DisclosureService } from '../disclosures/disclosure.service.js';
import type { LogboekReadService } from '../logboek/logboek-read.service.js';
import type { DemoPerson } from '../demo/demo-platform.js';
import { AppError } from '../errors/app-error.js';
import type { AccessGate } from '../access/access-gate.js';
import { listActivePeople } from '../register/person.repository.js';
import type { PeopleService } from '../register/people.service.js';
import type { OrganisationsService } from '../register/organisations.service.js';
import type { AdaptersService } from '../register/adapters.service.js';
import { beheerPeoplePages } from './pages/beheer-people.page.js';
import { beheerOrganisationPages } from './pages/beheer-organisations.page.js';
import { beheerAdapterPages } from './pages/beheer-adapters.page.js';
import { principalOfUser } from './web-user.js';
import { html } from './html.js';
import { alert } from './layout.js';
import { assetRoutes } from './assets.js';
import { limitJsonDepth } from '../http/json-depth.js';
import { KyselySessionStore } from './web-session-store.js';
import { createLoginCsrf } from './login-csrf.js';
import { createWebContext, LoginRequired, webErrorHandler } from './web-context.js';
import { askRegister, createOidcLogin } from './oidc-login.js';
import type { WebCustodian } from './web-custodian.js';
import { loginPages } from './pages/login.page.js';
import { homePage } from './pages/home.page.js';
import { verwerkingsregisterPage } from './pages/verwerkingsregister.page.js';
import { screeningPages } from './pages/screening.page.js';
import { logboekPages } from './pages/logboek.page.js';
import { entryPages } from './pages/entry.page.js';
import { verifyPages } from './pages/verify.page.js';
import { exportPages } from './pages/export.page.js';
import { casusPages } from './pages/casus.page.js';
import { casusListPage } from './pages/casus-list.page.js';
import { casusoverlegPages } from './pages/casusoverleg.page.js';
import { vervolgactiesPage } from './pages/vervolgacties.page.js';
import { displayNamesOf } from '../register/person.repository.js';
import { policyPages } from './pages/policy.page.js';
import { inzagePages } from './pages/inzage.page.js';
import { monitoringPages } from './pages/monitoring.page.js';
import { bezwaarPages } from './pages/bezwaar.page.js';
import { legalHoldPages } from './pages/legal-hold.page.js';
import { verzoekPages } from './pages/verzoeken.page.js';
import { verzoekTaakPages } from './pages/verzoek-taken.page.js';
import { retentionPages } from './pages/retention.page.js';
import type { CasusoverlegPort, CasusPort, MonitoringPort, PolicyPort, RetentionPort, RightsPort } from './web-ports.js';
import type { PlatformClaim } from '../auth/token-verifier.js';

export interface WebDeps {
  readonly db: Kysely<Database>;
  readonly platform: Platform;
  readonly config: WebConfig;
  readonly now: () => Date;
  readonly queries: QueryService;
  readonly disclosures: DisclosureService;
  readonly logboek: LogboekReadService;
  readonly custodian: WebCustodian | undefined;
  /** Demo mode: the people one may log in as. */
  readonly demoPeople?: readonly DemoPerson[];
  /** The register's services, for the functioneel beheerder's pages. */
  readonly register?: { people: PeopleService; organisations: OrganisationsService; adapters: AdaptersService };
  /** The access gate (broker/access): every request with a session is confirmed by the register first. */
  readonly gate: AccessGate;
  /** The services of the policy lifecycle, the casus workflow, rights, retention and monitoring, where this broker has them. */
  readonly policies?: PolicyPort;
  readonly casus?: CasusPort;
  readonly casusoverleg?: CasusoverlegPort;
  readonly rights?: RightsPort;
  readonly retention?: RetentionPort;
  readonly monitoring?: MonitoringPort;
  /** Where the pages are mounted ('' at the root, `/p/<platform>` beside other platforms). */
  readonly basePath?: string;
  /** What an OpenID Connect ID token's `platform` claim must say (as for bearer tokens). */
  readonly platformClaim?: PlatformClaim;
}

/**
 * The pages' Content-Security-Policy. `form-action` also governs where a submitted form may be
 * redirected (CSP Level 3; chromium enforces it), so the login form's 303 to the OpenID
 * Provider, and the logout form's to its end-session endpoint, need the provider's origins:
 * exactly those, and only where login goes through a provider.
 */
export function contentSecurityPolicy(formActionOrigins: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    ["form-action 'self'", ...formActionOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

const CSP = contentSecurityPolicy();

/**
 * The session cookie's name and path. At the root: `jpp-session`, or `__Host-jpp-session` where
 * cookies are Secure, path /. Beside other platforms (`basePath` set) each platform has a cookie
 * of its own, so that logging in to one never replaces another's session or reaches it:
 * `jpp-session-<platform>` with the platform's path, or where Secure `__Host-jpp-session-<platform>`
 * with path /, since the __Host- prefix demands path=/ (RFC 6265bis §4.1.3.2); then the name alone
 * tells the platforms' cookies apart.
 */
export function sessionCookieOf(web: WebConfig, platformId: string, basePath = ''): { name: string; path: string } {
  const name = `${web.secureCookies ? '__Host-' : ''}jpp-session${basePath ? `-${platformId}` : ''}`;
  return { name, path: basePath && !web.secureCookies ? basePath : '/' };
}

/** The headers of every page: scripts, styles and connections from this origin only; no framing, no caching. */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  setPageHeaders(res, CSP);
  next();
};

/** The same headers, with forms allowed to go on to the OpenID Provider's origins as well. */
function pageHeadersWithProvider(origins: () => Promise<readonly string[]>): RequestHandler {
  return async (_req, res, next) => {
    setPageHeaders(res, contentSecurityPolicy(await origins()));
    next();
  };
}

function setPageHeaders(res: Response, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

export function webRoutes(deps: WebDeps): Router {
  const r = Router();
  r.use(assetRoutes());
  const oidc =
    !deps.demoPeople && deps.config.oidc && deps.config.sessionSecret
      ? createOidcLogin({
          web: deps.config,
          platform: deps.platform,
          register: (personId) => askRegister(deps.db, personId, deps.now()),
          ...(deps.platformClaim ? { platformClaim: deps.platformClaim } : {}),
        })
      : undefined;
  r.use(oidc ? pageHeadersWithProvider(() => oidc.formActionOrigins()) : pageHeaders);
  if (!deps.config.sessionSecret) {
    // Production without OpenID Connect: the web interface says so instead of half-working.
    r.use((req, res, next) => {
      if (req.method !== 'GET' || req.path.startsWith('/v1') || req.path.startsWith('/custodian')) return next();
      if (!['/', '/inloggen'].includes(req.path)) return next();
      res.status(503).type('text/plain; charset=utf-8').send('De webinterface is niet ingesteld: zet JPP_OIDC_ISSUER, JPP_OIDC_CLIENT_ID en JPP_WEB_SESSION_SECRET.');
    });
    return r;
  }
  const cookie = sessionCookieOf(deps.config, deps.platform.id, deps.basePath);
  const maxAge = deps.config.sessionMinutes * 60_000;
  r.use(
    session({
      name: cookie.name,
      secret: deps.config.sessionSecret,
      store: new KyselySessionStore(deps.db, deps.now, maxAge),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      // With an https public address, TLS ends at a reverse proxy: trust its X-Forwarded-Proto
      // for the Secure cookie (express-session sets a Secure cookie only on a secure request).
      proxy: deps.config.secureCookies,
      cookie: { httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, path: cookie.path, maxAge },
    }),
  );
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?.['_csrf'] as string | undefined ?? req.get('x-csrf-token'),
  });
  // The rule editor posts 9 fields per rule; 1000 rules at most.
  r.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 10_000 }));
  r.use('/web-api', express.json({ limit: '64kb', strict: true }), limitJsonDepth());
  // Before login there is no session (no row is stored for a visitor): the login form carries a
  // signed double-submit token instead of the session's (login-csrf.ts).
  const loginCsrf = createLoginCsrf({ secret: deps.config.sessionSecret, cookieName: `${cookie.name}-login`, cookiePath: cookie.path, secure: deps.config.secureCookies });
  r.use((req, res, next) => {
    if (req.session.user || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return csrfSynchronisedProtection(req, res, next);
    if (loginCsrf.verify(req)) return next();
    next(Object.assign(new Error('invalid csrf token'), { code: 'EBADCSRFTOKEN', status: 403 }));
  });
  const csrfToken = (req: Request): string => (req.session.user ? generateToken(req) : loginCsrf.issue(req, req.res!));
  const ctx = createWebContext(deps.platform, csrfToken, deps.config.publicUrl, cookie.name, deps.basePath ?? '', cookie.path);

  // The access gate on every request with a session: the register must still confirm the person in
  // their role for their organisation. Deactivation (or a revoked role, an ended validity period, a
  // deactivated organisation) ends the session at once, on the next page or form.
  r.use(async (req, res, next) => {
    const user = req.session.user;
    if (!user) return next();
    try {
      await deps.gate.person(deps.db, principalOfUser(user), { registered: true });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'forbidden') throw err;
      req.log?.warn({ event: 'web-session-ended', reason: 'register' }, 'web session ended: the register no longer confirms the person');
      await new Promise<void>((resolve, reject) => req.session.destroy((e) => (e ? reject(e) : resolve())));
      res.clearCookie(cookie.name, { path: cookie.path, httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies });
      if (req.path.startsWith('/web-api/')) throw new AppError('forbidden', 'your access has ended');
      ctx.render(req, res, {
        title: 'Uw toegang is beëindigd',
        status: 403,
        body: html`${alert('error', html`<p>Uw toegang tot ${deps.platform.name} is beëindigd of uw rol is ingetrokken. Denkt u dat dit niet klopt? Neem dan contact op met de functioneel beheerder van het platform.</p>`)}
<p><a href="${ctx.href('/inloggen')}">Opnieuw inloggen</a></p>`,
      });
      return;
    }
    next();
  });

  // The browser's one call with pseudonymisation data: blinded elements to the custodian.
  r.post('/web-api/custodian/evaluate', async (req, res) => {
    if (!req.session.user) throw new AppError('unauthenticated', 'log in first');
    if (!deps.custodian) throw new AppError('unavailable', 'no key custodian is configured for the web interface');
    res.json(await deps.custodian.evaluate(ctx.principal(req), req.body, ctx.traceId(res), req.session.accessToken));
  });

  loginPages(r, ctx, {
    // Demo: log in as anyone the register confirms now (the demo seeds its people through the register).
    ...(deps.demoPeople ? { demoLogin: { people: () => listActivePeople(deps.db, deps.now()) } } : {}),
    ...(oidc ? { oidc } : {}),
  });
  homePage(r, ctx);
  verwerkingsregisterPage(r, ctx);
  screeningPages(r, ctx, { queries: deps.queries, custodian: deps.custodian });
  logboekPages(r, ctx, { disclosures: deps.disclosures, names: (ids) => displayNamesOf(deps.db, ids) });
  entryPages(r, ctx, { logboek: deps.logboek, names: (ids) => displayNamesOf(deps.db, ids) });
  verifyPages(r, ctx, { logboek: deps.logboek });
  exportPages(r, ctx, { disclosures: deps.disclosures, logboek: deps.logboek });
  if (deps.casus) {
    casusListPage(r, ctx, { casus: deps.casus });
    casusPages(r, ctx, { casus: deps.casus, queries: deps.queries, custodian: deps.custodian, names: (ids) => displayNamesOf(deps.db, ids) });
    if (deps.casusoverleg) casusoverlegPages(r, ctx, { overleg: deps.casusoverleg, casus: deps.casus });
    vervolgactiesPage(r, ctx, { casus: deps.casus });
  }
  if (deps.policies) policyPages(r, ctx, { policies: deps.policies });
  if (deps.rights) {
    inzagePages(r, ctx, { rights: deps.rights, custodian: deps.custodian });
    bezwaarPages(r, ctx, { rights: deps.rights, custodian: deps.custodian });
    legalHoldPages(r, ctx, { rights: deps.rights, custodian: deps.custodian });
    verzoekPages(r, ctx, { rights: deps.rights, custodian: deps.custodian, names: (ids) => displayNamesOf(deps.db, ids) });
    verzoekTaakPages(r, ctx, { rights: deps.rights });
  }
  if (deps.retention) retentionPages(r, ctx, { retention: deps.retention });
  if (deps.monitoring) monitoringPages(r, ctx, { monitoring: deps.monitoring, now: deps.now });
  if (deps.register) {
    beheerPeoplePages(r, ctx, deps.register);
    beheerOrganisationPages(r, ctx, deps.register);
    beheerAdapterPages(r, ctx, deps.register);
  }
  r.use(webErrorHandler(ctx));
  return r;
}

export { LoginRequired };
