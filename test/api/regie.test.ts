/**
 * Regie (issue 18 item 3): the voorzitter records the regiehouder at the bespreking; a vervolgactie
 * (owner partner, due date) that passes its date undone is listed as overdue, for all casussen or
 * for one regiehouder, until it is done or the casus is closed. Logged; refusals change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, randomPseudonym } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
const DAY = 86_400_000;
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
}, 120_000);
afterAll(async () => b?.close());

const voorzitter = () => b.token('demo-voorzitter');
const call = async (method: string, path: string, body?: unknown, user = 'demo-voorzitter') => b.call(method, path, { token: await b.token(user), ...(body ? { body } : {}) });
const toBesproken = async (caseId: string) => {
  for (const to of ['in-screening', 'besproken']) expect((await call('POST', `/v1/cases/${caseId}/transitions`, { to })).status).toBe(200);
};

describe('regie', () => {
  it('records the regiehouder once besproken, logged per subject; refuses it before, and an unknown partner', async () => {
    const c = await openCase(b, [randomPseudonym(), randomPseudonym()]);
    expect((await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'halt' })).status).toBe(409);
    await toBesproken(c.caseId);
    const unknown = await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'buurtzorg' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ pointer: '/partner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
    const set = await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'halt' });
    expect(set.status, set.text).toBe(200);
    expect(schemas.validate('casus#/$defs/casus', set.body)).toEqual([]);
    expect(set.body.regie).toEqual({ partner: 'halt', since: b.clock.now.toISOString(), setBy: 'demo-voorzitter' });
    const logged = (await sql<{ outcome: string }>`
      select outcome from logboek_entries where action = 'casus-vervolgactie' and case_ref = ${c.caseRef}`.execute(b.broker.db)).rows;
    expect(logged.map((l) => l.outcome)).toEqual(['regiehouder', 'regiehouder']);
    expect((await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'halt' }, 'demo-halt')).status).toBe(403);
  });

  it('lists a vervolgactie past its due date for the voorzitter and by regiehouder, until it is done', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    await toBesproken(c.caseId);
    await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'gemeente-team-jeugd' });
    const added = await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { partner: 'halt', kind: 'halt-interventie', dueDate: day(b.clock.now, 7) });
    expect(added.status, added.text).toBe(201);
    const actionId = added.body.vervolgacties[0].actionId;
    const mine = async (query = '') => (await call('GET', `/v1/vervolgacties/overdue${query}`)).body.items.filter((i: { caseId: string }) => i.caseId === c.caseId);
    expect(await mine()).toEqual([]);
    const was = b.clock.now;
    b.clock.now = new Date(was.getTime() + 9 * DAY);
    try {
      const res = await call('GET', '/v1/vervolgacties/overdue');
      expect(res.status).toBe(200);
      expect(schemas.validate('casus#/$defs/overdueVervolgactieList', res.body)).toEqual([]);
      expect(await mine()).toEqual([{ caseId: c.caseId, caseRef: c.caseRef, actionId, partner: 'halt', kind: 'halt-interventie', dueDate: day(was, 7), regiehouder: 'gemeente-team-jeugd' }]);
      expect(await mine('?regiehouder=gemeente-team-jeugd')).toHaveLength(1);
      expect(await mine('?regiehouder=halt')).toEqual([]);
      const bad = await call('GET', '/v1/vervolgacties/overdue?regiehouder=buurtzorg');
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].pointer).toBe('/regiehouder');
      expect((await call('GET', '/v1/vervolgacties/overdue', undefined, 'demo-partneroverleg')).status).toBe(403);
      await call('POST', `/v1/cases/${c.caseId}/vervolgacties/${actionId}/complete`);
      expect(await mine()).toEqual([]);
    } finally {
      b.clock.now = was;
    }
  });
});
