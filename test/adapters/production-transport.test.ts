/**
 * Outside demo mode the signal service takes signed batches over mTLS only. The service
 * is built as the composition root builds it in production (requireMtls and
 * requireSignature on), on the test broker's database; one line per decision.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { createSignalService, type SignalService } from '../../broker/signals/signal.service.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { createSubjectHasher } from '../../broker/subjects/subject-hash.js';
import { createBatchSignatureVerifier } from '../../broker/transport/batch-signature.js';
import { initPki, issuePartner } from '../../broker/transport/dev-pki.js';
import { revokeRegisteredKey } from '../../broker/transport/partner-registry.js';
import { findBatchSignature } from '../../broker/transport/partner-key.repository.js';
import { loadBatchSigner, type BatchSigner } from '../../adapters/transport/sign-batch.js';
import type { AdapterPrincipal } from '../../broker/auth/principal.js';
import type { AppError } from '../../broker/errors/app-error.js';

let b: TestBroker;
let service: SignalService;
let signer: BatchSigner;
let registry: string;
const halt: AdapterPrincipal = { kind: 'adapter', id: 'adapter:halt', partner: 'halt' };

beforeAll(async () => {
  b = await startTestBroker();
  const pki = join(b.dataDir, 'pki-production');
  initPki(pki);
  const issued = await issuePartner(pki, 'halt');
  registry = join(pki, 'partner-registry.json');
  signer = await loadBatchSigner(join(issued.dir, 'signing-key.jwk.json'));
  const platform = b.broker.platform;
  service = createSignalService({
    // The broker's own unit of work: the access gate admits the demo's registered Halt adapter.
    uow: b.broker.uow,
    platform,
    schemas: createSchemaRegistry(),
    hashSubject: createSubjectHasher(randomBytes(32)),
    signatures: createBatchSignatureVerifier({ db: b.broker.db, registryFile: registry, partners: new Set(platform.partners.map((p) => p.id)) }),
    requireMtls: true,
    requireSignature: true,
  });
}, 60_000);
afterAll(async () => b?.close());

const batch = () => ({
  batchId: opaqueRef('batch'),
  signals: [{ subject: randomPseudonym(), category: 'halt-afdoening', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 90), ref: opaqueRef('halt') }],
});
const refusal = (p: Promise<unknown>): Promise<{ status: number; message: string }> =>
  p.then(
    () => ({ status: 0, message: 'accepted' }),
    (err: AppError) => ({ status: err.status, message: err.message }),
  );

describe('production transport', () => {
  it('a signed batch over plain HTTP: 403', async () => {
    expect(await refusal(service.submitBatch(halt, await signer.sign(batch()), 't1', { channel: 'plain' }))).toMatchObject({ status: 403, message: expect.stringMatching(/mTLS/) });
  });
  it('an unsigned JSON batch over mTLS: 422', async () => {
    expect(await refusal(service.submitBatch(halt, batch(), 't2', { channel: 'mtls', partner: 'halt' }))).toMatchObject({ status: 422 });
  });
  it("a signed batch over another partner's certificate: 403", async () => {
    expect(await refusal(service.submitBatch(halt, await signer.sign(batch()), 't3', { channel: 'mtls', partner: 'politie' }))).toMatchObject({ status: 403 });
  });
  it('a withdrawal over plain HTTP: 403', async () => {
    expect(await refusal(service.withdraw(halt, opaqueRef('halt'), 't4', { channel: 'plain' }))).toMatchObject({ status: 403 });
  });
  it('a signed batch over mTLS: stored, with its JWS', async () => {
    const body = batch();
    const jws = await signer.sign(body);
    const result = await service.submitBatch(halt, jws, 't5', { channel: 'mtls', partner: 'halt' });
    expect(result).toMatchObject({ accepted: 1, replayed: false });
    expect((await findBatchSignature(b.broker.db, 'halt', body.batchId))?.jws).toBe(jws);
  });
  it('a batch signed with a key revoked while the broker runs: 403 from the next batch on, earlier JWS kept', async () => {
    const before = batch();
    await service.submitBatch(halt, await signer.sign(before), 't6', { channel: 'mtls', partner: 'halt' });
    expect(revokeRegisteredKey(registry, 'halt', signer.kid, b.clock.now)).toBe(true);
    expect(await refusal(service.submitBatch(halt, await signer.sign(batch()), 't7', { channel: 'mtls', partner: 'halt' }))).toMatchObject({ status: 403, message: expect.stringMatching(/revoked key/) });
    // The refusal rolled its transaction back; the revocation it read from the registry still holds for every batch after it.
    expect(await refusal(service.submitBatch(halt, await signer.sign(batch()), 't7b', { channel: 'mtls', partner: 'halt' }))).toMatchObject({ status: 403, message: expect.stringMatching(/revoked key/) });
    expect((await findBatchSignature(b.broker.db, 'halt', before.batchId))?.kid).toBe(signer.kid);
  });
});
