/**
 * Monitoring (issue 18 item 6): the invitations to the casusoverleg made in a period, by why the
 * partner was invited; the `hit` cell counts the invitations that led from a hit. Each invitation
 * counts once, under its strongest ground (a hit goes first); partners the policy did not let be
 * invited are not counted. Small cells are withheld and cannot be recovered from the total nor
 * from the months of a quarter. The invitations are written as the casusoverleg service writes
 * them (migration 0120), in a month far ahead of the demo's, so the period holds only these.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { randomPseudonym } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
const DAY = 86_400_000;
const dateOf = (d: Date) => d.toISOString().slice(0, 10);
let b: TestBroker;
let t0: Date;

/** Invited partners by grounds, and three the policy refused (not counted). */
const INVITATIONS: Array<{ grounds: string[]; invited: boolean }> = [
  ...Array.from({ length: 6 }, () => ({ grounds: ['hit'], invited: true })),
  { grounds: ['aanmelder', 'hit'], invited: true }, // a hit goes first: 7 hits
  ...Array.from({ length: 3 }, () => ({ grounds: ['aanmelder'], invited: true })),
  ...Array.from({ length: 2 }, () => ({ grounds: ['regiehouder'], invited: true })), // 5 aanmelder-of-regiehouder
  ...Array.from({ length: 2 }, () => ({ grounds: ['toegevoegd'], invited: true })), // 2 toegevoegd: withheld
  ...Array.from({ length: 3 }, () => ({ grounds: ['hit'], invited: false })),
];

beforeAll(async () => {
  b = await startTestBroker();
  const ahead = new Date(b.clock.now.getTime() + 500 * DAY);
  t0 = new Date(`${dateOf(ahead).slice(0, 8)}01T08:00:00Z`);
  b.clock.now = t0;
  const meeting = (await sql<{ id: string }>`
    insert into casusoverleg_meetings (meeting_date, planned_by, planned_at) values (${new Date(t0.getTime() + 3 * DAY)}, 'demo-voorzitter', ${t0}) returning id`.execute(b.broker.db)).rows[0]!.id;
  for (const inv of INVITATIONS) {
    const c = await openCase(b, [randomPseudonym()]);
    const at = new Date(t0.getTime() + 2 * DAY);
    await sql`insert into casusoverleg_agenda (meeting_id, case_id, added_by, added_at) values (${meeting}, ${c.caseId}, 'demo-voorzitter', ${at})`.execute(b.broker.db);
    await sql`
      insert into casusoverleg_invitations (meeting_id, case_id, partner_id, invited, grounds, categories, added_reason, consent, exclusion_reason, rules, decided_by, decided_at)
      values (${meeting}, ${c.caseId}, 'halt', ${inv.invited}, ${JSON.stringify(inv.grounds)}::jsonb, '[]'::jsonb, ${inv.grounds.includes('toegevoegd') ? 'expertise' : null},
              false, ${inv.invited ? null : 'geen-regel'}, '[]'::jsonb, 'demo-voorzitter', ${at})`.execute(b.broker.db);
  }
  b.clock.now = new Date(t0.getTime() + 100 * DAY); // past the month and its quarter
}, 180_000);
afterAll(async () => b?.close());

const month = () => ({ from: dateOf(t0), to: dateOf(new Date(Date.UTC(t0.getUTCFullYear(), t0.getUTCMonth() + 1, 0))) });
const quarter = () => {
  const [y, m] = [t0.getUTCFullYear(), t0.getUTCMonth() - (t0.getUTCMonth() % 3)];
  return { from: dateOf(new Date(Date.UTC(y, m, 1))), to: dateOf(new Date(Date.UTC(y, m + 3, 0))) };
};
const get = async (p: { from: string; to: string }) => b.call('GET', `/v1/monitoring?from=${p.from}&to=${p.to}`, { token: await b.token('demo-partneroverleg') });
const invitations = (body: any) => body.tables.find((t: { id: string }) => t.id === 'invitations-by-ground');

describe('invitations to the casusoverleg in monitoring', () => {
  it('counts the invitations of the month by ground, hits first, refused partners left out, small cells withheld', async () => {
    const res = await get(month());
    expect(res.status, res.text).toBe(200);
    expect(schemas.validate('monitoring#/$defs/report', res.body)).toEqual([]);
    expect(invitations(res.body)).toEqual({
      id: 'invitations-by-ground',
      dimensions: ['ground'],
      cells: [
        { key: { ground: 'hit' }, count: 7 },
        // 2 is below the threshold; 5 is withheld too, or 14 - 7 - 5 would give the 2.
        { key: { ground: 'aanmelder-of-regiehouder' }, count: null, suppressed: true },
        { key: { ground: 'toegevoegd' }, count: null, suppressed: true },
      ],
      total: { count: 14 },
    });
  });

  it('shows the quarter as its only month shows it: nothing withheld there is recovered from the quarter', async () => {
    const m = invitations((await get(month())).body);
    const q = await get(quarter());
    expect(q.status, q.text).toBe(200);
    expect(invitations(q.body)).toEqual(m);
    const trend = await b.call('GET', `/v1/monitoring/trend?from=${quarter().from}&to=${quarter().to}&per=month`, { token: await b.token('demo-partneroverleg') });
    expect(trend.status, trend.text).toBe(200);
    const totals = trend.body.periods.map((p: any) => invitations(p).total.count);
    expect(totals).toContain(14);
    expect(totals.filter((n: number | null) => n !== null && n < 5)).toEqual([]);
  });
});
