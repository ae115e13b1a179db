/**
 * Monitoring for the partneroverleg: aggregates per calendar month, quarter or year that is
 * over, small cells withheld, other periods refused; the trend per month and quarter. The
 * casussen are made in a month more than a year ahead of the demo's, so that the period holds
 * only what this test made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { randomPseudonym } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
const DAY = 86_400_000;
let b: TestBroker;
let t0: Date;
const dateOf = (d: Date) => d.toISOString().slice(0, 10);

beforeAll(async () => {
  b = await startTestBroker();
  const ahead = new Date(b.clock.now.getTime() + 400 * DAY);
  t0 = new Date(`${dateOf(ahead).slice(0, 8)}01T08:00:00Z`);
  b.clock.now = t0;
  const token = await b.token('demo-voorzitter');
  const move = (caseId: string, body: object) => b.call('POST', `/v1/cases/${caseId}/transitions`, { token, body });
  const politie = [];
  for (let i = 0; i < 7; i++) {
    const subject = randomPseudonym();
    politie.push({ subject, ...(await openCase(b, [subject], { routeIn: 'politie', aanmeldcriteria: ['signaalgedrag', 'first-offender'], ages: [15] })) });
  }
  for (let i = 0; i < 6; i++) await openCase(b, [randomPseudonym()], { routeIn: 'halt', ages: [13] });
  for (let i = 0; i < 2; i++) await openCase(b, [randomPseudonym()], { routeIn: 'school', ages: [16] });
  b.clock.now = new Date(t0.getTime() + DAY);
  for (const c of politie.slice(0, 5)) {
    const res = await b.call('POST', '/v1/queries', { token, body: { subject: c.subject, doel: 'jpp-screening', caseId: c.caseId } });
    expect(res.status).toBe(200);
  }
  b.clock.now = new Date(t0.getTime() + 10 * DAY);
  for (const c of politie.slice(0, 6)) {
    await move(c.caseId, { to: 'in-screening' });
    expect((await move(c.caseId, { to: 'besproken' })).status).toBe(200);
    expect((await b.call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { token, body: { partner: 'halt' } })).status).toBe(200);
    const due = dateOf(new Date(t0.getTime() + 15 * DAY));
    const added = await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { token, body: { partner: 'halt', kind: 'halt-interventie', dueDate: due } });
    expect(added.status, added.text).toBe(201);
  }
  // Five vervolgacties done in time, the sixth never.
  b.clock.now = new Date(t0.getTime() + 11 * DAY);
  for (const c of politie.slice(0, 5)) {
    const detail = await b.call('GET', `/v1/cases/${c.caseId}`, { token });
    const actionId = detail.body.vervolgacties[0].actionId;
    expect((await b.call('POST', `/v1/cases/${c.caseId}/vervolgacties/${actionId}/complete`, { token })).status).toBe(200);
  }
  b.clock.now = new Date(t0.getTime() + 12 * DAY);
  for (const c of politie.slice(0, 5)) expect((await move(c.caseId, { to: 'afgesloten', outcome: 'doelen-bereikt' })).status).toBe(200);
  // Past the end of the month and of its quarter.
  b.clock.now = new Date(t0.getTime() + 100 * DAY);
});
afterAll(async () => b?.close());

/** The calendar month of t0. */
const period = () => {
  const [y, m] = [t0.getUTCFullYear(), t0.getUTCMonth()];
  return { from: dateOf(t0), to: dateOf(new Date(Date.UTC(y, m + 1, 0))) };
};
/** The calendar quarter of t0. */
const quarter = () => {
  const [y, m] = [t0.getUTCFullYear(), t0.getUTCMonth() - (t0.getUTCMonth() % 3)];
  return { from: dateOf(new Date(Date.UTC(y, m, 1))), to: dateOf(new Date(Date.UTC(y, m + 3, 0))) };
};
const get = async (query: string, user = 'demo-partneroverleg') => b.call('GET', `/v1/monitoring?${query}`, { token: await b.token(user) });
const table = (body: any, id: string) => body.tables.find((t: { id: string }) => t.id === id);
const countOf = (t: any, key: Record<string, string>) => t.cells.find((c: any) => JSON.stringify(c.key) === JSON.stringify(key)).count;

