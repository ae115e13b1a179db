/**
 * Scenario 8 (issue 21, item 4): the logboek at a million entries. One broker on a fresh
 * database of its own:
 * 1. fills `logboek_entries` with BENCH_LOG_ENTRIES (default 1,000,000) synthetic disclosure
 *    entries, each the canonical JSON the log writer would store for a question's answer (random
 *    subject, query, trace and span ids): 20,000 distinct ones written from here, the rest
 *    copies of them made server-side, with the broker's sequencer off;
 * 2. the sequencer: the broker restarted with its sequencer on, placing every entry (the rate is
 *    measured from the first leaf to the last, start-up excluded);
 * 3. the compact export (`audit export --format tlog-tiles`) over HTTP with a jurist's token;
 * 4. `audit verify` of that export;
 * 5. inclusion proofs at tree size 1,000 and at the full size (median of 200 each).
 * Targets: export ≥ 100,000 entries/s, verify ≥ 200,000, sequencer ≥ 50,000, proofs flat (the
 * full size's median at most twice the 1,000's).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { settleWal } from './settle-wal.js';
import type { BenchConfig } from './bench-config.js';
import { createBenchDatabase } from './bench-database.js';
import { freePort, startChildServer, type ChildServer } from './child-server.js';
import { PLATFORM_FILE } from './lookup-pairs.js';
import { platformFileWith, UNLIMITED } from '../support/platform-file.js';
import { canonicalJson, toLogContent, type LogEntryInput } from '../../broker/logboek/log-entry.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { exportLog } from '../../broker/logboek/export-log.js';
import { verifyCommand } from '../../broker/commands/audit.js';
import { cpuBetween, sampleCpu, type CpuSample } from './cpu-usage.js';
import { monotonicUs, summarizeProfile, type TimeWindow } from './cpu-profile-summary.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BROKER_BIN = join(ROOT, 'bin', 'jpp-broker.js');
const PROOFS = 200;

const rate = (n: number, ms: number): number => Math.round((1000 * n) / Math.max(ms, 1));
const fmt = (n: number): string => n.toLocaleString('en-US');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** One synthetic disclosure entry, as the log writer would store it (canonical JSON) with its filter columns. */
export function syntheticEntry(i: number, now: Date): { content: string; subject: Buffer; queryId: string; traceId: string; partner: string; outcome: string } {
  const subject = randomBytes(32);
  const queryId = randomUUID();
  const traceId = randomBytes(16).toString('hex');
  const partner = ['politie', 'halt', 'jeugdreclassering', 'rvdk', 'gemeente-jeugdboa', 'leerplicht', 'team-jeugd', 'jongerenwerk', 'pre-forensisch'][i % 9]!;
  const outcome = i % 9 >= 7 ? 'not-permitted' : i % 3 === 0 ? 'hit' : 'no-hit';
  const input = {
    action: 'disclosure',
    outcome,
    actor: { kind: 'person', id: 'demo-voorzitter', organisation: 'zvh-limburg-noord', role: 'voorzitter' },
    traceId,
    startedAt: now,
    endedAt: now,
    subjectHash: subject,
    doel: 'jpp-screening',
    partner,
    caseRef: `bench-case-${String(i % 100).padStart(3, '0')}`,
    queryId,
    rules: [{ rule: 'r-voorzitter-screening', grondslag: 'AVG art. 6 lid 1 sub e; Wet gegevensverwerking door samenwerkingsverbanden' }],
    policy: { version: 1, hash: 'sha256:' + 'ab'.repeat(32) },
    details: { consent: false, categoriesCounted: outcome === 'hit' ? ['zorgsignaal'] : [], caseId: randomUUID() },
  } as unknown as LogEntryInput;
  const content = canonicalJson(toLogContent(input, { id: 'jpp-bevraging', uri: 'urn:jpp-broker:jpp-sittard-geleen:verwerkingsactiviteit:jpp-bevraging' }));
  return { content, subject, queryId, traceId, partner, outcome };
}

/** How many distinct synthetic entries are written from here; the rest are server-side copies of them. */
const DISTINCT = 20_000;
/** Rows per server-side copy statement (each its own transaction, like the broker's writers). */
const COPY_BATCH = 200_000;

/**
 * Fills the log: DISTINCT synthetic entries written from here, then copies of them made by
 * PostgreSQL itself (`generate_series`), so that a million entries take seconds rather than the
 * many minutes of building and sending each one (the figures used copies of a real entry
 * too). Copies are whole rows: content and filter columns as the log writer stores them.
 */
