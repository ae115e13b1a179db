/**
 * Operational logs never hold an identity, pseudonym, token, signal ref or case
 * reference: every request a client can make is sent with such values, and the captured
 * pino output is searched for them.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, opaqueRef, randomPseudonym, syntheticBsn } from '../support/synthetic.js';
import { withCase, aanmelding } from '../support/casus.js';

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

it('keeps subjects, tokens, refs and case references out of the operational log', async () => {
  const subject = randomPseudonym();
  const ref = opaqueRef('secretref');
  const caseRef = opaqueRef('secretcase');
  const bsn = syntheticBsn();
  const adapter = await b.adapterToken('halt');
  const person = await b.token('demo-voorzitter');
  const jurist = await b.token('demo-jurist');
  const signal = { subject, category: 'halt-afdoening', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 100), ref };

  expect((await b.call('POST', '/v1/signals', { token: adapter, body: { batchId: opaqueRef('batch'), signals: [signal] } })).status).toBe(201);
  expect((await b.call('POST', '/v1/signals', { token: adapter, body: { batchId: opaqueRef('batch'), signals: [{ ...signal, ref: bsn }] } })).status).toBe(422);
  await withCase(b.call, person, { subject, doel: 'jpp-screening', caseRef });
  expect((await b.call('POST', '/v1/queries', { token: person, body: { subject, doel: 'jpp-screening', caseRef } })).status).toBe(200);
  expect((await b.call('POST', '/v1/queries', { token: person, body: { subject, doel: 'nope', caseRef } })).status).toBe(422);
  expect((await b.call('GET', `/v1/disclosures?caseRef=${caseRef}`, { token: jurist })).status).toBe(200);
  expect((await b.call('DELETE', `/v1/signals/${ref}`, { token: adapter })).status).toBe(204);
  expect((await b.call('DELETE', `/v1/signals/${ref}`, { token: adapter })).status).toBe(404);
  expect((await b.call('GET', '/v1/disclosures', { token: `${jurist}x` })).status).toBe(401);
  // The casus workflow and the rights: pseudonyms and case references in bodies, never in the log.
  const other = randomPseudonym();
  const groupRef = opaqueRef('secretgroup');
  const group = await b.call('POST', '/v1/cases', { token: person, body: { caseRef: groupRef, doel: 'jpp-screening', routeIn: 'halt', kind: 'group', subjects: [other, subject], ...aanmelding(2) } });
  expect(group.status).toBe(201);
  expect((await b.call('POST', '/v1/cases', { token: person, body: { caseRef: groupRef, doel: 'jpp-screening', routeIn: 'halt', kind: 'group', subjects: [other, subject], ...aanmelding(2) } })).status).toBe(409);
  expect((await b.call('POST', `/v1/cases/${group.body.caseId}/transitions`, { token: person, body: { to: 'in-screening' } })).status).toBe(200);
  expect((await b.call('POST', '/v1/inzage', { token: jurist, body: { subject: other } })).status).toBe(200);
  expect((await b.call('POST', '/v1/bezwaren', { token: jurist, body: { subject: other, doelen: ['jpp-screening'], decision: 'rejected' } })).status).toBe(201);
  await new Promise((resolve) => setImmediate(resolve));

  const lines = output.trim().split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(8);
  // The requests were logged: we are searching real output, not an empty one.
  expect(output).toContain('/v1/signals/[redacted]');
  expect(output).toContain('"authorization":"[redacted]"');
  for (const secret of [subject, other, groupRef, ref, caseRef, bsn, adapter, person, jurist, adapter.split('.')[1]!, person.split('.')[2]!]) {
    expect(output).not.toContain(secret);
  }
});
