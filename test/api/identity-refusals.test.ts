/**
 * Issue 17: every value a person or partner types is read by the identity detector, wherever
 * it goes. An identity is refused with 422 identity-detected naming the field, and nothing is
 * stored, written to the logboek or to the operational log: rows are counted before and
 * after, and the captured log output is searched. Real case numbers pass, on every route.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, opaqueRef, randomPseudonym, syntheticBsn } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';

let b: TestBroker;
let output = '';
const sink = new Writable({
  write(chunk, _enc, done) {
    output += chunk.toString();
    done();
  },
});

beforeAll(async () => {
  b = await startTestBroker({ logDestination: sink, logLevel: 'trace' });
});
afterAll(async () => b?.close());

const TABLES = ['logboek_entries', 'cases', 'queries', 'signals', 'signal_batches', 'legal_holds', 'policy_versions'] as const;

/** Row counts of every table a refused request could have written to. */
async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const t of TABLES) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(b.broker.db);
    result[t] = rows[0]!.n;
  }
  return result;
}

/** Sends the request and checks: 422 identity-detected at `pointer`, the value not echoed, nothing stored, nothing logged. */
async function expectRefused(send: () => Promise<{ status: number; body: any; text: string }>, pointer: string, value: string): Promise<void> {
  const before = await counts();
  const logBefore = output.length;
  const res = await send();
  expect(res.status, res.text).toBe(422);
  expect(res.body.type).toBe('tag:jpp-broker,2026:problem:identity-detected');
  expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  expect(res.text).not.toContain(value);
  expect(await counts()).toEqual(before);
  await new Promise((resolve) => setImmediate(resolve));
  const logged = output.slice(logBefore);
  expect(logged).toContain('identity-detected');
  expect(logged).not.toContain(value);
  expect(logged).not.toContain(value.replace(/\D/g, '').slice(0, 9) || '\u0000');
}

describe('the jurist\'s disclosure filter', () => {
  it('refuses a BSN as caseRef (it used to land in the log-read entry), in any spelling', async () => {
    const jurist = await b.token('demo-jurist');
    const bsn = syntheticBsn();
    for (const value of [bsn, `${bsn.slice(0, 3)}-${bsn.slice(3, 6)}-${bsn.slice(6)}`, `${bsn.slice(0, 4)}.${bsn.slice(4, 6)}.${bsn.slice(6)}`]) {
      await expectRefused(() => b.call('GET', `/v1/disclosures?caseRef=${encodeURIComponent(value)}`, { token: jurist }), '/caseRef', value);
    }
  });

  it('refuses a grondslag filter holding a name beside a birth date, a phone number or an e-mail address', async () => {
    const jurist = await b.token('demo-jurist');
    for (const value of ['Jan Jansen 12-03-2011', '06-12345678', 'jan.jansen@example.nl']) {
      await expectRefused(() => b.call('GET', `/v1/disclosures?grondslag=${encodeURIComponent(value)}`, { token: jurist }), '/grondslag', value);
    }
  });

  it('answers a real case number and logs the read', async () => {
    const jurist = await b.token('demo-jurist');
    const before = await counts();
    const res = await b.call('GET', `/v1/disclosures?caseRef=${encodeURIComponent('09-173943-23')}&grondslag=${encodeURIComponent('Wpg art. 19, per 1-3-2025')}`, { token: jurist });
    expect(res.status, res.text).toBe(200);
    expect((await counts())['logboek_entries']).toBe(before['logboek_entries']! + 1);
  });
});

describe('legal holds', () => {
  it('refuses a case number that is an identity, storing and logging nothing', async () => {
    const jurist = await b.token('demo-jurist');
    const bsn = syntheticBsn();
    await expectRefused(() => b.call('POST', '/v1/legal-holds', { token: jurist, body: { caseRef: bsn, reason: 'rechtszaak' } }), '/caseRef', bsn);
    await expectRefused(() => b.call('POST', '/v1/legal-holds', { token: jurist, body: { caseRef: '+31612345678', reason: 'rechtszaak' } }), '/caseRef', '+31612345678');
  });

  it('places a hold on a casus by its real case number', async () => {
    const caseRef = '200.340.397/01';
    await openCase(b, [randomPseudonym()], { caseRef });
    const res = await b.call('POST', '/v1/legal-holds', { token: await b.token('demo-jurist'), body: { caseRef, reason: 'rechtszaak' } });
    expect(res.status, res.text).toBe(201);
  });
});

