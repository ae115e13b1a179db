/**
 * Consent as a record (issue 18 item 5): the voorzitter records who consented (youth, parent or
 * both, by the platform's consent age), to which partners and doel, for how long; a question with
 * consent cites the record; a withdrawn or expired record makes the consent-only partners
 * `not-permitted` from then on. Refusals store nothing; recording and withdrawing are logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { answersOf, submitSignals } from '../support/signals.js';
import { day, randomPseudonym } from '../support/synthetic.js';
import { openCase, type OpenCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
const DAY = 86_400_000;
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const voorzitter = () => b.token('demo-voorzitter');
const count = async (table: 'case_consents' | 'queries'): Promise<number> =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(b.broker.db)).rows[0]!.n;
const record = async (c: OpenCase, body: Record<string, unknown>, user = 'demo-voorzitter') =>
  b.call('POST', `/v1/cases/${c.caseId}/consents`, {
    token: await b.token(user),
    body: {
      subjectId: c.subjectIds[0],
      givenBy: 'ouder',
      partners: ['jongerenwerk'],
      doel: 'jpp-screening',
      givenOn: day(b.clock.now, 0),
      validUntil: day(b.clock.now, 90),
      ...body,
    },
  });
const ask = async (subject: string, c: OpenCase, extra: Record<string, unknown>) =>
  b.call('POST', '/v1/queries', { token: await voorzitter(), body: { subject, doel: 'jpp-screening', caseId: c.caseId, ...extra } });

/** A youth known to jongerenwerk and pre-forensisch jeugdwerk (consent-only partners) and to Halt. */
async function youth(age = 15): Promise<{ subject: string; c: OpenCase }> {
  const subject = randomPseudonym();
  await submitSignals(b, 'jongerenwerk', [{ subject, category: 'jongerenwerk-contact' }]);
  await submitSignals(b, 'pre-forensisch-jeugdwerk', [{ subject, category: 'preforensisch-traject' }]);
  await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
  return { subject, c: await openCase(b, [subject], { ages: [age] }) };
}

describe('recording consent', () => {
  it('records a parent\'s consent for a youth of 15, shows it in force, and logs it for that subject', async () => {
    const { c } = await youth(15);
    const res = await record(c, {});
    expect(res.status, res.text).toBe(201);
    expect(schemas.validate('casus#/$defs/casus', res.body)).toEqual([]);
    expect(res.body.consents).toEqual([
      expect.objectContaining({ subjectId: c.subjectIds[0], givenBy: 'ouder', partners: ['jongerenwerk'], doel: 'jpp-screening', status: 'in-force', withdrawnAt: null, recordedBy: 'demo-voorzitter' }),
    ]);
    const logged = (await sql<{ outcome: string; actor_id: string }>`
      select outcome, actor_id from logboek_entries where action = 'casus-toestemming' and case_ref = ${c.caseRef}`.execute(b.broker.db)).rows;
    expect(logged).toEqual([{ outcome: 'recorded', actor_id: 'demo-voorzitter' }]);
  });

  it.each([
    ['the youth alone below the consent age (15)', 15, { givenBy: 'jongere' }, '/givenBy'],
    ['a parent alone from the consent age (17)', 17, { givenBy: 'ouder' }, '/givenBy'],
    ['a partner the platform does not have', 15, { partners: ['buurtvader'] }, '/partners/0'],
    ['no partners', 15, { partners: [] }, '/partners'],
    ['a doel the platform does not have', 15, { doel: 'vrij-zoeken' }, '/doel'],
    ['a date given in the future', 15, { givenOn: '2999-01-01', validUntil: '2999-06-01' }, '/givenOn'],
    ['a validity that ended already', 15, { givenOn: '2020-01-01', validUntil: '2020-06-01' }, '/validUntil'],
    ['a name as free text', 15, { naamOuder: 'mevrouw Jansen' }, '/naamOuder'],
    ['a subject of another casus', 15, { subjectId: '6f1c2b4e-3a1d-4c55-9b1a-2f0e8d7c6b5a' }, '/subjectId'],
  ])('refuses %s, naming the field, and stores and logs nothing', async (_what, age, change, pointer) => {
    const { c } = await youth(age);
    const before = await count('case_consents');
    const res = await record(c, change);
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await count('case_consents')).toBe(before);
    expect((await sql`select 1 from logboek_entries where action = 'casus-toestemming' and case_ref = ${c.caseRef}`.execute(b.broker.db)).rows).toEqual([]);
  });

  it('accepts the youth from the consent age, and both at any age', async () => {
    const older = await youth(16);
    expect((await record(older.c, { givenBy: 'jongere' })).status).toBe(201);
    const younger = await youth(9);
    expect((await record(younger.c, { givenBy: 'beiden' })).status).toBe(201);
  });

  it.each(['demo-halt', 'demo-jurist'])('refuses %s (no manage-cases capability)', async (user) => {
    const { c } = await youth();
    expect((await record(c, {}, user)).status).toBe(403);
  });
});

