/**
 * The casusoverleg (issue 18 items 1-3): the voorzitter plans a meeting and puts a casus on its
 * agenda; the invitation list is derived (hits, aanmelder, regiehouder, additions with a reason)
 * and decided by the policy (action uitnodigen), each invitation logged per partner with its rule
 * and grondslag; an invited partner's professionals and adapter see the casus with their OWN refs
 * only, the regiehouder and their own vervolgacties, and the regiehouder its overdue ones; a warme
 * overdracht needs consent. Bad input stores and logs nothing (rows counted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, randomPseudonym } from '../support/synthetic.js';
import { openCase, type OpenCase } from '../support/casus.js';
import { answersOf, submitSignals } from '../support/signals.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
const DAY = 86_400_000;
const BEHEERDER = { kind: 'person', id: 'demo-beheerder', organisation: 'zvh-limburg-noord', role: 'functioneel-beheerder' } as const;
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
  await b.broker.register.people.register(BEHEERDER, { personId: 'test-jongerenwerker', displayName: 'Jongerenwerker', organisation: 'jongerenwerk', roles: [{ role: 'jongerenwerker' }] }, 'casusoverleg-test');
}, 120_000);
afterAll(async () => b?.close());

const call = async (method: string, path: string, body?: unknown, user = 'demo-voorzitter') => b.call(method, path, { token: await b.token(user), ...(body !== undefined ? { body } : {}) });
const TABLES = ['casusoverleg_meetings', 'casusoverleg_agenda', 'casusoverleg_invitations', 'case_vervolgacties', 'logboek_entries'] as const;
const counts = async (): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(b.broker.db)).rows[0]!.n;
  return out;
};
const entries = async (meetingId: string) =>
  (await sql<{ outcome: string; partner_id: string | null; content: string }>`
    select outcome, partner_id, content from logboek_entries where action = 'casusoverleg' and content::jsonb -> 'details' ->> 'meetingId' = ${meetingId} order by id`.execute(b.broker.db)).rows;

/** A youth known to Halt (twice: two refs) and to jongerenwerk (consent only), screened by the voorzitter without consent. */
async function screenedYouth(routeIn = 'school'): Promise<{ subject: string; c: OpenCase; haltRefs: string[]; jongerenwerkRefs: string[] }> {
  const subject = randomPseudonym();
  const haltRefs = await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }, { subject, category: 'halt-afdoening' }]);
  const jongerenwerkRefs = await submitSignals(b, 'jongerenwerk', [{ subject, category: 'jongerenwerk-contact' }]);
  const c = await openCase(b, [subject], { routeIn });
  const asked = await call('POST', '/v1/queries', { subject, doel: 'jpp-screening', caseId: c.caseId });
  expect(asked.status, asked.text).toBe(200);
  expect(answersOf(asked.body)).toMatchObject({ halt: 'hit', jongerenwerk: 'not-permitted', politie: 'no-hit' });
  return { subject, c, haltRefs, jongerenwerkRefs };
}

async function plan(offsetDays = 3): Promise<string> {
  const res = await call('POST', '/v1/meetings', { date: day(b.clock.now, offsetDays) });
  expect(res.status, res.text).toBe(201);
  expect(schemas.validate('casusoverleg#/$defs/meeting', res.body)).toEqual([]);
  return res.body.meetingId as string;
}

