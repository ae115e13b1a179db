/**
 * The access table (issue 15): every API route and every web page and form, against every role of
 * the platform and every state the register can be in for the caller:
 *
 * - registered: the register confirms the person in the role the token claims;
 * - not registered: the token's subject is not in the register at all;
 * - deactivated: registered in that role, then deactivated by a beheerder;
 * - role not granted: registered, but in another role than the token claims.
 *
 * A person reaches a route only when the role has the route's capability AND the register
 * confirms them; every other caller gets 403 (401 without a token), before any validation. The
 * routes are read from the app itself (support/routes.ts), so a route added without a row here
 * fails the first test. One row per route; the expected status follows from the row and the
 * platform definition (which roles hold which capability).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { servedRoutes } from '../support/routes.js';
import { csrfOf, webClient, webLogin, type WebClient } from '../support/web-client.js';
import { roleHas, type Capability } from '../../broker/platform/platform.js';

/**
 * What a route needs: nothing, an adapter, a registered person (any role) or a registered adapter
 * (the key custodian: the doel is checked after the gate, against the role's doelen), a person with
 * `query` or a registered adapter (a partner's invitations), or a person whose role has a capability.
 */
type Need = 'public' | 'adapter' | 'registered-or-adapter' | 'query-or-adapter' | Capability | 'read-policy-or-manage';

