/**
 * The register of verzoeken van betrokkenen (issue 19 item 2): registering with the identity-check
 * method only, the one-month deadline and its single extension by two months (AVG art. 12(3)),
 * the answer with its grondslag, the overdue list, and refusals that store and log nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { randomPseudonym, syntheticBsn } from '../support/synthetic.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { addMonths, amsterdamDay } from '../../broker/rights/verzoek-fns.js';
import { answersOf, submitSignals } from '../support/signals.js';
import { openCase } from '../support/casus.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const today = (): string => amsterdamDay(b.clock.now);
const daysAgo = (n: number): string => amsterdamDay(new Date(b.clock.now.getTime() - n * 86_400_000));
const register = async (body: Record<string, unknown>, user = 'demo-jurist') =>
  b.call('POST', '/v1/verzoeken', {
    token: await b.token(user),
    body: { subject: randomPseudonym(), type: 'inzage', receivedOn: today(), requester: 'ouder-of-voogd', identityCheck: 'legitimatiebewijs-getoond', ...body },
  });
const count = async (table: 'verzoeken' | 'verzoek_subject_hashes' | 'logboek_entries') =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(b.broker.db)).rows[0]!.n;
const logged = async (verzoekId: string) =>
  (await sql<{ outcome: string; subject_hash: Uint8Array | null; content: string }>`select outcome, subject_hash, content from logboek_entries where action = 'verzoek' and content like ${`%${verzoekId}%`} order by id`.execute(b.broker.db)).rows;

describe('verzoeken van betrokkenen', () => {
  it('registers a request with its deadline one month after receipt, logs it with the subject as a hash only', async () => {
    const subject = randomPseudonym();
    const receivedOn = daysAgo(3);
    const res = await register({ subject, type: 'wissing', receivedOn });
    expect(res.status, res.text).toBe(201);
    expect(schemas.validate('rights#/$defs/verzoek', res.body)).toEqual([]);
    expect(res.body).toMatchObject({ type: 'wissing', receivedOn, deadline: addMonths(receivedOn, 1), extendedUntil: null, status: 'open', overdue: false, onTime: null, registeredBy: 'demo-jurist', identityCheck: 'legitimatiebewijs-getoond' });
    expect(res.text).not.toContain(subject);
    const entries = await logged(res.body.verzoekId);
    expect(entries.map((e) => e.outcome)).toEqual(['registered']);
    expect(entries[0]!.subject_hash).not.toBeNull();
    expect(entries[0]!.content).not.toContain(subject);
    expect(JSON.parse(entries[0]!.content).activity).toBe('jpp-rechten-betrokkenen');
    const got = await b.call('GET', `/v1/verzoeken/${res.body.verzoekId}`, { token: await b.token('demo-fg') });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('extends once by two months within the first month, with a reason; a second extension is refused', async () => {
    const v = (await register({ type: 'rectificatie', receivedOn: daysAgo(10) })).body;
    const token = await b.token('demo-jurist');
    const ext = await b.call('POST', `/v1/verzoeken/${v.verzoekId}/extend`, { token, body: { reason: 'Vier partners moeten hun signalen nakijken.' } });
    expect(ext.status, ext.text).toBe(200);
    expect(ext.body).toMatchObject({ deadline: v.deadline, extendedUntil: addMonths(v.deadline, 2), extensionReason: 'Vier partners moeten hun signalen nakijken.' });
    const again = await b.call('POST', `/v1/verzoeken/${v.verzoekId}/extend`, { token, body: { reason: 'Nog meer tijd nodig.' } });
    expect(again.status).toBe(409);
    const entries = await logged(v.verzoekId);
    expect(entries.map((e) => e.outcome)).toEqual(['registered', 'extended']);
    expect(entries[1]!.content).not.toContain('Vier partners');
  });

  it('refuses an extension after the first month; the request is then overdue and listed as such', async () => {
    const receivedOn = addMonths(today(), -2);
    const v = (await register({ type: 'inzage', receivedOn })).body;
    expect(v.overdue).toBe(true);
    const token = await b.token('demo-jurist');
    const ext = await b.call('POST', `/v1/verzoeken/${v.verzoekId}/extend`, { token, body: { reason: 'Te laat gevraagd.' } });
    expect(ext.status).toBe(409);
    const overdue = await b.call('GET', '/v1/verzoeken/overdue', { token });
    expect(overdue.status).toBe(200);
    expect(schemas.validate('rights#/$defs/verzoekList', overdue.body)).toEqual([]);
    expect(overdue.body.items.map((i: { verzoekId: string }) => i.verzoekId)).toContain(v.verzoekId);
    expect(overdue.body.items.every((i: { overdue: boolean; status: string }) => i.overdue && i.status === 'open')).toBe(true);
    // Answered late: no longer overdue, recorded as not on time.
    const ans = await b.call('POST', `/v1/verzoeken/${v.verzoekId}/answer`, { token, body: { decision: 'granted', grondslag: 'AVG art. 15: inzage verstrekt' } });
    expect(ans.status, ans.text).toBe(200);
    expect(ans.body).toMatchObject({ status: 'answered', decision: 'granted', answeredOn: today(), answeredBy: 'demo-jurist', overdue: false, onTime: false });
    const after = await b.call('GET', '/v1/verzoeken/overdue', { token });
    expect(after.body.items.map((i: { verzoekId: string }) => i.verzoekId)).not.toContain(v.verzoekId);
  });

  it('becomes overdue when the clock passes its deadline', async () => {
    const v = (await register({ type: 'beperking', receivedOn: today() })).body;
    expect(v.overdue).toBe(false);
    const saved = b.clock.now;
    try {
      b.clock.now = new Date(Date.parse(`${addMonths(v.deadline, 0)}T12:00:00Z`) + 86_400_000);
      const got = await b.call('GET', `/v1/verzoeken/${v.verzoekId}`, { token: await b.token('demo-jurist') });
      expect(got.body.overdue).toBe(true);
    } finally {
      b.clock.now = saved;
    }
  });

  it('answers on time with a grondslag; a second answer is refused', async () => {
    const v = (await register({ type: 'bezwaar', receivedOn: daysAgo(5) })).body;
    const token = await b.token('demo-fg');
    const ans = await b.call('POST', `/v1/verzoeken/${v.verzoekId}/answer`, { token, body: { decision: 'refused', grondslag: 'AVG art. 21 lid 1: dwingende gerechtvaardigde gronden', answeredOn: daysAgo(1) } });
    expect(ans.status, ans.text).toBe(200);
    expect(ans.body).toMatchObject({ status: 'answered', decision: 'refused', onTime: true, answeredOn: daysAgo(1) });
    expect((await b.call('POST', `/v1/verzoeken/${v.verzoekId}/answer`, { token, body: { decision: 'granted', grondslag: 'AVG art. 21' } })).status).toBe(409);
    const open = await b.call('GET', '/v1/verzoeken', { token });
    expect(open.body.items.map((i: { verzoekId: string }) => i.verzoekId)).not.toContain(v.verzoekId);
    const all = await b.call('GET', '/v1/verzoeken?status=all', { token });
    expect(all.body.items.map((i: { verzoekId: string }) => i.verzoekId)).toContain(v.verzoekId);
  });

  it('refuses bad input naming the field, storing and logging nothing', async () => {
    const before = { v: await count('verzoeken'), h: await count('verzoek_subject_hashes'), l: await count('logboek_entries') };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'vergeten' }, '/type'],
      [{ identityCheck: 'kopie-paspoort' }, '/identityCheck'],
      [{ receivedOn: addMonths(today(), 1) }, '/receivedOn'],
      [{ receivedOn: '2026-13-01' }, '/receivedOn'],
      [{ subject: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, '/subject'],
      [{ note: 'extra' }, ''],
    ];
    for (const [body, pointer] of cases) {
      const res = await register(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (pointer) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    const v = (await register({})).body;
    const mid = { v: await count('verzoeken'), l: await count('logboek_entries') };
    const token = await b.token('demo-jurist');
    const bsn = syntheticBsn();
    const leak = await b.call('POST', `/v1/verzoeken/${v.verzoekId}/answer`, { token, body: { decision: 'granted', grondslag: `BSN ${bsn} gewist` } });
    expect(leak.status).toBe(422);
    expect(leak.body.type).toBe('tag:jpp-broker,2026:problem:identity-detected');
    expect(leak.body.errors[0].pointer).toBe('/grondslag');
    expect(leak.text).not.toContain(bsn);
    const early = await b.call('POST', `/v1/verzoeken/${v.verzoekId}/answer`, { token, body: { decision: 'granted', grondslag: 'AVG art. 15', answeredOn: daysAgo(400) } });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].pointer).toBe('/answeredOn');
    expect((await b.call('GET', `/v1/verzoeken/${v.verzoekId}`, { token })).body.status).toBe('open');
    expect({ v: await count('verzoeken'), l: await count('logboek_entries') }).toEqual(mid);
    expect(mid.v).toBe(before.v + 1);
    expect((await b.call('GET', '/v1/verzoeken/bestaat-niet', { token })).status).toBe(404);
  });

  it('counts verzoeken per type and timeliness in monitoring, with the on-time share, as an independent count says', async () => {
    const token = await b.token('demo-fg');
    // Monitoring reports on a calendar month that is over: five more inzage requests received on the
    // last day of last month, answered now (in time): the cells reach the threshold.
    const now = b.clock.now;
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);
    const from = `${to.slice(0, 8)}01`;
    for (let i = 0; i < 5; i++) {
      const v = (await register({ type: 'inzage', receivedOn: to })).body;
      expect((await b.call('POST', `/v1/verzoeken/${v.verzoekId}/answer`, { token, body: { decision: 'granted', grondslag: 'AVG art. 15' } })).status).toBe(200);
    }
    {
      const res = await b.call('GET', `/v1/monitoring?from=${from}&to=${to}`, { token });
      expect(res.status, res.text).toBe(200);
      expect(schemas.validate('monitoring#/$defs/report', res.body)).toEqual([]);
      const t = res.body.tables.find((x: { id: string }) => x.id === 'verzoeken-by-type');
      expect(t.dimensions).toEqual(['type', 'timeliness']);
      const rows = (await sql<{ type: string; status: string; deadline: string; extended_until: string | null; answered_on: string | null }>`
        select type, status, deadline::text as deadline, extended_until::text as extended_until, answered_on::text as answered_on from verzoeken where received_on >= ${from}::date and received_on <= ${to}::date`.execute(b.broker.db)).rows;
      const due = (r: (typeof rows)[number]) => r.extended_until ?? r.deadline;
      const onTime = rows.filter((r) => r.answered_on !== null && r.answered_on <= due(r)).length;
      const late = rows.filter((r) => (r.answered_on !== null && r.answered_on > due(r)) || (r.answered_on === null && due(r) < today())).length;
      expect(t.total.count).toBe(rows.length);
      expect(t.cells.find((c: { key: Record<string, string> }) => c.key['type'] === 'inzage' && c.key['timeliness'] === 'on-time').count).toBe(rows.filter((r) => r.type === 'inzage' && r.answered_on !== null && r.answered_on <= due(r)).length);
      // The share is shown only where both counts it comes from are: else it would give a withheld one away.
      const margin = (v: string) => t.margins.find((c: { key: Record<string, string> }) => c.key['timeliness'] === v && c.key['type'] === undefined).count;
      expect(res.body.verzoekenOnTimeShare).toBe(margin('on-time') !== null && margin('late') !== null ? Math.round((onTime / (onTime + late)) * 1000) / 1000 : null);
      // Small cells stay hidden.
      expect(t.cells.filter((c: { count: number | null }) => c.count !== null && c.count > 0 && c.count < 5)).toEqual([]);
    }
  });

  it('a beperking (art. 18) answering a verzoek blocks every doel like an upheld bezwaar, until lifted; logged', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const screening = await openCase(b, [subject], { doel: 'jpp-screening' });
    const overleg = await openCase(b, [subject], { doel: 'jpp-casusoverleg' });
    const voorzitter = await b.token('demo-voorzitter');
    const ask = async (caseRef: string, doel: string) => answersOf((await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject, doel, caseRef } })).body).halt;
    expect(await ask(screening.caseRef, 'jpp-screening')).toBe('hit');
    const token = await b.token('demo-jurist');
    const v = (await register({ subject, type: 'beperking' })).body;
    const notBeperking = (await register({ type: 'inzage' })).body;
    const wrong = await b.call('POST', '/v1/beperkingen', { token, body: { subject, verzoekId: notBeperking.verzoekId } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].pointer).toBe('/verzoekId');
    const res = await b.call('POST', '/v1/beperkingen', { token, body: { subject, verzoekId: v.verzoekId } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ kind: 'beperking', decision: 'upheld', active: true, doelen: b.broker.platform.doelen.map((d) => d.id) });
    expect(schemas.validate('rights#/$defs/bezwaar' as never, res.body)).toEqual([]);
    expect(await ask(screening.caseRef, 'jpp-screening')).toBe('no-hit');
    expect(await ask(overleg.caseRef, 'jpp-casusoverleg')).toBe('no-hit');
    const lift = await b.call('POST', `/v1/bezwaren/${res.body.bezwaarId}/lift`, { token });
    expect(lift.status).toBe(200);
    expect(await ask(screening.caseRef, 'jpp-screening')).toBe('hit');
    const entries = (await sql<{ outcome: string }>`select outcome from logboek_entries where action = 'beperking' and content like ${`%${res.body.bezwaarId}%`} order by id`.execute(b.broker.db)).rows;
    expect(entries.map((e) => e.outcome)).toEqual(['restricted', 'lifted']);
  });

  it('is for the rights capability only', async () => {
    expect((await register({}, 'demo-voorzitter')).status).toBe(403);
    expect((await b.call('GET', '/v1/verzoeken', { token: await b.token('demo-voorzitter') })).status).toBe(403);
  });
});
