/**
 * `npm run bench`: every scenario of docs/performance.md in one run, each against a baseline
 * or target measured in the same run.
 *
 * Scenario 1: POST /v1/queries on the real broker against a bare express + pg route that does
 * the same indexed lookup, both on one fresh PostgreSQL database holding 100,000 signals,
 * measured with autocannon in alternating rounds. Steps: create the database → start the
 * broker (demo mode, its own process; it migrates and seeds the demo people) → get a token →
 * insert the signals and open the casussen → start the baseline (its own process) → check
 * both answer correctly → per round: warm up and measure the baseline, then the broker.
 * Scenario 2: two more brokers, one with and one without Merkle maintenance (JPP_SEQUENCER=off),
 * each on a fresh database of its own with the same kind of data, in alternating rounds. Scenarios 3–7:
 * logboek verification, pseudonymisation, policy decisions, the adapter's import and its store
 * step. Scenario 8: the logboek at a million entries (logboek-scale-bench.ts). Scenario 9: the
 * question and the bare lookup at 100k, 1M and 5M signals and with 1M log entries (scale-bench.ts).
 * At the end, or on failure or ctrl-c: stop every server, drop the databases, remove temp files.
 *
 * Exit code: 0 when the measurement completed, whether the target was met or not; 1 when
 * it could not be made or is not valid (PostgreSQL unreachable, a wrong answer, non-2xx
 * responses); 130 on ctrl-c. Settings: see bench-config.ts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadBenchConfig, type BenchConfig } from './bench-config.js';
import { createBenchDatabase, DatabaseUnreachableError, redactPassword } from './bench-database.js';
import { startChildServer, freePort, type ChildServer } from './child-server.js';
import { loadBenchScope, ASKER, DOEL, PLATFORM_FILE, type BenchScope } from './lookup-pairs.js';
import { seedSignals, type Workload } from './seed-signals.js';
import { runLoad, stopLoad } from './load.js';
import { cpuBetween, cpuSupported, sampleCpu } from './cpu-usage.js';
import { formatProfileSummary, monotonicUs, summarizeProfile, type TimeWindow } from './cpu-profile-summary.js';
import { formatMeasurements, formatVerdict, median, verdictOf, type Measurement } from './report.js';
import { runMerkleBench } from './merkle-verify-bench.js';
import { runPseudonymisationBench } from './pseudonymisation-bench.js';
import { runPolicyBench } from './policy-decision-bench.js';
import { formatAdapterBench, runAdapterImportBench } from './adapter-import-bench.js';
import { runLogboekScaleBench } from './logboek-scale-bench.js';
import { runScaleBench, type PreparedBroker } from './scale-bench.js';
import { platformFileWith, UNLIMITED } from '../support/platform-file.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BROKER_BIN = join(ROOT, 'bin', 'jpp-broker.js');
const BASELINE_SCRIPT = join(ROOT, 'test', 'bench', 'baseline-server.ts');
const SIGNALS = 100_000;
const ROTATION = 1_000;
const CASES = 100;
const SCENARIOS = 9;

const say = (line = ''): void => void process.stdout.write(`${line}\n`);

// ---- clean-up: everything started registers how to undo it; undone in reverse order ----

const undo: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopLoad();
    while (undo.length > 0) {
      try {
        await undo.pop()!();
      } catch (err) {
        process.stderr.write(`bench: clean-up step failed: ${(err as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}

/** Registers an undo step; after clean-up has begun, runs it at once. */
async function onCleanup(fn: () => Promise<void> | void): Promise<void> {
  if (cleaning) {
    await fn();
    await cleaning;
    throw new Error('interrupted');
  }
  undo.push(fn);
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}: stopping the servers and dropping the database…\n`);
    void cleanup().finally(() => process.exit(code));
  });
}

// ---- steps ----

async function postJson(url: string, body: unknown, token: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}

/** One broker query for a known subject must hit, and the baseline must find rows for it. */
async function verify(broker: ChildServer, baseline: ChildServer, token: string, workload: Workload): Promise<void> {
  const { pseudonym, signal } = workload.hitSubject;
  const ask = (server: ChildServer, subject: string) =>
    postJson(`${server.url}/v1/queries`, { subject, doel: DOEL, caseRef: 'bench-verify' }, token);
  const fail = (what: string, reply: unknown): never => {
    const output = broker.outputTail().split('\n').slice(-20).join('\n');
    throw new Error(`verification failed: ${what}\n${JSON.stringify(reply, null, 2)}\nthe broker's last output:\n${output || '(none; run with BENCH_LOG_LEVEL=info to see its log)'}`);
  };

  const known = await ask(broker, pseudonym);
  const answers = (known.body?.answers ?? []) as Array<{ partner: string; answer: string }>;
  if (known.status !== 200) fail(`the broker answered ${known.status} for a known subject`, known.body);
  if (answers.find((a) => a.partner === signal.partnerId)?.answer !== 'hit') {
    fail(`the broker did not answer hit for ${signal.partnerId} (${signal.category}) for a known subject`, known.body);
  }
  const unknown = await ask(broker, workload.unknownSubject);
  if (unknown.status !== 200 || (unknown.body?.answers as Array<{ answer: string }>).some((a) => a.answer === 'hit')) {
    fail('the broker did not answer 200 without any hit for an unknown subject', unknown.body);
  }
  const baseKnown = await ask(baseline, pseudonym);
  const found = (baseKnown.body?.found ?? []) as Array<{ partner: string; category: string }>;
  if (baseKnown.status !== 200 || !found.some((f) => f.partner === signal.partnerId && f.category === signal.category)) {
    fail(`the ${baseline.name} did not find ${signal.partnerId} (${signal.category}) for the known subject`, baseKnown.body);
  }
  const baseUnknown = await ask(baseline, workload.unknownSubject);
  if (baseUnknown.status !== 200 || baseUnknown.body?.found?.length !== 0) {
    fail(`the ${baseline.name} found rows for an unknown subject`, baseUnknown.body);
  }
  const hits = answers.filter((a) => a.answer === 'hit').map((a) => a.partner);
  say(`verified: the broker answers hit (${hits.join(', ')}) for a known subject and no hit for an unknown one;`);
  say(`          the ${baseline.name} finds ${found.length} (partner, category) row(s) for the same known subject and none for the unknown one`);
}