/** The API (`/v1`, the demo custodian, health and documents). Path parameters are filled from PARAMS. */
const API: Record<string, Need> = {
  'GET /healthz': 'public',
  'GET /livez': 'public',
  'GET /readyz': 'public',
  'GET /openapi.json': 'public',
  'GET /custodian/v1/keys': 'public',
  'POST /custodian/v1/evaluate': 'registered-or-adapter',
  'GET /v1/log/public-key': 'public',
  'GET /v1/verwerkingsactiviteiten': 'public',
  'GET /v1/verwerkingsactiviteiten/:activityId': 'public',
  'GET /v1/log/checkpoint': 'public',
  'GET /v1/log/checkpoints': 'public',
  'GET /v1/log/checkpoints/latest': 'public',
  'GET /v1/log/proofs/inclusion': 'public',
  'GET /v1/log/proofs/consistency': 'public',
  'GET /v1/log/tile/*rest': 'public',
  'GET /v1/log/entries': 'read-disclosures',
  'GET /v1/log/bundles': 'read-disclosures',
  'POST /v1/signals': 'adapter',
  'DELETE /v1/signals/:ref': 'adapter',
  'POST /v1/queries': 'query',
  'GET /v1/disclosures': 'read-disclosures',
  'GET /v1/cases': 'manage-cases',
  'POST /v1/cases': 'manage-cases',
  'GET /v1/cases/:caseId': 'manage-cases',
  'POST /v1/cases/:caseId/transitions': 'manage-cases',
  'POST /v1/cases/:caseId/vervolgacties': 'manage-cases',
  'POST /v1/cases/:caseId/vervolgacties/:actionId/complete': 'manage-cases',
  'PUT /v1/cases/:caseId/subjects/:subjectId/notification': 'manage-cases',
  'POST /v1/cases/:caseId/consents': 'manage-cases',
  'POST /v1/cases/:caseId/consents/:consentId/withdraw': 'manage-cases',
  'PUT /v1/cases/:caseId/regiehouder': 'manage-cases',
  'GET /v1/vervolgacties/overdue': 'manage-cases',
  'GET /v1/notifications/overdue': 'manage-cases',
  'POST /v1/meetings': 'manage-cases',
  'GET /v1/meetings': 'manage-cases',
  'GET /v1/meetings/:meetingId': 'manage-cases',
  'POST /v1/meetings/:meetingId/agenda': 'manage-cases',
  'POST /v1/meetings/:meetingId/agenda/:caseId/invitations': 'manage-cases',
  'GET /v1/invitations': 'query-or-adapter',
  'POST /v1/inzage': 'rights',
  'GET /v1/bezwaren': 'rights',
  'POST /v1/bezwaren': 'rights',
  'POST /v1/bezwaren/:bezwaarId/lift': 'rights',
  'GET /v1/legal-holds': 'rights',
  'POST /v1/legal-holds': 'rights',
  'POST /v1/legal-holds/:holdId/release': 'rights',
  'POST /v1/beperkingen': 'rights',
  'GET /v1/verzoeken': 'rights',
  'POST /v1/verzoeken': 'rights',
  'GET /v1/verzoeken/overdue': 'rights',
  'GET /v1/verzoeken/:verzoekId': 'rights',
  'POST /v1/verzoeken/:verzoekId/extend': 'rights',
  'POST /v1/verzoeken/:verzoekId/answer': 'rights',
  'POST /v1/verzoeken/:verzoekId/taken': 'rights',
  'GET /v1/verzoeken/:verzoekId/taken': 'rights',
  'GET /v1/verzoektaken': 'adapter',
  'POST /v1/verzoektaken/:taakId/answer': 'adapter',
  'GET /v1/retention/runs': 'rights',
  'POST /v1/retention/runs': 'rights',
  'GET /v1/monitoring': 'monitoring',
  'GET /v1/monitoring/trend': 'monitoring',
  'GET /v1/policies': 'read-policy-or-manage',
  'POST /v1/policies': 'manage-policy',
  'GET /v1/policies/:version': 'read-policy-or-manage',
  'GET /v1/policies/:version/diff': 'read-policy-or-manage',
  'GET /v1/policies/:version/impact': 'read-policy-or-manage',
  'GET /v1/policies/:version/lint': 'read-policy-or-manage',
  'POST /v1/policies/:version/test': 'read-policy-or-manage',
  'POST /v1/policies/:version/simulate': 'read-policy-or-manage',
  'PUT /v1/policies/:version/rules': 'manage-policy',
  'PUT /v1/policies/:version/tests': 'manage-policy',
  'POST /v1/policies/:version/submit': 'manage-policy',
  'POST /v1/policies/:version/approve': 'manage-policy',
  'POST /v1/policies/:version/reject': 'manage-policy',
  'POST /v1/policies/:version/activate': 'manage-policy',
  'POST /v1/policies/:version/rollback': 'manage-policy',
  'GET /v1/register/people': 'administer',
  'POST /v1/register/people': 'administer',
  'GET /v1/register/people/:personId': 'administer',
  'PATCH /v1/register/people/:personId': 'administer',
  'POST /v1/register/people/:personId/deactivate': 'administer',
  'POST /v1/register/people/:personId/reactivate': 'administer',
  'POST /v1/register/people/:personId/roles': 'administer',
  'POST /v1/register/people/:personId/roles/:role/approve': 'administer',
  'DELETE /v1/register/people/:personId/roles/:role': 'administer',
  'GET /v1/register/approvals': 'administer',
  'GET /v1/register/organisations': 'administer',
  'POST /v1/register/organisations': 'administer',
  'POST /v1/register/organisations/:organisationId/deactivate': 'administer',
  'POST /v1/register/organisations/:organisationId/reactivate': 'administer',
  'GET /v1/register/adapters': 'administer',
  'POST /v1/register/adapters': 'administer',
  'GET /v1/register/adapters/:adapterId': 'administer',
  'POST /v1/register/adapters/:adapterId/deactivate': 'administer',
  'POST /v1/register/adapters/:adapterId/reactivate': 'administer',
  'POST /v1/register/adapters/:adapterId/keys': 'administer',
  'POST /v1/register/adapters/:adapterId/keys/:kid/revoke': 'administer',
};

/**
 * Routes the table reaches at a second address of one served route: the tiles route serves both
 * the public Merkle tiles and the entry bundles, which are the logboek's content.
 */
const API_EXTRA: Record<string, Need> = { 'GET /v1/log/tile/entries/000': 'read-disclosures' };

/** Web pages and forms, by the web ability they need (web-user.ts), or a session only, or nothing. */
type PageNeed = 'public' | 'session' | 'query' | 'readLog' | 'manageCases' | 'rights' | 'monitoring' | 'readPolicy' | 'managePolicies' | 'administer';
const PAGE_CAPABILITY: Record<Exclude<PageNeed, 'public' | 'session'>, Capability[]> = {
  query: ['query'],
  readLog: ['read-disclosures'],
  manageCases: ['manage-cases'],
  rights: ['rights'],
  monitoring: ['monitoring'],
  readPolicy: ['read-policy', 'manage-policy'],
  managePolicies: ['manage-policy'],
  administer: ['administer'],
};

