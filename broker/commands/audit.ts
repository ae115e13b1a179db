/**
 * `jpp-broker audit export|verify|witness|prove`: the logboek's audit tools for partners and
 * juristen (docs/audit.md). The logic lives in broker/logboek/ (export-log.ts, verify-log.ts,
 * witness.ts, witness-server.ts; what is trusted: audit-trust.ts; the database as a source:
 * database-source.ts); this file parses options and prints, `audit witness` in audit-witness.ts.
 *
 * Invariants:
 * - Output names seq numbers, actions, sizes, checkpoint ids and times, never identities or
 *   subject hashes. Leaf hashes and roots (RFC 9162 §2.1,
 *   https://www.rfc-editor.org/rfc/rfc9162#section-2.1) are not printed either: they say nothing
 *   to a jurist.
 * - Checkpoints are C2SP signed notes (https://c2sp.org/tlog-checkpoint) or, from before those,
 *   compact JWS (RFC 7515, https://www.rfc-editor.org/rfc/rfc7515); either is always
 *   signature-checked with a key before anything rests on them.
 * - What is trusted is said on every run: a checkpoint held by a witness (or given in a file) and
 *   a key pinned by the witness (or given in a file) are independent of the broker; a checkpoint or
 *   key taken from the source itself is not, and the output says so.
 * - Exit codes: 0 valid / no misbehaviour, 2 a break or misbehaviour was found, 1 usage or I/O errors.
 * - The embedded database admits one process: --database is for a stopped broker or PostgreSQL;
 *   against a running broker, use --url (its reads are logged).
 * - Each platform has its own logboek. With JPP_PLATFORMS, --database needs --platform <id>; --url
 *   names the platform by its path (http://host:port/p/<id>).
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Kysely } from 'kysely';
import { openDatabase, type Database, type DatabaseHandle } from '../db/database.js';
import { treeSize } from '../logboek/logboek.repository.js';
import { describeCheckpoint, verifyEntryInclusion, verifyLog, type StoredTree, type VerifiableEntry, type VerifiedLeaves, type VerifyReport } from '../logboek/verify-log.js';
import type { SignedCheckpoint } from '../logboek/checkpoint-forms.js';
import { ENTRIES_FILE, CHECKPOINTS_FILE, exportLog, readExport } from '../logboek/export-log.js';
import { allCheckpoints, createLogClient, liveEntries } from '../logboek/log-client.js';
import { resolveTrust, type SourceTrust, type TrustOptions } from '../logboek/audit-trust.js';
import { databaseCheckpoints, databaseEntries, databaseTree } from '../logboek/database-source.js';
import { stdio, UsageError, type AuditIo } from './audit-io.js';
import { witnessCommand, type WitnessCommandOptions } from './audit-witness.js';
import { commandEnv } from '../config/platforms-config.js';

const tokenOf = (opts: { token?: string }): string | undefined => opts.token ?? process.env['JPP_TOKEN'];

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function printReport(io: AuditIo, r: VerifyReport, extra: { problems: string[] }): void {
  io.out(`  entries checked:     ${r.entries}${r.redacted ? ` (${r.redacted} redacted: checked by their leaf hash only)` : ''}`);
  io.out(`  checkpoints checked: ${r.checkpointsChecked}`);
  if (r.afterCheckpoint > 0) io.out(`  after the checkpoint: ${r.afterCheckpoint} ${r.afterCheckpoint === 1 ? 'entry' : 'entries'} (not yet covered by a checkpoint; not an error)`);
  io.out(`  time:                ${seconds(r.ms)}${r.ms >= 100 ? ` (${Math.round((r.entries / r.ms) * 1000)} entries/s)` : ''}`);
  if (r.firstBreak) {
    const b = r.firstBreak;
    io.out(`RESULT: BROKEN${b.seq !== undefined ? ` at entry ${b.seq}` : b.range ? ` in entries ${b.range.from}–${b.range.to - 1}` : ''} (${b.kind})`);
    io.out(`  ${b.detail}`);
  } else if (extra.problems.length > 0) {
    io.out('RESULT: BROKEN (export files)');
  } else {
    io.out(`RESULT: VALID: entries 0–${r.treeSize - 1} are exactly the ${r.treeSize} entries the checkpoint commits to`);
  }
  for (const p of extra.problems) io.out(`  ${p}`);
}

interface VerifyOptions extends TrustOptions {
  export?: string;
  database?: boolean;
  /** With --database and JPP_PLATFORMS: the platform whose database to read. */
  platform?: string;
  url?: string;
  token?: string;
  json?: boolean;
}

/**
 * `audit verify`; returns the exit code. `deps.db` replaces opening the database for --database
 * (tests, on an in-memory database).
 */
