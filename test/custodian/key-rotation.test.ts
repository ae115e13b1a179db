/**
 * A key rotation end to end: signals made under epoch 1 and epoch 2 for one youth, and
 * queries that send the youth's pseudonym under both epochs during the overlap window.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { answersOf } from '../support/signals.js';
import { day, opaqueRef, syntheticBsn } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { ensureKeyFile, rotateKey } from '../../broker/custodian/key-store.js';
import { pseudonymUnder } from '../support/pseudonym-under.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

it('answers under both epochs during the overlap window, and records each signal\'s epoch', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'jpp-rotation-')), 'keys.json');
  ensureKeyFile(file, new Date());
  const bsn = syntheticBsn();
  const old = pseudonymUnder(file, 1, bsn);
  rotateKey(file, new Date());
  const current = pseudonymUnder(file, 2, bsn);
  expect(current).not.toBe(old);

  const signal = (subject: string, epoch: number, category: string) => ({
    subject, epoch, category, registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 60), ref: opaqueRef('ref'),
  });
  expect((await b.call('POST', '/v1/signals', { token: await b.adapterToken('halt'), body: { batchId: opaqueRef('b'), signals: [signal(old, 1, 'halt-afdoening')] } })).status).toBe(201);
  expect((await b.call('POST', '/v1/signals', { token: await b.adapterToken('politie'), body: { batchId: opaqueRef('b'), signals: [signal(current, 2, 'politie-registratie')] } })).status).toBe(201);
  const epochs = await b.broker.db.selectFrom('signals').select(['partner_id', 'epoch']).where('batch_id', 'like', 'b-%').execute();
  expect(epochs).toEqual(expect.arrayContaining([{ partner_id: 'halt', epoch: 1 }, { partner_id: 'politie', epoch: 2 }]));

  const token = await b.token('demo-voorzitter');
  const ask = async (subject: string | string[]) =>
    answersOf((await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject, doel: 'jpp-screening', caseRef: opaqueRef('case') }) })).body);
  expect(await ask(current)).toMatchObject({ politie: 'hit', halt: 'no-hit' });
  expect(await ask([current, old])).toMatchObject({ politie: 'hit', halt: 'hit' });

  const { caseRef } = await withCase(b.call, token, { subject: current, doel: 'jpp-screening', caseRef: opaqueRef('case') });
  const bad = await b.call('POST', '/v1/queries', { token, body: { subject: [current, Buffer.alloc(32, 1).toString('base64url')], doel: 'jpp-screening', caseRef } });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].pointer).toBe('/subject/1');
});
