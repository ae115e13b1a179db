/**
 * One broker process, two platforms (JPP Sittard-Geleen and JPT Hollands Midden), and the same
 * synthetic youth known to partners in both: their data never mix. Questions, subject hashes,
 * logboeken, tokens, web sessions, inzage and adapter certificates stay within their platform.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { startTestPlatforms, type TestPlatform, type TestPlatforms } from '../support/test-platforms.js';
import { answersOf, submitSignals } from '../support/signals.js';
import { openCase, type OpenCase } from '../support/casus.js';
import { syntheticBsn } from '../support/synthetic.js';
import { httpsCall } from '../support/mtls.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import { verifyCommand, type AuditIo } from '../../broker/commands/audit.js';
import { createDevIssuer } from '../../broker/auth/dev-issuer.js';
import { loadDemoSecrets } from '../../broker/config/demo-secrets.js';
import { listenAdapterMtls } from '../../broker/transport/mtls-listener.js';
import { issuePartner } from '../../broker/transport/dev-pki.js';
import type { Database } from '../../broker/db/database.js';

const SITTARD = 'jpp-sittard-geleen';
const JPT = 'jpt-hollands-midden';
let tp: TestPlatforms;
let A: TestPlatform;
let B: TestPlatform;
const s = {} as {
  bsn: string;
  pseudonym: Record<string, string>;
  cases: Record<string, OpenCase>;
  answers: Record<string, Record<string, string>>;
  traceIds: Record<string, string>;
};

const db = (p: TestPlatform): Kysely<Database> => p.entry.broker.db;
const rows = async <T>(p: TestPlatform, q: ReturnType<typeof sql<T>>): Promise<T[]> => (await q.execute(db(p))).rows;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function ask(p: TestPlatform, doel: string): Promise<void> {
  const res = await p.call('POST', '/v1/queries', { token: await p.token('demo-voorzitter'), body: { subject: s.pseudonym[p.id], doel, caseId: s.cases[p.id]!.caseId } });
  expect(res.status, res.text).toBe(200);
  s.answers[p.id] = answersOf(res.body);
  s.traceIds[p.id] = res.headers.get('traceparent')!.split('-')[1]!;
}

beforeAll(async () => {
  tp = await startTestPlatforms({ env: { JPP_MTLS_PORT: '0' } });
  A = tp.at(SITTARD);
  B = tp.at(JPT);
  s.bsn = syntheticBsn();
  s.pseudonym = {};
  s.cases = {};
  s.answers = {};
  s.traceIds = {};
  // The same youth, pseudonymised at each platform's own key custodian, as each platform's adapters would.
  for (const p of [A, B]) {
    const { pseudonyms } = await pseudonymise({ baseUrl: `${p.url}/custodian/v1`, token: await p.adapterToken('halt') }, [{ bsn: s.bsn }]);
    s.pseudonym[p.id] = pseudonyms[0]!;
  }
  // Known to Halt in Sittard-Geleen; to the police and Veilig Thuis in Hollands Midden.
  await submitSignals(A, 'halt', [{ subject: s.pseudonym[SITTARD]!, category: 'halt-afdoening' }]);
  await submitSignals(B, 'politie', [{ subject: s.pseudonym[JPT]!, category: 'politie-registratie' }]);
  await submitSignals(B, 'veilig-thuis', [{ subject: s.pseudonym[JPT]!, category: 'zorgsignaal' }]);
  // A partner in Hollands Midden that (wrongly) pseudonymised at Sittard-Geleen's custodian.
  await submitSignals(B, 'rvdk', [{ subject: s.pseudonym[SITTARD]!, category: 'rvdk-onderzoek' }]);
  s.cases[SITTARD] = await openCase(A, [s.pseudonym[SITTARD]!], { doel: 'jpp-screening', routeIn: 'halt' });
  s.cases[JPT] = await openCase(B, [s.pseudonym[JPT]!], { doel: 'jpt-screening', routeIn: 'veilig-thuis' });
  await ask(A, 'jpp-screening');
  await ask(B, 'jpt-screening');
  for (const p of [A, B]) await p.entry.broker.sequencer.drain({ forceCheckpoint: true });
});
afterAll(async () => {
  await tp?.close();
});

describe('questions', () => {
  it("answer in each platform for its own partners only, from its own signals only", () => {
    expect(Object.keys(s.answers[SITTARD]!)).toEqual(A.entry.broker.platform.partners.map((p) => p.id));
    expect(Object.keys(s.answers[JPT]!)).toEqual(B.entry.broker.platform.partners.map((p) => p.id));
    expect(s.answers[SITTARD]).not.toHaveProperty('veilig-thuis');
    // Both platforms have partners called politie, halt and rvdk: each answers from its own signals.
    expect(s.answers[SITTARD]).toMatchObject({ halt: 'hit', politie: 'no-hit', rvdk: 'no-hit' });
    expect(s.answers[JPT]).toMatchObject({ halt: 'no-hit', politie: 'hit', 'veilig-thuis': 'hit', rvdk: 'no-hit' });
  });

  it("refuses a casus, doel or subject of the other platform", async () => {
    const voorzitter = await A.token('demo-voorzitter');
    const other = await A.call('POST', '/v1/queries', { token: voorzitter, body: { subject: s.pseudonym[JPT], doel: 'jpp-screening', caseRef: 'JPT-DEMO-0002' } });
    expect(other.status).toBe(404);
    const doel = await A.call('POST', '/v1/queries', { token: voorzitter, body: { subject: s.pseudonym[SITTARD], doel: 'jpt-screening', caseId: s.cases[SITTARD]!.caseId } });
    expect(doel.status).toBe(422);
    const subject = await A.call('POST', '/v1/queries', { token: voorzitter, body: { subject: s.pseudonym[JPT], doel: 'jpp-screening', caseId: s.cases[SITTARD]!.caseId } });
    expect(subject.status).toBe(422);
  });
});

describe('subjects', () => {
  it('get a different pseudonym from each platform\'s custodian', () => {
    expect(s.pseudonym[SITTARD]).not.toBe(s.pseudonym[JPT]);
  });

  it("hash differently in each platform, even for the same pseudonym (each has its own k_db)", async () => {
    const hashes = async (p: TestPlatform) => new Set((await rows<{ h: Uint8Array }>(p, sql`select subject_hash as h from signals union select subject_hash from case_subject_hashes`)).map((r) => hex(r.h)));
    const [inA, inB] = [await hashes(A), await hashes(B)];
    expect(inA.size).toBeGreaterThan(0);
    expect([...inA].filter((h) => inB.has(h))).toEqual([]);
    // The one pseudonym both hold (Sittard-Geleen's, sent to Hollands Midden's rvdk) has two unrelated hashes.
    const [a] = await rows<{ h: Uint8Array }>(A, sql`select subject_hash as h from signals where partner_id = 'halt' and batch_id <> 'demo-seed'`);
    const [b] = await rows<{ h: Uint8Array }>(B, sql`select subject_hash as h from signals where partner_id = 'rvdk' and batch_id <> 'demo-seed'`);
    expect(hex(a!.h)).not.toBe(hex(b!.h));
  });
});

describe('the logboek', () => {
  it("of each platform holds no entry of the other: no partner, casus, activity or trace of it", async () => {
    for (const [p, other] of [[A, B], [B, A]] as const) {
      const entries = await rows<{ partner_id: string | null; case_ref: string | null; trace_id: string; content: string | null }>(p, sql`select partner_id, case_ref, trace_id, content from logboek_entries`);
      const own = new Set(p.entry.broker.platform.partners.map((x) => x.id));
      const activities = new Set(p.entry.broker.platform.verwerkingsactiviteiten.map((a) => a.id));
      expect(entries.length).toBeGreaterThan(own.size);
      expect(entries.filter((e) => e.partner_id !== null && !own.has(e.partner_id))).toEqual([]);
      expect(entries.filter((e) => e.case_ref === s.cases[other.id]!.caseRef || e.case_ref?.startsWith(other.id === JPT ? 'JPT-' : 'ZVH-'))).toEqual([]);
      expect(entries.filter((e) => e.trace_id === s.traceIds[other.id])).toEqual([]);
      expect(entries.every((e) => e.content === null || activities.has(JSON.parse(e.content).activity))).toBe(true);
    }
  });

  it("of each platform verifies on its own, under its own origin and key, and not under the other's key", async () => {
    const keyFile = async (p: TestPlatform): Promise<string> => {
      const file = join(tp.dataDir, `${p.id}-log-key.json`);
      writeFileSync(file, (await p.call('GET', '/v1/log/public-key')).text);
      return file;
    };
    for (const [p, other] of [[A, B], [B, A]] as const) {
      let out = '';
      const io: AuditIo = { out: (l) => void (out += `${l}\n`), err: (l) => void (out += `${l}\n`) };
      expect(await verifyCommand({ database: true, json: true, publicKey: await keyFile(p) }, io, { db: db(p) })).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ valid: true, origin: `jpp-broker/${p.id}` });
      await expect(verifyCommand({ database: true, json: true, publicKey: await keyFile(other) }, io, { db: db(p) })).rejects.toThrow(/does not verify with the key/);
    }
  });
});

describe('tokens', () => {
  it("of one platform are refused by the other, also at its key custodian", async () => {
    const fromA = await A.token('demo-jurist');
    expect((await A.call('GET', '/v1/disclosures', { token: fromA })).status).toBe(200);
    const atB = await B.call('GET', '/v1/disclosures', { token: fromA });
    expect(atB.status).toBe(401);
    const custodian = await B.call('POST', '/custodian/v1/evaluate', { token: await A.adapterToken('halt'), body: { epoch: 1, blindedElements: [] } });
    expect(custodian.status).toBe(401);
  });

  it('signed by the right issuer are refused when they name another platform, or none', async () => {
    const issuer = B.entry.broker.devIssuer!;
    const aud = B.entry.config.jwt.audience;
    const claims = { org: 'zvh-hollands-midden', role: 'jurist' };
    const wrong = await B.call('GET', '/v1/disclosures', { token: await issuer.sign({ ...claims, platform: SITTARD }, 'demo-jurist', aud) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toMatch(/platform claim is not accepted/);
    const bare = await createDevIssuer(loadDemoSecrets(B.entry.config.dataDir).issuerPrivateJwk);
    const none = await B.call('GET', '/v1/disclosures', { token: await bare.sign(claims, 'demo-jurist', aud) });
    expect(none.status).toBe(401);
    expect(none.body.detail).toMatch(/names no platform/);
    expect((await B.call('GET', '/v1/disclosures', { token: await issuer.sign(claims, 'demo-jurist', aud) })).status).toBe(200);
  });
});

describe('web sessions', () => {
  async function login(p: TestPlatform): Promise<{ name: string; value: string; setCookie: string }> {
    const page = await fetch(`${p.url}/inloggen`, { redirect: 'manual' });
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const res = await fetch(`${p.url}/inloggen`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, user: 'demo-jurist', terug: `${p.entry.basePath}/logboek` }).toString(),
    });
    expect(res.status).toBe(303);
    const setCookie = res.headers.get('set-cookie')!;
    const [name, value] = setCookie.split(';')[0]!.split('=') as [string, string];
    return { name, value, setCookie };
  }
  const page = (p: TestPlatform, cookie: string) => fetch(`${p.url}/logboek`, { redirect: 'manual', headers: { cookie } });

  it("use a cookie of each platform's own, scoped to its path", async () => {
    const a = await login(A);
    expect(a.name).toBe(`jpp-session-${SITTARD}`);
    expect(a.setCookie).toMatch(new RegExp(`Path=/p/${SITTARD}(;|$)`));
    expect(a.setCookie).toMatch(/HttpOnly/);
    expect((await page(A, `${a.name}=${a.value}`)).status).toBe(200);
  });

  it("of one platform are not valid at the other, under either platform's cookie name", async () => {
    const a = await login(A);
    for (const name of [a.name, `jpp-session-${JPT}`]) {
      const res = await page(B, `${name}=${a.value}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(new RegExp(`^/p/${JPT}/inloggen`));
    }
  });
});

describe('inzage', () => {
  it("in a platform lists exactly that platform's disclosures about the youth", async () => {
    const report = async (p: TestPlatform, subject: string) => {
      const res = await p.call('POST', '/v1/inzage', { token: await p.token('demo-jurist'), body: { subject } });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    for (const p of [A, B]) {
      const own = await report(p, s.pseudonym[p.id]!);
      const partners = p.entry.broker.platform.partners.map((x) => x.id);
      expect(own.total).toBe(partners.length);
      expect(own.disclosures.map((d: { partner: string }) => d.partner).sort()).toEqual([...partners].sort());
      expect(own.disclosures.every((d: { caseRef: string }) => d.caseRef === s.cases[p.id]!.caseRef)).toBe(true);
    }
    // Hollands Midden's youth, asked about in Hollands Midden, is nobody in Sittard-Geleen.
    expect((await report(A, s.pseudonym[JPT]!)).total).toBe(0);
  });
});

describe('the process', () => {
  it('lists its platforms at / in Dutch, with a link to each', async () => {
    const res = await tp.call('GET', '/');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<html lang="nl"/);
    for (const p of [A, B]) {
      expect(res.text).toContain(`href="/p/${p.id}/"`);
      expect(res.text).toContain(p.entry.broker.platform.name);
    }
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  it('is healthy when every platform is, and says so per platform', async () => {
    const res = await tp.call('GET', '/healthz');
    expect(res.body).toEqual({ status: 'ok', platforms: { [SITTARD]: 'ok', [JPT]: 'ok' } });
    expect((await B.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
  });

  it('has no API at the root, and says where each platform\'s is', async () => {
    const res = await tp.call('GET', '/v1/disclosures', { token: await A.token('demo-jurist') });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toContain(`/p/${SITTARD}/`);
  });

  it("serves each platform's OpenAPI document with the platform's path as its server", async () => {
    const res = await B.call('GET', '/openapi.json');
    expect(res.body.servers).toEqual([expect.objectContaining({ url: `/p/${JPT}` })]);
  });

  it('seeds each platform with its own demo only', async () => {
    const refs = async (p: TestPlatform) => (await rows<{ case_ref: string }>(p, sql`select case_ref from cases`)).map((r) => r.case_ref);
    expect((await refs(A)).filter((r) => r.startsWith('JPT-'))).toEqual([]);
    expect((await refs(B)).filter((r) => r.startsWith('ZVH-'))).toEqual([]);
    expect(await refs(B)).toEqual(expect.arrayContaining(['JPT-DEMO-0001', 'JPT-DEMO-0007']));
  });
});

describe('adapter transport (mTLS)', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("takes a certificate of the platform's own PKI on its listener, and refuses one of the other platform's", async () => {
    const listeners: Record<string, { url: string; ca: Buffer; cert: { cert: Buffer; key: Buffer } }> = {};
    for (const p of [A, B]) {
      const mtls = (await listenAdapterMtls(p.entry.config, p.entry.broker.app))!;
      servers.push(mtls.server);
      expect(mtls.createdPki).toBe(true);
      const issued = await issuePartner(p.entry.config.transport.pkiDir, 'halt');
      listeners[p.id] = {
        url: mtls.url.replace('127.0.0.1', 'localhost'),
        ca: readFileSync(p.entry.config.transport.tlsCa),
        cert: { cert: readFileSync(join(issued.dir, 'client.cert.pem')), key: readFileSync(join(issued.dir, 'client.key.pem')) },
      };
    }
    const atB = (cert: { cert: Buffer; key: Buffer }) =>
      B.adapterToken('halt').then((token) => httpsCall(listeners[JPT]!.url, { method: 'DELETE', path: '/v1/signals/no-such-ref', ca: listeners[JPT]!.ca, tls: cert, token }));
    const own = await atB(listeners[JPT]!.cert);
    expect(own.status).toBe(404); // through the transport check: the ref is simply unknown
    const other = await atB(listeners[SITTARD]!.cert);
    expect(other.status).toBe(401);
    expect(other.body.detail).toMatch(/not issued by a trusted CA/);
  });
});
