/**
 * `jpp-broker audit export|verify|witness|prove`: the logboek's audit tools for partners and
 * juristen (docs/audit.md). The logic lives in broker/logboek/ (export-log.ts, verify-log.ts,
 * witness.ts); this file parses options, picks what to trust, and prints.
 *
 * Invariants:
 * - Output names seq numbers, actions, sizes, checkpoint ids and times, never identities or
 *   subject hashes. Leaf hashes and roots (RFC 9162 §2.1,
 *   https://www.rfc-editor.org/rfc/rfc9162#section-2.1) are not printed either: they say nothing
 *   to a jurist.
 * - Checkpoints are compact JWS (RFC 7515, https://www.rfc-editor.org/rfc/rfc7515) and are always
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
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import { openDatabase, type Database, type DatabaseHandle, type Executor } from '../db/database.js';
import { verifyCheckpoint, type CheckpointBody } from '../logboek/checkpoint.js';
import { getNodes, listCheckpoints, sequencedEntries, treeSize } from '../logboek/logboek.repository.js';
import {
  checkpointAncestors,
  describeCheckpoint,
  verifyEntryInclusion,
  verifyLog,
  type CheckpointRef,
  type SignedCheckpoint,
  type StoredTree,
  type VerifiableEntry,
  type VerifyReport,
} from '../logboek/verify-log.js';
import { allCheckpoints, createLogClient, ENTRIES_FILE, CHECKPOINTS_FILE, exportLog, liveEntries, readExport } from '../logboek/export-log.js';
import { parsePublicKeyFile, readWitnessStore, runWitness, witnessOnce, type WitnessOutcome, type WitnessStore } from '../logboek/witness.js';
import { commandEnv } from '../config/platforms-config.js';

/** Where a command writes; tests pass their own. */
export interface AuditIo {
  out(line: string): void;
  err(line: string): void;
}