const WEB: Record<string, PageNeed> = {
  'GET /assets/css/:name': 'public',
  'GET /assets/js/:name.js': 'public',
  'GET /inloggen': 'public',
  'POST /inloggen': 'public',
  'GET /inloggen/terug': 'public',
  'GET /inloggen/rol': 'public',
  'POST /inloggen/rol': 'public',
  'GET /uitgelogd': 'public',
  'POST /uitloggen': 'public',
  'GET /': 'session',
  'GET /verwerkingsregister': 'session',
  'POST /web-api/custodian/evaluate': 'session',
  'GET /screening': 'query',
  'POST /screening': 'query',
  'GET /casussen': 'manageCases',
  'GET /casussen/nieuw': 'manageCases',
  'POST /casussen': 'manageCases',
  'GET /casussen/:caseId': 'manageCases',
  'POST /casussen/:caseId/status': 'manageCases',
  'POST /casussen/:caseId/vervolgacties': 'manageCases',
  'POST /casussen/:caseId/regiehouder': 'manageCases',
  'POST /casussen/:caseId/vervolgacties/:actionId/afgerond': 'manageCases',
  'POST /casussen/:caseId/onderwerpen/:subjectId/notificatie': 'manageCases',
  'POST /casussen/:caseId/screening': 'manageCases',
  'POST /casussen/:caseId/toestemming': 'manageCases',
  'POST /casussen/:caseId/toestemming/:consentId/intrekken': 'manageCases',
  'GET /casusoverleggen': 'manageCases',
  'POST /casusoverleggen': 'manageCases',
  'GET /casusoverleggen/:meetingId': 'manageCases',
  'POST /casusoverleggen/:meetingId/agenda': 'manageCases',
  'POST /casusoverleggen/:meetingId/agenda/:caseId/uitnodigingen': 'manageCases',
  'GET /uitnodigingen': 'query',
  'GET /vervolgacties': 'manageCases',
  'GET /logboek': 'readLog',
  'GET /logboek/regel/:seq': 'readLog',
  'GET /logboek/verificatie': 'readLog',
  'POST /logboek/verificatie': 'readLog',
  'GET /logboek/export': 'readLog',
  'GET /logboek/export/bevragingen.csv': 'readLog',
  'GET /logboek/export/auditevents.fhir.json': 'readLog',
  'POST /logboek/export/jsonl': 'readLog',
  'GET /logboek/export/jsonl/:id/:file': 'readLog',
  'GET /inzage': 'rights',
  'POST /inzage': 'rights',
  'POST /inzage/json': 'rights',
  'POST /inzage/pdf': 'rights',
  'GET /bezwaren': 'rights',
  'POST /bezwaren': 'rights',
  'POST /bezwaren/:bezwaarId/opheffen': 'rights',
  'GET /verzoeken': 'rights',
  'POST /verzoeken': 'rights',
  'GET /verzoeken/:verzoekId': 'rights',
  'POST /verzoeken/:verzoekId/verlengen': 'rights',
  'POST /verzoeken/:verzoekId/besluit': 'rights',
  'POST /verzoeken/:verzoekId/doorsturen': 'rights',
  'GET /verzoektaken': 'session',
  'GET /bewaarplicht': 'rights',
  'POST /bewaarplicht/casus': 'rights',
  'POST /bewaarplicht/jongere': 'rights',
  'POST /bewaarplicht/:holdId/vrijgeven': 'rights',
  'GET /bewaartermijnen': 'rights',
  'POST /bewaartermijnen/uitvoeren': 'rights',
  'GET /monitoring': 'monitoring',
  'GET /beleid': 'readPolicy',
  'POST /beleid/nieuw': 'managePolicies',
  'GET /beleid/:version': 'readPolicy',
  'GET /beleid/:version/beoordelen': 'managePolicies',
  'POST /beleid/:version/goedkeuren': 'managePolicies',
  'POST /beleid/:version/afwijzen': 'managePolicies',
  'POST /beleid/:version/indienen': 'managePolicies',
  'POST /beleid/:version/intrekken': 'managePolicies',
  'POST /beleid/:version/activeren': 'managePolicies',
  'POST /beleid/:version/terugdraaien': 'managePolicies',
  'GET /beleid/:version/regels/:index': 'managePolicies',
  'POST /beleid/:version/regels/:index': 'managePolicies',
  'POST /beleid/:version/regels/:index/verwijderen': 'managePolicies',
  'GET /beleid/:version/tests': 'readPolicy',
  'GET /beleid/:version/tests/:index': 'managePolicies',
  'POST /beleid/:version/tests/:index': 'managePolicies',
  'POST /beleid/:version/tests/:index/verwijderen': 'managePolicies',
  'GET /beleid/:version/simulator': 'readPolicy',
  'GET /beheer': 'administer',
  'GET /beheer/personen/nieuw': 'administer',
  'POST /beheer/personen': 'administer',
  'GET /beheer/personen/:personId': 'administer',
  'POST /beheer/personen/:personId/rollen': 'administer',
  'POST /beheer/personen/:personId/rollen/:role/goedkeuren': 'administer',
  'POST /beheer/personen/:personId/rollen/:role/intrekken': 'administer',
  'POST /beheer/personen/:personId/wijzigen': 'administer',
  'POST /beheer/personen/:personId/beeindigen': 'administer',
  'POST /beheer/personen/:personId/heractiveren': 'administer',
  'GET /beheer/goedkeuringen': 'administer',
  'GET /beheer/organisaties': 'administer',
  'POST /beheer/organisaties': 'administer',
  'POST /beheer/organisaties/:organisationId/beeindigen': 'administer',
  'POST /beheer/organisaties/:organisationId/heractiveren': 'administer',
  'GET /beheer/koppelingen': 'administer',
  'POST /beheer/koppelingen': 'administer',
  'GET /beheer/koppelingen/:adapterId': 'administer',
  'POST /beheer/koppelingen/:adapterId/sleutels': 'administer',
  'POST /beheer/koppelingen/:adapterId/sleutels/:kid/intrekken': 'administer',
  'POST /beheer/koppelingen/:adapterId/beeindigen': 'administer',
  'POST /beheer/koppelingen/:adapterId/heractiveren': 'administer',
};

