/**
 * Who did each step of a casus (issue 23 item 4, migration 0180): the casus view names the person
 * who completed a vervolgactie, recorded the regiehouder, withdrew a consent and recorded each
 * notificatie, so the casus history can show every step with a name. A step not taken yet names
 * nobody; a step recorded before migration 0180 names nobody (null), and the view still answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, randomPseudonym } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
const BEHEERDER = { kind: 'person', id: 'demo-beheerder', organisation: 'zvh-limburg-noord', role: 'functioneel-beheerder' } as const;
const SECOND = 'voorzitter-history-test';
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
  await b.broker.register.people.register(BEHEERDER, { personId: SECOND, displayName: 'Tweede voorzitter', organisation: 'zvh-limburg-noord', roles: [{ role: 'voorzitter' }] }, 'history test');
}, 120_000);
afterAll(async () => b?.close());

const tokenOf = async (user: string) => (user === SECOND ? b.sign({ org: 'zvh-limburg-noord', role: 'voorzitter' }, SECOND) : b.token(user));
const call = async (method: string, path: string, user: string, body?: unknown) => b.call(method, path, { token: await tokenOf(user), ...(body ? { body } : {}) });

describe('the casus view names who took each step', () => {
  it('names the person of each completion, regiehouder, withdrawal and notificatie, and nobody for steps not taken', async () => {
    const c = await openCase(b, [randomPseudonym(), randomPseudonym()]);
    const [first, second] = c.subjectIds as [string, string];
    const fresh = await call('GET', `/v1/cases/${c.caseId}`, 'demo-voorzitter');
    expect(fresh.body.subjects[0].notification).toMatchObject({ state: 'pending', changedAt: null, changedBy: null });
    expect(fresh.body.regie).toBeNull();

    for (const to of ['in-screening', 'besproken']) expect((await call('POST', `/v1/cases/${c.caseId}/transitions`, 'demo-voorzitter', { to })).status).toBe(200);
    const added = await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, 'demo-voorzitter', { partner: 'halt', kind: 'halt-interventie', dueDate: day(b.clock.now, 14) });
    expect(added.body.vervolgacties[0]).toMatchObject({ createdBy: 'demo-voorzitter', completedAt: null, completedBy: null });
    const done = await call('POST', `/v1/cases/${c.caseId}/vervolgacties/${added.body.vervolgacties[0].actionId}/complete`, SECOND);
    expect(done.status, done.text).toBe(200);
    expect(done.body.vervolgacties[0]).toMatchObject({ completedAt: b.clock.now.toISOString(), completedBy: SECOND });

    const regie = await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, SECOND, { partner: 'halt' });
    expect(regie.body.regie).toEqual({ partner: 'halt', since: b.clock.now.toISOString(), setBy: SECOND });

    const consent = await call('POST', `/v1/cases/${c.caseId}/consents`, 'demo-voorzitter', {
      subjectId: first, givenBy: 'ouder', partners: ['jongerenwerk'], doel: 'jpp-screening', givenOn: day(b.clock.now, 0), validUntil: day(b.clock.now, 90),
    });
    expect(consent.status, consent.text).toBe(201);
    expect(consent.body.consents[0]).toMatchObject({ recordedBy: 'demo-voorzitter', withdrawnAt: null, withdrawnBy: null });
    const withdrawn = await call('POST', `/v1/cases/${c.caseId}/consents/${consent.body.consents[0].consentId}/withdraw`, SECOND);
    expect(withdrawn.body.consents[0]).toMatchObject({ status: 'withdrawn', withdrawnBy: SECOND });

    await call('PUT', `/v1/cases/${c.caseId}/subjects/${first}/notification`, 'demo-voorzitter', { state: 'informed', informedAt: day(b.clock.now, 0) });
    const deferred = await call('PUT', `/v1/cases/${c.caseId}/subjects/${second}/notification`, SECOND, { state: 'deferred', deferReason: 'lopend-onderzoek', deferredUntil: day(b.clock.now, 30) });
    expect(deferred.status, deferred.text).toBe(200);
    const view = await call('GET', `/v1/cases/${c.caseId}`, 'demo-voorzitter');
    expect(schemas.validate('casus#/$defs/casus', view.body)).toEqual([]);
    const notification = (id: string) => view.body.subjects.find((s: { subjectId: string }) => s.subjectId === id).notification;
    expect(notification(first)).toMatchObject({ state: 'informed', changedAt: b.clock.now.toISOString(), changedBy: 'demo-voorzitter' });
    expect(notification(second)).toMatchObject({ state: 'deferred', changedAt: b.clock.now.toISOString(), changedBy: SECOND });
    // The list's summary carries the same notificatie fields, and stays valid.
    const list = await call('GET', '/v1/cases?status=besproken', 'demo-voorzitter');
    expect(list.status).toBe(200);
    for (const item of list.body.items) expect(schemas.validate('casus#/$defs/casus', item)).toEqual([]);
    expect(list.body.items.find((i: { caseId: string }) => i.caseId === c.caseId).subjects[1].notification).toMatchObject({ changedBy: SECOND });
  });

  it('answers for steps recorded before the broker kept their actor: nobody is named', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    for (const to of ['in-screening', 'besproken']) await call('POST', `/v1/cases/${c.caseId}/transitions`, 'demo-voorzitter', { to });
    await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, 'demo-voorzitter', { partner: 'halt' });
    await call('PUT', `/v1/cases/${c.caseId}/subjects/${c.subjectIds[0]}/notification`, 'demo-voorzitter', { state: 'informed', informedAt: day(b.clock.now, 0) });
    // As a row written before migration 0180 looks.
    await sql`update cases set regiehouder_set_by = null where id = ${c.caseId}`.execute(b.broker.db);
    await sql`update case_subjects set notification_changed_by = null where case_id = ${c.caseId}`.execute(b.broker.db);
    const view = await call('GET', `/v1/cases/${c.caseId}`, 'demo-voorzitter');
    expect(view.status).toBe(200);
    expect(schemas.validate('casus#/$defs/casus', view.body)).toEqual([]);
    expect(view.body.regie.setBy).toBeNull();
    expect(view.body.subjects[0].notification).toMatchObject({ state: 'informed', changedBy: null });
  });

  it('never rewrites who withdrew a consent (the consent guard)', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    const consent = await call('POST', `/v1/cases/${c.caseId}/consents`, 'demo-voorzitter', {
      subjectId: c.subjectIds[0], givenBy: 'ouder', partners: ['jongerenwerk'], doel: 'jpp-screening', givenOn: day(b.clock.now, 0), validUntil: day(b.clock.now, 90),
    });
    const consentId = consent.body.consents[0].consentId;
    await call('POST', `/v1/cases/${c.caseId}/consents/${consentId}/withdraw`, 'demo-voorzitter');
    await expect(sql`update case_consents set withdrawn_by = 'someone-else' where id = ${consentId}`.execute(b.broker.db)).rejects.toThrow(/never undone/);
  });
});
