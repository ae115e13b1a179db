/**
 * Pseudonymisation throughput, end to end on one machine: normalise → blind → evaluate with
 * a DLEQ proof → verify the proof against the pinned key → finalise (RFC 9497 VOPRF,
 * ristretto255-SHA512). Client and custodian run in the same process, so the figure is the
 * sum of both sides' CPU; in production they run on different machines.
 *
 * Paths measured, on the same synthetic identities:
 * - plain: @noble/curves, one identity per request, so one proof per identity;
 * - batched (noble): one proof per batch (RFC 9497 §3.3.2 BlindEvaluateBatch/FinalizeBatch);
 * - batched (libsodium): the same protocol on libsodium's ristretto255 (voprf-suite-sodium.ts);
 * - batched (libsodium) × worker threads: batches spread over one worker per core, each
 *   running the whole pipeline for its batches.
 * Every path's pseudonyms are checked against the plain path's before a number counts.
 *
 * Run alone: `npx tsx test/bench/pseudonymisation-bench.ts [identities]`. Not part of
 * `npm run bench`. Identities are synthetic (generated BSNs, made-up names), never printed.
 */
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { identityKey, type IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';
import { createOprfClient } from '../../protocol/pseudonymisation/oprf-client.js';
import { nobleVoprfSuite, type OprfKeyPair, type VoprfSuite } from '../../protocol/pseudonymisation/voprf-suite.js';
import { loadSodiumVoprfSuite } from '../../protocol/pseudonymisation/voprf-suite-sodium.js';
import { deriveKeyPair, evaluateBatch } from '../../broker/custodian/oprf-evaluator.js';
import { syntheticBsn } from '../support/synthetic.js';

export interface BenchResult {
  name: string;
  identitiesPerSec: number;
  note: string;
}

const EPOCH = 1;
const DEFAULT_IDENTITIES = 2_000;
const BATCH_SIZE = 250;
/** The plain path is ~30–90/s: measure it on a sample so the run stays short. */
const PLAIN_SAMPLE = 150;
const WORKER_KIND = 'jpp-pseudonymisation-bench';

interface StageTimes {
  normaliseMs: number;
  blindMs: number;
  evaluateMs: number;
  finalizeMs: number;
}

/** Synthetic identities: half BSN, half surname + birth date + first name (letters only, made up). */
function syntheticIdentities(n: number): IdentityInput[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = (len: number): string => [...randomBytes(len)].map((b) => letters[b % 26]).join('');
  return Array.from({ length: n }, (_, i): IdentityInput =>
    i % 2 === 0
      ? { bsn: syntheticBsn() }
      : {
          surname: `van der Proef${word(6)}`,
          birthDate: `20${String(10 + (i % 10))}-0${1 + (i % 9)}-1${i % 10}`,
          firstName: `Synth${word(4)}`,
        },
  );
}

/** Runs the batched pipeline over `identities` in batches of BATCH_SIZE; returns pseudonyms and stage times. */
function runBatched(suite: VoprfSuite, key: OprfKeyPair, identities: IdentityInput[]): { pseudonyms: string[]; times: StageTimes } {
  const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH, suite });
  const times: StageTimes = { normaliseMs: 0, blindMs: 0, evaluateMs: 0, finalizeMs: 0 };
  const pseudonyms: string[] = [];
  for (let start = 0; start < identities.length; start += BATCH_SIZE) {
    let t = performance.now();
    const inputs = identities.slice(start, start + BATCH_SIZE).map(identityKey);
    times.normaliseMs += performance.now() - t;
    t = performance.now();
    const { blindedElements, state } = client.blind(inputs);
    times.blindMs += performance.now() - t;
    t = performance.now();
    const evaluation = evaluateBatch(key.secretKey, blindedElements, { publicKey: key.publicKey, suite });
    times.evaluateMs += performance.now() - t;
    t = performance.now();
    pseudonyms.push(...client.finalize(state, evaluation.evaluatedElements, evaluation.proof));
    times.finalizeMs += performance.now() - t;
  }
  return { pseudonyms, times };
}

/** The plain path: every identity its own request and its own proof. */
function runPlain(key: OprfKeyPair, identities: IdentityInput[]): string[] {
  const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH });
  return identities.map((identity) => {
    const { blindedElements, state } = client.blind([identityKey(identity)]);
    const evaluation = evaluateBatch(key.secretKey, blindedElements, { publicKey: key.publicKey });
    return client.finalize(state, evaluation.evaluatedElements, evaluation.proof)[0]!;
  });
}

const perSec = (count: number, ms: number): number => Math.round((count * 1000) / ms);

function stageNote(times: StageTimes, count: number): string {
  const per = (ms: number): string => `${((ms * 1000) / count).toFixed(0)}µs`;
  return (
    `per identity: normalise ${per(times.normaliseMs)}, blind ${per(times.blindMs)}, ` +
    `evaluate+prove ${per(times.evaluateMs)}, verify+finalise ${per(times.finalizeMs)} ` +
    `(client ≈ ${perSec(count, times.normaliseMs + times.blindMs + times.finalizeMs)}/s, ` +
    `custodian ≈ ${perSec(count, times.evaluateMs)}/s on one core)`
  );
}

function checkSame(name: string, got: string[], expected: string[]): void {
  for (let i = 0; i < expected.length; i++) {
    if (got[i] !== expected[i]) throw new Error(`${name}: pseudonym ${i} differs from the plain path`);
  }
}

// ---------------------------------------------------------------- worker threads

