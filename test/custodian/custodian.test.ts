/**
 * The key custodian as its callers meet it: published keys, verified evaluations, quotas,
 * every evaluation in the logboek, and a typed synthetic BSN that becomes a hit without
 * the BSN reaching the broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { answersOf } from '../support/signals.js';
import { day, opaqueRef, syntheticBsn } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { looksRandom } from '../../broker/subjects/subject-hash.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
let base: string;
beforeAll(async () => {
  b = await startTestBroker({ env: { JPP_QUOTA_PERSON_PER_MINUTE: '5' } });
  base = `${b.url}/custodian/v1`;
});
afterAll(async () => b?.close());

describe('keys', () => {
  it('publishes the active key epochs for clients to pin', async () => {
    const res = await b.call('GET', '/custodian/v1/keys');
    expect(res.status).toBe(200);
    expect(schemas.validate('oprf#/$defs/keys', res.body)).toEqual([]);
    expect(res.body.current).toBe(1);
  });
});

describe('from a typed BSN to a hit', () => {
  it('pseudonymises at the adapter and in the asker\'s client alike, and the broker answers hit', async () => {
    const bsn = syntheticBsn();
    const adapter = await pseudonymise({ baseUrl: base, token: await b.adapterToken('halt') }, [{ bsn }]);
    expect(adapter.pseudonyms[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(looksRandom(adapter.pseudonyms[0]!)).toBe(true);
    const signal = { subject: adapter.pseudonyms[0], category: 'halt-afdoening', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 90), ref: opaqueRef('halt') };
    expect((await b.call('POST', '/v1/signals', { token: await b.adapterToken('halt'), body: { batchId: opaqueRef('b'), signals: [signal] } })).status).toBe(201);

    const voorzitter = await b.token('demo-voorzitter');
    const asked = await pseudonymise({ baseUrl: base, token: voorzitter, pinned: { 1: adapter.publicKey } }, [{ bsn: bsn.replace(/(\d{3})(?=\d)/g, '$1.') }], { doel: 'jpp-screening' });
    expect(asked.pseudonyms).toEqual(adapter.pseudonyms);
    const res = await b.call('POST', '/v1/queries', {
      token: voorzitter,
      body: await withCase(b.call, voorzitter, { subject: asked.pseudonyms[0]!, doel: 'jpp-screening', caseRef: opaqueRef('case') }),
    });
    expect(answersOf(res.body).halt).toBe('hit');
  });

  it('gives different people different pseudonyms, in one batch', async () => {
    const bsns = Array.from({ length: 20 }, syntheticBsn);
    const { pseudonyms } = await pseudonymise({ baseUrl: base, token: await b.adapterToken('politie') }, bsns.map((bsn) => ({ bsn })));
    expect(new Set(pseudonyms).size).toBe(new Set(bsns).size);
  });

  it('refuses a served key that differs from the pinned one', async () => {
    const other = Buffer.alloc(32, 1).toString('base64url');
    await expect(pseudonymise({ baseUrl: base, token: await b.adapterToken('halt'), pinned: { 1: other } }, [{ bsn: syntheticBsn() }])).rejects.toThrow(/differs from the pinned key/);
  });
});

describe('refusals', () => {
  const element = Buffer.alloc(32, 9).toString('base64url');
  const evaluate = async (token: string, body: unknown) => b.call('POST', '/custodian/v1/evaluate', { token, body });

  it.each([
    ['an unknown epoch', { epoch: 9, doel: 'jpp-screening', blindedElements: [element] }, '/epoch'],
    ['no doel from a person', { epoch: 1, blindedElements: [element] }, '/doel'],
    ['an unknown field', { epoch: 1, doel: 'jpp-screening', blindedElements: [element], bsn: '1' }, '/bsn'],
  ])('refuses %s, naming the field', async (_label, body, pointer) => {
    const res = await evaluate(await b.token('demo-voorzitter'), body);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it('refuses an element that is not a ristretto255 point with 422, without counting it', async () => {
    const token = await b.token('demo-jeugdboa');
    const notAPoint = Buffer.alloc(32, 0xff).toString('base64url');
    const res = await evaluate(token, { epoch: 1, doel: 'jpp-casusoverleg', blindedElements: [notAPoint] });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/blindedElements');
    const usage = await b.broker.db.selectFrom('custodian_usage').selectAll().where('caller_id', '=', 'person:demo-jeugdboa').execute();
    expect(usage).toEqual([]);
  });

  it('refuses a person who is not in the register, as a query would', async () => {
    const token = await b.sign({ org: 'zvh-limburg-noord', role: 'voorzitter' }, 'someone-unregistered');
    expect((await evaluate(token, { epoch: 1, doel: 'jpp-screening', blindedElements: [element] })).status).toBe(403);
  });

  it.each([
    ['a jeugdBOA under the screening doel (the voorzitter screens)', 'demo-jeugdboa', 'jpp-screening'],
    ['a Halt-medewerker under the monitoring doel', 'demo-halt', 'jpp-monitoring'],
    ['a jurist under the screening doel', 'demo-jurist', 'jpp-screening'],
    ['a privacy officer under the casusoverleg doel', 'demo-fg', 'jpp-casusoverleg'],
  ])('refuses %s with 403, evaluates and counts nothing, and logs the refusal', async (_label, person, doel) => {
    const before = await b.broker.db.selectFrom('custodian_usage').select('caller_id').where('caller_id', '=', `person:${person}`).execute();
    const res = await evaluate(await b.token(person), { epoch: 1, doel, blindedElements: [element] });
    expect(res.status).toBe(403);
    expect(res.body.evaluatedElements).toBeUndefined();
    const after = await b.broker.db.selectFrom('custodian_usage').select('caller_id').where('caller_id', '=', `person:${person}`).execute();
    expect(after).toEqual(before);
    const refused = await b.broker.db
      .selectFrom('logboek_entries')
      .select(['outcome', 'doel', 'content'])
      .where('action', '=', 'custodian-evaluation')
      .where('actor_id', '=', person)
      .where('outcome', '=', 'refused')
      .execute();
    expect(refused.map((r) => [r.doel, JSON.parse(r.content ?? '{}').details.reason])).toContainEqual([doel, 'doel-not-allowed']);
  });

  it('evaluates for a person under a doel of their role: the jurist under the rights doel', async () => {
    const token = await b.token('demo-jurist');
    const result = await pseudonymise({ baseUrl: base, token }, [{ bsn: syntheticBsn() }], { doel: 'jpp-rechten-betrokkenen' });
    expect(result.pseudonyms).toHaveLength(1);
  });

  it('refuses a caller with neither the query nor the rights capability, and anonymous callers', async () => {
    expect((await evaluate(await b.token('demo-partneroverleg'), { epoch: 1, doel: 'jpp-screening', blindedElements: [element] })).status).toBe(403);
    expect((await b.call('POST', '/custodian/v1/evaluate', { body: { epoch: 1, blindedElements: [element] } })).status).toBe(401);
  });
});

describe('quotas and the logboek', () => {
  it('answers 429 past the quota, evaluates nothing then, and logs every evaluation', async () => {
    const token = await b.token('demo-halt');
    const ask = (n: number) => pseudonymise({ baseUrl: base, token }, Array.from({ length: n }, () => ({ bsn: syntheticBsn() })), { doel: 'jpp-casusoverleg' });
    await ask(3);
    await ask(2);
    await expect(ask(1)).rejects.toThrow(/429.*quota of 5 elements per minute/);
    // Retry-After says when the minute's quota lets the caller in again (RFC 6585 §4); the clock stands still here.
    const basePoint = Buffer.from('e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76', 'hex').toString('base64url');
    const refused = await b.call('POST', '/custodian/v1/evaluate', { token, body: { epoch: 1, doel: 'jpp-casusoverleg', blindedElements: [basePoint] } });
    expect(refused.status).toBe(429);
    const nextMinute = Math.ceil((Math.floor(b.clock.now.getTime() / 60_000) * 60_000 + 60_000 - b.clock.now.getTime()) / 1000);
    expect(refused.headers.get('retry-after')).toBe(String(Math.max(1, nextMinute)));

    await b.broker.sequencer.drain();
    const log = await b.call('GET', '/v1/log/entries?limit=5000', { token: await b.token('demo-jurist') });
    const entries = (log.body.entries as Array<{ content: Record<string, any> }>)
      .map((e) => e.content)
      .filter((c) => c['action'] === 'custodian-evaluation' && c['actor'].id === 'demo-halt');
    const evaluations = entries.filter((c) => c['outcome'] === 'evaluated');
    expect(evaluations.map((c) => c['details'].elements)).toEqual([3, 2]);
    expect(evaluations[0]).toMatchObject({ activity: 'jpp-pseudonimisering', doel: 'jpp-casusoverleg', details: { epoch: 1 } });
    // The quota refusal is logged too (issue 17), with nothing counted: the usage stays at 5.
    expect(entries.filter((c) => c['outcome'] === 'refused' && c['details'].reason === 'quota').map((c) => c['details'])).toEqual([
      { epoch: 1, elements: 1, reason: 'quota' },
      { epoch: 1, elements: 1, reason: 'quota' },
    ]);
    const usage = await b.broker.db.selectFrom('custodian_usage').select((eb) => eb.fn.sum<number>('elements').as('n')).where('caller_id', '=', 'person:demo-halt').executeTakeFirst();
    expect(Number(usage?.n)).toBe(5);
  });
});