/** Path parameters: things that do not exist, so that an admitted caller changes nothing (404, 422). */
const PARAMS: Record<string, string> = {
  caseId: randomUUID(),
  meetingId: randomUUID(),
  actionId: randomUUID(),
  subjectId: randomUUID(),
  bezwaarId: randomUUID(),
  holdId: randomUUID(),
  verzoekId: randomUUID(),
  taakId: randomUUID(),
  activityId: 'jpp-bevraging',
  version: '999999',
  index: '0',
  seq: '0',
  ref: 'toegang-ref',
  personId: 'bestaat-niet',
  role: 'jurist',
  organisationId: 'bestaat-niet',
  adapterId: 'bestaat-niet',
  kid: 'bestaat-niet',
  id: 'bestaat-niet',
  file: 'manifest.json',
  name: 'components.css',
  rest: '0/000',
};
const fill = (path: string): string =>
  path
    .replace(':name.js', 'pseudonymise.js')
    .replace(/:([A-Za-z]+)/g, (_m, p: string) => PARAMS[p] ?? 'x')
    .replace('*rest', PARAMS['rest']!);

const ORG = 'zvh-limburg-noord';
const BEHEERDER = { kind: 'person', id: 'demo-beheerder', organisation: ORG, role: 'functioneel-beheerder' } as const;
const TWEEDE = { kind: 'person', id: 'demo-beheerder-2', organisation: ORG, role: 'functioneel-beheerder' } as const;
type State = 'registered' | 'not-registered' | 'deactivated' | 'role-not-granted';
const STATES: readonly State[] = ['registered', 'not-registered', 'deactivated', 'role-not-granted'];
const personFor = (role: string, state: State): string => `toegang-${role}-${state}`;