async function startBroker(env: NodeJS.ProcessEnv, dataDir: string, profileDir: string | undefined): Promise<ChildServer> {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return startChildServer({
    name: 'broker',
    args: [...nodeArgs, BROKER_BIN, 'start', '--demo'],
    cwd: ROOT,
    env,
    port: Number(env['PORT']),
    logFile: join(dataDir, 'broker.log'),
  });
}

async function issueToken(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BROKER_BIN, 'token', '--user', ASKER], { cwd: ROOT, env });
  return stdout.trim();
}

/** Which broker was measured: the commit, and whether its sources had uncommitted changes. */
async function sourceState(): Promise<string> {
  const git = (...args: string[]) => promisify(execFile)('git', args, { cwd: ROOT }).then((r) => r.stdout.trim());
  try {
    const head = await git('rev-parse', '--short', 'HEAD');
    const dirty = await git('status', '--porcelain', '--', 'broker', 'bin', 'schemas', 'policies', 'package.json');
    return dirty ? `commit ${head} + uncommitted changes in broker/, schemas/ or policies/` : `commit ${head}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function measure(
  config: BenchConfig,
  servers: { baseline: ChildServer; floor: ChildServer; broker: ChildServer },
  token: string,
  bodies: readonly string[],
  brokerWindows: TimeWindow[],
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const withCpu = cpuSupported();
  for (let round = 1; round <= config.rounds; round++) {
    for (const name of ['baseline', 'floor', 'broker'] as const) {
      const server = servers[name];
      const load = (durationSeconds: number) =>
        runLoad({ url: server.url, path: '/v1/queries', bodies, headers: { authorization: `Bearer ${token}` }, durationSeconds, connections: config.connections });
      const label = `${config.rounds > 1 ? `round ${round}: ` : ''}${name}`;
      if (config.warmupSeconds > 0) {
        say(`${label}: warming up for ${config.warmupSeconds} s…`);
        await load(config.warmupSeconds);
      }
      say(`${label}: measuring for ${config.durationSeconds} s with ${config.connections} connections…`);
      const before = withCpu ? sampleCpu(server.pid) : undefined;
      const fromUs = monotonicUs();
      const result = await load(config.durationSeconds);
      const toUs = monotonicUs();
      const cpu = before ? cpuBetween(before, sampleCpu(server.pid)) : undefined;
      if (name === 'broker') brokerWindows.push({ fromUs, toUs });
      measurements.push({ round, server: name, load: result, cpu });
    }
  }
  return measurements;
}

function printProfile(profileDir: string, windows: readonly TimeWindow[]): void {
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    say('no CPU profile was written (did the broker exit cleanly?)');
    return;
  }
  // BENCH_CPU_PROFILE_KEEP=<dir>: keep the raw profile (e.g. for Chrome DevTools) when the work directory goes.
  const keep = process.env['BENCH_CPU_PROFILE_KEEP'];
  if (keep) copyFileSync(join(profileDir, files[0]!), join(keep, `question-${Date.now()}.cpuprofile`));
  say();
  for (const line of formatProfileSummary(summarizeProfile(join(profileDir, files[0]!), windows), 'Broker CPU profile, measured runs only')) say(line);
}

/** One broker under test: its own database, data directory, process, token and seeded data (declared once, in scale-bench.ts, which reuses it). */
type BrokerUnderTest = PreparedBroker;

/**
 * Creates a database, starts a broker on it (demo mode, its own process), seeds the signals
 * and opens the casussen the requests ask about (questions belong to a casus that holds the
 * subject, issue 7). Everything is undone at clean-up.
 */
async function prepareBroker(config: BenchConfig, scope: BenchScope, o: { label: string; extraEnv?: NodeJS.ProcessEnv; profileDir?: string }): Promise<BrokerUnderTest> {
  say(`bench: creating a database on ${redactPassword(config.adminUrl)} for the ${o.label}…`);
  const db = await createBenchDatabase(config.adminUrl);
  await onCleanup(async () => {
    if (config.keepDatabase) {
      say(`bench: kept database ${db.name} (BENCH_KEEP_DATABASE=1); drop it with: psql -c 'drop database ${db.name}'`);
      return;
    }
    await db.drop();
    say(`bench: dropped database ${db.name}`);
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-bench-'));
  await onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const subjectKey = randomBytes(32);
  const env = {
    ...process.env,
    JPP_SUBJECT_KEY: subjectKey.toString('base64url'),
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    // A port of its own, so that a demo broker running on 8443 does not stop the bench.
    JPP_MTLS_PORT: String(await freePort()),
    LOG_LEVEL: config.logLevel,
    // The shipped platform with rate limits no load reaches: the limits are still counted in every
    // question's transaction (their cost is measured), but never refuse (test/support/platform-file.ts).
    JPP_PLATFORM_FILE: platformFileWith({ rateLimits: UNLIMITED }, PLATFORM_FILE),
    ...o.extraEnv,
  };
  say(`bench: starting the ${o.label} (demo mode, LOG_LEVEL=${config.logLevel}) on database ${db.name}…`);
  const broker = await startBroker(env, dataDir, o.profileDir);
  await onCleanup(() => broker.stop());
  const token = await issueToken(env);

  say(`bench: inserting ${SIGNALS.toLocaleString('en-US')} signals…`);
  const seedStart = Date.now();
  const workload = await seedSignals(db.url, subjectKey, scope.platform, scope.pairs, { signals: SIGNALS, rotation: ROTATION, now: new Date() });
  say(`bench: inserted ${workload.signalCount.toLocaleString('en-US')} signals for ${workload.subjectCount.toLocaleString('en-US')} subjects in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  const caseRefs = Array.from({ length: CASES }, (_, i) => `bench-case-${String(i).padStart(3, '0')}`);
  const openCase = async (caseRef: string, subjects: string[]) => {
    const res = await postJson(`${broker.url}/v1/cases`, { caseRef, doel: DOEL, routeIn: 'politie', kind: subjects.length > 1 ? 'group' : 'person', subjects, aanmeldcriteria: ['signaalgedrag'], agesAtAanmelding: subjects.map(() => 15) }, token);
    if (res.status !== 201) throw new Error(`bench: could not open casus ${caseRef}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await openCase('bench-verify', [workload.hitSubject.pseudonym, workload.unknownSubject]);
  for (const [i, caseRef] of caseRefs.entries()) await openCase(caseRef, workload.rotation.filter((_, j) => j % CASES === i));
  const bodies = workload.rotation.map((subject, i) => JSON.stringify({ subject, doel: DOEL, caseRef: caseRefs[i % CASES] }));
  return { broker, db, token, subjectKey, workload, bodies, env };
}

/** The size of the broker's question entries so far (the verification's), for the floor's log row. */
async function questionEntryBytes(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ n: number | null }>("select max(octet_length(content::text))::int as n from logboek_entries where action = 'question'");
    return r.rows[0]?.n ?? 2_600;
  } finally {
    await client.end();
  }
}

/** Waits until every logboek entry of the database has its place in the tree (the sequencer caught up). */
async function untilSequenced(databaseUrl: string, timeoutMs = 120_000): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await client.query<{ n: number }>('select count(*)::int as n from logboek_entries e where not exists (select 1 from logboek_leaves l where l.entry_id = e.id)');
      if (r.rows[0]!.n === 0) return;
      if (Date.now() > deadline) throw new Error(`bench: ${r.rows[0]!.n} logboek entries still unsequenced after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const config = loadBenchConfig();
  const unknown = [...(config.only ?? [])].filter((n) => !Number.isInteger(n) || n < 1 || n > SCENARIOS);
  if (unknown.length > 0) throw new Error(`BENCH_ONLY lists scenarios 1–${SCENARIOS}, comma-separated; not ${unknown.join(', ')}`);
  const runs = (n: number): boolean => !config.only || config.only.has(n);
  const scope: BenchScope = await loadBenchScope();
  let measurements: Measurement[] = [];
  let servers: ChildServer[] = [];
  if (runs(1)) ({ measurements, servers } = await scenario1(config, scope));
  if (runs(2)) await scenario2(config, scope);
  if (runs(3)) await scenario3();
  if (runs(4)) await scenario4();
  if (runs(5)) await scenario5();
  if (runs(6) || runs(7)) {
    say();
    const adapterBench = await runAdapterImportBench(config.adminUrl, 100_000, say, { endToEnd: runs(6), cpuProfile: config.cpuProfile });
    say();
    for (const line of formatAdapterBench(adapterBench)) say(line);
  }
  if (runs(8)) await runLogboekScaleBench(config, say);
  if (runs(9)) await runScaleBench(config, scope, { prepareBroker: (label) => prepareBroker(config, scope, { label }), verify, onCleanup }, say);

  const bad = measurements.filter((m) => m.load.non2xx > 0 || m.load.errors > 0);
  if (bad.length > 0) {
    process.stderr.write(`\nbench: NOT VALID: ${bad.map((m) => `${m.server} (round ${m.round})`).join(', ')} had non-2xx responses or errors\n`);
    for (const server of servers) {
      const output = server.outputTail().split('\n').slice(-30).join('\n');
      process.stderr.write(`\n${server.name}'s last output:\n${output || '(none; BENCH_LOG_LEVEL=warn or info logs the broker\'s errors)'}\n`);
    }
    return 1;
  }
  return 0;
}

/** Scenario 1: the broker's hot path against the bare lookup. */
async function scenario1(config: BenchConfig, scope: BenchScope): Promise<{ measurements: Measurement[]; servers: ChildServer[] }> {
  const profileDir = config.cpuProfile ? mkdtempSync(join(tmpdir(), 'jpp-bench-profile-')) : undefined;
  if (profileDir) await onCleanup(() => rmSync(profileDir, { recursive: true, force: true }));

  const first = await prepareBroker(config, scope, { label: 'broker', ...(profileDir ? { profileDir } : {}) });
  const { broker, token, workload, bodies } = first;

  /** The baseline's program (baseline-server.ts) as `name`, on the broker's database, stopped at clean-up. */
  const startLookup = async (name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildServer> => {
    const port = await freePort();
    const server = await startChildServer({
      name,
      args: ['--import', 'tsx', BASELINE_SCRIPT],
      cwd: ROOT,
      env: { ...process.env, JPP_SUBJECT_KEY: first.subjectKey.toString('base64url'), DATABASE_URL: first.db.url, HOST: '127.0.0.1', PORT: String(port), BENCH_LOOKUP_SQL: scope.lookupSql, BENCH_LOOKUP_PAIRS: JSON.stringify(scope.pairs), ...extraEnv },
      port,
      logFile: join(String(first.env['DATA_DIR']), `${name}.log`),
    });
    await onCleanup(() => server.stop());
    return server;
  };
  const baseline = await startLookup('baseline');
  await verify(broker, baseline, token, workload);
  // The floor: the same route, with one durable log row of the question entry's size per answer.
  const floor = await startLookup('floor', { BENCH_FLOOR_LOG_BYTES: String(await questionEntryBytes(first.db.url)) });
  await verify(broker, floor, token, workload);

  const brokerWindows: TimeWindow[] = [];
  const measurements = await measure(config, { baseline, floor, broker }, token, bodies, brokerWindows);

  const cpu = cpus();
  say();
  say('Scenario 1: POST /v1/queries — the broker against a bare express + pg route doing the same lookup');
  say(`  data: ${workload.signalCount.toLocaleString('en-US')} signals of ${workload.subjectCount.toLocaleString('en-US')} subjects across ${scope.platform.partners.length} partners`);
  say(`  requests: ${ASKER}, doel ${DOEL}; ${ROTATION.toLocaleString('en-US')} subjects in rotation (half with signals), ${CASES} casussen; lookup of ${scope.pairs.length} (partner, category) pairs`);
  say(`  load: autocannon, ${config.connections} connections, ${config.durationSeconds} s per server after ${config.warmupSeconds} s warm-up; broker LOG_LEVEL=${config.logLevel}`);
  say(`  machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${first.db.serverVersion.split(' on ')[0]}`);
  say(`  broker: ${await sourceState()}`);
  say();
  say(formatMeasurements(measurements));
  say();
  const verdict = verdictOf(measurements);
  say(formatVerdict(verdict, config.rounds));

  if (profileDir) {
    await broker.stop(); // the profile is written when the broker exits
    printProfile(profileDir, brokerWindows);
  } else await broker.stop();
  return { measurements, servers: [baseline, floor, broker] };
}

/** Scenario 2: the same broker with and without the logboek's Merkle maintenance. */
async function scenario2(config: BenchConfig, scope: BenchScope): Promise<void> {

  // Scenario 2: the same broker and load with the logboek's Merkle maintenance off
  // (JPP_SEQUENCER=off: entries are still written in each answer's transaction, but not
  // placed in the tree). Two brokers run side by side, each on a fresh database of its own
  // with the same kind of data, so that their logs grow alike, and are measured in alternating
  // rounds, so that a change in the machine's load during the run falls on both; before each
  // measurement the sequencing broker has placed every entry of the round before.
  say();
  say('bench: scenario 2: two more brokers, each on a fresh database of its own: one with the sequencer, one with JPP_SEQUENCER=off (entries logged, not placed in the Merkle tree)…');
  const on = await prepareBroker(config, scope, { label: 'broker with the sequencer' });
  const off = await prepareBroker(config, scope, { label: 'broker without Merkle maintenance', extraEnv: { JPP_SEQUENCER: 'off' } });
  const rounds: Array<{ with: Measurement; without: Measurement }> = [];
  const withCpu = cpuSupported();
  const once = async (server: ChildServer, t: BrokerUnderTest, round: number, label: string): Promise<Measurement> => {
    const load = (durationSeconds: number) =>
      runLoad({ url: server.url, path: '/v1/queries', bodies: t.bodies, headers: { authorization: `Bearer ${t.token}` }, durationSeconds, connections: config.connections });
    await untilSequenced(on.db.url);
    if (config.warmupSeconds > 0) await load(config.warmupSeconds);
    await untilSequenced(on.db.url);
    say(`round ${round}: ${label}: measuring for ${config.durationSeconds} s…`);
    const before = withCpu ? sampleCpu(server.pid) : undefined;
    const result = await load(config.durationSeconds);
    const used = before ? cpuBetween(before, sampleCpu(server.pid)) : undefined;
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`the ${label} answered with errors: ${JSON.stringify(result)}`);
    return { round, server: 'broker', load: result, cpu: used };
  };
  for (let round = 1; round <= config.rounds; round++) {
    const a = await once(on.broker, on, round, 'broker with the sequencer');
    const b = await once(off.broker, off, round, 'broker without Merkle maintenance');
    rounds.push({ with: a, without: b });
  }
  const onRate = median(rounds.map((r) => r.with.load.requestsPerSecond));
  const offRate = median(rounds.map((r) => r.without.load.requestsPerSecond));
  const overhead = offRate > 0 ? 1 - onRate / offRate : 0;
  // CPU per request says where the difference goes, and varies less than req/s on a busy machine.
  const perRequest = (ms: Measurement[], part: 'server' | 'postgres'): string =>
    ms.every((m) => m.cpu) ? median(ms.map((m) => (1000 * m.cpu![part]) / m.load.total)).toFixed(2) : '–';
  say();
  say('Scenario 2: the cost of the logboek\'s Merkle maintenance in the query path (alternating rounds, a database each)');
  say('  round  with req/s  without req/s   with: CPU ms/req server, postgres   without: server, postgres');
  for (const r of rounds) {
    const cpuOf = (m: Measurement): string => (m.cpu ? `${((1000 * m.cpu.server) / m.load.total).toFixed(2)}, ${((1000 * m.cpu.postgres) / m.load.total).toFixed(2)}` : '–');
    say(`  ${String(r.with.round).padEnd(5)}  ${r.with.load.requestsPerSecond.toFixed(1).padStart(10)}  ${r.without.load.requestsPerSecond.toFixed(1).padStart(13)}   ${cpuOf(r.with).padStart(33)}   ${cpuOf(r.without).padStart(25)}`);
  }
  say(`  medians: with the sequencer ${onRate.toFixed(1)} req/s (CPU ms/req: server ${perRequest(rounds.map((r) => r.with), 'server')}, postgres ${perRequest(rounds.map((r) => r.with), 'postgres')}); without ${offRate.toFixed(1)} req/s (server ${perRequest(rounds.map((r) => r.without), 'server')}, postgres ${perRequest(rounds.map((r) => r.without), 'postgres')})`);
  say(`  ratio with/without: ${(onRate / offRate).toFixed(2)}; overhead ${(100 * overhead).toFixed(0)} %  (target: at most 20 %)  →  ${overhead <= 0.2 ? 'MET' : 'NOT MET'}`);

}

/** Scenario 3: verifying the whole log, against appending it, in one process. */
async function scenario3(): Promise<void> {
  const merkle = await runMerkleBench();
  const rate = (name: string): number => merkle.find((r) => r.name.startsWith(name))?.opsPerSec ?? 0;
  say();
  say('Scenario 3: logboek verification speed (200,000 entries, in memory)');
  for (const r of merkle) say(`  ${r.name.padEnd(46)} ${r.opsPerSec.toLocaleString('en-US').padStart(9)} /s  ${r.note}`);
  const verifyRate = rate('verify whole log (entries');
  say(`  ratio verify/append: ${(verifyRate / rate('append')).toFixed(2)}; target: verify ≥ 200,000 entries/s  →  ${verifyRate >= 200_000 ? 'MET' : 'NOT MET'}`);

}

async function scenario4(): Promise<void> {
  // Scenario 4: pseudonymisation end to end (normalise, blind, evaluate with proof, verify,
  // finalise), against the plain per-identity @noble/curves path in the same run.
  const pseudo = await runPseudonymisationBench();
  const plain = pseudo[0]!.identitiesPerSec;
  const best = Math.max(...pseudo.map((r) => r.identitiesPerSec));
  say();
  say('Scenario 4: pseudonymisation of a batch of identities');
  for (const r of pseudo) say(`  ${r.name.padEnd(52)} ${r.identitiesPerSec.toLocaleString('en-US').padStart(6)} identities/s  (${(r.identitiesPerSec / plain).toFixed(1)}× plain)`);
  say(`  target: ≥ 1,000 identities/s, about 10× the plain path  →  ${best >= 1000 ? 'MET' : 'NOT MET'} (${best.toLocaleString('en-US')}/s, ${(best / plain).toFixed(1)}×)`);

}

/** Scenario 5: policy decisions from the compiled decision table, against casbin enforce. */
async function scenario5(): Promise<void> {
  const pol = await runPolicyBench();
  const polRatio = pol.tablePerSec / pol.enforcePerSec;
  say();
  say(`Scenario 5: policy decisions (${pol.requests} requests: the seed policy's whole domain; compiled in ${pol.compileMs.toFixed(0)} ms)`);
  say(`  decision table ${Math.round(pol.tablePerSec).toLocaleString('en-US')} /s; casbin enforce ${Math.round(pol.enforcePerSec).toLocaleString('en-US')} /s`);
  say(`  ratio table/enforce: ${polRatio.toFixed(0)}×; target ≥ 100×  →  ${polRatio >= 100 ? 'MET' : 'NOT MET'}`);
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (err: unknown) => {
    if (!cleaning) {
      process.stderr.write(`bench: ${err instanceof DatabaseUnreachableError ? err.message : (err as Error).stack ?? String(err)}\n`);
    }
    await cleanup();
    process.exit(1);
  },
);
