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
 * Run alone: `npx tsx test/bench/adapter-import-bench.ts [rows]`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { startChildServer, freePort } from './child-server.js';
import { createBenchDatabase } from './bench-database.js';
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
  readonly rows: number;
  readonly sent: number;
  readonly importRowsPerSec: number;
  readonly pseudonymisationPerSec: number;
  readonly storeSignalsPerSec: number;
}

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export async function runAdapterImportBench(adminUrl: string, rows = 100_000, say: (line: string) => void = () => undefined): Promise<AdapterBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'jpp-adapter-bench-'));
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
  const broker = await startChildServer({ name: 'broker', args: [BROKER_BIN, 'start', '--demo'], cwd: ROOT, env, port, logFile: join(work, 'broker.log'), startTimeoutMs: 120_000 });
  try {
    const bundle = await issuePartner(join(work, 'pki'), PARTNER);
    const token = (await promisify(execFile)(process.execPath, [BROKER_BIN, 'token', '--adapter', PARTNER], { cwd: ROOT, env })).stdout.trim();
    const suite = await loadSodiumVoprfSuite();
    const custodian = { baseUrl: `${broker.url}/custodian/v1`, token, suite };
    const brokerOpts = { baseUrl: `https://localhost:${mtlsPort}`, token, tls: tlsFromDir(bundle.dir) };
    const signer = await loadBatchSigner(join(bundle.dir, 'signing-key.jwk.json'));

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
    t = performance.now();
    let next = 0;
    let stored = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < signed.length) {
          const r = await submitSignedBatch(brokerOpts, signed[next++]!);
          stored += r.accepted;
        }
      }),
    );
    const storeSeconds = (performance.now() - t) / 1000;
    if (stored !== rows) throw new Error(`the store step accepted ${stored} of ${rows} signals`);
    return {
      rows: report.read,
      sent: report.sent,
      importRowsPerSec: report.read / importSeconds,
      pseudonymisationPerSec,
      storeSignalsPerSec: stored / storeSeconds,
    };
  } finally {
    await broker.stop();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Prints scenarios 5 and 6. */
export function formatAdapterBench(r: AdapterBenchResult): string[] {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  return [
    `Scenario 6: nightly import end to end (${fmt(r.rows)} rows read, ${fmt(r.sent)} sent; read → pseudonymise → sign → mTLS → store)`,
    `  import: ${fmt(r.importRowsPerSec)} rows/s; pseudonymisation alone (same path, same run): ${fmt(r.pseudonymisationPerSec)} identities/s; ratio ${(r.importRowsPerSec / r.pseudonymisationPerSec).toFixed(2)}`,
    `  target: ≥ 1,000 rows/s  →  ${r.importRowsPerSec >= 1000 ? 'MET' : 'NOT MET'}`,
    'Scenario 7: the store step alone (signed batches of 1,000 pre-pseudonymised signals over mTLS, 4 senders)',
    `  ${fmt(r.storeSignalsPerSec)} signals/s; target ≥ 20,000 signals/s  →  ${r.storeSignalsPerSec >= 20_000 ? 'MET' : 'NOT MET'}`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = Number(process.argv[2] ?? 100_000);
  runAdapterImportBench(process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres', rows, (l) => process.stdout.write(`${l}\n`)).then(
    (r) => process.stdout.write(`\n${formatAdapterBench(r).join('\n')}\n`),
    (err: unknown) => {
      process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
