/**
 * `jpp-broker audit …` as a jurist runs it (bin/jpp-broker.js once, the same program in the test's
 * process otherwise) against a live broker. Witness, export, verify (export, live, database), prove; the exit codes (0 valid, 2 a
 * break or misbehaviour, 1 usage); what is printed, and what is not (no identities or subject
 * hashes); and the embedded database's one-process rule for --database.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { createTestDatabase } from '../support/test-database.js';
import { runCli, spawnCli, type CliRun } from '../support/cli.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { loadConfig } from '../../broker/config/config.js';
import { loadDemoSecrets } from '../../broker/config/demo-secrets.js';
import { createBroker, type Broker } from '../../broker/app/create-broker.js';
import { createLogger } from '../../broker/http/logger.js';
import type { DatabaseTarget } from '../../broker/db/database.js';
import { checkpointDigest, createCheckpointSigner } from '../../broker/logboek/checkpoint.js';
import { insertCheckpoint } from '../../broker/logboek/logboek.repository.js';
import { readWitnessStore } from '../../broker/logboek/witness-store.js';
import { createWitnessPusher } from '../../broker/logboek/witness-pusher.js';

const BIN = fileURLToPath(new URL('../../bin/jpp-broker.js', import.meta.url));

type Run = CliRun;

/**
 * Runs the CLI in this process (test/support/cli.ts); `env` entries set to undefined are removed
 * for the call. The binary is started as a child process where that is the point: once to prove
 * its wiring, for the witness it serves until SIGTERM, and for the embedded database's
 * one-process rule.
 */
