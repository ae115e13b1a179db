/**
 * The nightly import over mTLS, as three partners run it: signed batches from an export,
 * the partner's deletions reaching the broker in a second snapshot run, and the
 * transport's refusals (no certificate, revoked certificate, unregistered key, another
 * partner's key or certificate). Synthetic people only.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { httpsCall, startMtls, type MtlsFixture } from '../support/mtls.js';
import { day, opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { answersOf } from '../support/signals.js';
import { revokeSerial } from '../../broker/transport/dev-pki.js';
import {
  createBatchSigner,
  generateExamples,
  loadBatchSigner,
  loadMapping,
  loadSodiumVoprfSuite,
  mapRow,
  pseudonymise,
  readExport,
  runImport,
  type IdentityInput,
  type ImportReport,
} from '../../adapters/index.js';
import type { VoprfSuite } from '../../protocol/pseudonymisation/voprf-suite.js';
import type { IssuedPartner } from '../../broker/transport/dev-pki.js';
import type { ClientTls } from '../../adapters/broker-client.js';

const PARTNERS = [
  { id: 'halt', ext: 'csv' },
  { id: 'politie', ext: 'jsonl' },
  { id: 'gemeente-leerplicht', ext: 'csv' },
] as const;

let b: TestBroker;
let m: MtlsFixture;
let suite: VoprfSuite;
const bundles = new Map<string, IssuedPartner & { tls: ClientTls; signingKeyFile: string }>();
const work = mkdtempSync(join(tmpdir(), 'jpp-import-'));
const exports = join(work, 'exports');

beforeAll(async () => {
  b = await startTestBroker();
  m = await startMtls(b);
  suite = await loadSodiumVoprfSuite();
  for (const p of [...PARTNERS.map((x) => x.id), 'jongerenwerk']) bundles.set(p, await m.issue(p));
  const platform = b.broker.platform;
  generateExamples({
    out: exports,
    partners: platform.partners.filter((p) => PARTNERS.some((x) => x.id === p.id)),
    doelgroep: { maxAge: 27 },
    rows: 40,
    demoIdentitiesFile: join(b.dataDir, 'demo-identities.json'),
    today: b.clock.now,
  });
}, 120_000);
afterAll(async () => {
  await m?.close();
  await b?.close();
});

const signalsOf = async (partner: string): Promise<number> =>
  (await b.broker.db.selectFrom('signals').select(sql<number>`count(*)::int`.as('n')).where('partner_id', '=', partner).executeTakeFirstOrThrow()).n;

async function nightly(partner: string, file: string, mode: 'delta' | 'snapshot' = 'snapshot'): Promise<ImportReport> {
  const bundle = bundles.get(partner)!;
  const token = await b.adapterToken(partner);
  return runImport({
    mapping: loadMapping(join(exports, `${partner}.mapping.json`)),
    exportFile: join(exports, file),
    mode,
    stateDir: join(work, 'state', partner),
    broker: { baseUrl: m.url, token, tls: bundle.tls },
    custodian: { baseUrl: `${b.url}/custodian/v1`, token, suite },
    signer: await loadBatchSigner(bundle.signingKeyFile),
    batchSize: 25,
    // Two partners pseudonymise on worker threads, one in this thread: the hit below asks with a
    // pseudonym made in this thread about a youth whose signal a thread pseudonymised.
    pseudonymiseThreads: partner === 'gemeente-leerplicht' ? 0 : 2,
    today: day(b.clock.now, 0),
  });
}

/** The first row of an export that becomes a signal: its identity and ref. */
async function firstSignalRow(partner: string, file: string): Promise<{ identity: IdentityInput; ref: string }> {
  const mapping = loadMapping(join(exports, `${partner}.mapping.json`));
  for await (const row of readExport(join(exports, file), mapping.source)) {
    if ('error' in row) continue;
    const out = mapRow(row.record, mapping, day(b.clock.now, 0));
    if (out.kind === 'signal' && 'bsn' in out.signal.identity) return { identity: out.signal.identity, ref: out.signal.ref };
  }
  throw new Error('no signal row');
}

