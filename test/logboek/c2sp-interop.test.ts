/**
 * The logboek against an independent implementation of the C2SP transparency-log formats: Go's
 * golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's golang-golang-x-mod-dev), driven by
 * test/logboek/go/c2spcheck, which is built here, offline, into a temporary directory.
 *
 * - The broker's checkpoint (GET /v1/log/checkpoint) opens with note.Open under the log's vkey,
 *   and carries the cosignatures of two witnesses the broker pushed it to (tlog-witness): one in
 *   Go, one the broker's own (`audit witness --listen`), both counted by the broker's witness
 *   policy (witnessLag).
 * - Every tile and entry bundle is read through tlog.TileHashReader, which authenticates the tiles
 *   against the checkpoint; every entry hashes to its leaf; inclusion and consistency are proved
 *   with tlog.ProveRecord/CheckRecord and ProveTree/CheckTree; redacted entries are empty.
 * - A Go log pushes add-checkpoint to the broker's witness and gets the answers tlog-witness
 *   prescribes, cosignatures that Go verifies, and no cosignature for a fork.
 *
 * Skipped, with a message, where `go` or golang.org/x/mod is not installed.
 */
import { createMetrics, type Metrics } from '../../broker/telemetry/metrics.js';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { platformFileWith, UNLIMITED } from '../support/platform-file.js';
import { ed25519NoteVerifier, rawEd25519 } from '../../broker/logboek/signed-note.js';
import { createWitnessServer, loadOrCreateWitnessKey, type WitnessServer } from '../../broker/logboek/witness-server.js';
import { pinFromVkey, pinKey, readWitnessStore } from '../../broker/logboek/witness-store.js';

const GOPATH = process.env['JPP_TEST_GOPATH'] ?? '/usr/share/gocode';
const goFound = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
const xmodFound = existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/note/note.go'));
const skip = !goFound || !xmodFound;
if (skip) {
  console.warn(
    `c2sp-interop.test.ts: SKIPPED: ${!goFound ? '`go` is not installed' : `golang.org/x/mod is not in ${GOPATH}`} (Debian: apt-get install golang-go golang-golang-x-mod-dev); ` +
      'the logboek is then not checked against an independent C2SP implementation',
  );
}

const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('./go/c2spcheck', import.meta.url));
const ORIGIN = 'broker.test/p/jpp-sittard-geleen/v1/log';

let work = '';
let bin = '';

/**
 * Runs the Go program to its end; its stdout is one JSON object. Asynchronously: it talks to the
 * broker and the witness in this process, which must go on answering.
 */
async function go(args: string[]): Promise<Record<string, any>> {
  try {
    const { stdout } = await run(bin, args, { timeout: 120_000, maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Record<string, any>;
  } catch (err) {
    throw new Error(`c2spcheck ${args[0]} failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
  }
}

/** Starts the Go witness; resolves with its URL and vkey (its first line), and the process. */
async function goWitness(logVkey: string): Promise<{ url: string; vkey: string; child: ChildProcess }> {
  const child = spawn(bin, ['witness', '-listen', '127.0.0.1:0', '-log-vkey', logVkey, '-name', 'go-witness.test/w1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the Go witness exited with ${code}`)));
  });
  const { url, vkey } = JSON.parse(first) as { url: string; vkey: string };
  return { url, vkey, child };
}

async function ask(b: TestBroker, n: number): Promise<void> {
  const token = await b.token('demo-voorzitter');
  for (let i = 0; i < n; i++) {
    const res = await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('case') }) });
    expect(res.status).toBe(200);
  }
}

/** Pushes the newest checkpoint (the sequencer's own push may have done it already). */
async function pushed(b: TestBroker): Promise<void> {
  const outcomes = await b.broker.witnesses.push();
  expect(outcomes.map((o) => `${o.witness}: ${o.status === 'already' ? 'cosigned' : o.status}${o.detail && o.status !== 'already' ? ` (${o.detail})` : ''}`).sort()).toEqual([
    'go-witness.test/w1: cosigned',
    'jurist.test/witness: cosigned',
  ]);
}

