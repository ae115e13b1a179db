/**
 * Scenarios 6 and 7 (issue 6): the partner adapter's nightly import, end to end, and the
 * broker's store step alone.
 *
 * - 6, end to end: a synthetic export of N rows (default 100,000) read, mapped,
 *   pseudonymised through the custodian (the demo runs it in the broker's process) on the
 *   adapter's worker threads (as `jpp-adapter import` does: one per core, at most 4),
 *   signed (JWS, EdDSA) and submitted over mTLS, stored. Reported in rows/s, against the
 *   pseudonymisation of the same identities alone (client + custodian, same HTTP path, same
 *   threads and batches in flight), measured in the same run: the import is meant to be
 *   bounded by pseudonymisation. Target ≥ 1,000 rows/s.
 * - 7, store step: N pre-pseudonymised signals in signed batches of 1,000, posted over
 *   mTLS by 4 concurrent senders. Target ≥ 20,000 signals/s.
 *
 * The broker runs in its own process (demo mode, mTLS listener, on the given PostgreSQL
 * database); the adapter in this one. Identities are synthetic and never printed.
 * Run alone: `npx tsx test/bench/adapter-import-bench.ts [rows]` (BENCH_ONLY=7: the store step
 * without scenario 6).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { settleWal } from './settle-wal.js';
import { startChildServer, freePort } from './child-server.js';
import { createBenchDatabase } from './bench-database.js';
import { cpuBetween, cpuSupported, sampleCpu, type CpuUsage } from './cpu-usage.js';
import { formatProfileSummary, monotonicUs, summarizeProfile, type TimeWindow } from './cpu-profile-summary.js';
import { issuePartner } from '../../broker/transport/dev-pki.js';
import {
  generateExamples,
  loadBatchSigner,
  loadMapping,
  createPseudonymisePool,
  loadSodiumVoprfSuite,
  mapRow,
  readExport,
  runImport,
  submitSignedBatch,
  tlsFromDir,
  type IdentityInput,
} from '../../adapters/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BROKER_BIN = join(ROOT, 'bin', 'jpp-broker.js');
const PARTNER = 'halt';
/** Pseudonymisation threads in the adapter, as `jpp-adapter import` takes on this machine (one per core, at most 4). */
const THREADS = Math.min(4, availableParallelism());

export interface AdapterBenchResult {
  /** Scenario 6; absent when only the store step ran. */
  readonly import?: {
    readonly rows: number;
    readonly sent: number;
    readonly importRowsPerSec: number;
    readonly pseudonymisationPerSec: number;
  };
  readonly storeSignalsPerSec: number;
  readonly stored: number;
  /** CPU seconds of the broker's process and of all PostgreSQL processes during the store step (Linux only). */
  readonly storeCpu?: CpuUsage;
  /** The 1-minute load average when the store step started. */
  readonly storeLoad: number;
  /** CPU seconds of this process (the 4 senders: TLS, HTTP) during the store step: on 2 cores they share the machine with the broker and PostgreSQL. */
  readonly storeSendersCpu: number;
  /** With `cpuProfile`: the broker's CPU profile over the store step, as report lines. */
  readonly storeProfile?: string[];
}