interface WorkerJob {
  id: number;
  identities: IdentityInput[];
}

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) {
  const { secretKey, publicKey } = workerData as { secretKey: Uint8Array; publicKey: Uint8Array };
  const suitePromise = loadSodiumVoprfSuite();
  parentPort!.on('message', (job: WorkerJob) => {
    void suitePromise.then((suite) => {
      const { pseudonyms } = runBatched(suite, { secretKey, publicKey }, job.identities);
      parentPort!.postMessage({ id: job.id, pseudonyms });
    });
  });
}

class BenchPool {
  private readonly workers: Worker[];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (pseudonyms: string[]) => void; reject: (err: unknown) => void }>();

  constructor(size: number, key: OprfKeyPair) {
    this.workers = Array.from({ length: size }, () => {
      // Workers do not inherit tsx's loader, so each registers it before importing this file.
      const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
      const worker = new Worker(bootstrap, {
        eval: true,
        workerData: { kind: WORKER_KIND, secretKey: key.secretKey, publicKey: key.publicKey },
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('message', (msg: { id: number; pseudonyms: string[] }) => {
        this.pending.get(msg.id)?.resolve(msg.pseudonyms);
        this.pending.delete(msg.id);
      });
      return worker;
    });
  }

  private fail(err: unknown): void {
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }

  run(workerIndex: number, identities: IdentityInput[]): Promise<string[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[workerIndex]!.postMessage({ id, identities } satisfies WorkerJob);
    });
  }

  /** Splits batches round-robin over the workers; keeps the order of the identities. */
  async pseudonymise(identities: IdentityInput[]): Promise<string[]> {
    const batches: IdentityInput[][] = [];
    for (let i = 0; i < identities.length; i += BATCH_SIZE) batches.push(identities.slice(i, i + BATCH_SIZE));
    const perWorker = this.workers.map((_, w) => batches.filter((_, b) => b % this.workers.length === w));
    const results = await Promise.all(perWorker.map((mine, w) => this.run(w, mine.flat())));
    const out: string[] = [];
    const cursors = results.map(() => 0);
    batches.forEach((batch, b) => {
      const w = b % this.workers.length;
      out.push(...results[w]!.slice(cursors[w], cursors[w]! + batch.length));
      cursors[w]! += batch.length;
    });
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// ---------------------------------------------------------------- the benchmark

/**
 * Measures end-to-end pseudonymisation throughput on each path. `identities` is the size of
 * the batched runs (default 2,000); the plain path runs on a sample of at most 150.
 */
export async function runPseudonymisationBench(opts: { identities?: number } = {}): Promise<BenchResult[]> {
  const count = Math.max(BATCH_SIZE, opts.identities ?? DEFAULT_IDENTITIES);
  const key = deriveKeyPair(new Uint8Array(randomBytes(32)), 'jpp-bench-epoch');
  const identities = syntheticIdentities(count);
  const sodium = await loadSodiumVoprfSuite();
  const results: BenchResult[] = [];

  // Warm up every code path (JIT, WASM) on a few identities first.
  const warm = identities.slice(0, 20);
  runPlain(key, warm.slice(0, 3));
  runBatched(nobleVoprfSuite, key, warm);
  runBatched(sodium, key, warm);

  const sample = identities.slice(0, Math.min(PLAIN_SAMPLE, count));
  let t = performance.now();
  const plain = runPlain(key, sample);
  const plainRate = perSec(sample.length, performance.now() - t);
  results.push({
    name: 'plain @noble/curves, one proof per identity',
    identitiesPerSec: plainRate,
    note: `measured on ${sample.length} identities; ristretto255_oprf.voprf blind/blindEvaluate/finalize per identity`,
  });

  t = performance.now();
  const noble = runBatched(nobleVoprfSuite, key, identities);
  const nobleRate = perSec(count, performance.now() - t);
  checkSame('batched noble', noble.pseudonyms, plain);
  results.push({
    name: `batched @noble/curves, one proof per ${BATCH_SIZE}`,
    identitiesPerSec: nobleRate,
    note: `${(nobleRate / plainRate).toFixed(1)}× plain; ${stageNote(noble.times, count)}`,
  });

  t = performance.now();
  const sod = runBatched(sodium, key, identities);
  const sodiumRate = perSec(count, performance.now() - t);
  checkSame('batched libsodium', sod.pseudonyms, plain);
  checkSame('batched libsodium vs noble', sod.pseudonyms, noble.pseudonyms);
  results.push({
    name: `batched libsodium, one proof per ${BATCH_SIZE}`,
    identitiesPerSec: sodiumRate,
    note: `${(sodiumRate / plainRate).toFixed(1)}× plain; ${stageNote(sod.times, count)}`,
  });

  const threads = Math.max(1, availableParallelism());
  const pool = new BenchPool(threads, key);
  try {
    await pool.pseudonymise(identities.slice(0, BATCH_SIZE * threads)); // start-up and warm-up
    t = performance.now();
    const pooled = await pool.pseudonymise(identities);
    const pooledRate = perSec(count, performance.now() - t);
    checkSame('worker threads', pooled, sod.pseudonyms);
    results.push({
      name: `batched libsodium × ${threads} worker threads`,
      identitiesPerSec: pooledRate,
      note: `${(pooledRate / plainRate).toFixed(1)}× plain; each worker runs client and custodian for its batches (workers pre-started)`,
    });
  } finally {
    await pool.close();
  }
  return results;
}

if (isMainThread && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const identities = Number(process.argv[2] ?? DEFAULT_IDENTITIES);
  const results = await runPseudonymisationBench({ identities });
  for (const r of results) console.log(`${r.name.padEnd(52)} ${String(r.identitiesPerSec).padStart(6)} identities/s  ${r.note}`);
}
