/**
 * The logboek seen from outside: signed checkpoints that chain, and RFC 9162 inclusion
 * and consistency proofs that a third party verifies with nothing but the public key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { checkpointDigest, verifyCheckpoint } from '../../broker/logboek/checkpoint.js';
import { leafData } from '../../broker/logboek/log-entry.js';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { referenceMth } from '../../broker/logboek/merkle/reference-tree.js';
import { verifyConsistency, verifyInclusion } from '../../broker/logboek/merkle/merkle-verify.js';
import { canonicalJson } from '../../broker/logboek/log-entry.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker({ env: { JPP_CHECKPOINT_ENTRIES: '25' } });
});
afterAll(async () => b?.close());

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
async function askMany(n: number) {
  const token = await b.token('demo-voorzitter');
  for (let i = 0; i < n; i++) {
    const res = await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
    expect(res.status).toBe(200);
  }
}
async function allEntries() {
  const token = await b.token('demo-jurist');
  const res = await b.call('GET', '/v1/log/entries?limit=5000', { token });
  expect(res.status).toBe(200);
  return res.body as { entries: Array<{ seq: number; leafHash: string; content: Record<string, unknown> }>; treeSize: number };
}

describe('checkpoints', () => {
  it('writes signed checkpoints every N entries that chain and commit to the tree', async () => {
    await askMany(6); // 6 queries x 9 partners = 54 entries: at least two checkpoints of 25
    await b.broker.sequencer.drain();
    const key = (await b.call('GET', '/v1/log/public-key')).body;
    expect(key.origin).toBe('jpp-broker/jpp-sittard-geleen');
    expect(key.vkey).toMatch(/^jpp-broker\/jpp-sittard-geleen\+[0-9a-f]{8}\+/);
    const list = (await b.call('GET', '/v1/log/checkpoints')).body.checkpoints as Array<{ treeSize: number; rootHash: string; jws: string }>;
    expect(list.length).toBeGreaterThanOrEqual(2);
    let previous: string | null = null;
    for (const c of list) {
      const body = await verifyCheckpoint(c.jws, key.key, key.origin);
      expect(body).toMatchObject({ treeSize: c.treeSize, rootHash: c.rootHash, previous });
      previous = checkpointDigest(c.jws);
    }

    const { entries } = await allEntries();
    entries.forEach((e, i) => {
      expect(e.seq).toBe(i);
      expect(Buffer.from(leafHash(leafData(canonicalJson(e.content), e.seq))).toString('base64')).toBe(e.leafHash);
    });
    for (const c of list) {
      const root = referenceMth(entries.slice(0, c.treeSize).map((e) => leafData(canonicalJson(e.content), e.seq)));
      expect(Buffer.from(root).toString('base64')).toBe(c.rootHash);
    }
  });

  it('does not sign a checkpoint when the tree has not grown', async () => {
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    const before = (await b.call('GET', '/v1/log/checkpoints/latest')).body;
    const run = await b.broker.sequencer.runOnce({ forceCheckpoint: true });
    expect(run.checkpointId).toBeUndefined();
    expect((await b.call('GET', '/v1/log/checkpoints/latest')).body.id).toBe(before.id);
  });
});

describe('proofs', () => {
  it('proves a disclosure is in the log, and that the log only grew between checkpoints', async () => {
    await askMany(1);
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    const first = (await b.call('GET', '/v1/log/checkpoints/latest')).body;
    await askMany(3);
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    const second = (await b.call('GET', '/v1/log/checkpoints/latest')).body;
    expect(second.treeSize).toBeGreaterThan(first.treeSize);

    const { entries } = await allEntries();
    const disclosure = entries.filter((e) => e.content['action'] === 'question' && e.seq < second.treeSize).at(-1)!;
    const inc = (await b.call('GET', `/v1/log/proofs/inclusion?index=${disclosure.seq}&treeSize=${second.treeSize}`)).body;
    expect(inc.leafHash).toBe(disclosure.leafHash);
    const proof = inc.proof.map(bytes);
    expect(verifyInclusion(disclosure.seq, second.treeSize, bytes(inc.leafHash), proof, bytes(second.rootHash)), JSON.stringify({ seq: disclosure.seq, first, second })).toBe(true);
    expect(verifyInclusion(disclosure.seq, second.treeSize, bytes(inc.leafHash), proof, bytes(first.rootHash))).toBe(false);

    const con = (await b.call('GET', `/v1/log/proofs/consistency?size1=${first.treeSize}&size2=${second.treeSize}`)).body;
    expect(verifyConsistency(first.treeSize, second.treeSize, bytes(first.rootHash), bytes(second.rootHash), con.proof.map(bytes)), JSON.stringify({ first: first.treeSize, second: second.treeSize })).toBe(true);
  });

  it.each([
    ['/v1/log/proofs/inclusion?index=5&treeSize=5', '/index'],
    ['/v1/log/proofs/inclusion?index=0&treeSize=99999999', '/treeSize'],
    ['/v1/log/proofs/inclusion?index=-1&treeSize=2', '/index'],
    ['/v1/log/proofs/consistency?size1=9&size2=3', '/size1'],
    ['/v1/log/proofs/consistency?size1=1', '/size2'],
    ['/v1/log/proofs/consistency?size1=0&size2=3', '/size1'],
    ['/v1/log/checkpoints?limit=0', '/limit'],
  ])('refuses %s, naming %s', async (path, pointer) => {
    const res = await b.call('GET', path);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });
});

describe('entries', () => {
  it('are for juristen and privacy officers only, and every read is logged', async () => {
    expect((await b.call('GET', '/v1/log/entries')).status).toBe(401);
    expect((await b.call('GET', '/v1/log/entries', { token: await b.token('demo-voorzitter') })).status).toBe(403);
    const before = (await allEntries()).entries.length;
    await b.broker.sequencer.drain();
    const { entries } = await allEntries();
    const reads = entries.filter((e) => e.content['action'] === 'log-read');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.at(-1)!.content).toMatchObject({
      activity: 'jpp-logboekbeheer',
      actor: { kind: 'person', id: 'demo-jurist', role: 'jurist' },
      outcome: 'read',
    });
    expect(entries.length).toBeGreaterThan(before);
  });

  it.each([
    ['export', 'log-export'],
    ['verify', 'log-verify'],
  ])('logs a read for %s as %s', async (purpose, action) => {
    const token = await b.token('demo-fg');
    expect((await b.call('GET', `/v1/log/entries?limit=1&purpose=${purpose}`, { token })).status).toBe(200);
    await b.broker.sequencer.drain();
    const { entries } = await allEntries();
    expect(entries.filter((e) => e.content['action'] === action).at(-1)!.content).toMatchObject({ actor: { id: 'demo-fg' }, activity: 'jpp-logboekbeheer' });
  });

  it('logs signal batches and withdrawals with the adapter as actor', async () => {
    const token = await b.adapterToken('halt');
    const ref = opaqueRef('halt');
    const today = new Date().toISOString().slice(0, 10);
    const later = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
    await b.call('POST', '/v1/signals', { token, body: { batchId: opaqueRef('b'), signals: [{ subject: randomPseudonym(), category: 'halt-afdoening', registeredAt: today, expiresAt: later, ref }] } });
    await b.call('DELETE', `/v1/signals/${ref}`, { token });
    await b.broker.sequencer.drain();
    const { entries } = await allEntries();
    const actions = entries.filter((e) => (e.content['actor'] as { kind: string }).kind === 'adapter').map((e) => [e.content['action'], e.content['outcome']]);
    expect(actions).toEqual([['signal-batch', 'processed'], ['signal-intake', 'stored'], ['signal-withdrawal', 'withdrawn']]);
  });

  it('writes the Logboek Dataverwerkingen fields: one record per subject for intake and withdrawal, span id, status, activity URI, subject id type', async () => {
    const token = await b.adapterToken('politie');
    const today = new Date().toISOString().slice(0, 10);
    const later = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
    const refs = [opaqueRef('politie'), opaqueRef('politie'), opaqueRef('politie')];
    const batchId = opaqueRef('b');
    const sent = await b.call('POST', '/v1/signals', {
      token,
      body: { batchId, signals: refs.map((ref) => ({ subject: randomPseudonym(), category: 'politie-registratie', registeredAt: today, expiresAt: later, ref })) },
    });
    expect(sent.status, sent.text).toBe(201);
    expect((await b.call('DELETE', `/v1/signals/${refs[0]}`, { token })).status).toBe(204);
    expect((await b.call('DELETE', `/v1/signals/${opaqueRef('politie')}`, { token })).status).toBe(404);
    await b.broker.sequencer.drain();
    const { entries } = await allEntries();
    const mine = entries.map((e) => e.content).filter((c) => c['partner'] === 'politie' && (c['actor'] as { kind: string }).kind === 'adapter').slice(-4);
    const intake = mine.filter((c) => c['action'] === 'signal-intake');
    // One record per subject, each with its own subject and span id, in one chunk beside the one batch record (migration 0240).
    expect(mine.filter((c) => c['action'] === 'signal-batch')).toHaveLength(1);
    expect(intake).toHaveLength(1);
    expect(intake[0]).toMatchObject({ subject: null, subjectIdType: 'urn:jpp-broker:data-subject-id:hmac-sha256-voprf-pseudonym', details: { batchId } });
    const records = (intake[0]!['details'] as { records: Array<{ subject: string; ref: string; spanId: string }> }).records;
    expect(records.map((r) => r.ref)).toEqual(refs);
    expect(new Set(records.map((r) => r.subject)).size).toBe(3);
    for (const r of records) expect(r.subject).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [withdrawn, missing] = mine.filter((c) => c['action'] === 'signal-withdrawal');
    // The withdrawal names the subject of the signal it removed; the refused one names none.
    expect(withdrawn!['subject']).toBe(records.find((r) => r.ref === refs[0])!.subject);
    expect(withdrawn).toMatchObject({ outcome: 'withdrawn', status: 'ok', subjectIdType: 'urn:jpp-broker:data-subject-id:hmac-sha256-voprf-pseudonym' });
    expect(missing).toMatchObject({ outcome: 'not-found', status: 'error', subject: null, subjectIdType: null });
    for (const c of mine) {
      expect(c['spanId']).toMatch(/^[0-9a-f]{16}$/);
      expect(c['traceId']).toMatch(/^[0-9a-f]{32}$/);
      expect(c['activityUri']).toBe('urn:jpp-broker:jpp-sittard-geleen:verwerkingsactiviteit:jpp-signaalaanlevering');
    }
    // operation_id: unique per record, an entry's and each intake record's.
    const spans = [...mine.map((c) => c['spanId']), ...records.map((r) => r.spanId)];
    for (const span of spans) expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(spans).size).toBe(spans.length);
  });
});

describe('a damaged log', () => {
  it('stops the sequencer and fails the health check when the newest entries are gone', async () => {
    const t = await startTestBroker();
    try {
      const token = await t.token('demo-voorzitter');
      for (let i = 0; i < 2; i++) {
        await t.call('POST', '/v1/queries', { token, body: await withCase(t.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
      }
      await t.broker.sequencer.drain({ forceCheckpoint: true });
      expect((await t.call('GET', '/healthz')).status).toBe(200);
      // An insider removes the newest entries and their nodes, bypassing the triggers.
      await t.broker.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`delete from logboek_nodes where level = 0 and idx >= 10`.execute(trx);
        await sql`delete from logboek_leaves where seq >= 10`.execute(trx);
      });
      await t.call('POST', '/v1/queries', { token, body: await withCase(t.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
      await expect(t.broker.sequencer.drain()).rejects.toThrow(/entries were removed/);
      t.broker.sequencer.kick();
      await new Promise((r) => setTimeout(r, 200));
      const health = await t.call('GET', '/healthz');
      expect(health.status).toBe(503);
      expect(health.body.detail).toMatch(/entries were removed/);
    } finally {
      await t.close();
    }
  });
});

describe('checkpoints when one run places many entries', () => {
  it('signs one checkpoint per N entries, chained, also within a single run', async () => {
    const t = await startTestBroker({ env: { JPP_CHECKPOINT_ENTRIES: '10', JPP_SEQUENCER: 'off' } });
    try {
      // What start-up logged: the seed policy's activation and the demo register's changes.
      const atStart = Number((await t.broker.db.selectFrom('logboek_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const token = await t.token('demo-voorzitter');
      for (let i = 0; i < 12; i++) {
        expect((await t.call('POST', '/v1/queries', { token, body: await withCase(t.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) })).status).toBe(200);
      }
      const run = await t.broker.sequencer.runOnce();
      // 12 casussen opened (one entry each), 12 questions (one entry each, every partner's answer inside), and what start-up logged.
      expect(run.sequenced).toBe(atStart + 24);
      expect(Math.floor((atStart + 24) / 10)).toBeGreaterThanOrEqual(2);
      const list = (await t.call('GET', '/v1/log/checkpoints')).body.checkpoints as Array<{ treeSize: number; jws: string }>;
      expect(list.map((c) => c.treeSize)).toEqual(Array.from({ length: Math.floor((atStart + 24) / 10) }, (_, i) => (i + 1) * 10));
      const key = (await t.call('GET', '/v1/log/public-key')).body;
      expect((await verifyCheckpoint(list[1]!.jws, key.key, key.origin)).previous).toBe(checkpointDigest(list[0]!.jws));
    } finally {
      await t.close();
    }
  });
});