describe('aggregates', () => {
  it('counts cases by status and route in, closed cases by outcome, screening answers and time to bespreking', async () => {
    const { from, to } = period();
    const res = await get(`from=${from}&to=${to}`);
    expect(res.status, res.text).toBe(200);
    expect(schemas.validate('monitoring#/$defs/report', res.body)).toEqual([]);
    expect(res.body.threshold).toBe(5);
    const status = table(res.body, 'cases-by-status');
    expect(countOf(status, { status: 'aangemeld' })).toBe(9);
    expect(countOf(status, { status: 'afgesloten' })).toBe(5);
    expect(countOf(status, { status: 'besproken' })).toBeNull(); // 1 casus: withheld
    expect(status.total.count).toBe(15);
    const route = table(res.body, 'cases-by-route-in');
    expect(countOf(route, { routeIn: 'politie' })).toBe(7);
    expect(countOf(route, { routeIn: 'halt' })).toBe(6);
    expect(countOf(route, { routeIn: 'school' })).toBeNull(); // 2 casussen: withheld
    expect(countOf(table(res.body, 'closed-cases-by-outcome'), { outcome: 'doelen-bereikt' })).toBe(5);
    const screening = table(res.body, 'screening-results-by-partner');
    expect(countOf(screening, { partner: 'politie', outcome: 'no-hit' })).toBe(5);
    expect(countOf(screening, { partner: 'jongerenwerk', outcome: 'not-permitted' })).toBe(5);
    expect(countOf(table(res.body, 'days-aanmelding-to-bespreking'), { bucket: '8-14' })).toBe(6);
    expect(res.body.medianDaysAanmeldingToBespreking).toBe(10);
  });

  it('breaks the casussen down by aanmeldcriterium, regiehouder and the youths by age band; doorlooptijden; vervolgacties done in time', async () => {
    const { from, to } = period();
    const res = await get(`from=${from}&to=${to}`);
    expect(res.body.period).toMatchObject({ kind: 'month', id: from.slice(0, 7) });
    const criteria = table(res.body, 'cases-by-aanmeldcriterium');
    expect(countOf(criteria, { aanmeldcriterium: 'signaalgedrag' })).toBe(15); // every casus names it
    expect(countOf(criteria, { aanmeldcriterium: 'first-offender' })).toBe(7);
    expect(countOf(criteria, { aanmeldcriterium: 'herhaald-licht-delict' })).toBeNull();
    expect(criteria.total.count).toBe(15);
    const regie = table(res.body, 'cases-by-regiehouder');
    expect(countOf(regie, { regiehouder: 'halt' })).toBe(6);
    expect(countOf(regie, { regiehouder: 'geen' })).toBe(9);
    const ages = table(res.body, 'youths-by-age-band');
    expect(countOf(ages, { ageBand: '12-15' })).toBe(13);
    expect(countOf(ages, { ageBand: '16-17' })).toBeNull(); // 2 youths
    expect(ages.total.count).toBe(15);
    expect(countOf(table(res.body, 'days-aanmelding-to-afsluiting'), { bucket: '0-30' })).toBe(5);
    expect(countOf(table(res.body, 'days-bespreking-to-afsluiting'), { bucket: '0-30' })).toBe(5);
    expect(res.body.medianDaysAanmeldingToAfsluiting).toBe(12);
    const vervolg = table(res.body, 'vervolgacties-by-timeliness');
    expect(countOf(vervolg, { timeliness: 'on-time' })).toBeNull(); // 5 on time, 1 late: the 1 would give the 5 away
    expect(vervolg.total.count).toBe(6);
    expect(res.body.vervolgactiesOnTimeShare).toBeNull(); // 5 of 6 would give the withheld cells away
  });

  it("reports the month's quarter, suppressed together with its months, and the trend per month and quarter", async () => {
    const month = (await get(`from=${period().from}&to=${period().to}`)).body;
    const q = await get(`from=${quarter().from}&to=${quarter().to}`);
    expect(q.status, q.text).toBe(200);
    expect(q.body.period.kind).toBe('quarter');
    // Only this month holds casussen: what it shows, the quarter shows; what it withholds, the quarter withholds.
    for (const id of ['cases-by-route-in', 'cases-by-status', 'youths-by-age-band']) {
      expect(table(q.body, id).cells.map((c: any) => c.count), id).toEqual(table(month, id).cells.map((c: any) => c.count));
    }
    const perMonth = await b.call('GET', `/v1/monitoring/trend?from=${period().from}&to=${dateOf(new Date(t0.getTime() + 100 * DAY))}&per=month`, { token: await b.token('demo-partneroverleg') });
    expect(perMonth.status, perMonth.text).toBe(200);
    expect(schemas.validate('monitoring#/$defs/trend', perMonth.body)).toEqual([]);
    expect(perMonth.body.periods.length).toBeGreaterThanOrEqual(3);
    expect(perMonth.body.periods[0]).toEqual(month);
    const perQuarter = await b.call('GET', `/v1/monitoring/trend?from=${period().from}&to=${quarter().to}&per=quarter`, { token: await b.token('demo-partneroverleg') });
    expect(perQuarter.body.periods.map((p: any) => p.period.kind)).toEqual(['quarter']);
    expect(perQuarter.body.periods[0].tables).toEqual(q.body.tables);
  });

  it('never shows a count below the threshold, in JSON or CSV', async () => {
    const { from, to } = period();
    const json = await get(`from=${from}&to=${to}`);
    const counts = json.body.tables.flatMap((t: any) => [...t.cells, ...(t.margins ?? []), t.total].map((c: any) => c.count));
    expect(counts.filter((n: number | null) => n !== null && n < 5)).toEqual([]);
    expect(counts.filter((n: number | null) => n === null).length).toBeGreaterThan(0);
    const csv = await get(`from=${from}&to=${to}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(['table', 'dimension1', 'value1', 'dimension2', 'value2', 'count']);
    expect(rows.filter((r) => r['count'] !== '' && Number(r['count']) < 5)).toEqual([]);
    expect(rows.find((r) => r['table'] === 'cases-by-route-in' && r['value1'] === 'politie')!['count']).toBe('7');
  });

  it('is logged without any subject', async () => {
    const { from, to } = period();
    await get(`from=${from}&to=${to}`, 'demo-voorzitter');
    const { sql } = await import('kysely');
    const rows = (await sql<{ actor_id: string; subject_hash: unknown }>`select actor_id, subject_hash from logboek_entries where action = 'monitoring-read' order by id desc limit 1`.execute(b.broker.db)).rows;
    expect(rows).toEqual([{ actor_id: 'demo-voorzitter', subject_hash: null }]);
  });
});

describe('refusals', () => {
  it.each([
    ['a period of 10 days', () => `from=${dateOf(t0)}&to=${dateOf(new Date(t0.getTime() + 9 * DAY))}`, '/from', 'not-a-calendar-period'],
    ['a month from its second day', () => `from=${dateOf(new Date(t0.getTime() + DAY))}&to=${period().to}`, '/from', 'not-a-calendar-period'],
    ['a month and one day more', () => `from=${period().from}&to=${dateOf(new Date(Date.parse(period().to) + DAY))}`, '/from', 'not-a-calendar-period'],
    ['a month that is not over', () => {
      const now = b.clock.now;
      return `from=${dateOf(now).slice(0, 8)}01&to=${dateOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)))}`;
    }, '/to', 'period-not-over'],
    ['a reversed period', () => `from=${period().to}&to=${period().from}`, '/to', 'before-start'],
    ['another filter', () => `from=${period().from}&to=${period().to}&routeIn=school`, '/routeIn', 'unknown-field'],
    ['a missing period', () => ``, '/from', 'required'],
  ])('refuses %s, naming the field', async (_what, query, pointer, code) => {
    const res = await get(query());
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toContainEqual([pointer, code]);
  });

  it.each(['demo-halt', 'demo-jurist'])('refuses %s', async (user) => {
    expect((await get(`from=${period().from}&to=${period().to}`, user)).status).toBe(403);
  });
});
