/**
 * The register of people, organisations and adapters through its API (issue 15): registering,
 * four eyes for privileged roles (in the service and in the database), deactivation that acts on
 * the very next request, adapters and their keys, the bootstrap of an empty register, and bad
 * input refused with nothing stored or logged (counted in the tables).
 */
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym, day } from '../support/synthetic.js';
import { syntheticBsn } from '../support/synthetic.js';
import { webLogin } from '../support/web-client.js';

let b: TestBroker;
let beheerder: string;
let tweede: string;
const ORG = 'zvh-limburg-noord';

beforeAll(async () => {
  b = await startTestBroker();
  beheerder = await b.token('demo-beheerder');
  tweede = await b.token('demo-beheerder-2');
});
afterAll(async () => b?.close());

const count = async (table: 'people' | 'person_roles' | 'organisations' | 'adapters' | 'logboek_entries' | 'partner_keys'): Promise<number> =>
  Number((await b.broker.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const counts = async () => ({
  people: await count('people'),
  grants: await count('person_roles'),
  organisations: await count('organisations'),
  adapters: await count('adapters'),
  log: await count('logboek_entries'),
  keys: await count('partner_keys'),
});
const register = (token: string, body: unknown) => b.call('POST', '/v1/register/people', { token, body });
const changes = async (personId: string) =>
  (await b.broker.db.selectFrom('logboek_entries').select(['outcome', 'actor_id', 'content']).where('action', '=', 'register-change').orderBy('id').execute())
    .map((e) => ({ outcome: e.outcome, actor: e.actor_id, details: JSON.parse(e.content!).details as Record<string, unknown> }))
    .filter((e) => e.details['personId'] === personId);

describe('registering people', () => {
  it('registers a person in an ordinary role, who may act at once; the change is in the logboek', async () => {
    const res = await register(beheerder, { personId: 'halt-jansen', displayName: 'P. Jansen (Halt)', organisation: 'halt', roles: [{ role: 'halt-medewerker' }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId: 'halt-jansen', state: 'active', createdBy: 'demo-beheerder', roles: [{ role: 'halt-medewerker', state: 'active', privileged: false }] });
    const token = await b.sign({ org: 'halt', role: 'halt-medewerker' }, 'halt-jansen');
    // Admitted by the gate: the empty body fails validation (422), not access (403).
    expect((await b.call('POST', '/v1/queries', { token, body: {} })).status).toBe(422);
    expect((await changes('halt-jansen')).map((c) => c.outcome)).toEqual(['person-registered', 'role-granted']);
    expect((await changes('halt-jansen'))[0]).toMatchObject({ actor: 'demo-beheerder', details: { organisation: 'halt' } });
    // Free text (the name) never goes into the logboek.
    const content = (await b.broker.db.selectFrom('logboek_entries').select('content').where('action', '=', 'register-change').execute()).map((r) => r.content).join();
    expect(content).not.toContain('Jansen (Halt)');
  });

  it("takes a provider's own token (subject only): the register's one role decides, several roles must be named", async () => {
    const bare = await b.sign({}, 'halt-jansen');
    expect((await b.call('POST', '/v1/queries', { token: bare, body: {} })).status).toBe(422);
    await b.call('POST', '/v1/register/people/halt-jansen/roles', { token: beheerder, body: { role: 'jongerenwerker' } });
    expect((await b.call('POST', '/v1/queries', { token: bare, body: {} })).status).toBe(403);
    expect((await b.call('POST', '/v1/queries', { token: await b.sign({}, 'niemand-bekend'), body: {} })).status).toBe(403);
    await b.call('DELETE', '/v1/register/people/halt-jansen/roles/jongerenwerker', { token: beheerder });
  });

  it.each([
    ['a name with digits (a BSN would fit there)', { personId: 'x-1', displayName: 'Piet 123456782', organisation: ORG, roles: [{ role: 'jurist' }] }, '/displayName'],
    ['an e-mail address as the name', { personId: 'x-2', displayName: 'piet@example.org', organisation: ORG, roles: [{ role: 'jurist' }] }, '/displayName'],
    ['an unknown organisation', { personId: 'x-3', displayName: 'Piet', organisation: 'bestaat-niet', roles: [{ role: 'jurist' }] }, '/organisation'],
    ['an unknown role', { personId: 'x-4', displayName: 'Piet', organisation: ORG, roles: [{ role: 'baas' }] }, '/roles/0/role'],
    ['no roles', { personId: 'x-5', displayName: 'Piet', organisation: ORG, roles: [] }, '/roles'],
    ['a role twice', { personId: 'x-6', displayName: 'Piet', organisation: ORG, roles: [{ role: 'jurist' }, { role: 'jurist' }] }, '/roles/1/role'],
    ['an end before the start', { personId: 'x-7', displayName: 'Piet', organisation: ORG, roles: [{ role: 'jurist' }], validFrom: '2030-01-02', validUntil: '2030-01-01' }, '/validUntil'],
    ['a subject with spaces', { personId: 'x 8', displayName: 'Piet', organisation: ORG, roles: [{ role: 'jurist' }] }, '/personId'],
    ['an unknown field', { personId: 'x-9', displayName: 'Piet', organisation: ORG, roles: [{ role: 'jurist' }], bsn: '1' }, '/bsn'],
  ])('refuses %s with 422 naming the field, and stores and logs nothing', async (_label, body, pointer) => {
    const before = await counts();
    const res = await register(beheerder, body);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await counts()).toEqual(before);
  });

  it('refuses a subject that is registered already with 409, and stores nothing', async () => {
    const before = await counts();
    const res = await register(beheerder, { personId: 'demo-halt', displayName: 'Dubbel', organisation: 'halt', roles: [{ role: 'halt-medewerker' }] });
    expect(res.status).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it('lets only a functioneel beheerder confirmed by the register keep it', async () => {
    for (const person of ['demo-fg', 'demo-jurist', 'demo-voorzitter']) {
      expect((await register(await b.token(person), {})).status).toBe(403);
    }
    const stranger = await b.sign({ org: ORG, role: 'functioneel-beheerder' }, 'zelfbenoemd');
    expect((await b.call('GET', '/v1/register/people', { token: stranger })).status).toBe(403);
  });
});

describe('four eyes for roles that reach the logboek, rights, the policy or the register', () => {
  it('keeps a privileged grant pending until a second beheerder approves it; nobody approves their own', async () => {
    const res = await register(beheerder, { personId: 'fg-de-wit', displayName: 'A. de Wit (FG)', organisation: ORG, roles: [{ role: 'privacy-officer' }] });
    expect(res.body.roles[0]).toMatchObject({ role: 'privacy-officer', state: 'pending-approval', privileged: true, approvedBy: null });
    const fg = await b.sign({ org: ORG, role: 'privacy-officer' }, 'fg-de-wit');
    expect((await b.call('GET', '/v1/disclosures', { token: fg })).status).toBe(403);
    expect((await b.call('GET', '/v1/register/approvals', { token: tweede })).body.items.map((g: { personId: string }) => g.personId)).toContain('fg-de-wit');

    const own = await b.call('POST', '/v1/register/people/fg-de-wit/roles/privacy-officer/approve', { token: beheerder });
    expect(own.status).toBe(403);
    const approved = await b.call('POST', '/v1/register/people/fg-de-wit/roles/privacy-officer/approve', { token: tweede });
    expect(approved.status).toBe(200);
    expect(approved.body.roles[0]).toMatchObject({ state: 'active', approvedBy: 'demo-beheerder-2' });
    expect((await b.call('GET', '/v1/disclosures', { token: fg })).status).toBe(200);
    expect((await changes('fg-de-wit')).map((c) => c.outcome)).toEqual(['person-registered', 'role-granted', 'role-approved']);
  });

  it('refuses in the database itself an approval by the granter of a privileged role', async () => {
    await register(beheerder, { personId: 'jurist-bakker', displayName: 'B. Bakker', organisation: ORG, roles: [{ role: 'jurist' }] });
    await expect(
      b.broker.db.updateTable('person_roles').set({ approved_at: new Date(), approved_by: 'demo-beheerder' }).where('person_id', '=', 'jurist-bakker').execute(),
    ).rejects.toThrow(/four eyes/);
    // An ordinary role may be approved by its granter (no second person needed).
    await register(beheerder, { personId: 'boa-visser', displayName: 'C. Visser', organisation: 'gemeente-sittard-geleen', roles: [{ role: 'jeugdboa' }] });
    const row = await b.broker.db.selectFrom('person_roles').select(['approved_by', 'granted_by']).where('person_id', '=', 'boa-visser').executeTakeFirstOrThrow();
    expect(row).toEqual({ approved_by: 'demo-beheerder', granted_by: 'demo-beheerder' });
  });
});

describe('ending access', () => {
  it('refuses a deactivated person from the very next request, on every route, and ends their web sessions', async () => {
    await register(beheerder, { personId: 'vz-kort', displayName: 'D. Kort', organisation: ORG, roles: [{ role: 'voorzitter' }] });
    const token = await b.sign({ org: ORG, role: 'voorzitter' }, 'vz-kort');
    expect((await b.call('GET', '/v1/cases', { token })).status).toBe(200);
    const web = await webLogin(b.url, 'vz-kort');
    expect((await web.c.req('GET', '/casussen')).status).toBe(200);
    const sessionsOf = async () =>
      (await b.broker.db.selectFrom('web_sessions').select('data').execute()).filter((r) => JSON.parse(r.data).user?.id === 'vz-kort').length;
    expect(await sessionsOf()).toBe(1);
    const res = await b.call('POST', '/v1/register/people/vz-kort/deactivate', { token: beheerder });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'deactivated', active: false, deactivatedBy: 'demo-beheerder' });
    for (const [method, path] of [['GET', '/v1/cases'], ['POST', '/v1/queries'], ['GET', '/v1/monitoring?from=2026-01-01&to=2026-03-01']] as const) {
      expect((await b.call(method, path, { token, ...(method === 'POST' ? { body: {} } : {}) })).status).toBe(403);
    }
    expect((await changes('vz-kort')).at(-1)).toMatchObject({ outcome: 'person-deactivated', details: { sessionsEnded: true } });
    expect(await sessionsOf()).toBe(0);
    expect((await web.c.req('GET', '/casussen')).status).toBe(303);
    // A beheerder cannot end their own access by mistake.
    expect((await b.call('POST', '/v1/register/people/demo-beheerder/deactivate', { token: beheerder })).status).toBe(409);
    // Restored: access again.
    expect((await b.call('POST', '/v1/register/people/vz-kort/reactivate', { token: beheerder })).status).toBe(200);
    expect((await b.call('GET', '/v1/cases', { token })).status).toBe(200);
  });

  it('ends access when a role is revoked, when its validity has passed, or when the organisation is deactivated', async () => {
    await register(beheerder, { personId: 'jb-rood', displayName: 'E. Rood', organisation: 'gemeente-sittard-geleen', roles: [{ role: 'jeugdboa' }] });
    const token = await b.sign({ org: 'gemeente-sittard-geleen', role: 'jeugdboa' }, 'jb-rood');
    expect((await b.call('POST', '/v1/queries', { token, body: {} })).status).toBe(422);
    expect((await b.call('DELETE', '/v1/register/people/jb-rood/roles/jeugdboa', { token: beheerder })).status).toBe(200);
    expect((await b.call('POST', '/v1/queries', { token, body: {} })).status).toBe(403);

    const tomorrow = day(b.clock.now, 1);
    await register(beheerder, { personId: 'lp-geel', displayName: 'F. Geel', organisation: 'gemeente-sittard-geleen', roles: [{ role: 'leerplichtambtenaar', validUntil: tomorrow }] });
    const lp = await b.sign({ org: 'gemeente-sittard-geleen', role: 'leerplichtambtenaar' }, 'lp-geel');
    expect((await b.call('POST', '/v1/queries', { token: lp, body: {} })).status).toBe(422);
    const was = b.clock.now;
    b.clock.now = new Date(was.getTime() + 2 * 86_400_000);
    try {
      expect((await b.call('POST', '/v1/queries', { token: lp, body: {} })).status).toBe(403);
    } finally {
      b.clock.now = was;
    }

    expect((await b.call('POST', '/v1/register/organisations', { token: beheerder, body: { organisationId: 'zvh-team-zuid', name: 'ZVH team Zuid' } })).status).toBe(201);
    await register(beheerder, { personId: 'zuid-groen', displayName: 'G. Groen', organisation: 'zvh-team-zuid', roles: [{ role: 'voorzitter' }] });
    const zuid = await b.sign({ org: 'zvh-team-zuid', role: 'voorzitter' }, 'zuid-groen');
    expect((await b.call('GET', '/v1/cases', { token: zuid })).status).toBe(200);
    expect((await b.call('POST', '/v1/register/organisations/zvh-team-zuid/deactivate', { token: beheerder })).status).toBe(200);
    expect((await b.call('GET', '/v1/cases', { token: zuid })).status).toBe(403);
  });
});

describe('adapters and their keys', () => {
  const batch = () => ({
    batchId: opaqueRef('batch'),
    signals: [{ subject: randomPseudonym(), category: 'halt-afdoening', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 90), ref: opaqueRef('halt') }],
  });

  it('admits only an adapter the register knows for its partner, and refuses it from the next request once deactivated', async () => {
    const stranger = await b.sign({ partner: 'halt' }, 'adapter:onbekend');
    expect((await b.call('POST', '/v1/signals', { token: stranger, body: batch() })).status).toBe(403);
    const res = await b.call('POST', '/v1/register/adapters', { token: beheerder, body: { adapterId: 'halt-nachtelijk', partner: 'halt', clientId: 'halt-nightly-client', certificateSubject: 'jpp-adapter halt' } });
    expect(res.status).toBe(201);
    const token = await b.sign({ partner: 'halt' }, 'halt-nightly-client');
    expect((await b.call('POST', '/v1/signals', { token, body: batch() })).status).toBe(201);
    // The same client claiming another partner is refused.
    expect((await b.call('POST', '/v1/signals', { token: await b.sign({ partner: 'politie' }, 'halt-nightly-client'), body: batch() })).status).toBe(403);
    expect((await b.call('POST', '/v1/register/adapters/halt-nachtelijk/deactivate', { token: beheerder })).status).toBe(200);
    expect((await b.call('POST', '/v1/signals', { token, body: batch() })).status).toBe(403);
  });

  it('registers a public key for the partner, refuses a private one, and revokes for good', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const before = await counts();
    const secret = await b.call('POST', '/v1/register/adapters/halt-demo-adapter/keys', { token: beheerder, body: { kid: 'halt-2026', jwk: privateKey.export({ format: 'jwk' }) } });
    expect(secret.status).toBe(422);
    expect(secret.body.errors[0].pointer).toBe('/jwk');
    expect(await counts()).toEqual(before);
    const added = await b.call('POST', '/v1/register/adapters/halt-demo-adapter/keys', { token: beheerder, body: { kid: 'halt-2026', jwk: publicKey.export({ format: 'jwk' }) } });
    expect(added.status).toBe(201);
    expect(added.body.keys.map((k: { kid: string }) => k.kid)).toContain('halt-2026');
    const revoked = await b.call('POST', '/v1/register/adapters/halt-demo-adapter/keys/halt-2026/revoke', { token: beheerder });
    expect(revoked.body.keys.find((k: { kid: string }) => k.kid === 'halt-2026').revokedAt).not.toBeNull();
    expect((await b.call('POST', '/v1/register/adapters/halt-demo-adapter/keys/halt-2026/revoke', { token: beheerder })).status).toBe(409);
  });
});

describe('the bootstrap of an empty register', () => {
  it('is refused once the register has a functioneel beheerder', async () => {
    await expect(b.broker.register.bootstrap([{ personId: 'sluiproute', displayName: 'Sluip', organisation: ORG, roles: ['functioneel-beheerder'] }], 't')).rejects.toThrow(/has a functioneel beheerder already/);
    expect(await b.broker.db.selectFrom('people').select('id').where('id', '=', 'sluiproute').executeTakeFirst()).toBeUndefined();
  });
});

describe('no identity through the register', () => {
  it('refuses a BSN as a subject in a path, and never logs it', async () => {
    const bsn = syntheticBsn();
    const res = await b.call('GET', `/v1/register/people/${bsn}`, { token: beheerder });
    expect(res.status).toBe(422);
    const logged = await sql<{ n: number }>`select count(*)::int as n from logboek_entries where content like ${`%${bsn}%`}`.execute(b.broker.db);
    expect(logged.rows[0]!.n).toBe(0);
  });
});
