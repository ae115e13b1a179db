/**
 * Checkpoint-key rotation: the broker is given a new key (JPP_LOG_SIGNING_KEY) and its old one
 * (JPP_LOG_PREVIOUS_SIGNING_KEY); its next checkpoint announces the new key and is signed by both;
 * a polling witness and a tlog-witness server that held the old key follow the new one without a
 * person, refuse a checkpoint that the old key signs afterwards, and `audit verify` still verifies
 * the whole log, old checkpoints with the old key.
 *
 * The rotation is the sequencer of a broker restarted with the new keys: here a second sequencer
 * on the broker's database with those keys, after the first one stopped.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { createLogSigner } from '../../broker/logboek/log-signer.js';
import { createSequencer, type Sequencer } from '../../broker/logboek/sequencer.js';
import { createWitnessPusher } from '../../broker/logboek/witness-pusher.js';
import { createWitnessServer, loadOrCreateWitnessKey, type WitnessServer } from '../../broker/logboek/witness-server.js';
import { pinKey, readWitnessStore } from '../../broker/logboek/witness-store.js';
import { witnessOnce } from '../../broker/logboek/witness.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { openCheckpoint } from '../../broker/logboek/checkpoint-note.js';
import { noteVerifiersOf } from '../../broker/logboek/checkpoint-forms.js';
import { insertCheckpoint, latestCheckpoint } from '../../broker/logboek/logboek.repository.js';
import { verifyCommand, type AuditIo } from '../../broker/commands/audit.js';

const ORIGIN = 'broker.test/rotation/v1/log';
const newKey = (): JWK => generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
const publicOf = ({ d: _d, ...pub }: JWK): JWK => pub;

describe('a checkpoint-key rotation', () => {
  const oldKey = newKey();
  const nextKey = newKey();
  let b: TestBroker;
  let dir: string;
  let server: WitnessServer;
  let serverVkey = '';
  let serverUrl = '';
  let rotated: Sequencer;

  const ask = async (n: number): Promise<void> => {
    const token = await b.token('demo-voorzitter');
    for (let i = 0; i < n; i++) {
      expect((await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) })).status).toBe(200);
    }
  };
  const pusher = () =>
    createWitnessPusher({ db: b.broker.db, witnesses: [{ url: serverUrl, vkey: serverVkey }], quorum: 1, maxLagSeconds: 60, now: () => new Date(), logger: pino({ enabled: false }) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jpp-rotation-'));
    b = await startTestBroker({ env: { JPP_LOG_SIGNING_KEY: JSON.stringify(oldKey), JPP_LOG_ORIGIN: ORIGIN, JPP_SEQUENCER: 'off' } });
    pinKey(join(dir, 'server-store'), { origin: ORIGIN, key: publicOf(oldKey) });
    const { cosigner } = loadOrCreateWitnessKey(join(dir, 'witness-key.json'), 'jurist.test/rotation');
    serverVkey = cosigner.vkey;
    server = await createWitnessServer({ cosigner, stores: [join(dir, 'server-store')] });
    serverUrl = `http://127.0.0.1:${((await server.listen(0)).address() as { port: number }).port}`;
  }, 120_000);

  afterAll(async () => {
    await rotated?.stop();
    await server?.close();
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is followed by both witnesses, and the old key can sign nothing after it', async () => {
    await ask(3);
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    expect((await pusher().push())[0]).toMatchObject({ status: 'cosigned' });
    expect(await witnessOnce({ client: createLogClient(b.url), store: join(dir, 'poll-store') })).toMatchObject({ status: 'ok' });

    // The operator restarts the broker with the new key, and the old one as the previous key.
    await b.broker.sequencer.stop();
    const signer = await createLogSigner({ origin: ORIGIN, signingJwk: nextKey, previousSigningJwk: oldKey });
    rotated = createSequencer({ db: b.broker.db, signer, checkpointEveryEntries: 1000, checkpointEverySeconds: 3600, now: () => new Date(), logger: pino({ enabled: false }) });
    await ask(2);
    await rotated.drain({ forceCheckpoint: true });
    const announcement = (await latestCheckpoint(b.broker.db))!;
    // Announced in a `key` line, signed by the old key and the new one.
    const opened = openCheckpoint(announcement.note!, signer.noteVerifiers, ORIGIN);
    expect(opened.body.nextKey).toBe(signer.vkey);
    expect(opened.signedBy.map((s) => s.keyId).sort()).toEqual([signer.keyId, signer.previous!.keyId].sort());
    await ask(2);
    await rotated.drain({ forceCheckpoint: true });
    const after = (await latestCheckpoint(b.broker.db))!;
    expect(openCheckpoint(after.note!, noteVerifiersOf(ORIGIN, [publicOf(nextKey)]), ORIGIN).body.nextKey).toBeUndefined();
    expect(() => openCheckpoint(after.note!, noteVerifiersOf(ORIGIN, [publicOf(oldKey)]), ORIGIN)).toThrow(/no signature by a known key/);

    // The pushed-to witness cosigns both, following the announced key.
    expect((await pusher().push())[0]).toMatchObject({ status: 'cosigned' });
    const serverStore = readWitnessStore(join(dir, 'server-store'));
    expect(serverStore.pinned.vkey).toBe(signer.vkey);
    expect(serverStore.keys).toHaveLength(2);
    expect(serverStore.checkpoints.at(-1)!.body.treeSize).toBe(after.treeSize);
    // The polling witness follows it too, in one round over both new checkpoints.
    const round = await witnessOnce({ client: createLogClient(b.url), store: join(dir, 'poll-store') });
    expect(round).toMatchObject({ status: 'ok', added: 2, rotated: signer.vkey });
    expect(readWitnessStore(join(dir, 'poll-store')).pinned.earlierKeys![0]!.key.x).toBe(oldKey.x);

    // `audit verify` from the database, against the polling witness: every checkpoint, old key and new.
    const lines: string[] = [];
    const io: AuditIo = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
    expect(await verifyCommand({ database: true, witnessStore: join(dir, 'poll-store'), json: true }, io, { db: b.broker.db })).toBe(0);
    const report = JSON.parse(lines.join('\n')) as { valid: boolean; checkpointsChecked: number };
    expect(report.valid).toBe(true);
    expect(report.checkpointsChecked).toBe(readWitnessStore(join(dir, 'poll-store')).checkpoints.length);

    // Whoever still holds the old key signs a checkpoint after the rotation: neither witness takes it.
    const oldSigner = await createLogSigner({ origin: ORIGIN, signingJwk: oldKey });
    const forged = await oldSigner.sign({ treeSize: after.treeSize, rootHash: Buffer.alloc(32).toString('base64'), time: new Date(), previousJws: after.jws, previousLink: null, announce: false });
    await insertCheckpoint(b.broker.db, { treeSize: after.treeSize, rootHash: new Uint8Array(32), jws: forged.jws, note: forged.note, createdAt: new Date() });
    expect((await pusher().push())[0]).toMatchObject({ status: 'refused', detail: 'answered 403' });
    expect(await witnessOnce({ client: createLogClient(b.url), store: join(dir, 'poll-store') })).toMatchObject({ status: 'misbehaviour', kind: 'bad-signature' });
  }, 240_000);
});