export interface AdapterBenchOptions {
  /** Scenario 6, the import end to end (default true); false runs only the store step (scenario 7). */
  readonly endToEnd?: boolean;
  /** Run the broker with `--cpu-prof` and summarise its profile over the store step (BENCH_CPU_PROFILE=1). */
  readonly cpuProfile?: boolean;
}

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export async function runAdapterImportBench(
  adminUrl: string,
  rows = 100_000,
  say: (line: string) => void = () => undefined,
  options: AdapterBenchOptions = {},
): Promise<AdapterBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'jpp-adapter-bench-'));
  const profileDir = options.cpuProfile ? join(work, 'profile') : undefined;
  const db = await createBenchDatabase(adminUrl);
  const port = await freePort();
  const mtlsPort = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    DATA_DIR: work,
    PORT: String(port),
    JPP_MTLS_PORT: String(mtlsPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    // The quotas guard people and adapters in production; a bench of 100,000 rows in minutes exceeds them on purpose.
    JPP_QUOTA_ADAPTER_PER_MINUTE: '100000000',
    JPP_QUOTA_ADAPTER_PER_DAY: '100000000',
  };
  const broker = await startChildServer({ name: 'broker', args: [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), BROKER_BIN, 'start', '--demo'], cwd: ROOT, env, port, logFile: join(work, 'broker.log'), startTimeoutMs: 120_000 });
  try {
    const bundle = await issuePartner(join(work, 'pki'), PARTNER);
    const token = (await promisify(execFile)(process.execPath, [BROKER_BIN, 'token', '--adapter', PARTNER], { cwd: ROOT, env })).stdout.trim();
    const suite = await loadSodiumVoprfSuite();
    const custodian = { baseUrl: `${broker.url}/custodian/v1`, token, suite };
    const brokerOpts = { baseUrl: `https://localhost:${mtlsPort}`, token, tls: tlsFromDir(bundle.dir) };
    const signer = await loadBatchSigner(join(bundle.dir, 'signing-key.jwk.json'));

    let endToEnd: AdapterBenchResult['import'];
    if (options.endToEnd ?? true) {
      say(`bench: generating a synthetic export of ${rows.toLocaleString('en-US')} rows…`);
      generateExamples({ out: join(work, 'exports'), partners: [{ id: PARTNER, categories: ['halt-afdoening'] }], doelgroep: { maxAge: 27 }, rows });
      const mapping = loadMapping(join(work, 'exports', `${PARTNER}.mapping.json`));
      const exportFile = join(work, 'exports', `${PARTNER}.csv`);

      // Baseline: pseudonymisation alone, of the first 10,000 sendable identities, in the import's batch size and concurrency.
      const sample: IdentityInput[] = [];
      for await (const row of readExport(exportFile, mapping.source)) {
        if ('error' in row) continue;
        const out = mapRow(row.record, mapping, day(0));
        if (out.kind === 'signal') sample.push(out.signal.identity);
        if (sample.length >= Math.min(10_000, rows / 2)) break;
      }
      say(`bench: pseudonymising ${sample.length.toLocaleString('en-US')} identities alone (baseline)…`);
      // The import's own path: a pool of THREADS worker threads with as many batches in flight as
      // the import keeps (runImport's default: three per thread).
      const pool = createPseudonymisePool(THREADS);
      let t = performance.now();
      let from = 0;
      try {
        await Promise.all(
          Array.from({ length: 3 * THREADS }, async () => {
            while (from < sample.length) {
              const i = from;
              from += 500;
              await pool.pseudonymise(custodian, sample.slice(i, i + 500));
            }
          }),
        );
      } finally {
        await pool.close();
      }
      const pseudonymisationPerSec = sample.length / ((performance.now() - t) / 1000);

      say('bench: importing the export end to end (read, map, pseudonymise, sign, submit over mTLS, store)…');
      t = performance.now();
      const report = await runImport({ mapping, exportFile, mode: 'snapshot', stateDir: join(work, 'state'), broker: brokerOpts, custodian, signer, batchSize: 500, pseudonymiseThreads: THREADS });
      const importSeconds = (performance.now() - t) / 1000;
      endToEnd = { rows: report.read, sent: report.sent, importRowsPerSec: report.read / importSeconds, pseudonymisationPerSec };

    }

    say(`bench: storing ${rows.toLocaleString('en-US')} pre-pseudonymised signals in signed batches of 1,000 (4 senders)…`);
    const batches = Array.from({ length: Math.ceil(rows / 1000) }, (_, b) => ({
      batchId: `store-bench-${b}`,
      signals: Array.from({ length: Math.min(1000, rows - b * 1000) }, (_, i) => ({
        subject: randomBytes(32).toString('base64url'),
        epoch: 1,
        category: 'halt-afdoening',
        registeredAt: day(-1),
        expiresAt: day(300),
        ref: `store-bench-${b}-${i}`,
      })),
    }));
    const signed = await Promise.all(batches.map((b) => signer.sign(b)));
    // Scenario 6 stored about 92,000 signals in this database just before: its checkpoint is not the store step's.
    const settle = new pg.Client({ connectionString: db.url });
    await settle.connect();
    try {
      await settleWal(settle, say);
    } finally {
      await settle.end();
    }
    const storeLoad = loadavg()[0]!;
    const cpuBefore = cpuSupported() ? sampleCpu(broker.pid, db.name) : undefined;
    const sendersBefore = process.cpuUsage();
    const fromUs = monotonicUs();
    const t = performance.now();
    // The first batch alone: the broker copies the partner's key from the registry file into the
    // database in the first batch's transaction, and a concurrent batch that started before that
    // commit does not see the key yet (in scenario 6 the import's batches came first).
    let stored = (await submitSignedBatch(brokerOpts, signed[0]!)).accepted;
    let next = 1;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < signed.length) {
          const r = await submitSignedBatch(brokerOpts, signed[next++]!);
          stored += r.accepted;
        }
      }),
    );
    const storeSeconds = (performance.now() - t) / 1000;
    const storeCpu = cpuBefore ? cpuBetween(cpuBefore, sampleCpu(broker.pid, db.name)) : undefined;
    const senders = process.cpuUsage(sendersBefore);
    const window: TimeWindow = { fromUs, toUs: monotonicUs() };
    if (stored !== rows) throw new Error(`the store step accepted ${stored} of ${rows} signals`);
    let storeProfile: string[] | undefined;
    if (profileDir) {
      await broker.stop(); // the profile is written when the broker exits
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      // BENCH_CPU_PROFILE_KEEP=<dir>: keep the raw profile (e.g. for Chrome DevTools) when the work directory goes.
      const keep = process.env['BENCH_CPU_PROFILE_KEEP'];
      if (file && keep) copyFileSync(join(profileDir, file), join(keep, `store-step-${Date.now()}.cpuprofile`));
      storeProfile = file ? formatProfileSummary(summarizeProfile(join(profileDir, file), [window]), 'Broker CPU profile, store step only') : ['no CPU profile was written'];
    }
    return {
      ...(endToEnd ? { import: endToEnd } : {}),
      storeSignalsPerSec: stored / storeSeconds,
      stored,
      ...(storeCpu ? { storeCpu } : {}),
      storeLoad,
      storeSendersCpu: (senders.user + senders.system) / 1e6,
      ...(storeProfile ? { storeProfile } : {}),
    };
  } finally {
    await broker.stop();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Prints scenarios 6 and 7. */
export function formatAdapterBench(r: AdapterBenchResult): string[] {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const perSignal = (seconds: number): string => `${((seconds * 1e6) / r.stored).toFixed(1)} µs`;
  const lines: string[] = [];
  if (r.import) {
    lines.push(
      `Scenario 6: nightly import end to end (${fmt(r.import.rows)} rows read, ${fmt(r.import.sent)} sent; read → pseudonymise → sign → mTLS → store)`,
      `  import: ${fmt(r.import.importRowsPerSec)} rows/s; pseudonymisation alone (same path, same run): ${fmt(r.import.pseudonymisationPerSec)} identities/s; ratio ${(r.import.importRowsPerSec / r.import.pseudonymisationPerSec).toFixed(2)}`,
      `  target: ≥ 1,000 rows/s  →  ${r.import.importRowsPerSec >= 1000 ? 'MET' : 'NOT MET'}`,
    );
  }
  lines.push(
    'Scenario 7: the store step alone (signed batches of 1,000 pre-pseudonymised signals over mTLS, 4 senders)',
    `  ${fmt(r.storeSignalsPerSec)} signals/s; target ≥ 20,000 signals/s  →  ${r.storeSignalsPerSec >= 20_000 ? 'MET' : 'NOT MET'}`,
    `  load average ${r.storeLoad.toFixed(1)} at its start` +
      (r.storeCpu
        ? `; CPU per signal: broker ${perSignal(r.storeCpu.server)}, PostgreSQL ${perSignal(r.storeCpu.database ?? r.storeCpu.postgres)} (its backends; ` +
          `every PostgreSQL process of the server: ${perSignal(r.storeCpu.postgres)}), senders ${perSignal(r.storeSendersCpu)}`
        : ''),
    ...(r.storeProfile ?? []),
  );
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = Number(process.argv[2] ?? 100_000);
  const options = { endToEnd: process.env['BENCH_ONLY'] !== '7', cpuProfile: process.env['BENCH_CPU_PROFILE'] === '1' };
  runAdapterImportBench(process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres', rows, (l) => process.stdout.write(`${l}\n`), options).then(
    (r) => process.stdout.write(`\n${formatAdapterBench(r).join('\n')}\n`),
    (err: unknown) => {
      process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