let b: TestBroker;
let roles: string[];
const allows = (role: string, need: Need | PageNeed): boolean =>
  need === 'registered-or-adapter' || need === 'session' ? true
  : need === 'query-or-adapter' ? roleHas(b.broker.platform, role, 'query')
  : need === 'read-policy-or-manage' ? roleHas(b.broker.platform, role, 'read-policy') || roleHas(b.broker.platform, role, 'manage-policy')
  : need in PAGE_CAPABILITY ? PAGE_CAPABILITY[need as keyof typeof PAGE_CAPABILITY].some((c) => roleHas(b.broker.platform, role, c))
  : roleHas(b.broker.platform, role, need as Capability);

beforeAll(async () => {
  b = await startTestBroker();
  roles = b.broker.platform.roles.map((r) => r.id);
  const { people } = b.broker.register;
  // Everyone is registered through the register's own service, by the demo's beheerder; the
  // second beheerder approves the privileged roles (four eyes), as in production.
  for (const role of roles) {
    const other = role === 'partneroverleg-lid' ? 'voorzitter' : 'partneroverleg-lid';
    for (const [state, granted] of [['registered', role], ['deactivated', role], ['role-not-granted', other]] as const) {
      const personId = personFor(role, state);
      await people.register(BEHEERDER, { personId, displayName: 'Toegangstest', organisation: ORG, roles: [{ role: granted }] }, 'access-table');
      const pending = (await people.get(BEHEERDER, personId)).roles.filter((g) => g.state === 'pending-approval');
      for (const g of pending) await people.approve(TWEEDE, personId, g.role, 'access-table');
      if (state === 'deactivated') await people.deactivate(BEHEERDER, personId, 'access-table');
    }
  }
}, 120_000);
afterAll(async () => b?.close());

