/**
 * The witness against a live broker: it pins the key on first use, keeps every new checkpoint
 * after checking signature, chain and consistency; and it catches a broker that rewrites history
 * (entries and Merkle nodes rewritten, then a new checkpoint signed over them) and a broker that
 * shows two histories (two roots for one size; a checkpoint that does not follow the last one),
 * keeping both checkpoints as evidence and refusing to go on until a person looks.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { JWK } from 'jose';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { loadDemoSecrets } from '../../broker/config/demo-secrets.js';
import { canonicalJson } from '../../broker/logboek/log-entry.js';
import { nodeHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { decomposeRange, nodeKey, rangeHash } from '../../broker/logboek/merkle/tree-math.js';
import { createLogSigner, type LogSigner } from '../../broker/logboek/log-signer.js';
import { getNodes, insertCheckpoint } from '../../broker/logboek/logboek.repository.js';
import { createLogClient, LogClientError } from '../../broker/logboek/log-client.js';
import { runWitness, witnessOnce, type WitnessOutcome } from '../../broker/logboek/witness.js';
import { readWitnessStore } from '../../broker/logboek/witness-store.js';
import { expectedLink, type SignedCheckpoint } from '../../broker/logboek/checkpoint-forms.js';
import { asAttacker, entryAt, forgeEntry, rebuildNodes } from '../support/logboek-attacker.js';

let b: TestBroker | undefined;
let dir: string | undefined;
afterEach(async () => {
  await b?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  b = undefined;
  dir = undefined;
});

async function setup(): Promise<{ b: TestBroker; store: string; round: () => Promise<WitnessOutcome> }> {
  b = await startTestBroker();
  dir = mkdtempSync(join(tmpdir(), 'jpp-witness-'));
  const store = join(dir, 'store');
  const broker = b;
  return { b, store, round: () => witnessOnce({ client: createLogClient(broker.url), store }) };
}

/** Two questions (one log entry per partner each), then a forced checkpoint. */
async function activity(t: TestBroker): Promise<void> {
  const token = await t.token('demo-voorzitter');
  for (let i = 0; i < 2; i++) {
    const res = await t.call('POST', '/v1/queries', { token, body: await withCase(t.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
    expect(res.status).toBe(200);
  }
  await t.broker.sequencer.drain({ forceCheckpoint: true });
}

/** The broker's own checkpoint key (demo secrets), as an insider who rewrites history would use it. */
async function brokerSigner(t: TestBroker): Promise<LogSigner> {
  const origin = (await t.call('GET', '/v1/log/public-key')).body.origin as string;
  return createLogSigner({ origin, signingJwk: loadDemoSecrets(t.dataDir).logSigningJwk as JWK });
}

/**
 * Inserts a checkpoint row the broker did not compute, chained to `previous`: the broker "shows" it
 * to anyone who asks. As a signed note and a JWS (what the broker writes now), or as a JWS only
 * (what it wrote before notes).
 */
async function forgeCheckpoint(
  t: TestBroker,
  body: { treeSize: number; rootHash: Uint8Array; previous: SignedCheckpoint },
  o: { signer?: LogSigner; jwsOnly?: boolean } = {},
): Promise<{ jws: string; note: string | null }> {
  const s = o.signer ?? (await brokerSigner(t));
  const time = new Date();
  const { jws, note } = await s.sign({
    treeSize: body.treeSize,
    rootHash: Buffer.from(body.rootHash).toString('base64'),
    time,
    previousJws: body.previous.jws ?? null,
    previousLink: expectedLink(body.previous, 'note') ?? null,
    announce: false,
  });
  await insertCheckpoint(t.broker.db, { treeSize: body.treeSize, rootHash: body.rootHash, jws, ...(o.jwsOnly ? {} : { note }), createdAt: time });
  return { jws, note: o.jwsOnly ? null : note };
}

function evidenceOf(outcome: WitnessOutcome): { held: string; received: string; report: Record<string, unknown> } {
  if (outcome.status !== 'misbehaviour') throw new Error(`expected misbehaviour, got ${JSON.stringify(outcome)}`);
  const read = (base: string): string => {
    const note = join(outcome.evidence, `${base}.note`);
    return existsSync(note) ? readFileSync(note, 'utf8') : readFileSync(join(outcome.evidence, `${base}.jws`), 'utf8').trim();
  };
  return {
    held: read('held'),
    received: read('received'),
    report: JSON.parse(readFileSync(join(outcome.evidence, 'report.json'), 'utf8')) as Record<string, unknown>,
  };
}

describe('an honest broker', () => {
  // These tests leave the broker honest (they only ask questions and watch), so they share one;
  // each has a witness store of its own, so none sees another's state.
  let honest: TestBroker;
  beforeAll(async () => {
    honest = await startTestBroker();
  });
  afterAll(async () => honest?.close());
  const setupHonest = (): { b: TestBroker; store: string; round: () => Promise<WitnessOutcome> } => {
    dir = mkdtempSync(join(tmpdir(), 'jpp-witness-'));
    const store = join(dir, 'store');
    return { b: honest, store, round: () => witnessOnce({ client: createLogClient(honest.url), store }) };
  };

  it('is followed: key pinned on first use, each new checkpoint checked and kept', async () => {
    const { b: t, store, round } = setupHonest();
    await activity(t);
    const first = await round();
    expect(first.status).toBe('ok');
    const pinned = JSON.parse(readFileSync(join(store, 'public-key.json'), 'utf8'));
    expect(pinned).toEqual((await t.call('GET', '/v1/log/public-key')).body);
    const held = readWitnessStore(store).checkpoints.length;
    expect(held).toBeGreaterThan(0);

    expect(await round()).toMatchObject({ status: 'ok', added: 0 });
    await activity(t);
    await activity(t);
    const third = await round();
    expect(third).toMatchObject({ status: 'ok', added: 2 });
    const store2 = readWitnessStore(store);
    expect(store2.checkpoints).toHaveLength(held + 2);
    // One chain: each names the one before (the note's link: the previous note's text).
    for (let i = 1; i < store2.checkpoints.length; i++) {
      expect(store2.checkpoints[i]!.body.form).toBe('note');
      expect(store2.checkpoints[i]!.body.previous).toBe(expectedLink(store2.checkpoints[i - 1]!, 'note'));
    }
    expect(existsSync(join(store, 'evidence'))).toBe(false);
  });

  it('accepts the right key given out of band, and refuses to pin a different one later', async () => {
    const { b: t, store } = setupHonest();
    await activity(t);
    const keyFile = join(dir!, 'key.json');
    writeFileSync(keyFile, (await t.call('GET', '/v1/log/public-key')).text);
    const key = JSON.parse(readFileSync(keyFile, 'utf8')) as { origin: string; key: JWK };
    expect((await witnessOnce({ client: createLogClient(t.url), store, publicKey: key })).status).toBe('ok');
    const other = { key: { ...(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as JWK) } };
    await expect(witnessOnce({ client: createLogClient(t.url), store, publicKey: other })).rejects.toThrow(/differs from the key pinned/);
  });

  it('raises the alarm when the broker presents another key than the one obtained out of band', async () => {
    const { b: t, store } = setupHonest();
    await activity(t);
    const other = { key: generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as JWK };
    const outcome = await witnessOnce({ client: createLogClient(t.url), store, publicKey: other });
    expect(outcome).toMatchObject({ status: 'misbehaviour', kind: 'key-changed' });
  });

  it('treats an unreachable broker as an error to retry, not as misbehaviour', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jpp-witness-'));
    const client = createLogClient('http://127.0.0.1:9', { timeoutMs: 2000 });
    await expect(witnessOnce({ client, store: join(dir, 'store') })).rejects.toBeInstanceOf(LogClientError);
    const errors: string[] = [];
    const stop = new AbortController();
    const run = runWitness({ client, store: join(dir, 'store'), intervalSeconds: 1, signal: stop.signal, onError: (e) => errors.push(e.message) });
    while (errors.length === 0) await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    expect(await run).toBeUndefined();
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});

describe('a broker that rewrites history', () => {
  it('is caught: its next checkpoint is not consistent with the one the witness holds', async () => {
    const { b: t, store, round } = await setup();
    await activity(t);
    await activity(t);
    expect((await round()).status).toBe('ok');
    const heldBefore = readWitnessStore(store).checkpoints.at(-1)!;

    // The insider rewrites entry 5, its leaf hash and every Merkle node over it, so that the
    // stored tree is consistent again; then the broker goes on and signs a new checkpoint.
    const seq = 5;
    await asAttacker(t.broker.db, async (trx) => {
      const row = await entryAt(trx, seq);
      const forged = canonicalJson({ ...(JSON.parse(row.content) as object), outcome: 'rewritten' });
      await forgeEntry(trx, seq, forged);
      await rebuildNodes(trx);
    });
    // The broker's own sequencer refuses to sign over a tree that no longer matches its
    // last checkpoint, and says so in its health check ...
    const token = await t.token('demo-voorzitter');
    await t.call('POST', '/v1/queries', { token, body: await withCase(t.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
    await t.broker.sequencer.runOnce(); // places the new entries; no checkpoint is due yet
    await expect(t.broker.sequencer.drain({ forceCheckpoint: true })).rejects.toThrow(/does not match the stored tree/);
    await t.broker.sequencer.stop();
    // ... so the insider signs the rewritten history with the broker's key.
    const size = Number((await sql<{ n: number }>`select count(*)::int as n from logboek_leaves`.execute(t.broker.db)).rows[0]!.n);
    const stored = await getNodes(t.broker.db, decomposeRange(0, size));
    const root = rangeHash(0, size, (lv, i) => stored.get(nodeKey(lv, i))!);
    const previous = (await t.call('GET', '/v1/log/checkpoints/latest')).body as SignedCheckpoint;
    await forgeCheckpoint(t, { treeSize: size, rootHash: root, previous });

    const outcome = await round();
    expect(outcome).toMatchObject({ status: 'misbehaviour', kind: 'inconsistent' });
    const e = evidenceOf(outcome);
    expect(e.held).toBe(heldBefore.note);
    const latest = (await t.call('GET', '/v1/log/checkpoints/latest')).body;
    expect(e.received).toBe(latest.note);
    expect(e.report).toMatchObject({ kind: 'inconsistent', consistencyProof: { size1: heldBefore.body.treeSize, size2: latest.treeSize } });
    expect(outcome.status === 'misbehaviour' && outcome.message).toMatch(/not consistent with checkpoint \d+ .*changed entries that were already checkpointed/);
    // The new checkpoint was not kept, and the witness will not go on until a person looks.
    expect(readWitnessStore(store).checkpoints.at(-1)!.note).toBe(heldBefore.note);
    expect(existsSync(join(store, 'alarm.json'))).toBe(true);
    expect(await round()).toMatchObject({ status: 'misbehaviour', kind: 'earlier-alarm', evidence: (outcome as { evidence: string }).evidence });
  });

  it('is caught when it cannot even prove consistency (entries it had checkpointed are gone)', async () => {
    const { b: t, store, round } = await setup();
    await activity(t);
    expect((await round()).status).toBe('ok');
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    // The insider drops the newest entries and nodes, and signs a bigger checkpoint over made-up data.
    await asAttacker(t.broker.db, async (trx) => {
      await sql`delete from logboek_leaves where seq >= ${held.body.treeSize - 3}`.execute(trx);
    });
    await forgeCheckpoint(t, { treeSize: held.body.treeSize + 50, rootHash: nodeHash(new Uint8Array(32), new Uint8Array(32)), previous: held });
    expect(await round()).toMatchObject({ status: 'misbehaviour', kind: 'inconsistent' });
  });
});

describe('a broker that shows two histories', () => {
  it('is caught when it gives a second root for a size the witness holds', async () => {
    const { b: t, store, round } = await setup();
    await activity(t);
    expect((await round()).status).toBe('ok');
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    const forged = await forgeCheckpoint(t, { treeSize: held.body.treeSize, rootHash: nodeHash(new Uint8Array(32), new Uint8Array(32)), previous: held });
    const outcome = await round();
    expect(outcome).toMatchObject({ status: 'misbehaviour', kind: 'fork' });
    expect(outcome.status === 'misbehaviour' && outcome.message).toContain(`two different roots for size ${held.body.treeSize}`);
    const e = evidenceOf(outcome);
    expect(e).toMatchObject({ held: held.note, received: forged.note });
  });

  it('is caught in the JWS form too (a broker that goes back to checkpoints without notes)', async () => {
    const { b: t, store, round } = await setup();
    await activity(t);
    expect((await round()).status).toBe('ok');
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    const forged = await forgeCheckpoint(t, { treeSize: held.body.treeSize, rootHash: nodeHash(new Uint8Array(32), new Uint8Array(32)), previous: held }, { jwsOnly: true });
    const outcome = await round();
    expect(outcome).toMatchObject({ status: 'misbehaviour', kind: 'fork' });
    expect(readFileSync(join((outcome as { evidence: string }).evidence, 'received.jws'), 'utf8').trim()).toBe(forged.jws);
  });

  it('is caught when a checkpoint does not follow the last one held (a branch)', async () => {
    const { b: t, store, round } = await setup();
    await activity(t);
    await activity(t);
    expect((await round()).status).toBe('ok');
    const chain = readWitnessStore(store).checkpoints;
    const branchPoint = chain.at(-2)!;
    // Overlapping sizes: a checkpoint that extends the second-last one, past the last one.
    const forged = await forgeCheckpoint(t, { treeSize: chain.at(-1)!.body.treeSize + 1, rootHash: nodeHash(new Uint8Array(32), new Uint8Array(32)), previous: branchPoint });
    const outcome = await round();
    expect(outcome).toMatchObject({ status: 'misbehaviour', kind: 'fork' });
    expect(outcome.status === 'misbehaviour' && outcome.message).toMatch(/does not follow checkpoint \d+ .*the last one this witness holds/);
    expect(evidenceOf(outcome)).toMatchObject({ held: chain.at(-1)!.note, received: forged.note });
    // The evidence directory holds both checkpoints (in both forms) and a report, nothing else.
    expect(readdirSync((outcome as { evidence: string }).evidence).sort()).toEqual(['held.jws', 'held.note', 'received.jws', 'received.note', 'report.json']);
  });

  it('is caught by a polling witness, which then stops', async () => {
    const { b: t, store } = await setup();
    await activity(t);
    const rounds: WitnessOutcome[] = [];
    const stop = new AbortController();
    const running = runWitness({ client: createLogClient(t.url), store, intervalSeconds: 1, signal: stop.signal, onRound: (o) => rounds.push(o) });
    while (rounds.length === 0) await new Promise((r) => setTimeout(r, 50));
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    await forgeCheckpoint(t, { treeSize: held.body.treeSize, rootHash: new Uint8Array(32), previous: held });
    const outcome = await running;
    stop.abort();
    expect(outcome).toMatchObject({ status: 'misbehaviour', kind: 'fork' });
    expect(rounds[0]!.status).toBe('ok');
  }, 20_000);

  it('is caught even when the broker leaves the new checkpoint out of its list (the latest is asked for too)', async () => {
    const { b: t, store, round } = await setup();
    await activity(t);
    expect((await round()).status).toBe('ok');
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    await forgeCheckpoint(t, { treeSize: held.body.treeSize, rootHash: new Uint8Array(32), previous: held });
    const hiding = { ...createLogClient(t.url), checkpoints: async () => [] };
    expect(await witnessOnce({ client: hiding, store })).toMatchObject({ status: 'misbehaviour', kind: 'fork' });
  });

  it('is caught when a checkpoint is signed with another key', async () => {
    const { b: t, store, round } = await setup();
    await activity(t);
    expect((await round()).status).toBe('ok');
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    const stranger = await createLogSigner({ origin: held.body.origin, signingJwk: generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK });
    await forgeCheckpoint(t, { treeSize: held.body.treeSize + 1, rootHash: new Uint8Array(32), previous: held }, { signer: stranger });
    expect(await round()).toMatchObject({ status: 'misbehaviour', kind: 'bad-signature' });
  });
});