describe.skipIf(skip)("the logboek, checked with Go's golang.org/x/mod/sumdb/note and sumdb/tlog", () => {
  let b: TestBroker;
  let metrics: Metrics;
  let goW: Awaited<ReturnType<typeof goWitness>>;
  let ours: WitnessServer;
  let oursVkey = '';
  let logVkey = '';
  const DAY = 864e5;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'jpp-c2sp-'));
    bin = join(work, 'c2spcheck');
    const build = spawnSync('go', ['build', '-o', bin, '.'], {
      cwd: SOURCE,
      encoding: 'utf8',
      // GOPATH mode: the packages come from Debian's tree, nothing is downloaded.
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOCACHE: join(work, 'gocache'), GOPROXY: 'off' },
    });
    if (build.status !== 0) throw new Error(`building c2spcheck failed: ${build.stderr}`);

    const signingJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
    logVkey = ed25519NoteVerifier(ORIGIN, rawEd25519(signingJwk)).vkey;
    goW = await goWitness(logVkey);
    // The broker's own witness, as a jurist would run it: a store pinned to the log's key.
    const store = join(work, 'our-witness');
    pinKey(store, pinFromVkey(logVkey));
    const { cosigner } = loadOrCreateWitnessKey(join(work, 'our-witness-key.json'), 'jurist.test/witness');
    oursVkey = cosigner.vkey;
    ours = await createWitnessServer({ cosigner, stores: [store] });
    const listening = await ours.listen(0);
    const port = (listening.address() as { port: number }).port;

    metrics = createMetrics();
    b = await startTestBroker({
      metrics,
      env: {
        JPP_LOG_SIGNING_KEY: JSON.stringify(signingJwk),
        JPP_LOG_ORIGIN: ORIGIN,
        JPP_CHECKPOINT_ENTRIES: '100',
        JPP_WITNESSES: JSON.stringify([
          { url: goW.url, vkey: goW.vkey },
          { url: `http://127.0.0.1:${port}`, vkey: oursVkey },
        ]),
        JPP_WITNESS_QUORUM: '2',
        JPP_PLATFORM_FILE: platformFileWith({ rateLimits: UNLIMITED }),
      },
    });
  }, 180_000);

  afterAll(async () => {
    await b?.close();
    await ours?.close();
    goW?.child.kill();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens the checkpoint, authenticates every tile, hashes every entry to its leaf, proves inclusion and consistency, and sees both cosignatures', async () => {
    expect((await b.call('GET', '/v1/log/public-key')).body.vkey).toBe(logVkey);
    await ask(b, 12);
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    await pushed(b);
    const old = (await b.call('GET', '/v1/log/checkpoint')).text;
    const oldSize = Number(old.split('\n')[1]);
    writeFileSync(join(work, 'old.note'), old);

    // Past 256 entries: a full level-0 tile and entry bundle. Since step B a question is one entry
    // (with its casus's), so it takes 130 questions, more than the shipped rate limits allow a minute.
    await ask(b, 130);
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    await pushed(b);
    const latest = (await b.call('GET', '/v1/log/checkpoints/latest')).body as { treeSize: number; rootHash: string; note: string };
    expect(latest.treeSize).toBeGreaterThan(256);

    const n = latest.treeSize;
    const r = await go([
      'verify', '-url', `${b.url}/v1/log`, '-vkey', logVkey, '-token', await b.token('demo-jurist'),
      '-witness', goW.vkey, '-witness', oursVkey, '-old', join(work, 'old.note'), '-prove', `0,${Math.floor(n / 2)},${n - 1}`,
    ]);
    expect(r).toMatchObject({ origin: ORIGIN, treeSize: n, rootHash: latest.rootHash, entries: n, redacted: 0, bundles: Math.ceil(n / 256), consistentFrom: oldSize });
    expect(r['proved']).toEqual([0, Math.floor(n / 2), n - 1]);
    expect(Object.keys(r['cosigned']).sort()).toEqual(['go-witness.test/w1', 'jurist.test/witness']);
    expect(r['extensions'][0]).toMatch(/^time \d{4}-/);
    expect(r['extensions'][1]).toMatch(/^previous [A-Za-z0-9+/]{43}=$/);

    // The broker's policy counts the newest checkpoint as witnessed, and so does our witness's store.
    const lag = await b.broker.witnesses.witnessLag();
    expect(lag).toMatchObject({ witnesses: 2, quorum: 2, behind: false, entriesBehind: 0, secondsBehind: 0 });
    expect(lag.witnessed!.treeSize).toBe(n);
    // ... and so does /metrics, for a platform team's alert.
    const scrape = await metrics.scrape();
    expect(scrape).toMatch(/^jpp_logboek_witness_entries_behind\{platform="jpp-sittard-geleen"\} 0$/m);
    expect(scrape).toMatch(/^jpp_logboek_witness_behind\{platform="jpp-sittard-geleen"\} 0$/m);
    const held = readWitnessStore(join(work, 'our-witness')).checkpoints.at(-1)!;
    expect(held.body.treeSize).toBe(n);
    expect(latest.note).toContain(held.cosignature!);
  }, 300_000);

  it('serves tiles and the checkpoint with caching headers, and entry bundles only to a jurist, logged', async () => {
    const tile = await fetch(`${b.url}/v1/log/tile/0/000`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('cache-control')).toContain('immutable');
    expect((await tile.arrayBuffer()).byteLength).toBe(256 * 32);
    expect((await fetch(`${b.url}/v1/log/tile/0/x000/000`)).status).toBe(404); // not the canonical spelling
    expect((await fetch(`${b.url}/v1/log/tile/0/999`)).status).toBe(404); // not there yet
    const cp = await fetch(`${b.url}/v1/log/checkpoint`);
    expect(cp.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(cp.headers.get('cache-control')).toMatch(/max-age=\d$/);
    expect((await fetch(`${b.url}/v1/log/tile/entries/000`)).status).toBe(401);
    expect((await b.call('GET', '/v1/log/tile/entries/000', { token: await b.token('demo-voorzitter') })).status).toBe(403);
    const jurist = await b.token('demo-jurist');
    const bundle = await b.call('GET', '/v1/log/tile/entries/000', { token: jurist });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('private, no-cache');
    const again = await b.call('GET', '/v1/log/tile/entries/000', { token: jurist, headers: { 'if-none-match': bundle.headers.get('etag')! } });
    expect(again.status).toBe(304);
    await b.broker.sequencer.drain();
    const entries = (await b.call('GET', '/v1/log/entries?limit=5000', { token: jurist })).body.entries as Array<{ content: { action: string; details: { resource?: string } } }>;
    expect(entries.filter((e) => e.content.action === 'log-read' && e.content.details.resource === 'entry-bundle').length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('still verifies after retention redacted entries: they are empty in the bundles, their leaves stay', async () => {
    b.clock.now = new Date(b.clock.now.getTime() + 2 * 365 * DAY + DAY);
    const run = await b.call('POST', '/v1/retention/runs', { token: await b.token('demo-fg') });
    expect(run.status).toBe(201);
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    await pushed(b);
    const r = await go(['verify', '-url', `${b.url}/v1/log`, '-vkey', logVkey, '-token', await b.token('demo-jurist'), '-witness', goW.vkey, '-witness', oursVkey]);
    expect(r['redacted']).toBe(run.body.removed.logContent.count);
    expect(r['redacted']).toBeGreaterThan(0);
    expect(r['entries'] + r['redacted']).toBe(r['treeSize']);
  }, 300_000);

  it("answers a Go log's add-checkpoint as C2SP tlog-witness prescribes, and never cosigns a fork", async () => {
    const key = (await go(['keygen', '-origin', 'go-log.test/log'])) as { skey: string; vkey: string };
    const store = join(work, 'go-log-witness');
    pinKey(store, pinFromVkey(key.vkey));
    const { cosigner } = loadOrCreateWitnessKey(join(work, 'second-witness-key.json'), 'jurist.test/second');
    const server = await createWitnessServer({ cosigner, stores: [store] });
    try {
      const port = ((await server.listen(0)).address() as { port: number }).port;
      const r = await go(['log', '-skey', key.skey, '-witness-url', `http://127.0.0.1:${port}`, '-witness-vkey', cosigner.vkey]);
      const steps = Object.fromEntries((r['steps'] as Array<{ step: string; status: number; contentType?: string; body?: string; cosigned: boolean }>).map((s) => [s.step, s]));
      expect(steps['unknown-origin']).toMatchObject({ status: 404 });
      expect(steps['unknown-key']).toMatchObject({ status: 403 });
      expect(steps['first']).toMatchObject({ status: 200, cosigned: true });
      expect(steps['old-beyond-size']).toMatchObject({ status: 400 });
      expect(steps['grow']).toMatchObject({ status: 200, cosigned: true });
      expect(steps['stale-old-size']).toMatchObject({ status: 409, contentType: 'text/x.tlog.size', body: '10\n' });
      expect(steps['bad-proof']).toMatchObject({ status: 422, cosigned: false });
      expect(steps['grow-again']).toMatchObject({ status: 200, cosigned: true });
      expect(steps['same-again']).toMatchObject({ status: 200, cosigned: true });
      expect(steps['fork']).toMatchObject({ status: 409, cosigned: false });
      // After a fork it cosigns nothing for that log until a person looks.
      expect(steps['after-fork']).toMatchObject({ status: 409, cosigned: false });
      const s = readWitnessStore(store);
      expect(s.alarm).toMatchObject({ kind: 'fork' });
      expect(s.checkpoints.map((c) => c.body.treeSize)).toEqual([3, 10, 25]);
      const evidence = JSON.parse(readFileSync(join(store, s.alarm!.evidence, 'report.json'), 'utf8')) as { kind: string; held: { note: string }; received: { note: string } };
      expect(evidence.kind).toBe('fork');
      expect(evidence.held.note.split('\n')[1]).toBe('25');
      expect(evidence.received.note.split('\n')[1]).toBe('25');
    } finally {
      await server.close();
    }
  }, 120_000);
});