describe('the access table', () => {
  it('has one row for every route the app serves, and no row without a route', () => {
    const served = servedRoutes(b.broker.app).map((r) => `${r.method} ${r.path}`);
    const rows = [...Object.keys(API), ...Object.keys(WEB)];
    expect(served.filter((r) => !rows.includes(r)), 'served routes without a row').toEqual([]);
    expect(rows.filter((r) => !served.includes(r)), 'rows without a served route').toEqual([]);
  });

  it('answers every API route for every role and register state as the table says, before any validation', async () => {
    const failures: string[] = [];
    // One token per role and state, signed once: the gate asks the register on every request
    // whatever the token (a verified token is cached by the broker, its register state never).
    const tokens = new Map<string, Promise<string>>();
    const token = (role: string, state: State): Promise<string> => {
      const key = `${role} ${state}`;
      if (!tokens.has(key)) tokens.set(key, b.sign({ org: ORG, role }, state === 'not-registered' ? `toegang-onbekend-${role}` : personFor(role, state)));
      return tokens.get(key)!;
    };
    const adapter = await b.adapterToken('halt');
    const unregisteredAdapter = await b.sign({ partner: 'halt' }, 'adapter:niet-geregistreerd');
    for (const [row, need] of Object.entries({ ...API, ...API_EXTRA })) {
      const [method, path] = row.split(' ') as [string, string];
      const url = fill(path);
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
      const call = (t?: string) => b.call(method, url, { ...(t ? { token: t } : {}), ...(body ? { body } : {}) });
      const check = (who: string, status: number, allowed: boolean): void => {
        const ok = allowed ? status !== 401 && status !== 403 && status < 500 : status === 403 || (who === 'anonymous' && status === 401);
        if (!ok) failures.push(`${row} as ${who}: ${status} (expected ${allowed ? 'access' : '403'})`);
      };
      if (need === 'public') {
        check('anonymous', (await call()).status, true);
        continue;
      }
      check('anonymous', (await call()).status, false);
      if (need === 'adapter') {
        check('registered adapter', (await call(adapter)).status, true);
        check('unregistered adapter', (await call(unregisteredAdapter)).status, false);
        check('a person', (await call(await token('voorzitter', 'registered'))).status, false);
        continue;
      }
      check('an adapter', (await call(adapter)).status, need === 'registered-or-adapter' || need === 'query-or-adapter');
      if (need === 'registered-or-adapter' || need === 'query-or-adapter') check('unregistered adapter', (await call(unregisteredAdapter)).status, false);
      const calls = roles.flatMap((role) => STATES.map((state) => ({ role, state })));
      for (let i = 0; i < calls.length; i += 8) {
        await Promise.all(
          calls.slice(i, i + 8).map(async ({ role, state }) => {
            const status = (await call(await token(role, state))).status;
            check(`${role} (${state})`, status, state === 'registered' && allows(role, need));
          }),
        );
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('shows every page and takes every form for every role and register state as the table says', async () => {
    const failures: string[] = [];
    const admitted = (status: number, location: string | null): boolean => status !== 403 && !(status === 303 && location?.startsWith('/inloggen')) && status < 500;
    const refusedOrGone = (status: number, location: string | null): boolean => status === 403 || (status === 303 && (location?.startsWith('/inloggen') ?? false));
    const pages = Object.entries(WEB).filter(([row, need]) => need !== 'public' && row !== 'POST /uitloggen');
    const visit = async (c: WebClient, csrf: string, row: string) => {
      const [method, path] = row.split(' ') as [string, string];
      return method === 'GET' ? c.req('GET', fill(path)) : row.startsWith('POST /web-api/') ? c.req('POST', fill(path), undefined, { 'x-csrf-token': csrf, 'content-type': 'application/json' }) : c.req('POST', fill(path), { _csrf: csrf });
    };
    // A visitor without a session reaches no page; the public ones answer.
    const visitor = webClient(b.url);
    for (const [row] of pages) {
      const [method, path] = row.split(' ') as [string, string];
      const r = await visitor.req(method, fill(path), method === 'POST' ? {} : undefined);
      if (!refusedOrGone(r.status, r.location)) failures.push(`${row} without a session: ${r.status}`);
    }
    for (const [row, need] of Object.entries(WEB).filter(([r, n]) => n === 'public' && r.startsWith('GET ') && !r.includes('/terug'))) {
      const r = await visitor.req('GET', fill(row.slice(4)));
      if (r.status !== 200 && r.status !== 303) failures.push(`${row} (${need}) without a session: ${r.status}`);
    }
    for (const role of roles) {
      // Registered: the table decides, page by page.
      const { c } = await webLogin(b.url, personFor(role, 'registered'));
      const csrf = csrfOf((await c.req('GET', '/')).text);
      for (const [row, need] of pages) {
        const r = await visit(c, csrf, row);
        const expected = allows(role, need);
        if (expected ? !admitted(r.status, r.location) : r.status !== 403) failures.push(`${row} as ${role}: ${r.status} (expected ${expected ? 'access' : '403'})`);
      }
      // Not registered: the login itself is refused, and no session is made.
      const stranger = await webLogin(b.url, `toegang-onbekend-${role}`);
      if (stranger.res.status !== 403) failures.push(`login of an unregistered ${role}: ${stranger.res.status}`);
      // Deactivated and role revoked after login: the next page ends the session, and nothing after it is shown.
      for (const state of ['deactivated', 'role-not-granted'] as const) {
        const personId = `toegang-${role}-sessie-${state}`;
        await b.broker.register.people.register(BEHEERDER, { personId, displayName: 'Toegangstest', organisation: ORG, roles: [{ role }] }, 'access-table');
        for (const g of (await b.broker.register.people.get(BEHEERDER, personId)).roles.filter((x) => x.state === 'pending-approval')) {
          await b.broker.register.people.approve(TWEEDE, personId, g.role, 'access-table');
        }
        const s = await webLogin(b.url, personId);
        const token = csrfOf((await s.c.req('GET', '/')).text);
        if (state === 'deactivated') await b.broker.register.people.deactivate(BEHEERDER, personId, 'access-table');
        else await b.broker.register.people.revoke(BEHEERDER, personId, role, 'access-table');
        for (const [row] of pages) {
          const r = await visit(s.c, token, row);
          if (!refusedOrGone(r.status, r.location)) failures.push(`${row} as ${role} after ${state}: ${r.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
