/**
 * The casus workflow over HTTP: aanmelding, status moves, vervolgacties, notificatie, and
 * queries tied to a casus in a queryable status (no free search).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { answersOf, submitSignals } from '../support/signals.js';
import { opaqueRef, randomPseudonym, syntheticBsn } from '../support/synthetic.js';
import { openCase, aanmelding } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const voorzitter = () => b.token('demo-voorzitter');
const move = async (caseId: string, body: Record<string, unknown>) =>
  b.call('POST', `/v1/cases/${caseId}/transitions`, { token: await voorzitter(), body });
const ask = async (subject: string, casus: Record<string, string>, user = 'demo-voorzitter', doel = 'jpp-screening') =>
  b.call('POST', '/v1/queries', { token: await b.token(user), body: { subject, doel, ...casus } });
const logged = async (action: string, caseRef: string) =>
  (
    await sql<{ outcome: string; actor_id: string; subject_hash: Uint8Array | null }>`
      select outcome, actor_id, subject_hash from logboek_entries where action = ${action} and case_ref = ${caseRef} order by id`.execute(b.broker.db)
  ).rows;

describe('aanmelding', () => {
  it('opens a person casus in status aangemeld, logged, with no pseudonym in the answer', async () => {
    const subject = randomPseudonym();
    const caseRef = opaqueRef('ZVH');
    const res = await b.call('POST', '/v1/cases', {
      token: await voorzitter(),
      body: { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) },
    });
    expect(res.status, res.text).toBe(201);
    expect(schemas.validate('casus#/$defs/casus', res.body)).toEqual([]);
    expect(res.body).toMatchObject({ caseRef, status: 'aangemeld', kind: 'person', routeIn: 'politie', openedBy: 'demo-voorzitter', queryable: true, legalHold: false });
    expect(res.body.subjects).toHaveLength(1);
    expect(res.body.subjects[0].notification).toMatchObject({ state: 'pending', overdue: false });
    expect(res.body.history).toEqual([expect.objectContaining({ from: null, to: 'aangemeld', by: 'demo-voorzitter' })]);
    expect(res.text).not.toContain(subject);
    const entries = await logged('casus-aanmelding', caseRef);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.subject_hash).not.toBeNull();
  });

  it('records the aanmeldcriteria and keeps only an age band, logging the criteria and never the age', async () => {
    const subjects = [randomPseudonym(), randomPseudonym(), randomPseudonym()];
    const c = await openCase(b, subjects, { aanmeldcriteria: ['schil-jeugdgroep', 'signaalgedrag'], ages: [0, 15, 27] });
    const view = (await b.call('GET', `/v1/cases/${c.caseId}`, { token: await voorzitter() })).body;
    expect(schemas.validate('casus#/$defs/casus', view)).toEqual([]);
    expect(view.aanmeldcriteria).toEqual(['schil-jeugdgroep', 'signaalgedrag']);
    expect(view.subjects.map((s: { ageBand: string; parentConsentNeeded: boolean }) => [s.ageBand, s.parentConsentNeeded])).toEqual([
      ['0-11', true],
      ['12-15', true],
      ['23-27', false],
    ]);
    const rows = (await sql<{ content: string }>`
      select content from logboek_entries where action = 'casus-aanmelding' and case_ref = ${c.caseRef}`.execute(b.broker.db)).rows.map(
      (r) => JSON.parse(r.content) as { details: Record<string, unknown> },
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.details['aanmeldcriteria']).toEqual(['schil-jeugdgroep', 'signaalgedrag']);
      expect(JSON.stringify(r.details)).not.toMatch(/\b(15|27)\b|age/i);
    }
    const stored = (await sql<{ cols: string }>`
      select string_agg(column_name, ',') as cols from information_schema.columns where table_name in ('cases', 'case_subjects')`.execute(b.broker.db)).rows[0]!.cols;
    expect(stored).not.toMatch(/birth|geboorte|(^|,)age(,|$)/);
  });

  it('opens a group casus with one subject id per subject, in the order sent, and one log entry each', async () => {
    const subjects = [randomPseudonym(), randomPseudonym(), randomPseudonym()];
    const c = await openCase(b, subjects, { routeIn: 'school' });
    expect(c.subjectIds).toHaveLength(3);
    expect(new Set(c.subjectIds).size).toBe(3);
    expect(await logged('casus-aanmelding', c.caseRef)).toHaveLength(3);
  });

  it.each([
    ['a reused caseRef', async (ref: string) => ({ caseRef: ref }), 409, '/caseRef'],
    ['a person casus with two subjects', async () => ({ subjects: [randomPseudonym(), randomPseudonym()] }), 422, '/subjects'],
    ['a group casus with one subject', async () => ({ kind: 'group' }), 422, '/subjects'],
    ['an unknown route in', async () => ({ routeIn: 'buurman' }), 422, '/routeIn'],
    ['an unknown doel', async () => ({ doel: 'vrij-zoeken' }), 422, '/doel'],
    ['a free-text field', async () => ({ toelichting: 'woont bij oma' }), 422, '/toelichting'],
    ['a BSN as caseRef', async () => ({ caseRef: syntheticBsn() }), 422, '/caseRef'],
    ['a subject that is not a pseudonym', async () => ({ subjects: [Buffer.alloc(32, 7).toString('base64url')] }), 422, '/subjects/0'],
    ['an aanmelding without criteria', async () => ({ aanmeldcriteria: [] }), 422, '/aanmeldcriteria'],
    ['an aanmelding without the criteria field', async () => ({ aanmeldcriteria: undefined }), 422, '/aanmeldcriteria'],
    ['an aanmeldcriterium the platform does not list', async () => ({ aanmeldcriteria: ['signaalgedrag', 'woonwijk'] }), 422, '/aanmeldcriteria/1'],
    ['an age above the doelgroep (0 to 27)', async () => ({ agesAtAanmelding: [28] }), 422, '/agesAtAanmelding/0'],
    ['no age', async () => ({ agesAtAanmelding: undefined }), 422, '/agesAtAanmelding'],
    ['a birth date instead of an age', async () => ({ agesAtAanmelding: ['2011-04-01'] }), 422, '/agesAtAanmelding/0'],
    ['one age for two subjects', async () => ({ kind: 'group', subjects: [randomPseudonym(), randomPseudonym()] }), 422, '/agesAtAanmelding'],
  ])('refuses %s, naming the field, and stores nothing', async (_what, change, status, pointer) => {
    const taken = await openCase(b, [randomPseudonym()]);
    const before = (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(b.broker.db)).rows[0]!.n;
    const body = { caseRef: opaqueRef('ZVH'), doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [randomPseudonym()], ...aanmelding(1), ...(await change(taken.caseRef)) };
    const res = await b.call('POST', '/v1/cases', { token: await voorzitter(), body });
    expect(res.status, res.text).toBe(status);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect((await sql<{ n: number }>`select count(*)::int as n from cases`.execute(b.broker.db)).rows[0]!.n).toBe(before);
  });

  it.each(['demo-halt', 'demo-jurist', 'demo-partneroverleg'])('refuses %s (no manage-cases capability)', async (user) => {
    const res = await b.call('POST', '/v1/cases', {
      token: await b.token(user),
      body: { caseRef: opaqueRef('ZVH'), doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [randomPseudonym()], ...aanmelding(1) },
    });
    expect(res.status).toBe(403);
  });
});

describe('status moves', () => {
  it('walks aangemeld → in-screening → besproken → vervolg → afgesloten, logging who and when per subject', async () => {
    const c = await openCase(b, [randomPseudonym(), randomPseudonym()]);
    for (const to of ['in-screening', 'besproken', 'vervolg']) {
      const res = await move(c.caseId, { to });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe(to);
    }
    const closed = await move(c.caseId, { to: 'afgesloten', outcome: 'doelen-bereikt' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'afgesloten', outcome: 'doelen-bereikt', queryable: false });
    expect(closed.body.closedAt).toBe(b.clock.now.toISOString());
    expect(closed.body.history.map((h: { to: string }) => h.to)).toEqual(['aangemeld', 'in-screening', 'besproken', 'vervolg', 'afgesloten']);
    expect(closed.body.history.every((h: { by: string; at: string }) => h.by === 'demo-voorzitter' && h.at)).toBe(true);
    const entries = await logged('casus-status', c.caseRef);
    expect(entries.map((e) => e.outcome)).toEqual(['in-screening', 'in-screening', 'besproken', 'besproken', 'vervolg', 'vervolg', 'afgesloten', 'afgesloten']);
    expect(entries.every((e) => e.actor_id === 'demo-voorzitter' && e.subject_hash)).toBe(true);
  });

  it('op- and afschaling need a reason code; closing needs an outcome', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    await move(c.caseId, { to: 'in-screening' });
    await move(c.caseId, { to: 'besproken' });
    const noReason = await move(c.caseId, { to: 'opgeschaald' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([{ pointer: '/reason', code: 'required', detail: 'is required to move a casus to opgeschaald' }]);
    const badReason = await move(c.caseId, { to: 'opgeschaald', reason: 'omdat het moet' });
    expect(badReason.status).toBe(422);
    const up = await move(c.caseId, { to: 'opgeschaald', reason: 'veiligheidsrisico' });
    expect(up.status).toBe(200);
    expect(up.body.history.at(-1)).toMatchObject({ from: 'besproken', to: 'opgeschaald', reason: 'veiligheidsrisico' });
    expect((await move(c.caseId, { to: 'afgesloten' })).body.errors).toEqual([{ pointer: '/outcome', code: 'required', detail: 'is required to close a casus' }]);
  });

  it.each([
    ['aangemeld', 'vervolg'],
    ['aangemeld', 'besproken'],
    ['aangemeld', 'aangemeld'],
  ])('refuses %s → %s with 409', async (_from, to) => {
    const c = await openCase(b, [randomPseudonym()]);
    const res = await move(c.caseId, { to });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(`a casus in status aangemeld cannot move to ${to}`);
  });

  it('never moves a closed casus again', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    await move(c.caseId, { to: 'afgesloten', outcome: 'niet-in-doelgroep' });
    expect((await move(c.caseId, { to: 'in-screening' })).status).toBe(409);
  });

  it('answers 404 for an unknown or malformed casus id', async () => {
    expect((await move('00000000-0000-4000-8000-000000000000', { to: 'in-screening' })).status).toBe(404);
    expect((await b.call('GET', '/v1/cases/not-a-uuid', { token: await voorzitter() })).status).toBe(404);
  });
});

describe('queries belong to a casus', () => {
  it('answers for a subject of a queryable casus, by caseRef or caseId', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const c = await openCase(b, [subject]);
    const byRef = await ask(subject, { caseRef: c.caseRef });
    expect(byRef.status, byRef.text).toBe(200);
    expect(answersOf(byRef.body).halt).toBe('hit');
    const byId = await ask(subject, { caseId: c.caseId });
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ caseId: c.caseId, caseRef: c.caseRef });
  });

  it('answers for each member of a group casus, naming the subject asked about; the casus counts the screenings per subject', async () => {
    const [x, y, z] = [randomPseudonym(), randomPseudonym(), randomPseudonym()];
    await submitSignals(b, 'politie', [{ subject: y, category: 'politie-registratie' }]);
    const c = await openCase(b, [x, y, z]);
    const fresh = await b.call('GET', `/v1/cases/${c.caseId}`, { token: await voorzitter() });
    expect(fresh.body.subjects.map((s: { screenings: unknown }) => s.screenings)).toEqual([0, 0, 0].map(() => ({ count: 0, lastAt: null })));
    const first = await ask(x, { caseId: c.caseId });
    expect(answersOf(first.body).politie).toBe('no-hit');
    expect(first.body.subjectId).toBe(c.subjectIds[0]);
    expect(schemas.validate('query-response', first.body)).toEqual([]);
    b.clock.now = new Date(b.clock.now.getTime() + 60_000);
    const second = await ask(y, { caseId: c.caseId });
    expect(answersOf(second.body).politie).toBe('hit');
    expect(second.body.subjectId).toBe(c.subjectIds[1]);
    await ask(y, { caseId: c.caseId });
    const after = await b.call('GET', `/v1/cases/${c.caseId}`, { token: await voorzitter() });
    expect(schemas.validate('casus#/$defs/casus', after.body)).toEqual([]);
    expect(after.body.subjects.map((s: { screenings: unknown }) => s.screenings)).toEqual([
      { count: 1, lastAt: expect.any(String) },
      { count: 2, lastAt: b.clock.now.toISOString() },
      { count: 0, lastAt: null },
    ]);
    // A question about the same youth in another casus does not count here.
    const other = await openCase(b, [x]);
    await ask(x, { caseId: other.caseId });
    expect((await b.call('GET', `/v1/cases/${c.caseId}`, { token: await voorzitter() })).body.subjects[0].screenings.count).toBe(1);
  });

  it('refuses free search: a subject that is not in the casus, and a casus that does not exist', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    const other = await ask(randomPseudonym(), { caseId: c.caseId });
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([{ pointer: '/subject', code: 'not-found', detail: 'is not a subject of this casus' }]);
    const none = await ask(randomPseudonym(), { caseRef: opaqueRef('nowhere') });
    expect(none.status).toBe(404);
    const neither = await b.call('POST', '/v1/queries', { token: await voorzitter(), body: { subject: randomPseudonym(), doel: 'jpp-screening' } });
    expect(neither.status).toBe(422);
  });

  it.each([
    ['besproken', ['in-screening', 'besproken'], 409],
    ['afgesloten', ['afgesloten'], 409],
    ['in-screening', ['in-screening'], 200],
    ['vervolg', ['in-screening', 'besproken', 'vervolg'], 200],
  ])('in status %s answers %i', async (_status, path, status) => {
    const subject = randomPseudonym();
    const c = await openCase(b, [subject]);
    for (const to of path) await move(c.caseId, to === 'afgesloten' ? { to, outcome: 'geen-zorgen' } : { to });
    // One question entry with an index row per partner's answer (issue 21 step B), or nothing.
    const count = async () => (await sql<{ entries: number; answers: number }>`select count(distinct e.id)::int as entries, count(d.entry_id)::int as answers
      from logboek_entries e left join logboek_disclosures d on d.entry_id = e.id where e.action = 'question'`.execute(b.broker.db)).rows[0]!;
    const before = await count();
    const res = await ask(subject, { caseId: c.caseId });
    expect(res.status, res.text).toBe(status);
    const after = await count();
    expect({ entries: after.entries - before.entries, answers: after.answers - before.answers }).toEqual(
      status === 200 ? { entries: 1, answers: b.broker.platform.partners.length } : { entries: 0, answers: 0 },
    );
  });
});

describe('vervolgacties', () => {
  it('records partner, kind and due date once besproken, and completes them once', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    const early = await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { token: await voorzitter(), body: { partner: 'halt', kind: 'halt-interventie', dueDate: '2099-01-01' } });
    expect(early.status).toBe(409);
    await move(c.caseId, { to: 'in-screening' });
    await move(c.caseId, { to: 'besproken' });
    const narrative = await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties`, {
      token: await voorzitter(),
      body: { partner: 'halt', kind: 'halt-interventie', dueDate: '2099-01-01', toelichting: 'gesprek over vrienden' },
    });
    expect(narrative.status).toBe(422);
    expect(narrative.body.errors).toEqual([{ pointer: '/toelichting', code: 'unknown-field', detail: 'is not an allowed field' }]);
    const unknown = await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { token: await voorzitter(), body: { partner: 'buurtzorg', kind: 'overig', dueDate: '2099-01-01' } });
    expect(unknown.body.errors).toEqual([{ pointer: '/partner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
    const added = await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { token: await voorzitter(), body: { partner: 'halt', kind: 'halt-interventie', dueDate: '2099-01-01' } });
    expect(added.status, added.text).toBe(201);
    expect(added.body.vervolgacties).toEqual([
      expect.objectContaining({ partner: 'halt', kind: 'halt-interventie', dueDate: '2099-01-01', completedAt: null, createdBy: 'demo-voorzitter' }),
    ]);
    const actionId = added.body.vervolgacties[0].actionId;
    const done = await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties/${actionId}/complete`, { token: await voorzitter() });
    expect(done.status).toBe(200);
    expect(done.body.vervolgacties[0].completedAt).toBe(b.clock.now.toISOString());
    expect((await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties/${actionId}/complete`, { token: await voorzitter() })).status).toBe(409);
    expect((await logged('casus-vervolgactie', c.caseRef)).map((e) => e.outcome)).toEqual(['recorded', 'completed']);
  });
});

describe('notificatie', () => {
  it('records informed or deferred per subject, and lists what is overdue for the voorzitter', async () => {
    const start = b.clock.now;
    try {
      const c = await openCase(b, [randomPseudonym(), randomPseudonym(), randomPseudonym()]);
      const [informed, deferred, pending] = c.subjectIds as [string, string, string];
      const put = async (subjectId: string, body: unknown) =>
        b.call('PUT', `/v1/cases/${c.caseId}/subjects/${subjectId}/notification`, { token: await voorzitter(), body });
      const day = (offset: number) => new Date(b.clock.now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
      expect((await put(informed, { state: 'informed', informedAt: day(0) })).status).toBe(200);
      const d = await put(deferred, { state: 'deferred', deferReason: 'lopend-onderzoek', deferredUntil: day(40) });
      expect(d.status, d.text).toBe(200);
      expect(d.body.subjects.find((s: { subjectId: string }) => s.subjectId === deferred).notification).toMatchObject({
        state: 'deferred',
        deferReason: 'lopend-onderzoek',
        deferredUntil: day(40),
      });
      expect((await put(pending, { state: 'deferred', deferReason: 'geen-zin', deferredUntil: day(10) })).status).toBe(422);
      expect((await put(pending, { state: 'informed', informedAt: day(3) })).body.errors).toEqual([{ pointer: '/informedAt', code: 'in-future', detail: 'lies in the future' }]);
      expect((await put('00000000-0000-4000-8000-000000000000', { state: 'informed', informedAt: day(0) })).status).toBe(404);

      const overdue = async () => (await b.call('GET', '/v1/notifications/overdue', { token: await voorzitter() })).body.items.filter((i: { caseId: string }) => i.caseId === c.caseId);
      expect(await overdue()).toEqual([]);
      b.clock.now = new Date(start.getTime() + 29 * 86_400_000); // past the 28-day termijn
      expect(await overdue()).toEqual([{ caseId: c.caseId, caseRef: c.caseRef, subjectId: pending, state: 'pending', dueAt: expect.any(String) }]);
      b.clock.now = new Date(start.getTime() + 41 * 86_400_000); // past the deferral too
      expect((await overdue()).map((i: { subjectId: string }) => i.subjectId)).toEqual([pending, deferred]);
      expect((await logged('casus-notificatie', c.caseRef)).map((e) => e.outcome)).toEqual(['informed', 'deferred']);
      expect((await b.call('GET', '/v1/notifications/overdue', { token: await b.token('demo-halt') })).status).toBe(403);
    } finally {
      b.clock.now = start;
    }
  });
});

describe('listing', () => {
  it("pages the voorzitter's own casussen newest first, without silent truncation", async () => {
    for (let i = 0; i < 3; i++) await openCase(b, [randomPseudonym()]);
    const total = (await sql<{ n: number }>`select count(*)::int as n from cases where opened_by = 'demo-voorzitter'`.execute(b.broker.db)).rows[0]!.n;
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await b.call('GET', `/v1/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: await voorzitter() });
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((c: { caseId: string }) => c.caseId));
      cursor = res.body.nextCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const closed = await b.call('GET', '/v1/cases?status=afgesloten&limit=200', { token: await voorzitter() });
    expect(closed.body.items.every((c: { status: string }) => c.status === 'afgesloten')).toBe(true);
    expect((await b.call('GET', '/v1/cases?status=weg', { token: await voorzitter() })).status).toBe(422);
  });
});
