/**
 * POST /v1/signals and DELETE /v1/signals/{ref}: minimal signals only, refused whole
 * when they carry more, idempotent on retry, withdrawable by their own partner only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, opaqueRef, randomPseudonym, syntheticBsn } from '../support/synthetic.js';
import { countSignals } from '../../broker/signals/signal.repository.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const signal = (over: Record<string, unknown> = {}) => ({
  subject: randomPseudonym(),
  category: 'halt-afdoening',
  registeredAt: day(b.clock.now, -10),
  expiresAt: day(b.clock.now, 300),
  ref: opaqueRef('halt'),
  ...over,
});
const post = async (body: unknown, partner = 'halt') =>
  b.call('POST', '/v1/signals', { token: await b.adapterToken(partner), body });
const stored = () => countSignals(b.broker.db);

describe('accepting signals', () => {
  it('stores a valid batch and answers with counts valid against the schema', async () => {
    const before = await stored();
    const res = await post({ batchId: opaqueRef('batch'), signals: [signal(), signal()] });
    expect(res.status, res.text).toBe(201);
    expect(schemas.validate('signal-batch-result', res.body)).toEqual([]);
    expect(res.body).toMatchObject({ accepted: 2, duplicate: 0, rejected: 0, rejections: [], replayed: false });
    expect(await stored()).toBe(before + 2);
  });

  it('rejects unusable signals one by one, with a reason and a pointer, and keeps the rest', async () => {
    const before = await stored();
    const res = await post({
      batchId: opaqueRef('batch'),
      signals: [
        signal(),
        signal({ category: 'politie-registratie' }),
        signal({ expiresAt: day(b.clock.now, -11) }),
        signal({ expiresAt: day(b.clock.now, -1) }),
        signal({ registeredAt: day(b.clock.now, 2) }),
        signal({ expiresAt: day(b.clock.now, 5000) }),
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toBe(5);
    expect(res.body.rejections.map((r: { pointer: string }) => r.pointer)).toEqual([
      '/signals/1/category',
      '/signals/2/expiresAt',
      '/signals/3/expiresAt',
      '/signals/4/registeredAt',
      '/signals/5/expiresAt',
    ]);
    expect(await stored()).toBe(before + 1);
  });

  it('counts a ref the partner sent before as a duplicate and leaves it as it was', async () => {
    const s = signal();
    expect((await post({ batchId: opaqueRef('batch'), signals: [s] })).body.accepted).toBe(1);
    const again = await post({ batchId: opaqueRef('batch'), signals: [{ ...s, expiresAt: day(b.clock.now, 100) }] });
    expect(again.body).toMatchObject({ accepted: 0, duplicate: 1 });
  });
});

describe('refusing more than a minimal signal', () => {
  it.each([
    ['an unknown field on a signal', { batchId: 'b-unknown', signals: [{ name: 'Jan' }] }, '/signals/0/name'],
    ['an unknown top-level field', { batchId: 'b-top', signals: [], note: 'x' }, '/note'],
  ])('refuses %s, naming the field, and stores nothing', async (_label, body, pointer) => {
    const before = await stored();
    const withValid = { ...body, signals: [...(body.signals as object[]).map((s) => ({ ...signal(), ...s })), signal()] };
    const res = await post(withValid);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toContainEqual({ pointer, code: 'unknown-field', detail: 'is not an allowed field' });
    expect(await stored()).toBe(before);
  });

  it.each([
    ['a BSN (11-proef)', () => syntheticBsn(), 'BSN'],
    ['a BSN with dots', () => syntheticBsn().replace(/^(\d{3})(\d{3})(\d{3})$/, '$1.$2.$3'), 'BSN'],
    ['an e-mail address', () => 'jan.jansen@example.nl', 'e-mail'],
    ['a date of birth', () => 'geb-2009-04-17', 'date'],
    ['a Dutch-style date', () => 'x17-04-2009', 'date'],
  ])('refuses a ref holding %s without echoing it, and stores nothing', async (_label, make, word) => {
    const before = await stored();
    const value = make();
    const res = await post({ batchId: opaqueRef('batch'), signals: [signal(), signal({ ref: value })] });
    expect(res.status).toBe(422);
    expect(res.body.type).toMatch(/identity-detected$/);
    expect(res.body.errors[0].pointer).toBe('/signals/1/ref');
    expect(res.body.errors[0].detail).toContain(word);
    expect(res.text).not.toContain(value);
    expect(await stored()).toBe(before);
  });

  it('refuses a BSN in the batchId too', async () => {
    const res = await post({ batchId: syntheticBsn(), signals: [signal()] });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/batchId');
  });

  it('refuses a body that is not JSON, or not application/json', async () => {
    const token = await b.adapterToken('halt');
    const broken = await b.call('POST', '/v1/signals', { token, raw: '{"batchId":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(422);
    expect(broken.body.errors).toEqual([{ pointer: '/', code: 'invalid-format', detail: 'is not valid JSON' }]);
    const text = await b.call('POST', '/v1/signals', { token, raw: 'batchId=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
  });

  it('refuses a person', async () => {
    const res = await b.call('POST', '/v1/signals', { token: await b.token('demo-voorzitter'), body: { batchId: 'x', signals: [signal()] } });
    expect(res.status).toBe(403);
  });
});

describe('idempotent batches', () => {
  it('answers a retry with the stored result and stores nothing twice', async () => {
    const batch = { batchId: opaqueRef('batch'), signals: [signal(), signal(), signal()] };
    const first = await post(batch);
    const before = await stored();
    const retry = await post(batch);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(await stored()).toBe(before);
  });

  it('stores each signal once when the same batch arrives twice at once', async () => {
    const batch = { batchId: opaqueRef('batch'), signals: [signal(), signal()] };
    const before = await stored();
    const [x, y] = await Promise.all([post(batch), post(batch)]);
    expect([x.status, y.status].sort()).toEqual([200, 201]);
    expect(await stored()).toBe(before + 2);
  });

  it('stores each signal once when a batch is retried after a failure', async () => {
    const batch = { batchId: opaqueRef('batch'), signals: [signal(), signal(), signal()] };
    const before = await stored();
    // Make the batch's final write fail, after its signals were inserted.
    await sql`create or replace function jpp_test_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`.execute(b.broker.db);
    await sql`create trigger jpp_test_fail before insert on signal_batches for each row execute function jpp_test_fail()`.execute(b.broker.db);
    try {
      const failed = await post(batch);
      expect(failed.status, failed.text).toBe(500);
      expect(failed.text).not.toContain('injected');
      expect(await stored()).toBe(before);
    } finally {
      await sql`drop trigger jpp_test_fail on signal_batches`.execute(b.broker.db);
    }
    const retry = await post(batch);
    expect(retry.status).toBe(201);
    expect(retry.body.accepted).toBe(3);
    expect(await post(batch)).toMatchObject({ status: 200 });
    expect(await stored()).toBe(before + 3);
  });

  it('refuses the same batchId with other content', async () => {
    const batchId = opaqueRef('batch');
    expect((await post({ batchId, signals: [signal()] })).status).toBe(201);
    const res = await post({ batchId, signals: [signal()] });
    expect(res.status).toBe(409);
  });
});

describe('withdrawing', () => {
  it("withdraws the partner's own signal, and answers 404 for another partner's ref as for a missing one", async () => {
    const s = signal();
    await post({ batchId: opaqueRef('batch'), signals: [s] });
    const other = await b.call('DELETE', `/v1/signals/${s.ref}`, { token: await b.adapterToken('politie') });
    const missing = await b.call('DELETE', `/v1/signals/${opaqueRef('nope')}`, { token: await b.adapterToken('politie') });
    expect(other.status).toBe(404);
    expect({ ...other.body, traceId: undefined }).toEqual({ ...missing.body, traceId: undefined });
    const before = await stored();
    const own = await b.call('DELETE', `/v1/signals/${s.ref}`, { token: await b.adapterToken('halt') });
    expect(own.status).toBe(204);
    expect(await stored()).toBe(before - 1);
  });
});

describe('withdrawal input', () => {
  it('refuses a malformed ref or an identity in the path, naming the parameter', async () => {
    const token = await b.adapterToken('halt');
    const bad = await b.call('DELETE', `/v1/signals/${encodeURIComponent('has space')}`, { token });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe('/ref');
    const bsn = syntheticBsn();
    const leak = await b.call('DELETE', `/v1/signals/${bsn}`, { token });
    expect(leak.status).toBe(422);
    expect(leak.body.type).toMatch(/identity-detected$/);
    expect(leak.text).not.toContain(bsn);
  });

  it('treats a retry with the same content in another key order as the same batch', async () => {
    const s = signal();
    const batchId = opaqueRef('batch');
    expect((await post({ batchId, signals: [s] })).status).toBe(201);
    const reordered = { signals: [Object.fromEntries(Object.entries(s).reverse())], batchId };
    const retry = await post(reordered);
    expect(retry.status).toBe(200);
    expect(retry.body.replayed).toBe(true);
  });
});
