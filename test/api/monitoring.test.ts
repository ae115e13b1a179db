/**
 * Monitoring for the partneroverleg: aggregates per period, small cells withheld, narrow
 * periods refused. The casussen are made a year ahead of the demo's, so that the period
 * holds only what this test made.
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
  t0 = new Date(`${dateOf(new Date(b.clock.now.getTime() + 400 * DAY))}T08:00:00Z`);
  b.clock.now = t0;
  const token = await b.token('demo-voorzitter');
  const move = (caseId: string, body: object) => b.call('POST', `/v1/cases/${caseId}/transitions`, { token, body });
  const politie = [];
  for (let i = 0; i < 7; i++) {
    const subject = randomPseudonym();
    politie.push({ subject, ...(await openCase(b, [subject], { routeIn: 'politie' })) });
  }
  for (let i = 0; i < 6; i++) await openCase(b, [randomPseudonym()], { routeIn: 'halt' });
  for (let i = 0; i < 2; i++) await openCase(b, [randomPseudonym()], { routeIn: 'school' });
  b.clock.now = new Date(t0.getTime() + DAY);
  for (const c of politie.slice(0, 5)) {
    const res = await b.call('POST', '/v1/queries', { token, body: { subject: c.subject, doel: 'jpp-screening', caseId: c.caseId } });
    expect(res.status).toBe(200);
  }
  b.clock.now = new Date(t0.getTime() + 10 * DAY);
  for (const c of politie.slice(0, 6)) {
    await move(c.caseId, { to: 'in-screening' });
    expect((await move(c.caseId, { to: 'besproken' })).status).toBe(200);
  }
  b.clock.now = new Date(t0.getTime() + 12 * DAY);
  for (const c of politie.slice(0, 5)) expect((await move(c.caseId, { to: 'afgesloten', outcome: 'doelen-bereikt' })).status).toBe(200);
  b.clock.now = new Date(t0.getTime() + 31 * DAY);
});
afterAll(async () => b?.close());

const period = () => ({ from: dateOf(t0), to: dateOf(new Date(t0.getTime() + 29 * DAY)) });
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
    ['a period shorter than 28 days', () => `from=${dateOf(t0)}&to=${dateOf(new Date(t0.getTime() + 9 * DAY))}`, '/from'],
    ['a period that ends in the future', () => `from=${dateOf(t0)}&to=${dateOf(new Date(t0.getTime() + 90 * DAY))}`, '/to'],
    ['a reversed period', () => `from=${dateOf(new Date(t0.getTime() + 29 * DAY))}&to=${dateOf(t0)}`, '/to'],
    ['another filter', () => `from=${dateOf(t0)}&to=${dateOf(new Date(t0.getTime() + 29 * DAY))}&routeIn=school`, '/routeIn'],
    ['a missing period', () => ``, '/from'],
  ])('refuses %s, naming the field', async (_what, query, pointer) => {
    const res = await get(query());
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it.each(['demo-halt', 'demo-jurist'])('refuses %s', async (user) => {
    expect((await get(`from=${period().from}&to=${period().to}`, user)).status).toBe(403);
  });
});