describe('a question with consent', () => {
  it('cites a record in force: only the partners it names are asked with consent', async () => {
    const { subject, c } = await youth();
    const without = await ask(subject, c, {});
    expect(answersOf(without.body)).toMatchObject({ jongerenwerk: 'not-permitted', 'pre-forensisch-jeugdwerk': 'not-permitted', halt: 'hit' });
    const consentId = (await record(c, { partners: ['jongerenwerk'] })).body.consents[0].consentId;
    const res = await ask(subject, c, { consent: true, consentId });
    expect(res.status, res.text).toBe(200);
    expect(answersOf(res.body)).toMatchObject({ jongerenwerk: 'hit', 'pre-forensisch-jeugdwerk': 'not-permitted', halt: 'hit' });
    expect(res.body.answers.find((a: { partner: string }) => a.partner === 'jongerenwerk').basis[0]).toMatchObject({ rule: 'S09', grondslag: expect.stringContaining('toestemming') });
    // One entry for the question (issue 21 step B), with every partner's answer and the consent it cited.
    const entries = (await sql<{ content: string }>`
      select content from logboek_entries where action = 'question' and query_id = ${res.body.queryId}`.execute(b.broker.db)).rows.map((r) => JSON.parse(r.content));
    expect(entries).toHaveLength(1);
    expect(entries[0].details).toMatchObject({ consent: true, consentId });
    expect(Object.fromEntries(entries[0].details.answers.map((a: { partner: string; outcome: string }) => [a.partner, a.outcome]))).toEqual(answersOf(res.body));
    expect(entries[0].details.answers.find((a: { partner: string }) => a.partner === 'jongerenwerk').rules[0]).toMatchObject({ rule: 'S09' });
  });

  it('after a withdrawal, the consent-only partners are not-permitted, and the withdrawal is logged and final', async () => {
    const { subject, c } = await youth();
    const consentId = (await record(c, { partners: ['jongerenwerk', 'pre-forensisch-jeugdwerk'] })).body.consents[0].consentId;
    expect(answersOf((await ask(subject, c, { consentId })).body)).toMatchObject({ jongerenwerk: 'hit', 'pre-forensisch-jeugdwerk': 'hit' });
    const withdrawn = await b.call('POST', `/v1/cases/${c.caseId}/consents/${consentId}/withdraw`, { token: await voorzitter() });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.consents[0]).toMatchObject({ status: 'withdrawn', withdrawnAt: b.clock.now.toISOString() });
    const after = await ask(subject, c, { consent: true, consentId });
    expect(after.status).toBe(200);
    expect(answersOf(after.body)).toMatchObject({ jongerenwerk: 'not-permitted', 'pre-forensisch-jeugdwerk': 'not-permitted', halt: 'hit' });
    const entries = (await sql<{ content: string }>`
      select content from logboek_entries where action = 'question' and query_id = ${after.body.queryId}`.execute(b.broker.db)).rows.map((r) => JSON.parse(r.content));
    expect(entries).toHaveLength(1);
    for (const e of entries) expect(e.details).toMatchObject({ consent: false, consentId });
    expect((await b.call('POST', `/v1/cases/${c.caseId}/consents/${consentId}/withdraw`, { token: await voorzitter() })).status).toBe(409);
    await expect(sql`update case_consents set withdrawn_at = null where id = ${consentId}`.execute(b.broker.db)).rejects.toThrow(/never undone/);
    const logged = (await sql<{ outcome: string }>`
      select outcome from logboek_entries where action = 'casus-toestemming' and case_ref = ${c.caseRef} order by id`.execute(b.broker.db)).rows;
    expect(logged.map((l) => l.outcome)).toEqual(['recorded', 'withdrawn']);
  });

  it('after the record expires, the consent-only partners are not-permitted', async () => {
    const { subject, c } = await youth();
    const consentId = (await record(c, { validUntil: day(b.clock.now, 10) })).body.consents[0].consentId;
    expect(answersOf((await ask(subject, c, { consentId })).body).jongerenwerk).toBe('hit');
    const was = b.clock.now;
    b.clock.now = new Date(was.getTime() + 12 * DAY);
    try {
      expect(answersOf((await ask(subject, c, { consentId })).body).jongerenwerk).toBe('not-permitted');
      const view = await b.call('GET', `/v1/cases/${c.caseId}`, { token: await voorzitter() });
      expect(view.body.consents[0].status).toBe('expired');
    } finally {
      b.clock.now = was;
    }
  });

  it('a record under another doel does not count', async () => {
    const { subject, c } = await youth();
    const consentId = (await record(c, { doel: 'jpp-casusoverleg' })).body.consents[0].consentId;
    expect(answersOf((await ask(subject, c, { consentId })).body).jongerenwerk).toBe('not-permitted');
  });

  it.each([
    ['consent without a record', async () => ({ consent: true }), '/consentId'],
    ['a record of another casus', async () => {
      const other = await youth();
      return { consentId: (await record(other.c, {})).body.consents[0].consentId };
    }, '/consentId'],
    ['a consentId that is no id', async () => ({ consentId: 'toestemming-ja' }), '/consentId'],
  ])('refuses %s, naming the field, and stores nothing', async (_what, extra, pointer) => {
    const { subject, c } = await youth();
    const body = await extra();
    const before = await count('queries');
    const res = await ask(subject, c, body);
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await count('queries')).toBe(before);
  });
});