export async function fill(url: string, n: number, say: (line?: string) => void): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  let bytes = 0;
  try {
    const distinct = Math.min(DISTINCT, n);
    const now = new Date();
    const rows = Array.from({ length: distinct }, (_, k) => syntheticEntry(k, now));
    bytes = rows.reduce((s, r) => s + r.content.length, 0) / distinct;
    await client.query(
      `insert into logboek_entries (content, action, logged_at, actor_id, organisation_id, role_id, partner_id, doel, case_ref, outcome, subject_hash, query_id, trace_id)
       select c, 'disclosure', $2, 'demo-voorzitter', 'zvh-limburg-noord', 'voorzitter', p, 'jpp-screening', 'bench-case', o, s, q::uuid, t
         from unnest($1::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::text[]) as u(c, p, o, s, q, t)`,
      [rows.map((r) => r.content), now, rows.map((r) => r.partner), rows.map((r) => r.outcome), rows.map((r) => r.subject), rows.map((r) => r.queryId), rows.map((r) => r.traceId)],
    );
    for (let done = distinct; done < n; ) {
      const count = Math.min(COPY_BATCH, n - done);
      await client.query(
        `insert into logboek_entries (content, action, logged_at, actor_id, organisation_id, role_id, partner_id, doel, case_ref, outcome, subject_hash, query_id, trace_id)
         select b.content, b.action, b.logged_at, b.actor_id, b.organisation_id, b.role_id, b.partner_id, b.doel, b.case_ref, b.outcome, b.subject_hash, b.query_id, b.trace_id
           from generate_series(0, $1::int - 1) as g(k)
           join (select e.*, row_number() over (order by e.id) - 1 as r from logboek_entries e where e.case_ref = 'bench-case' order by e.id limit $2) as b on b.r = g.k % $2
          order by g.k`,
        [count, distinct],
      );
      done += count;
      say(`bench: scenario 8: ${fmt(done)} entries written…`);
    }
    await client.query('vacuum analyze logboek_entries');
    await settleWal(client, say);
  } finally {
    await client.end();
  }
  say(`bench: scenario 8: wrote ${fmt(n)} entries (${bytes.toFixed(0)} bytes of content each; ${fmt(Math.min(DISTINCT, n))} distinct, the rest copies) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return bytes;
}

async function leaves(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('select coalesce(max(seq) + 1, 0)::int as n from logboek_leaves')).rows[0]!.n;
  } finally {
    await client.end();
  }
}

async function total(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('select count(*)::int as n from logboek_entries')).rows[0]!.n;
  } finally {
    await client.end();
  }
}

export async function runLogboekScaleBench(config: BenchConfig, say: (line?: string) => void): Promise<void> {
  const n = config.logEntries;
  say();
  say(`bench: scenario 8: the logboek at ${fmt(n)} entries, on a database of its own…`);
  const loadStart = loadavg().map((l) => l.toFixed(1)).join(', ');
  const db = await createBenchDatabase(config.adminUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-bench-logboek-'));
  const servers: ChildServer[] = [];
  try {
    const port = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PORT: String(port),
      JPP_MTLS_PORT: String(await freePort()),
      LOG_LEVEL: config.logLevel,
      JPP_PLATFORM_FILE: platformFileWith({ rateLimits: UNLIMITED }, PLATFORM_FILE),
    };
    // BENCH_CPU_PROFILE=1: the measured broker runs with --cpu-prof; its profile is summed per step below.
    const profileDir = config.cpuProfile ? join(dataDir, 'profile') : undefined;
    const start = async (extra: Record<string, string>, profile = false) => {
      const nodeArgs = profile && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
      const s = await startChildServer({ name: 'broker', args: [...nodeArgs, BROKER_BIN, 'start', '--demo'], cwd: ROOT, env: { ...env, ...extra }, port, logFile: join(dataDir, 'broker.log') });
      servers.push(s);
      return s;
    };
    const off = await start({ JPP_SEQUENCER: 'off' });
    const bytesPerEntry = await fill(db.url, n, say);
    await off.stop();

    // The sequencer: from the first leaf it places to the last.
    const expected = await total(db.url);
    const broker = await start({}, true);
    const windows: Record<string, TimeWindow> = {};
    let first: { at: number; size: number; cpu: CpuSample; us: number } | undefined;
    let size = 0;
    for (const deadline = Date.now() + 30 * 60_000; Date.now() < deadline; ) {
      size = await leaves(db.url);
      if (!first && size > 0) first = { at: performance.now(), size, cpu: sampleCpu(broker.pid), us: monotonicUs() };
      if (size >= expected) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const sequencerRate = first ? rate(size - first.size, performance.now() - first.at) : 0;
    const sequencerCpu = first ? cpuBetween(first.cpu, sampleCpu(broker.pid)) : undefined;
    if (first) windows['sequencer'] = { fromUs: first.us, toUs: monotonicUs() };
    // A checkpoint covering everything: wait for the last one (written at least every JPP_CHECKPOINT_ENTRIES).
    await new Promise((r) => setTimeout(r, 1500));

    const { stdout } = await promisify(execFile)(process.execPath, [BROKER_BIN, 'token', '--user', 'demo-jurist'], { cwd: ROOT, env });
    const token = stdout.trim();
    const out = join(dataDir, 'export');
    const exportCpu0 = sampleCpu(broker.pid);
    const exportStarted = performance.now();
    const exportUs = monotonicUs();
    const exported = await exportLog(createLogClient(broker.url, { token, purpose: 'export', timeoutMs: 120_000 }), out, { format: 'tlog-tiles' });
    const exportMs = performance.now() - exportStarted;
    const exportCpu = cpuBetween(exportCpu0, sampleCpu(broker.pid));
    windows['export'] = { fromUs: exportUs, toUs: monotonicUs() };

    const lines: string[] = [];
    const verifyCpu0 = process.cpuUsage();
    const verifyStarted = performance.now();
    const code = await verifyCommand({ export: out, json: true }, { out: (s: string) => lines.push(s), err: () => undefined });
    const verifyMs = performance.now() - verifyStarted;
    const verifyCpu = process.cpuUsage(verifyCpu0);
    const report = JSON.parse(lines.join('\n')) as { valid: boolean; entries: number; checkpointsChecked: number };

    const proofMs = async (treeSize: number): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < PROOFS; i++) {
        const index = Math.floor(Math.random() * treeSize);
        const t = performance.now();
        const res = await fetch(`${broker.url}/v1/log/proofs/inclusion?index=${index}&treeSize=${treeSize}`);
        await res.json();
        if (!res.ok) throw new Error(`inclusion proof at ${treeSize}: ${res.status}`);
        times.push(performance.now() - t);
      }
      return median(times);
    };
    const small = await proofMs(1000);
    const large = await proofMs(exported.manifest.treeSize);

    const exportRate = rate(exported.entries, exportMs);
    const verifyRate = rate(report.entries, verifyMs);
    say();
    say(`Scenario 8: the logboek at ${fmt(exported.entries)} entries (synthetic disclosure entries, ${bytesPerEntry.toFixed(0)} bytes of canonical JSON each)`);
    say(`  sequencer (the broker's, from its first leaf to its last)      ${fmt(sequencerRate).padStart(9)} entries/s   target ≥ 50,000   →  ${sequencerRate >= 50_000 ? 'MET' : 'NOT MET'}`);
    say(`  export, compact (tlog-tiles bundles + level-0 tiles, HTTP)      ${fmt(exportRate).padStart(9)} entries/s   target ≥ 100,000  →  ${exportRate >= 100_000 ? 'MET' : 'NOT MET'}  (${(exportMs / 1000).toFixed(1)} s)`);
    say(`  audit verify of that export (${report.valid && code === 0 ? 'valid' : 'NOT VALID'}, ${fmt(report.checkpointsChecked)} checkpoints)          ${fmt(verifyRate).padStart(9)} entries/s   target ≥ 200,000  →  ${verifyRate >= 200_000 && report.valid ? 'MET' : 'NOT MET'}  (${(verifyMs / 1000).toFixed(1)} s)`);
    // CPU per entry: what the machine's load does not change much (PostgreSQL's is every postgres process of the server).
    const us = (seconds: number, entries: number): string => ((1e6 * seconds) / Math.max(entries, 1)).toFixed(1);
    if (sequencerCpu) say(`    sequencer CPU per entry: broker ${us(sequencerCpu.server, size - first!.size)} µs, PostgreSQL ${us(sequencerCpu.postgres, size - first!.size)} µs`);
    say(`    export CPU per entry: broker ${us(exportCpu.server, exported.entries)} µs, exporter ${us(exportCpu.loadGenerator, exported.entries)} µs, PostgreSQL ${us(exportCpu.postgres, exported.entries)} µs`);
    say(`    verify CPU per entry: ${us((verifyCpu.user + verifyCpu.system) / 1e6, report.entries)} µs (all threads of the verifying process)`);
    say(`    load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')}; at the start: ${loadStart}`);
    say(`  inclusion proof, median of ${PROOFS}: at size 1,000 ${small.toFixed(2)} ms; at size ${fmt(exported.manifest.treeSize)} ${large.toFixed(2)} ms   target: flat (≤ 2×)  →  ${large <= 2 * small ? 'MET' : 'NOT MET'}`);
    if (profileDir) {
      await broker.stop();
      printProfiles(profileDir, windows, say);
    }
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The broker's CPU profile per measured step: its owners and its functions (BENCH_CPU_PROFILE=1). */
function printProfiles(profileDir: string, windows: Record<string, TimeWindow>, say: (line?: string) => void): void {
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return say('  no CPU profile was written (did the broker exit cleanly?)');
  for (const [step, window] of Object.entries(windows)) {
    const summary = summarizeProfile(join(profileDir, files[0]!), [window]);
    const pct = (ms: number): string => `${((100 * ms) / Math.max(summary.busyMs, 1)).toFixed(1).padStart(5)} %`;
    say(`  broker CPU profile, ${step}: ${Math.round(summary.busyMs)} ms busy, ${Math.round(summary.idleMs)} ms idle`);
    say('    by owner:');
    for (const p of summary.byOwner.slice(0, 10)) say(`      ${pct(p.ms)}  ${p.place}`);
    say('    by function:');
    for (const f of summary.byFunction.slice(0, 15)) say(`      ${pct(f.ms)}  ${f.fn}`);
  }
}