const cli = (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> => runCli(args, { env });

async function activity(call: TestBroker['call'], token: string, drain: () => Promise<unknown>, questions = 2): Promise<void> {
  for (let i = 0; i < questions; i++) {
    const res = await call('POST', '/v1/queries', { token, body: await withCase(call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
    expect(res.status).toBe(200);
  }
  await drain();
}

/** Identities that must never appear in audit output (actors, organisations). */
const IDENTITIES = /demo-voorzitter|zvh-limburg-noord|"subject"/;

describe('against a running broker', () => {
  let b: TestBroker;
  let dir: string;
  let jurist: string;
  beforeAll(async () => {
    b = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'jpp-audit-cli-'));
    jurist = await b.token('demo-jurist');
    const token = await b.token('demo-voorzitter');
    for (let i = 0; i < 3; i++) await activity(b.call, token, () => b.broker.sequencer.drain({ forceCheckpoint: true }));
  });
  afterAll(async () => {
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to be called wrongly, with exit code 1', async () => {
    // The binary, as a jurist starts it: its wiring of `audit`.
    const none = await spawnCli(['audit', 'verify']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('give exactly one source');
    const two = await cli(['audit', 'verify', '--export', dir, '--database']);
    expect(two.code).toBe(1);
    const missing = await cli(['audit', 'witness', '--store', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--url/);
    const noExport = await cli(['audit', 'verify', '--export', join(dir, 'nothing'), '--public-key', join(dir, 'nothing')]);
    expect(noExport.code).toBe(1);
    expect(noExport.stderr).toMatch(/no manifest\.json/);
  }, 60_000);

  it('witnesses, exports, verifies and proves; then catches an edited export', async () => {
    const store = join(dir, 'witness');
    const w = await cli(['audit', 'witness', '--url', b.url, '--store', store, '--once']);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/witness: \d+ new checkpoints verified and kept; latest held: checkpoint \d+ \(size \d+\)/);
    const held = readWitnessStore(store).checkpoints.at(-1)!;

    const out = join(dir, 'export');
    const e = await cli(['audit', 'export', '--url', b.url, '--out', out], { JPP_TOKEN: jurist });
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(new RegExp(`exported entries 0–${held.body.treeSize - 1} \\(${held.body.treeSize} entries\\)`));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ treeSize: held.body.treeSize, checkpoint: held.jws, files: { 'entries.jsonl': expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(readFileSync(join(out, 'entries.jsonl'), 'utf8').trim().split('\n')).toHaveLength(held.body.treeSize);

    const v = await cli(['audit', 'verify', '--export', out, '--witness-store', store]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`checkpoint: checkpoint ${held.id} (size ${held.body.treeSize})`);
    expect(v.stdout).toContain(`key: pinned by the witness in ${store}`);
    expect(v.stdout).toMatch(/ {2}entries checked: +\d+\n {2}checkpoints checked: \d+\n {2}time: +\d/);
    expect(v.stdout).toContain(`RESULT: VALID: entries 0–${held.body.treeSize - 1} are exactly the ${held.body.treeSize} entries the checkpoint commits to`);
    expect(v.stdout).not.toMatch(IDENTITIES);

    const live = await cli(['audit', 'verify', '--url', b.url, '--token', jurist, '--witness-store', store, '--json']);
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ valid: true, treeSize: held.body.treeSize, entries: held.body.treeSize });

    // The first question in the log (the demo's register and policy entries come before it).
    const first = readFileSync(join(out, 'entries.jsonl'), 'utf8').trim().split('\n').findIndex((l) => l.includes('"action":"question"'));
    expect(first).toBeGreaterThanOrEqual(0);
    const p = await cli(['audit', 'prove', '--url', b.url, '--seq', String(first), '--export', out, '--witness-store', store]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`entry ${first}: question, answered, ended \\d{4}-`));
    expect(p.stdout).toContain(`INCLUDED: entry ${first} is included in checkpoint ${held.id} (size ${held.body.treeSize})`);
    const p2 = await cli(['audit', 'prove', '--url', b.url, '--seq', '0', '--token', jurist, '--witness-store', store]);
    expect(p2.code).toBe(0);
    expect(p2.stdout).not.toMatch(IDENTITIES);

    // Someone edits one line of the export: verify names it and notices the file hash.
    const lines = readFileSync(join(out, 'entries.jsonl'), 'utf8').split('\n');
    const target = lines.findIndex((l) => l.includes('"outcome":"no-hit"'));
    expect(target).toBeGreaterThanOrEqual(0);
    lines[target] = lines[target]!.replace('"outcome":"no-hit"', '"outcome":"hit"');
    writeFileSync(join(out, 'entries.jsonl'), lines.join('\n'));
    const broken = await cli(['audit', 'verify', '--export', out, '--witness-store', store]);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain(`RESULT: BROKEN at entry ${target} (changed)`);
    expect(broken.stdout).toContain(`entry ${target} was changed: its content no longer matches its leaf hash`);
    expect(broken.stdout).not.toMatch(IDENTITIES);
  }, 120_000);

  it('exports in the compact tlog-tiles form, verifies it, and catches an edited entry, an entry and its leaf hash edited together, and a cut-off end', async () => {
    const store = join(dir, 'witness-tiles');
    expect((await cli(['audit', 'witness', '--url', b.url, '--store', store, '--once'])).code).toBe(0);
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    const out = join(dir, 'export-tiles');
    const e = await cli(['audit', 'export', '--url', b.url, '--out', out, '--format', 'tlog-tiles'], { JPP_TOKEN: jurist });
    expect(e.code, e.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'tlog-tiles', files: { 'entries.bundles': expect.stringMatching(/^[0-9a-f]{64}$/), 'leaves.tile0': expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const size = manifest.treeSize as number;
    expect(statSync(join(out, 'leaves.tile0')).size).toBe(32 * size);
    // The broker logged the export's read as a log-export entry.
    expect((await b.broker.db.selectFrom('logboek_entries').select('id').where('action', '=', 'log-export').execute()).length).toBeGreaterThan(0);

    const ok = await cli(['audit', 'verify', '--export', out, '--witness-store', store, '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, entries: held.body.treeSize });

    const bundles = readFileSync(join(out, 'entries.bundles'));
    /** Offsets of each entry's leaf bytes in entries.bundles. */
    const offsets: Array<{ at: number; length: number }> = [];
    for (let at = 0; at < bundles.length; ) {
      const length = bundles.readUInt16BE(at);
      offsets.push({ at: at + 2, length });
      at += 2 + length;
    }
    expect(offsets).toHaveLength(size);
    const target = offsets.findIndex((o) => bundles.toString('utf8', o.at, o.at + o.length).includes('"outcome":"no-hit"'));
    expect(target).toBeGreaterThanOrEqual(0);
    const edit = async (file: string, bytes: Buffer): Promise<Run> => {
      const original = readFileSync(join(out, file));
      writeFileSync(join(out, file), bytes);
      try {
        return await cli(['audit', 'verify', '--export', out, '--witness-store', store]);
      } finally {
        writeFileSync(join(out, file), original);
      }
    };
    // One entry's outcome changed (same length): named exactly, and the file hash is noticed.
    const changed = Buffer.from(bundles);
    const o = offsets[target]!;
    changed.write(changed.toString('utf8', o.at, o.at + o.length).replace('"outcome":"no-hit"', '"outcome":"hit!!!"'), o.at, 'utf8');
    const c1 = await edit('entries.bundles', changed);
    expect(c1.code).toBe(2);
    expect(c1.stdout).toContain(`RESULT: BROKEN at entry ${target} (changed)`);
    expect(c1.stdout).toContain('entries.bundles was changed after the export');
    expect(c1.stdout).not.toMatch(IDENTITIES);
    // The entry and its leaf hash both changed to match: the checkpoint's root no longer does.
    const leaves = Buffer.from(readFileSync(join(out, 'leaves.tile0')));
    const forged = createHash('sha256').update(Buffer.concat([Buffer.from([0]), changed.subarray(o.at, o.at + o.length)])).digest();
    forged.copy(leaves, 32 * target);
    writeFileSync(join(out, 'entries.bundles'), changed);
    const c2 = await edit('leaves.tile0', leaves);
    writeFileSync(join(out, 'entries.bundles'), bundles);
    expect(c2.code).toBe(2);
    expect(c2.stdout).toMatch(/RESULT: BROKEN .*root-mismatch/);
    // The last entry cut off: truncated.
    const c3 = await edit('entries.bundles', bundles.subarray(0, offsets[held.body.treeSize - 1]!.at - 2));
    expect(c3.code).toBe(2);
    expect(c3.stdout).toMatch(/truncated/);
  }, 120_000);

  it('verifies against a checkpoint file and a key file, and says when trust comes from the export itself', async () => {
    const out = join(dir, 'export-2');
    expect((await cli(['audit', 'export', '--url', b.url, '--token', jurist, '--out', out])).code).toBe(0);
    writeFileSync(join(dir, 'key.json'), (await b.call('GET', '/v1/log/public-key')).text);
    writeFileSync(join(dir, 'latest.json'), (await b.call('GET', '/v1/log/checkpoints/latest')).text);
    const files = await cli(['audit', 'verify', '--export', out, '--checkpoint', join(dir, 'latest.json'), '--public-key', join(dir, 'key.json')]);
    // The test broker's clock stands still, so no checkpoint was written after the export began.
    expect(files.code).toBe(0);
    expect(files.stdout).toContain(`, from ${join(dir, 'latest.json')}`);
    expect(files.stdout).toContain(`key: from ${join(dir, 'key.json')}`);
    const self = await cli(['audit', 'verify', '--export', out]);
    expect(self.code).toBe(0);
    expect(self.stdout).toContain('NOT independent');
  }, 60_000);

  it('serves tlog-witness add-checkpoint with --listen: the broker pushes, it cosigns, SIGTERM stops it', async () => {
    writeFileSync(join(dir, 'served-key.json'), (await b.call('GET', '/v1/log/public-key')).text);
    const child = spawn(process.execPath, [BIN, 'audit', 'witness', '--listen', '127.0.0.1:0', '--key', join(dir, 'witness-key.json'), '--name', 'jurist.test/cli',
      '--store', join(dir, 'served-store'), '--public-key', join(dir, 'served-key.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !/JPP_WITNESSES: \S+\n/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    const url = /listening on (http:\/\/\S+)\/add-checkpoint for jpp-broker\/jpp-sittard-geleen/.exec(out)![1]!;
    const vkey = /JPP_WITNESSES: (\S+)/.exec(out)![1]!;
    expect(vkey).toMatch(/^jurist\.test\/cli\+[0-9a-f]{8}\+/);
    expect(statSync(join(dir, 'witness-key.json')).mode & 0o777).toBe(0o600);
    const pusher = createWitnessPusher({ db: b.broker.db, witnesses: [{ url, vkey }], quorum: 1, maxLagSeconds: 60, now: () => new Date(), logger: createLogger({ level: 'silent' }) });
    expect(await pusher.push()).toEqual([{ witness: 'jurist.test/cli', status: 'cosigned' }]);
    expect((await pusher.witnessLag()).behind).toBe(false);
    expect(out).toMatch(/jpp-broker\/jpp-sittard-geleen: 200 cosigned size \d+/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('exits 2 and keeps the evidence when the broker forks its history', async () => {
    const store = join(dir, 'witness-fork');
    expect((await cli(['audit', 'witness', '--url', b.url, '--store', store, '--once'])).code).toBe(0);
    const held = readWitnessStore(store).checkpoints.at(-1)!;
    const signer = await createCheckpointSigner(loadDemoSecrets(b.dataDir).logSigningJwk as JWK);
    const time = new Date();
    const jws = await signer.sign({ origin: held.body.origin, treeSize: held.body.treeSize, rootHash: Buffer.alloc(32).toString('base64'), time: time.toISOString(), previous: checkpointDigest(held.jws!) });
    await insertCheckpoint(b.broker.db, { treeSize: held.body.treeSize, rootHash: new Uint8Array(32), jws, createdAt: time });
    const w = await cli(['audit', 'witness', '--url', b.url, '--store', store, '--once']);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain(`MISBEHAVIOUR (fork): two different roots for size ${held.body.treeSize}`);
    const evidence = /evidence kept in (.+)/.exec(w.stderr)![1]!.trim();
    expect(readFileSync(join(evidence, 'held.jws'), 'utf8').trim()).toBe(held.jws);
    expect(readFileSync(join(evidence, 'received.jws'), 'utf8').trim()).toBe(jws);
    const again = await cli(['audit', 'witness', '--url', b.url, '--store', store, '--once']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('MISBEHAVIOUR (earlier-alarm)');
  }, 60_000);
});

/** A broker on a database the CLI can open itself: an embedded PGlite DATA_DIR, or a PostgreSQL database. */
async function persistentBroker(engine: 'pglite' | 'postgres'): Promise<{ broker: Broker; url: string; server: Server; env: Record<string, string | undefined>; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-audit-db-'));
  const config = loadConfig({ JPP_MODE: 'demo', DATA_DIR: dataDir, PORT: '0' });
  let target: DatabaseTarget = { kind: 'pglite', dataDir };
  let drop = async (): Promise<void> => undefined;
  let env: Record<string, string | undefined> = { DATA_DIR: dataDir, DATABASE_URL: undefined };
  if (engine === 'postgres') {
    const database = await createTestDatabase(process.env['DATABASE_URL']!, 'jpp_audit');
    target = { kind: 'postgres', url: database.url, poolSize: 3 };
    env = { DATABASE_URL: database.url };
    drop = database.drop;
  }
  const broker = await createBroker(config, { logger: createLogger({ level: 'silent' }), database: target });
  const server: Server = await new Promise((resolve, reject) => {
    const s = broker.app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  return {
    broker,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    env,
    dataDir,
    async cleanup() {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const engines: Array<'pglite' | 'postgres'> = process.env['DATABASE_URL'] ? ['pglite', 'postgres'] : ['pglite'];

describe.each(engines)('--database on %s', (engine) => {
  it('reads a stopped broker\'s database, and refuses an embedded one that is in use', async () => {
    const p = await persistentBroker(engine);
    try {
      const call: TestBroker['call'] = async (method, path, opts = {}) => {
        const res = await fetch(`${p.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
          ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
      };
      const token = await p.broker.devIssuer!.sign({ org: 'zvh-limburg-noord', role: 'voorzitter' }, 'demo-voorzitter', loadConfig({ JPP_MODE: 'demo', DATA_DIR: p.dataDir }).jwt.audience);
      await activity(call, token, () => p.broker.sequencer.drain({ forceCheckpoint: true }));
      const store = join(p.dataDir, 'witness');
      expect((await cli(['audit', 'witness', '--url', p.url, '--store', store, '--once'])).code).toBe(0);
      if (engine === 'pglite') {
        // Another process, as the rule is about processes.
        const busy = await spawnCli(['audit', 'verify', '--database', '--witness-store', store], { env: p.env });
        expect(busy.code).toBe(1);
        expect(busy.stderr).toMatch(/in use by another process.*use --url/);
      }
      await new Promise<void>((resolve) => p.server.close(() => resolve()));
      await p.broker.close();
      const v = await cli(['audit', 'verify', '--database', '--witness-store', store], p.env);
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
      expect(v.stdout).toMatch(/Verifying the logboek of .* \(database\)/);
      expect(v.stdout).toContain('RESULT: VALID');
      expect(existsSync(join(store, 'alarm.json'))).toBe(false);
    } finally {
      await p.cleanup();
    }
  }, 120_000);
});
