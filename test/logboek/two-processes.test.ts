/**
 * Two broker processes on one PostgreSQL database answer queries at the same time and
 * still form one consistent Merkle tree: contiguous leaf indices, checkpoints that chain (as JWS
 * and as signed notes), consistency proofs between every pair of successive checkpoints, and
 * checkpoints cosigned by a tlog-witness both processes push to.
 * PostgreSQL only: the embedded database admits one process by design.
 */
import { platformFileWith, UNLIMITED } from '../support/platform-file.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomPseudonym, opaqueRef } from '../support/synthetic.js';
import { aanmelding } from '../support/casus.js';
import { BROKER_BIN, spawnService, type SpawnedService } from '../support/spawn-service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { verifyCheckpoint, checkpointDigest } from '../../broker/logboek/checkpoint.js';
import { verifyConsistency } from '../../broker/logboek/merkle/merkle-verify.js';
import { expectedLink, verifySignedCheckpoint } from '../../broker/logboek/checkpoint-forms.js';
import { cosignatureVerifierFromVkey } from '../../broker/logboek/cosignature.js';
import { parseNote } from '../../broker/logboek/signed-note.js';
import { createWitnessServer, loadOrCreateWitnessKey, type WitnessServer } from '../../broker/logboek/witness-server.js';
import { pinKey, readWitnessStore } from '../../broker/logboek/witness-store.js';

const adminUrl = process.env['DATABASE_URL'];
if (!adminUrl) console.warn('two-processes.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');
const run = promisify(execFile);

describe.skipIf(!adminUrl)('two broker processes on one database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-two-'));
  const brokers: SpawnedService[] = [];
  const urls: string[] = [];
  let database: TestDatabase;
  let dbUrl = '';
  const signingJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
  const { d: _d, ...publicJwk } = signingJwk;
  let witness: WitnessServer;
  let witnessVkey = '';
  let witnessUrl = '';

  const startBroker = async (): Promise<string> => {
    const env = {
      ...process.env, DATABASE_URL: dbUrl, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', JPP_CHECKPOINT_ENTRIES: '40',
      JPP_LOG_SIGNING_KEY: JSON.stringify(signingJwk),
      JPP_WITNESSES: JSON.stringify([{ url: witnessUrl, vkey: witnessVkey }]),
      // 60 casussen and questions by one voorzitter within a minute: above the shipped rate limits.
      JPP_PLATFORM_FILE: platformFileWith({ rateLimits: UNLIMITED }),
    };
    const service = await spawnService(['start', '--demo'], env);
    brokers.push(service);
    return service.url;
  };

  beforeAll(async () => {
    // A witness both processes push their checkpoints to.
    pinKey(join(dataDir, 'witness'), { origin: 'jpp-broker/jpp-sittard-geleen', key: publicJwk });
    const { cosigner } = loadOrCreateWitnessKey(join(dataDir, 'witness-key.json'), 'jurist.test/two');
    witnessVkey = cosigner.vkey;
    witness = await createWitnessServer({ cosigner, stores: [join(dataDir, 'witness')] });
    witnessUrl = `http://127.0.0.1:${((await witness.listen(0)).address() as { port: number }).port}`;
    database = await createTestDatabase(adminUrl!, 'jpp_two');
    dbUrl = database.url;
    // The first process migrates and seeds; the second starts on the ready database.
    urls.push(await startBroker());
    urls.push(await startBroker());
  }, 90_000);

  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.stop()));
    await witness?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('forms one consistent tree', async () => {
    const env = { ...process.env, DATA_DIR: dataDir };
    const token = (await run(process.execPath, [BROKER_BIN, 'token', '--user', 'demo-voorzitter'], { env })).stdout.trim();
    const post = (url: string, body: unknown) =>
      fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ask = async (url: string) => {
      const [subject, caseRef] = [randomPseudonym(), opaqueRef('case')];
      await post(`${url}/v1/cases`, { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) });
      return (await post(`${url}/v1/queries`, { subject, doel: 'jpp-screening', caseRef })).status;
    };
    const perBroker = 30;
    const statuses = await Promise.all(
      urls.flatMap((url) => Array.from({ length: perBroker }, () => ask(url))),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      // One question entry per answered question (issue 21 step B), its nine answers inside.
      const expected = 2 * perBroker;
      let placed = 0;
      for (let i = 0; i < 100 && placed < expected; i++) {
        placed = Number((await db.query(`select count(*) from logboek_leaves l join logboek_entries e on e.id = l.entry_id where e.action = 'question'`)).rows[0].count);
        if (placed < expected) await new Promise((r) => setTimeout(r, 100));
      }
      expect(placed).toBe(expected);
      const seqs = (await db.query('select seq from logboek_leaves order by seq')).rows.map((r) => Number(r.seq));
      expect(seqs).toEqual(seqs.map((_, i) => i));

      const key = (await (await fetch(`${urls[0]}/v1/log/public-key`)).json()) as { origin: string; key: Record<string, string> };
      const list = ((await (await fetch(`${urls[1]}/v1/log/checkpoints?limit=1000`)).json()) as { checkpoints: Array<{ id: number; treeSize: number; rootHash: string; jws: string; note: string }> }).checkpoints;
      expect(list.length).toBeGreaterThanOrEqual(2);
      let previous: string | null = null;
      let last: { treeSize: number; rootHash: string; jws: string; note: string } | undefined;
      for (const c of list) {
        const body = await verifyCheckpoint(c.jws, key.key, key.origin);
        expect(body.previous).toBe(previous);
        previous = checkpointDigest(c.jws);
        const note = await verifySignedCheckpoint({ note: c.note }, [key.key], key.origin);
        expect(note).toMatchObject({ form: 'note', treeSize: c.treeSize, rootHash: c.rootHash, previous: last ? expectedLink(last, 'note') : null });
        if (last) {
          const proof = ((await (await fetch(`${urls[0]}/v1/log/proofs/consistency?size1=${last.treeSize}&size2=${c.treeSize}`)).json()) as { proof: string[] }).proof;
          const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
          expect(verifyConsistency(last.treeSize, c.treeSize, b(last.rootHash), b(c.rootHash), proof.map(b))).toBe(true);
        }
        last = c;
      }

      // The newest checkpoint is cosigned: pushed by either process, stored once, served with the note.
      const verifier = cosignatureVerifierFromVkey(witnessVkey);
      let latest: { treeSize: number; note: string } | undefined;
      for (let i = 0; i < 100; i++) {
        latest = (await (await fetch(`${urls[0]}/v1/log/checkpoints/latest`)).json()) as { treeSize: number; note: string };
        if (latest.note.includes(`\u2014 ${verifier.name} `)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const parsed = parseNote(latest!.note);
      const cosignatures = parsed.signatures.filter((s) => s.name === verifier.name && s.keyId === verifier.keyId);
      expect(cosignatures).toHaveLength(1);
      expect(verifier.verify(parsed.text, cosignatures[0]!.signature)).toBe(true);
      expect(readWitnessStore(join(dataDir, 'witness')).checkpoints.at(-1)!.body.treeSize).toBe(latest!.treeSize);
      const rows = (await db.query('select checkpoint_id, witness, count(*)::int as n from logboek_cosignatures group by 1, 2')).rows as Array<{ n: number }>;
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await db.end();
    }
  }, 120_000);
});