describe('planning and the agenda', () => {
  it('plans a meeting (logged), lists it, and refuses a date in the past or an unknown field, storing and logging nothing', async () => {
    const before = await counts();
    for (const body of [{ date: day(b.clock.now, -1) }, { date: day(b.clock.now, 2), title: 'x' }, { date: 'morgen' }, {}]) {
      const res = await call('POST', '/v1/meetings', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect((await call('POST', '/v1/meetings', { date: day(b.clock.now, -1) })).body.errors).toEqual([{ pointer: '/date', code: 'in-past', detail: 'lies in the past' }]);
    expect(await counts()).toEqual(before);
    const meetingId = await plan();
    expect((await entries(meetingId)).map((e) => e.outcome)).toEqual(['planned']);
    const list = await call('GET', '/v1/meetings');
    expect(list.status).toBe(200);
    expect(schemas.validate('casusoverleg#/$defs/meetingList', list.body)).toEqual([]);
    expect(list.body.items).toContainEqual({ meetingId, platform: 'jpp-sittard-geleen', date: day(b.clock.now, 3), agendaCount: 0 });
    expect((await call('GET', '/v1/meetings', undefined, 'demo-halt')).status).toBe(403);
  });

  it('derives the invitations: Halt (a hit) is invited with its rule, grondslag and contact point; jongerenwerk, added without consent, is not, and the voorzitter sees why', async () => {
    const { c } = await screenedYouth();
    const meetingId = await plan();
    const res = await call('POST', `/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId, add: [{ partner: 'jongerenwerk', reason: 'betrokken-bij-gezin' }] });
    expect(res.status, res.text).toBe(201);
    expect(schemas.validate('casusoverleg#/$defs/meeting', res.body)).toEqual([]);
    const [item] = res.body.agenda;
    expect(item).toMatchObject({ caseId: c.caseId, caseRef: c.caseRef, status: 'aangemeld', regiehouder: null });
    expect(item.invitations).toEqual([
      {
        partner: 'halt', grounds: ['hit'], addedReason: null, consent: false,
        basis: [{ rule: 'U05', effect: 'allow', grondslag: 'AVG art. 10 jo. Wetboek van Strafrecht art. 77e; convenant ZVH (casusoverleg)' }],
        contact: { team: 'Halt Limburg, team Sittard-Geleen', email: 'sittard-geleen@halt.example' }, invitedAt: b.clock.now.toISOString(),
      },
    ]);
    expect(item.excluded).toEqual([
      { partner: 'jongerenwerk', grounds: ['toegevoegd'], addedReason: 'betrokken-bij-gezin', reason: 'toestemming-nodig', basis: [], decidedAt: b.clock.now.toISOString() },
    ]);
    const logged = await entries(meetingId);
    expect(logged.map((e) => [e.outcome, e.partner_id])).toEqual([['planned', null], ['agendered', null], ['invited', 'halt'], ['not-permitted', 'jongerenwerk']]);
    const invited = JSON.parse(logged[2]!.content);
    expect(invited).toMatchObject({ subject: expect.any(String), caseRef: c.caseRef, doel: 'jpp-screening', rules: [{ rule: 'U05', effect: 'allow' }], details: { meetingId, caseId: c.caseId, subjectId: c.subjectIds[0], grounds: ['hit'], consent: false } });
    expect((await call('GET', `/v1/meetings/${meetingId}`)).body).toEqual(res.body);
  });

  it('invites the aanmelder and the regiehouder; the voorzitter adds a partner later, once', async () => {
    const { c } = await screenedYouth('politie');
    for (const to of ['in-screening', 'besproken']) expect((await call('POST', `/v1/cases/${c.caseId}/transitions`, { to })).status).toBe(200);
    expect((await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'gemeente-team-jeugd' })).status).toBe(200);
    const meetingId = await plan();
    const res = await call('POST', `/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId });
    expect(res.body.agenda[0].invitations.map((i: { partner: string; grounds: string[] }) => [i.partner, i.grounds])).toEqual([
      ['politie', ['aanmelder']], ['gemeente-team-jeugd', ['regiehouder']], ['halt', ['hit']],
    ]);
    const added = await call('POST', `/v1/meetings/${meetingId}/agenda/${c.caseId}/invitations`, { partner: 'rvdk', reason: 'lopende-hulpverlening' });
    expect(added.status, added.text).toBe(201);
    expect(added.body.agenda[0].invitations.find((i: { partner: string }) => i.partner === 'rvdk')).toMatchObject({ grounds: ['toegevoegd'], addedReason: 'lopende-hulpverlening', basis: [{ rule: 'U04' }] });
    const before = await counts();
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda/${c.caseId}/invitations`, { partner: 'rvdk', reason: 'overig' })).status).toBe(409);
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda/${c.caseId}/invitations`, { partner: 'buurtzorg', reason: 'overig' })).body.errors).toEqual([{ pointer: '/partner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda/${c.caseId}/invitations`, { partner: 'halt', reason: 'vrije tekst' })).status).toBe(422);
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId })).status).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it('refuses bad agenda input and stores and logs nothing: an unknown casus, an unknown or doubled partner, an unknown meeting, a closed casus', async () => {
    const { c } = await screenedYouth();
    const meetingId = await plan();
    const before = await counts();
    const bad: Array<[string, unknown, number]> = [
      [`/v1/meetings/${meetingId}/agenda`, { caseId: '00000000-0000-4000-8000-000000000000' }, 422],
      [`/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId, add: [{ partner: 'buurtzorg', reason: 'overig' }] }, 422],
      [`/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId, add: [{ partner: 'halt', reason: 'overig' }, { partner: 'halt', reason: 'expertise' }] }, 422],
      [`/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId, add: [{ partner: 'halt' }] }, 422],
      [`/v1/meetings/${meetingId}/agenda`, { caseId: 'niet-een-id' }, 422],
      ['/v1/meetings/00000000-0000-4000-8000-000000000000/agenda', { caseId: c.caseId }, 404],
    ];
    for (const [path, body, status] of bad) expect((await call('POST', path, body)).status, JSON.stringify(body)).toBe(status);
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId }, 'demo-halt')).status).toBe(403);
    expect((await call('POST', `/v1/cases/${c.caseId}/transitions`, { to: 'afgesloten', outcome: 'geen-zorgen' })).status).toBe(200);
    const closedBefore = await counts();
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId })).status).toBe(409);
    expect(await counts()).toEqual(closedBefore);
    expect(closedBefore['casusoverleg_agenda']).toBe(before['casusoverleg_agenda']);
  });
});

describe('what a partner sees', () => {
  it("shows Halt's professionals and adapter the casus with only Halt's own refs; jongerenwerk and the gemeente see nothing of it", async () => {
    const { c, haltRefs, jongerenwerkRefs } = await screenedYouth();
    const meetingId = await plan(5);
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId, add: [{ partner: 'jongerenwerk', reason: 'betrokken-bij-gezin' }] })).status).toBe(201);
    for (const token of [await b.token('demo-halt'), await b.adapterToken('halt')]) {
      const res = await b.call('GET', '/v1/invitations', { token });
      expect(res.status, res.text).toBe(200);
      expect(schemas.validate('casusoverleg#/$defs/partnerOverview', res.body)).toEqual([]);
      expect(res.body.partners).toEqual(['halt']);
      const mine = res.body.items.filter((i: { caseId: string }) => i.caseId === c.caseId);
      expect(mine).toEqual([{ meetingId, date: day(b.clock.now, 5), caseId: c.caseId, caseRef: c.caseRef, partner: 'halt', ownRefs: [...haltRefs].sort(), regiehouder: null, vervolgacties: [] }]);
      for (const ref of jongerenwerkRefs) expect(res.text).not.toContain(ref);
      expect(res.text).not.toMatch(/subject|pseudonym/i);
    }
    for (const token of [await b.sign({ org: 'jongerenwerk', role: 'jongerenwerker' }, 'test-jongerenwerker'), await b.adapterToken('jongerenwerk'), await b.token('demo-jeugdboa')]) {
      const res = await b.call('GET', '/v1/invitations', { token });
      expect(res.status, res.text).toBe(200);
      expect(res.body.items.filter((i: { caseId: string }) => i.caseId === c.caseId)).toEqual([]);
    }
    expect((await call('GET', '/v1/invitations', undefined, 'demo-partneroverleg')).status).toBe(403);
    // Every read is logged, per youth, naming the partner: Halt's professional and adapter; nobody else read it.
    const reads = (await entries(meetingId)).filter((e) => e.outcome === 'read');
    expect(reads.map((e) => e.partner_id)).toEqual(['halt', 'halt']);
    expect(reads.map((e) => JSON.parse(e.content).details.refsShown)).toEqual([[...haltRefs].length, [...haltRefs].length]);
  });

  it('shows the partner the regiehouder and its own vervolgacties; the regiehouder its overdue ones; a warme overdracht needs consent', async () => {
    const { c } = await screenedYouth();
    for (const to of ['in-screening', 'besproken']) expect((await call('POST', `/v1/cases/${c.caseId}/transitions`, { to })).status).toBe(200);
    expect((await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'halt' })).status).toBe(200);
    const meetingId = await plan();
    expect((await call('POST', `/v1/meetings/${meetingId}/agenda`, { caseId: c.caseId })).status).toBe(201);
    const own = await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { partner: 'halt', kind: 'halt-interventie', dueDate: day(b.clock.now, 7) });
    expect(own.status, own.text).toBe(201);
    expect((await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { partner: 'politie', kind: 'gesprek-ouders', dueDate: day(b.clock.now, 2) })).status).toBe(201);
    // A warme overdracht from Halt to jongerenwerk: refused without consent covering jongerenwerk, nothing stored or logged.
    const before = await counts();
    const overdracht = { partner: 'halt', kind: 'warme-overdracht', toPartner: 'jongerenwerk', dueDate: day(b.clock.now, 14) };
    const refused = await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, overdracht);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ pointer: '/toPartner', code: 'no-consent', detail: 'needs consent in force for every subject of this casus that names this partner' }]);
    expect((await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { ...overdracht, kind: 'overig' })).status).toBe(422);
    expect((await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { ...overdracht, toPartner: undefined })).status).toBe(422);
    expect(await counts()).toEqual(before);
    const consent = await call('POST', `/v1/cases/${c.caseId}/consents`, {
      subjectId: c.subjectIds[0], givenBy: 'ouder', partners: ['jongerenwerk'], doel: 'jpp-screening', givenOn: day(b.clock.now, 0), validUntil: day(b.clock.now, 90),
    });
    expect(consent.status, consent.text).toBe(201);
    const warm = await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, overdracht);
    expect(warm.status, warm.text).toBe(201);
    expect(warm.body.vervolgacties.find((v: { kind: string }) => v.kind === 'warme-overdracht')).toMatchObject({ partner: 'halt', toPartner: 'jongerenwerk' });

    const was = b.clock.now;
    b.clock.now = new Date(was.getTime() + 9 * DAY);
    try {
      const res = await call('GET', '/v1/invitations', undefined, 'demo-halt');
      const mine = res.body.items.find((i: { caseId: string }) => i.caseId === c.caseId);
      expect(mine.regiehouder).toBe('halt');
      expect(mine.vervolgacties.map((v: { partner: string; kind: string; toPartner: string | null; overdue: boolean }) => [v.partner, v.kind, v.toPartner, v.overdue])).toEqual([
        ['halt', 'halt-interventie', null, true],
        ['halt', 'warme-overdracht', 'jongerenwerk', false],
      ]);
      const overdue = res.body.regieOverdue.filter((o: { caseId: string }) => o.caseId === c.caseId);
      expect(overdue.map((o: { partner: string; kind: string }) => [o.partner, o.kind])).toEqual([['politie', 'gesprek-ouders'], ['halt', 'halt-interventie']]);
      const boa = await call('GET', '/v1/invitations', undefined, 'demo-jeugdboa');
      expect(boa.body.regieOverdue.filter((o: { caseId: string }) => o.caseId === c.caseId)).toEqual([]);
    } finally {
      b.clock.now = was;
    }
  });
});