const stdio: AuditIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A mistake in how the command was called (exit 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const tokenOf = (opts: { token?: string }): string | undefined => opts.token ?? process.env['JPP_TOKEN'];

/** Database-mode source over the repository: entries by seq range, pages of 10,000. */
export async function* databaseEntries(db: Executor, from: number, to: number, page = 10_000): AsyncGenerator<VerifiableEntry> {
  for (let start = from; start < to; start += page) {
    for (const r of await sequencedEntries(db, start, Math.min(to, start + page))) yield { seq: r.seq, leafHash: r.leafHash, content: r.content };
  }
}

/** The stored Merkle tree of a database, for pinpointing a root mismatch (see verify-log.ts). */
export function databaseTree(db: Executor): StoredTree {
  return { nodes: (coords) => getNodes(db, coords), entries: (from, to) => databaseEntries(db, from, to) };
}

/** Every checkpoint row of a database, oldest first. */
export async function databaseCheckpoints(db: Executor): Promise<SignedCheckpoint[]> {
  const out: SignedCheckpoint[] = [];
  for (let after = 0; ; ) {
    const page = await listCheckpoints(db, after, 1000);
    if (page.length === 0) return out;
    out.push(...page.map((c) => ({ id: c.id, jws: c.jws })));
    after = page[page.length - 1]!.id;
  }
}

/** A checkpoint file: a compact JWS, or JSON with a `jws` field (as /v1/log/checkpoints/latest answers). */
function readCheckpointFile(file: string): string {
  const text = readFileSync(file, 'utf8').trim();
  if (text.startsWith('{')) {
    const v = JSON.parse(text) as { jws?: unknown };
    if (typeof v.jws !== 'string') throw new UsageError(`${file} has no "jws"`);
    return v.jws;
  }
  return text;
}

interface TrustOptions {
  checkpoint?: string;
  witnessStore?: string;
  publicKey?: string;
}

/** What a source offers when nothing independent is given (marked as such in the output). */
interface SourceTrust {
  readonly name: string;
  readonly key?: { origin?: string; key: JWK };
  readonly latest?: SignedCheckpoint;
  readonly checkpoints: readonly SignedCheckpoint[];
  /** Exports: their size and time; a witness's checkpoint is chosen as of the export's time. */
  readonly exported?: { readonly treeSize: number; readonly at: string };
}

interface Trust {
  readonly key: JWK;
  readonly origin: string | undefined;
  readonly jws: string;
  readonly body: CheckpointBody;
  readonly chain: CheckpointRef[];
  readonly notes: string[];
}

/** Picks the trusted key and checkpoint: files and witness store first, the source itself last. */
async function resolveTrust(opts: TrustOptions, source: SourceTrust): Promise<Trust> {
  const notes: string[] = [];
  let witness: WitnessStore | undefined;
  if (opts.witnessStore) {
    try {
      witness = readWitnessStore(resolve(opts.witnessStore));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (witness.alarm) notes.push(`WARNING: the witness raised an alarm (${witness.alarm.kind}): ${witness.alarm.message}`);
  }
  let key: { origin?: string; key: JWK };
  if (opts.publicKey) {
    try {
      key = parsePublicKeyFile(readFileSync(opts.publicKey, 'utf8'));
    } catch (err) {
      throw new UsageError(`--public-key ${opts.publicKey}: ${(err as Error).message}`);
    }
    notes.push(`key: from ${opts.publicKey}`);
  } else if (witness) {
    key = { origin: witness.origin, key: witness.key };
    notes.push(`key: pinned by the witness in ${opts.witnessStore}`);
  } else if (source.key) {
    key = source.key;
    notes.push(`key: from the ${source.name} itself (NOT independent: give --public-key or --witness-store)`);
  } else {
    throw new UsageError('no key to check checkpoints with: give --public-key <file> (from GET /v1/log/public-key) or --witness-store <dir>');
  }

  let jws: string;
  let from: string;
  if (opts.checkpoint) {
    try {
      jws = readCheckpointFile(opts.checkpoint);
    } catch (err) {
      throw err instanceof UsageError ? err : new UsageError(`--checkpoint ${opts.checkpoint}: ${(err as Error).message}`);
    }
    from = `from ${opts.checkpoint}`;
  } else if (witness) {
    // Live sources: the latest held. Exports: the latest held when the export was made, so that an
    // export of a truncated log fails, while a checkpoint witnessed after the export is not used.
    const newest = witness.checkpoints[witness.checkpoints.length - 1];
    let chosen = newest;
    if (source.exported) {
      const { treeSize: size, at } = source.exported;
      chosen = witness.checkpoints.filter((c) => c.witnessedAt <= at).pop();
      if (!chosen) {
        chosen = witness.checkpoints.filter((c) => c.body.treeSize <= size).pop();
        if (chosen) notes.push(`the witness held no checkpoint yet when this export was made; using the latest one it holds within the export's ${size} entries`);
      } else if (chosen !== newest) {
        notes.push(`the witness holds newer checkpoints (up to size ${newest!.body.treeSize}), witnessed after this export was made; they are not used`);
      }
    }
    if (!chosen) throw new UsageError(`the witness in ${opts.witnessStore} holds no checkpoint for this ${source.name} yet; run it again after the broker's next checkpoint`);
    jws = chosen.jws;
    from = `held by the witness in ${opts.witnessStore}`;
  } else if (source.latest) {
    jws = source.latest.jws;
    from = `from the ${source.name} itself (NOT independent: give --witness-store or --checkpoint)`;
  } else {
    throw new UsageError(`no checkpoint to verify against: the ${source.name} has none; give --checkpoint <file> or --witness-store <dir>`);
  }
  let body: CheckpointBody;
  try {
    body = await verifyCheckpoint(jws, key.key, key.origin);
  } catch (err) {
    throw new UsageError(`the trusted checkpoint (${from}) does not verify with the key: ${(err as Error).message}`);
  }
  const candidates = [...source.checkpoints, ...(witness?.checkpoints ?? []).map((c) => ({ id: c.id, jws: c.jws }))];
  const chain = await checkpointAncestors(jws, candidates, key.key, body.origin);
  const trusted = chain[chain.length - 1]!;
  notes.unshift(`checkpoint: ${describeCheckpoint(trusted)} of ${body.time}, ${from}`);
  return { key: key.key, origin: key.origin, jws, body, chain: chain.map(({ id, treeSize: s, rootHash }) => ({ ...(id !== undefined ? { id } : {}), treeSize: s, rootHash })), notes };
}

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
    let entries: AsyncIterable<VerifiableEntry>;
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
        ...(m.checkpoint ? { latest: { jws: m.checkpoint } } : {}),
        checkpoints: opened.checkpoints,
        exported: { treeSize: m.treeSize, at: m.exportedAt },
      };
      entries = opened.entries();
      after = (r) => {
        const problems: string[] = [];
        const want = m.files[ENTRIES_FILE];
        const got = opened.entriesHash();
        if (got !== undefined && want !== got) problems.push(`${ENTRIES_FILE} was changed after the export: its SHA-256 differs from the manifest's`);
        if (m.files[CHECKPOINTS_FILE] !== undefined && m.files[CHECKPOINTS_FILE] !== opened.checkpointsHash) {
          problems.push(`${CHECKPOINTS_FILE} was changed after the export: its SHA-256 differs from the manifest's`);
        }
        if (r.valid && got !== undefined && r.entries + r.afterCheckpoint !== m.treeSize) {
          problems.push(`the manifest says ${m.treeSize} entries, ${ENTRIES_FILE} holds ${r.entries + r.afterCheckpoint}`);
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
      for await (const c of allCheckpoints(client)) checkpoints.push({ id: c.id, jws: c.jws });
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
export async function exportCommand(opts: { url: string; token?: string; out: string; pageSize?: string }, io: AuditIo = stdio): Promise<number> {
  const token = tokenOf(opts);
  if (!token) throw new UsageError('--token (or JPP_TOKEN) of a jurist or privacy officer is needed to read the entries');
  const pageSize = opts.pageSize === undefined ? 5000 : Number(opts.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) throw new UsageError('--page-size must be a whole number from 1 to 5000');
  const started = performance.now();
  const result = await exportLog(createLogClient(opts.url, { token, purpose: 'export' }), resolve(opts.out), {
    pageSize,
    onPage: (n, size) => io.err(`  ${n} of ${size} entries`),
  });
  io.out(`exported entries 0–${result.manifest.treeSize - 1} (${result.entries} entries) of ${result.manifest.origin} to ${opts.out} in ${seconds(performance.now() - started)}`);
  if (result.manifest.checkpoint) {
    io.out(`  checkpoint in the manifest: size ${result.checkpointSize}${result.checkpointSize < result.manifest.treeSize ? ` (the last ${result.manifest.treeSize - result.checkpointSize} entries are after it)` : ''}`);
  } else {
    io.out('  no checkpoint covers this export yet: verify it against a later checkpoint held by a witness');
  }
  if (result.signedBeyond !== undefined) {
    io.err(`WARNING: the broker has signed a checkpoint of size ${result.signedBeyond} but serves only ${result.manifest.treeSize} entries: its log was truncated`);
  }
  io.out(`  check it: jpp-broker audit verify --export ${opts.out} --witness-store <your witness store>`);
  return 0;
}

function describeOutcome(o: WitnessOutcome): string {
  if (o.status === 'ok') {
    if (!o.latest) return 'witness: the broker has no checkpoint yet';
    return `witness: ${o.added === 0 ? 'no new checkpoints' : `${o.added} new checkpoint${o.added === 1 ? '' : 's'} verified and kept`}; latest held: ${describeCheckpoint({ id: o.latest.id, treeSize: o.latest.body.treeSize })} of ${o.latest.body.time}`;
  }
  return `MISBEHAVIOUR (${o.kind}): ${o.message}\n  evidence kept in ${o.evidence}`;
}

/** `audit witness`; returns the exit code (polling returns only on misbehaviour or a signal). */
export async function witnessCommand(
  opts: { url: string; store: string; publicKey?: string; once?: boolean; interval: string },
  io: AuditIo = stdio,
  signal?: AbortSignal,
): Promise<number> {
  const interval = Number(opts.interval);
  if (!Number.isFinite(interval) || interval < 1) throw new UsageError('--interval must be a number of seconds, 1 or more');
  let publicKey: { origin?: string; key: JWK } | undefined;
  if (opts.publicKey) {
    try {
      publicKey = parsePublicKeyFile(readFileSync(opts.publicKey, 'utf8'));
    } catch (err) {
      throw new UsageError(`--public-key ${opts.publicKey}: ${(err as Error).message}`);
    }
  }
  const base = { client: createLogClient(opts.url), store: resolve(opts.store), ...(publicKey ? { publicKey } : {}) };
  if (opts.once) {
    const outcome = await witnessOnce(base);
    (outcome.status === 'ok' ? io.out : io.err)(describeOutcome(outcome));
    return outcome.status === 'ok' ? 0 : 2;
  }
  const outcome = await runWitness({
    ...base,
    intervalSeconds: interval,
    ...(signal ? { signal } : {}),
    onRound: (o) => (o.status === 'ok' ? io.out : io.err)(`${new Date().toISOString()} ${describeOutcome(o)}`),
    onError: (err) => io.err(`${new Date().toISOString()} witness: ${err.message}; trying again in ${interval} s`),
  });
  return outcome?.status === 'misbehaviour' ? 2 : 0;
}

/** `audit prove`: one entry's inclusion in a trusted checkpoint; returns the exit code. */
export async function proveCommand(opts: TrustOptions & { url: string; seq: string; export?: string; token?: string }, io: AuditIo = stdio): Promise<number> {
  const seq = Number(opts.seq);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new UsageError('--seq must be an entry number, 0 or more');
  const token = tokenOf(opts);
  if (opts.export === undefined && !token) throw new UsageError('give --export <dir> to take the entry from, or --token to fetch it');
  const client = createLogClient(opts.url, token ? { token } : {});
  const checkpoints: SignedCheckpoint[] = [];
  for await (const c of allCheckpoints(client)) checkpoints.push({ id: c.id, jws: c.jws });
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
    .requiredOption('--url <url>', 'the broker, e.g. http://localhost:8080')
    .option('--token <token>', 'bearer token of a jurist or privacy officer (or set JPP_TOKEN)')
    .requiredOption('--out <dir>', 'an empty directory for the export')
    .option('--page-size <n>', 'entries per request, up to 5000', '5000')
    .action((opts: { url: string; token?: string; out: string; pageSize: string }) => run(() => exportCommand(opts))());

  audit
    .command('verify')
    .description('verify an export, the database or the live log against a trusted checkpoint; exit 0 valid, 2 broken, 1 usage')
    .option('--export <dir>', 'an export made with `audit export`')
    .option('--database', 'read the database directly (DATABASE_URL, or the embedded one in DATA_DIR; the broker must be stopped)')
    .option('--platform <id>', "with --database and JPP_PLATFORMS: the platform whose logboek to read (its DATABASE_URL__<ID> or DATA_DIR/<id>)")
    .option('--url <url>', 'read the live log from a running broker (needs --token)')
    .option('--token <token>', 'with --url: bearer token of a jurist or privacy officer (or set JPP_TOKEN)')
    .option('--checkpoint <file>', 'the trusted checkpoint: a file with its JWS')
    .option('--witness-store <dir>', "the trusted checkpoint: the latest one this witness holds (and its pinned key)")
    .option('--public-key <file>', 'the key that signs checkpoints: JSON from GET /v1/log/public-key, or a JWK')
    .option('--json', 'print the report as JSON')
    .action((opts: VerifyOptions) => run(() => verifyCommand(opts))());

  audit
    .command('witness')
    .description('fetch, check and keep the broker\'s checkpoints; exits 2 with evidence kept when the broker rewrites or forks its history')
    .requiredOption('--url <url>', 'the broker')
    .requiredOption('--store <dir>', 'where the witness keeps the pinned key, the checkpoints and any evidence')
    .option('--public-key <file>', 'the key obtained out of band (else the broker\'s key is pinned on first use)')
    .option('--once', 'run one round and exit')
    .addOption(new Option('--interval <seconds>', 'seconds between rounds').default('60'))
    .action(async (opts: { url: string; store: string; publicKey?: string; once?: boolean; interval: string }) => {
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
    .requiredOption('--url <url>', 'the broker (proofs are public)')
    .requiredOption('--seq <n>', 'the entry number')
    .option('--export <dir>', 'take the entry from this export')
    .option('--token <token>', 'or fetch the entry with this token of a jurist or privacy officer (or set JPP_TOKEN)')
    .option('--checkpoint <file>', 'the trusted checkpoint: a file with its JWS')
    .option('--witness-store <dir>', 'the trusted checkpoint: the latest one this witness holds (and its pinned key)')
    .option('--public-key <file>', 'the key that signs checkpoints')
    .action((opts: TrustOptions & { url: string; seq: string; export?: string; token?: string }) => run(() => proveCommand(opts))());

  return audit;
}