describe('a nightly import for three partners over mTLS', () => {
  const first = new Map<string, ImportReport>();

  it('sends each export as signed batches; every accepted batch JWS is kept and named in the logboek', async () => {
    for (const p of PARTNERS) {
      const before = await signalsOf(p.id);
      const r = await nightly(p.id, `${p.id}.${p.ext}`);
      first.set(p.id, r);
      expect(r.sent).toBeGreaterThan(25);
      expect(r.skippedBy.outsideDoelgroep + r.skippedBy.unmappedCode).toBe(r.skipped);
      // The generated export has one row with a BSN that fails the 11-proef: named by line, not by value.
      expect(r.rejections).toHaveLength(1);
      expect(r.rejections[0]).toMatchObject({ field: 'bsn', reason: expect.stringMatching(/11-proef/) });
      expect(await signalsOf(p.id)).toBe(before + r.sent);
      expect(Object.values(r.categories).reduce((a, c) => a + c, 0)).toBe(r.sent);
    }
    const sigs = await b.broker.db.selectFrom('signal_batch_signatures').select(['partner_id', 'batch_id', 'jws', 'jws_sha256']).execute();
    expect(new Set(sigs.map((s) => s.partner_id))).toEqual(new Set(PARTNERS.map((p) => p.id)));
    expect(sigs.length).toBe([...first.values()].reduce((a, r) => a + r.batches, 0));
    for (const s of sigs) expect(createHash('sha256').update(s.jws).digest('hex')).toBe(s.jws_sha256);
    const entries = await b.broker.db.selectFrom('logboek_entries').select('content').execute();
    const batchEntries = entries.map((e) => (typeof e.content === 'string' ? JSON.parse(e.content) : e.content) as { action: string; details: Record<string, unknown> }).filter((c) => c.action === 'signal-batch' && c.details['jwsSha256']);
    expect(new Set(batchEntries.map((c) => c.details['jwsSha256']))).toEqual(new Set(sigs.map((s) => s.jws_sha256)));
  }, 120_000);

  it("the voorzitter's question about an imported youth gets a hit", async () => {
    const { identity } = await firstSignalRow('halt', 'halt.csv');
    const token = await b.token('demo-voorzitter');
    const { pseudonyms } = await pseudonymise({ baseUrl: `${b.url}/custodian/v1`, token, suite }, [identity], { doel: 'jpp-screening' });
    const res = await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject: pseudonyms[0]!, doel: 'jpp-screening', caseRef: opaqueRef('ZVH') }) });
    expect(res.status, res.text).toBe(200);
    expect(answersOf(res.body)['halt']).toBe('hit');
  }, 60_000);

  it('a second snapshot run withdraws the refs the partner deleted, and sends only what is new', async () => {
    for (const p of PARTNERS) {
      const before = await signalsOf(p.id);
      const next = `${p.id}.next.${p.ext}`;
      const r = await nightly(p.id, next);
      expect(r.withdrawn).toBeGreaterThan(0);
      expect(r.unchanged).toBeGreaterThan(0);
      expect(await signalsOf(p.id)).toBe(before - r.withdrawn + r.sent);
      // Exactly the export's sendable refs remain (plus the demo's seeded signals, which were never the adapter's).
      const state = JSON.parse(readFileSync(join(work, 'state', p.id, 'state.json'), 'utf8')) as { refs: Record<string, unknown> };
      const stored = await b.broker.db.selectFrom('signals').select('ref').where('partner_id', '=', p.id).where('batch_id', 'like', `${p.id}-%`).execute();
      expect(new Set(stored.map((s) => s.ref))).toEqual(new Set(Object.keys(state.refs)));
      // The same export again: nothing to do.
      const again = await nightly(p.id, next);
      expect({ sent: again.sent, withdrawn: again.withdrawn }).toEqual({ sent: 0, withdrawn: 0 });
    }
  }, 120_000);
});

describe('transport refusals', () => {
  const batch = (partner: string) => ({
    batchId: opaqueRef('batch'),
    signals: [{ subject: randomPseudonym(), category: partner === 'halt' ? 'halt-afdoening' : 'jongerenwerk-contact', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 90), ref: opaqueRef(partner) }],
  });
  const post = async (partner: string, tls: Partial<ClientTls> | undefined, jws: string, tokenPartner = partner) =>
    httpsCall(m.url, { method: 'POST', path: '/v1/signals', ca: m.ca, ...(tls ? { tls } : {}), token: await b.adapterToken(tokenPartner), body: jws, type: 'application/jose' });

  it('accepts a signed batch with the partner\'s own certificate and key', async () => {
    const signer = await loadBatchSigner(bundles.get('halt')!.signingKeyFile);
    const res = await post('halt', bundles.get('halt')!.tls, await signer.sign(batch('halt')));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses a request without a client certificate', async () => {
    const signer = await loadBatchSigner(bundles.get('halt')!.signingKeyFile);
    const res = await post('halt', undefined, await signer.sign(batch('halt')));
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/client certificate/);
  });

  it('refuses a JWS signed with a key not registered to the partner', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const stranger = await createBatchSigner({ ...(await exportJWK(privateKey)), kid: 'halt-unregistered' });
    const res = await post('halt', bundles.get('halt')!.tls, await stranger.sign(batch('halt')));
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/not registered to partner halt/);
  });

  it("refuses a JWS signed with another partner's registered key", async () => {
    const jongerenwerkKey = await loadBatchSigner(bundles.get('jongerenwerk')!.signingKeyFile);
    const res = await post('halt', bundles.get('halt')!.tls, await jongerenwerkKey.sign(batch('halt')));
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/not registered to partner halt/);
  });

  it("refuses a token of one partner over another partner's certificate", async () => {
    const signer = await loadBatchSigner(bundles.get('jongerenwerk')!.signingKeyFile);
    const res = await post('jongerenwerk', bundles.get('halt')!.tls, await signer.sign(batch('jongerenwerk')), 'jongerenwerk');
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/another partner/);
  });

  it('refuses a revoked certificate from the next request on, and nothing is stored', async () => {
    const bundle = bundles.get('jongerenwerk')!;
    const signer = await loadBatchSigner(bundle.signingKeyFile);
    const ok = await post('jongerenwerk', bundle.tls, await signer.sign(batch('jongerenwerk')));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    revokeSerial(m.pkiDir, bundle.serial);
    const before = await signalsOf('jongerenwerk');
    const res = await post('jongerenwerk', bundle.tls, await signer.sign(batch('jongerenwerk')));
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/revoked/);
    expect(await signalsOf('jongerenwerk')).toBe(before);
  });
});