describe('path segments', () => {
  it('refuses /v1/cases/<a BSN> before any route runs, and neither echoes nor logs it', async () => {
    let bsn = '111222333';
    expect(bsn).toMatch(/^\d{9}$/);
    const voorzitter = await b.token('demo-voorzitter');
    for (bsn of ['111222333', syntheticBsn()]) {
      const logBefore = output.length;
      await expectRefused(() => b.call('GET', `/v1/cases/${bsn}`, { token: voorzitter }), '/path/1', bsn);
      expect(output.slice(logBefore)).toContain('/v1/cases/[redacted]');
    }
  });

  it('never logs an unknown path segment verbatim, even where it is no identity (404)', async () => {
    const logBefore = output.length;
    const res = await b.call('GET', '/v1/cases/Jansen2011', { token: await b.token('demo-voorzitter') });
    expect(res.status).toBe(404);
    expect(res.body.instance).toBe('/v1/cases/[redacted]');
    await new Promise((resolve) => setImmediate(resolve));
    expect(output.slice(logBefore)).not.toContain('Jansen2011');
  });
});

describe('refs, batch ids and case numbers', () => {
  it.each([
    ['a BSN written 111-222-333', () => { const s = syntheticBsn(); return `${s.slice(0, 3)}-${s.slice(3, 6)}-${s.slice(6)}`; }],
    ['a phone number', () => '06-12345678'],
    ['an IBAN', () => 'NL91ABNA0417164300'],
    ['a postcode with house number', () => '6131AB12'],
  ])('refuses a signal ref holding %s', async (_label, make) => {
    const value = make();
    const signal = { subject: randomPseudonym(), category: 'halt-afdoening', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 100), ref: value };
    await expectRefused(
      async () => b.call('POST', '/v1/signals', { token: await b.adapterToken('halt'), body: { batchId: opaqueRef('batch'), signals: [signal] } }),
      '/signals/0/ref',
      value,
    );
  });

  it.each(['ZVH-2026-0112', 'GCOS-20260315', 'JPP-SG-2026-017', 'MS-2026-0201', '2026/0112', '09-173943-23', '16.230344.23'])(
    'opens a casus and asks about it under the real case number %s',
    async (caseRef) => {
      const subject = randomPseudonym();
      await openCase(b, [subject], { caseRef });
      const res = await b.call('POST', '/v1/queries', { token: await b.token('demo-voorzitter'), body: { subject, doel: 'jpp-screening', caseRef } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.caseRef).toBe(caseRef);
    },
  );
});

describe('deeply nested bodies', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  it.each([
    ['POST', '/v1/queries', 'demo-voorzitter'],
    ['POST', '/v1/cases', 'demo-voorzitter'],
    ['POST', '/v1/legal-holds', 'demo-jurist'],
    ['POST', '/custodian/v1/evaluate', 'demo-voorzitter'],
  ])('%s %s answers a 422 problem for a body nested 50,000 levels deep, not a 500', async (method, path, user) => {
    const before = await counts();
    for (const raw of [nested(50_000), `{"caseRef":${nested(40)}}`]) {
      const res = await b.call(method, path, { token: await b.token(user), raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, res.text).toBe(422);
      expect(res.body.type).toBe('tag:jpp-broker,2026:problem:validation');
      expect(res.body.errors).toEqual([{ pointer: '/', code: 'too-large', detail: 'nests objects or arrays deeper than 32 levels' }]);
    }
    expect(await counts()).toEqual(before);
  });

  it('does the same for a signal batch', async () => {
    const res = await b.call('POST', '/v1/signals', { token: await b.adapterToken('halt'), raw: `{"batchId":"b","signals":${nested(50_000)}}`, headers: { 'content-type': 'application/json' } });
    expect(res.status, res.text).toBe(422);
  });
});