export async function verifyCommand(opts: VerifyOptions, io: AuditIo = stdio, deps: { db?: Kysely<Database> } = {}): Promise<number> {
  const sources = [opts.export !== undefined, opts.database === true, opts.url !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('give exactly one source: --export <dir>, --database, or --url <broker> with --token');
  let handle: DatabaseHandle | undefined;
  try {
    let entries: AsyncIterable<VerifiableEntry | VerifiedLeaves>;
    let source: SourceTrust;
    let storedTree: StoredTree | undefined;
    let after: (r: VerifyReport) => string[] = () => [];
    if (opts.export !== undefined) {
      let opened;
      try {
        opened = readExport(resolve(opts.export));
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const m = opened.manifest;
      source = {
        name: 'export',
        key: { origin: m.origin, key: m.publicKey },
        ...(m.checkpoint || m.checkpointNote ? { latest: { ...(m.checkpoint ? { jws: m.checkpoint } : {}), ...(m.checkpointNote ? { note: m.checkpointNote } : {}) } } : {}),
        checkpoints: opened.checkpoints,
        exported: { treeSize: m.treeSize, at: m.exportedAt },
      };
      entries = opened.verifiable();
      after = (r) => {
        const problems: string[] = [];
        const got = opened.entriesHash();
        for (const [file, hash] of Object.entries(opened.entryFileHashes())) {
          if (hash !== undefined && m.files[file] !== hash) problems.push(`${file} was changed after the export: its SHA-256 differs from the manifest's`);
        }
        if (m.files[CHECKPOINTS_FILE] !== undefined && m.files[CHECKPOINTS_FILE] !== opened.checkpointsHash) {
          problems.push(`${CHECKPOINTS_FILE} was changed after the export: its SHA-256 differs from the manifest's`);
        }
        if (r.valid && got !== undefined && r.entries + r.afterCheckpoint !== m.treeSize) {
          problems.push(`the manifest says ${m.treeSize} entries, ${m.format ? 'the export' : ENTRIES_FILE} holds ${r.entries + r.afterCheckpoint}`);
        }
        return problems;
      };
    } else if (opts.database) {
      let db = deps.db;
      if (!db) {
        const env = commandEnv(process.env, opts.platform);
        const url = env['DATABASE_URL'];
        const target = url ? { kind: 'postgres' as const, url } : { kind: 'pglite' as const, dataDir: resolve(env['DATA_DIR'] || './data') };
        try {
          handle = await openDatabase(target);
        } catch (err) {
          throw new UsageError(`${(err as Error).message}; against a running broker, use --url with --token`);
        }
        db = handle.db;
      }
      const checkpoints = await databaseCheckpoints(db);
      const size = await treeSize(db);
      source = { name: 'database', ...(checkpoints.length ? { latest: checkpoints[checkpoints.length - 1]! } : {}), checkpoints };
      entries = databaseEntries(db, 0, size);
      storedTree = databaseTree(db);
    } else {
      const token = tokenOf(opts);
      if (!token) throw new UsageError('--url needs --token (or JPP_TOKEN) of a jurist or privacy officer');
      const client = createLogClient(opts.url!, { token, purpose: 'verify' });
      const checkpoints: SignedCheckpoint[] = [];
      for await (const c of allCheckpoints(client)) checkpoints.push({ id: c.id, jws: c.jws, ...(c.note ? { note: c.note } : {}) });
      source = { name: 'broker', key: await client.publicKey(), ...(checkpoints.length ? { latest: checkpoints[checkpoints.length - 1]! } : {}), checkpoints };
      const live = liveEntries(client);
      entries = (async function* () {
        for await (const e of live.entries) yield { seq: e.seq, leafHash: e.leafHash, content: e.content as Record<string, unknown> | null };
      })();
    }
    const trust = await resolveTrust(opts, source);
    const report = await verifyLog(entries, {
      checkpoint: trust.chain[trust.chain.length - 1]!,
      more: trust.chain.slice(0, -1),
      ...(storedTree ? { storedTree } : {}),
    });
    const problems = after(report);
    if (opts.json) {
      io.out(JSON.stringify({ ...report, origin: trust.body.origin, trust: trust.notes, problems }, null, 2));
    } else {
      io.out(`Verifying the logboek of ${trust.body.origin} (${opts.export !== undefined ? `export ${opts.export}` : opts.database ? 'database' : opts.url})`);
      for (const n of trust.notes) io.out(`  ${n}`);
      printReport(io, report, { problems });
    }
    return report.valid && problems.length === 0 ? 0 : 2;
  } finally {
    await handle?.close();
  }
}

/** `audit export`; returns the exit code. */
export async function exportCommand(opts: { url: string; token?: string; out: string; pageSize?: string; format?: string }, io: AuditIo = stdio): Promise<number> {
  const token = tokenOf(opts);
  if (!token) throw new UsageError('--token (or JPP_TOKEN) of a jurist or privacy officer is needed to read the entries');
  const pageSize = opts.pageSize === undefined ? 5000 : Number(opts.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) throw new UsageError('--page-size must be a whole number from 1 to 5000');
  const format = opts.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'tlog-tiles') throw new UsageError('--format must be jsonl or tlog-tiles');
  const started = performance.now();
  const result = await exportLog(createLogClient(opts.url, { token, purpose: 'export' }), resolve(opts.out), {
    pageSize,
    format,
    onPage: (n, size) => io.err(`  ${n} of ${size} entries`),
  });
  io.out(`exported entries 0–${result.manifest.treeSize - 1} (${result.entries} entries) of ${result.manifest.origin} to ${opts.out} in ${seconds(performance.now() - started)}`);
  if (result.manifest.checkpoint) {
    io.out(`  checkpoint in the manifest: size ${result.checkpointSize}${result.checkpointSize < result.manifest.treeSize ? ` (the last ${result.manifest.treeSize - result.checkpointSize} entries are after it)` : ''}`);
  } else {
    io.out('  no checkpoint covers this export yet: verify it against a later checkpoint held by a witness');
  }
  if (result.unverified > 0) {
    io.err(`WARNING: ${result.unverified} checkpoint${result.unverified === 1 ? ' does' : 's do'} not verify with the key the broker serves (signed before a key rotation, or not by the broker): left out of the export`);
  }
  if (result.signedBeyond !== undefined) {
    io.err(`WARNING: the broker has signed a checkpoint of size ${result.signedBeyond} but serves only ${result.manifest.treeSize} entries: its log was truncated`);
  }
  io.out(`  check it: jpp-broker audit verify --export ${opts.out} --witness-store <your witness store>`);
  return 0;
}

/** `audit prove`: one entry's inclusion in a trusted checkpoint; returns the exit code. */
export async function proveCommand(opts: TrustOptions & { url: string; seq: string; export?: string; token?: string }, io: AuditIo = stdio): Promise<number> {
  const seq = Number(opts.seq);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new UsageError('--seq must be an entry number, 0 or more');
  const token = tokenOf(opts);
  if (opts.export === undefined && !token) throw new UsageError('give --export <dir> to take the entry from, or --token to fetch it');
  const client = createLogClient(opts.url, token ? { token } : {});
  const checkpoints: SignedCheckpoint[] = [];
  for await (const c of allCheckpoints(client)) checkpoints.push({ id: c.id, jws: c.jws, ...(c.note ? { note: c.note } : {}) });
  const trust = await resolveTrust(opts, { name: 'broker', key: await client.publicKey(), ...(checkpoints.length ? { latest: checkpoints[checkpoints.length - 1]! } : {}), checkpoints });
  let entry: VerifiableEntry | undefined;
  if (opts.export !== undefined) {
    for await (const e of readExport(resolve(opts.export)).entries()) {
      if (e.seq === seq) {
        entry = e;
        break;
      }
    }
  } else {
    const page = await client.entries(seq, 1);
    const e = page.entries[0];
    if (e && e.seq === seq) entry = { seq, leafHash: e.leafHash, content: e.content as Record<string, unknown> | null };
  }
  if (!entry) throw new UsageError(`entry ${seq} is not in the ${opts.export !== undefined ? 'export' : 'log'}`);
  const checkpoint = trust.chain[trust.chain.length - 1]!;
  for (const n of trust.notes) io.out(n);
  if (seq >= checkpoint.treeSize) throw new UsageError(`entry ${seq} is after ${describeCheckpoint(checkpoint)}; wait for the witness to hold a later checkpoint`);
  const proof = await client.inclusionProof(seq, checkpoint.treeSize);
  const result = verifyEntryInclusion(entry, proof.proof, checkpoint);
  const content =
    entry.content === null || (typeof entry.content === 'object' && !(entry.content instanceof Uint8Array))
      ? entry.content
      : (JSON.parse(typeof entry.content === 'string' ? entry.content : Buffer.from(entry.content).toString('utf8')) as Record<string, unknown>);
  if (content) io.out(`entry ${seq}: ${String(content['action'])}, ${String(content['outcome'])}, ended ${String(content['endedAt'])}`);
  io.out(`${result.ok ? 'INCLUDED' : 'NOT PROVEN'}: ${result.detail}`);
  return result.ok ? 0 : 2;
}

/** The `audit` command group, registered from cli.ts. */
export function auditCommand(): Command {
  const audit = new Command('audit')
    .description('check the logboek: witness its checkpoints, export it, verify an export or the database (docs/audit.md)')
    .showHelpAfterError();
  const run = (f: () => Promise<number>) => async () => {
    process.exitCode = await f();
  };

  audit
    .command('export')
    .description('export the log from a running broker to <dir>: entries.jsonl and manifest.json (each page read is logged)')
    .requiredOption('--url <url>', 'the broker, e.g. http://127.0.0.1:8080 (default: $JPP_BROKER_URL)', process.env['JPP_BROKER_URL'])
    .option('--token <token>', 'bearer token of a jurist or privacy officer (or set JPP_TOKEN)')
    .requiredOption('--out <dir>', 'an empty directory for the export')
    .option('--page-size <n>', 'entries per request, up to 5000 (jsonl)', '5000')
    .option('--format <format>', 'jsonl (entries.jsonl, one JSON object per entry) or tlog-tiles (entries.bundles and leaves.tile0: C2SP entry bundles and level-0 tiles, compact and fast to verify)', 'jsonl')
    .action((opts: { url: string; token?: string; out: string; pageSize: string; format: string }) => run(() => exportCommand(opts))());

  audit
    .command('verify')
    .description('verify an export, the database or the live log against a trusted checkpoint; exit 0 valid, 2 broken, 1 usage')
    .option('--export <dir>', 'an export made with `audit export`')
    .option('--database', 'read the database directly (DATABASE_URL, or the embedded one in DATA_DIR; the broker must be stopped)')
    .option('--platform <id>', "with --database and JPP_PLATFORMS: the platform whose logboek to read (its DATABASE_URL__<ID> or DATA_DIR/<id>)")
    .option('--url <url>', 'read the live log from a running broker (needs --token)')
    .option('--token <token>', 'with --url: bearer token of a jurist or privacy officer (or set JPP_TOKEN)')
    .option('--checkpoint <file>', 'the trusted checkpoint: a file with its signed note (GET /v1/log/checkpoint), its JWS, or the JSON of GET /v1/log/checkpoints/latest')
    .option('--witness-store <dir>', "the trusted checkpoint: the latest one this witness holds (and its pinned key)")
    .option('--public-key <file>', 'the key that signs checkpoints: JSON from GET /v1/log/public-key, a JWK, or its vkey')
    .option('--json', 'print the report as JSON')
    .action((opts: VerifyOptions) => run(() => verifyCommand(opts))());

  audit
    .command('witness')
    .description(
      "witness a log: poll a broker (--url) and keep and check its checkpoints, or serve C2SP tlog-witness add-checkpoint (--listen) and cosign what logs push; exits 2 with evidence kept when a log rewrites or forks its history",
    )
    .option('--url <url>', 'poll this broker')
    .option('--listen <[host:]port>', 'serve tlog-witness add-checkpoint here (default host 127.0.0.1)')
    .requiredOption('--store <dir>', 'where the witness keeps a log\'s pinned key, its checkpoints and any evidence (with --listen: repeat for each log)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--public-key <file>', "the log's key obtained out of band: JSON from GET /v1/log/public-key, a JWK, or a vkey (else the broker's key is pinned on first use)")
    .option('--key <file>', "with --listen: the witness's own key file (mode 0600), created when absent")
    .option('--name <name>', 'with --listen, creating the key: the witness\'s name, a schema-less URL such as witness.example.nl/jurist')
    .option('--once', 'polling: run one round and exit')
    .addOption(new Option('--interval <seconds>', 'polling: seconds between rounds').default('60'))
    .action(async (opts: WitnessCommandOptions) => {
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        process.exitCode = await witnessCommand(opts, stdio, stop.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  audit
    .command('prove')
    .description('prove that one entry is in the log a trusted checkpoint commits to (inclusion proof)')
    .requiredOption('--url <url>', 'the broker (proofs are public; default: $JPP_BROKER_URL)', process.env['JPP_BROKER_URL'])
    .requiredOption('--seq <n>', 'the entry number')
    .option('--export <dir>', 'take the entry from this export')
    .option('--token <token>', 'or fetch the entry with this token of a jurist or privacy officer (or set JPP_TOKEN)')
    .option('--checkpoint <file>', 'the trusted checkpoint: a file with its signed note, its JWS, or the JSON of GET /v1/log/checkpoints/latest')
    .option('--witness-store <dir>', 'the trusted checkpoint: the latest one this witness holds (and its pinned key)')
    .option('--public-key <file>', 'the key that signs checkpoints')
    .action((opts: TrustOptions & { url: string; seq: string; export?: string; token?: string }) => run(() => proveCommand(opts))());

  return audit;
}

/** Tests and callers pass their own writer (audit-io.ts). */
export type { AuditIo } from './audit-io.js';
