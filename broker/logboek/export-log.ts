/**
 * Exporting the logboek for offline verification, and reading an export back: `entries.jsonl`
 * (one {seq, leafHash, content} per line, seq order) and `manifest.json` ({origin, treeSize,
 * checkpoint, publicKey, files, exportedAt}), like the digest files of `aws cloudtrail
 * validate-logs`. The HTTP client it reads the broker with is log-client.ts.
 *
 * Invariants:
 * - An export is taken over HTTP with a jurist's or privacy officer's token, so every page read
 *   is logged by the broker as a `log-read` entry; the export never opens the database.
 * - The export covers [0, treeSize) for the treeSize of its first page, even though the log grows
 *   while it runs (its own reads are logged); later entries belong to a later export.
 * - Lines are written as the broker served them: content is the broker's canonical JSON (RFC 8785)
 *   so that the leaf, SHA-256(0x00 || JCS(content + {seq})) (RFC 9162 §2.1.1,
 *   https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1), can be recomputed from the line.
 * - The manifest's checkpoint is the latest signed checkpoint (RFC 7515 JWS,
 *   https://www.rfc-editor.org/rfc/rfc7515; checkpoint.ts) with
 *   a size at most the export's; `checkpoints.jsonl` holds all of those, for narrowing a break.
 *   The manifest's file hashes catch accidents and casual edits only: what makes an export
 *   trustworthy is a checkpoint held by a witness, not anything inside the export.
 * - manifest.json is written last: a directory without one is an interrupted export.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { verifySignedCheckpoint, type CheckpointFacts, type SignedCheckpoint } from './checkpoint-forms.js';
import { allCheckpoints, liveEntries, type BundleStream, type LogClient } from './log-client.js';
import type { VerifiableEntry, VerifiedLeaves } from './verify-log.js';
import { BUNDLES_FILE, bundleEntries, LEAVES_FILE, openSink, TILES_FORMAT, verifiableBundleEntries } from './bundle-export.js';

export const ENTRIES_FILE = 'entries.jsonl';
export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
export const MANIFEST_FILE = 'manifest.json';

/** manifest.json of an export. */
export interface ExportManifest {
  /** The log's origin, as in its checkpoints. */
  origin: string;
  /** The export holds entries [0, treeSize). */
  treeSize: number;
  /** The latest checkpoint JWS with a size at most treeSize; null when none existed yet. */
  checkpoint: string | null;
  /** The same checkpoint as a C2SP signed note with its cosignatures, when it has one. */
  checkpointNote?: string | null;
  /** The key that signs checkpoints, as the broker served it: only a witness's pinned key is independent. */
  publicKey: JWK;
  /** SHA-256 (hex, as sha256sum prints it) of each file of the export. */
  files: Record<string, string>;
  /** `tlog-tiles`: the entries are in entries.bundles and leaves.tile0 (bundle-export.ts); absent: entries.jsonl. */
  format?: typeof TILES_FORMAT;
  exportedAt: string;
}

export interface ExportResult {
  readonly dir: string;
  readonly manifest: ExportManifest;
  readonly entries: number;
  /** The size of the manifest's checkpoint (0 when there is none). */
  readonly checkpointSize: number;
  /**
   * The largest size the broker has signed, when that is more than it served: it lost or dropped
   * entries it had checkpointed (a truncated log). Undefined when all is well.
   */
  readonly signedBeyond?: number;
  /** Checkpoints left out because they do not verify with the key the broker serves (e.g. from before a key rotation). */
  readonly unverified: number;
}

/** One export line: seq and leafHash first, then the content text verbatim (see readExport). */
export const exportLine = (seq: number, leafHash: string, contentText: string): string =>
  `{"seq":${seq},"leafHash":${JSON.stringify(leafHash)},"content":${contentText}}\n`;

/** Writes lines to `file` through a temporary name, returning their SHA-256 (hex). */
async function writeLines(file: string, lines: AsyncIterable<string>): Promise<string> {
  const tmp = `${file}.partial`;
  const digest = createHash('sha256');
  const out = createWriteStream(tmp, { mode: 0o600 });
  const done = new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.on('finish', resolve);
  });
  try {
    for await (const line of lines) {
      digest.update(line);
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    out.end();
  }
  await done;
  renameSync(tmp, file);
  return digest.digest('hex');
}

/**
 * Exports the log from a running broker into `out`: pages through /v1/log/entries with the
 * client's token, then picks the checkpoint. Why over HTTP: the broker logs the reads, and the
 * embedded database admits no second process.
 */
export async function exportLog(
  client: LogClient,
  out: string,
  options: { pageSize?: number; now?: () => Date; onPage?: (exported: number, treeSize: number) => void; format?: 'jsonl' | typeof TILES_FORMAT } = {},
): Promise<ExportResult> {
  if (existsSync(join(out, MANIFEST_FILE))) throw new Error(`${out} already holds an export; choose an empty directory`);
  mkdirSync(out, { recursive: true });
  const { origin, key } = await client.publicKey();
  // A checkpoint that exists before the first page and is larger than what that page says the
  // log holds means the broker lost entries it had signed. (Later ones may be larger because of
  // the export's own logged reads.)
  const before = await client.latestCheckpoint();
  let count = 0;
  let treeSize: number;
  let entryFiles: Record<string, string>;
  if (options.format === TILES_FORMAT) {
    ({ count, treeSize, files: entryFiles } = await exportBundles(client, out, options.onPage));
  } else {
    const live = liveEntries(client, options.pageSize);
    const entriesHash = await writeLines(
      join(out, ENTRIES_FILE),
      (async function* () {
        for await (const e of live.entries) {
          count++;
          if (count % 5000 === 0) options.onPage?.(count, live.treeSize()!);
          yield exportLine(e.seq, e.leafHash, JSON.stringify(e.content));
        }
      })(),
    );
    treeSize = live.treeSize() ?? 0;
    entryFiles = { [ENTRIES_FILE]: entriesHash };
  }
  const signedBeyond = before && before.treeSize > treeSize ? before.treeSize : undefined;
  // Every checkpoint the export covers, each checked with the broker's key; one that does not
  // verify (signed before a key rotation, or forged) is left out and counted: verify trusts
  // checkpoints through a witness's keys, not through the export.
  const covered: Array<{ id: number; jws: string; note: string | null; body: CheckpointFacts }> = [];
  let unverified = 0;
  for await (const c of allCheckpoints(client)) {
    if (c.treeSize > treeSize) continue;
    try {
      covered.push({ id: c.id, jws: c.jws, note: c.note ?? null, body: await verifySignedCheckpoint(c, [key], origin) });
    } catch {
      unverified++;
    }
  }
  let best: (typeof covered)[number] | undefined;
  for (const c of covered) if (!best || c.body.treeSize >= best.body.treeSize) best = c;
  const checkpointsHash = await writeLines(
    join(out, CHECKPOINTS_FILE),
    (async function* () {
      for (const c of covered) yield `${JSON.stringify({ id: c.id, jws: c.jws, ...(c.note ? { note: c.note } : {}) })}\n`;
    })(),
  );
  const manifest: ExportManifest = {
    origin,
    treeSize,
    checkpoint: best?.jws ?? null,
    checkpointNote: best?.note ?? null,
    publicKey: key,
    files: { ...entryFiles, [CHECKPOINTS_FILE]: checkpointsHash },
    ...(options.format === TILES_FORMAT ? { format: TILES_FORMAT } : {}),
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  const tmp = join(out, `${MANIFEST_FILE}.partial`);
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(out, MANIFEST_FILE));
  return { dir: out, manifest, entries: count, checkpointSize: best?.body.treeSize ?? 0, unverified, ...(signedBeyond !== undefined ? { signedBeyond } : {}) };
}

/** How many entries one request of the compact export asks for (a multiple of 256: whole bundles). */
const BUNDLE_REQUEST = 16_384;
/** How many requests of the compact export are in flight at once: the broker reads the next pages while this one is written. */
const IN_FLIGHT = 3;

/**
 * The compact export's entries: [0, treeSize) for the treeSize of the first answer, requested in
 * whole bundles, up to IN_FLIGHT requests ahead of the one being written, written in order. Each
 * answer's body is written to the two files chunk by chunk as it is read (its first 32 bytes per
 * entry to leaves.tile0, the rest to entries.bundles): a page is never gathered into one buffer.
 */
async function exportBundles(client: LogClient, out: string, onPage?: (exported: number, treeSize: number) => void): Promise<{ count: number; treeSize: number; files: Record<string, string> }> {
  const fetchPage = pageFetcher(client);
  const bundles = openSink(join(out, BUNDLES_FILE));
  const leaves = openSink(join(out, LEAVES_FILE));
  const first = await fetchPage(0, BUNDLE_REQUEST).catch(async (err: unknown) => {
    await Promise.all([bundles.abort(), leaves.abort()]);
    throw err;
  });
  const treeSize = first.treeSize;
  const ahead: Array<{ from: number; page: Promise<BundleStream> }> = [];
  let asked = first.entries;
  const askMore = (): void => {
    while (ahead.length < IN_FLIGHT && asked < treeSize) {
      const from = asked;
      const page = fetchPage(from, Math.min(BUNDLE_REQUEST, treeSize - from));
      page.catch(() => undefined); // awaited below; kept from being an unhandled rejection meanwhile
      ahead.push({ from, page });
      asked += Math.min(BUNDLE_REQUEST, treeSize - from);
    }
  };
  let count = 0;
  let page: BundleStream | undefined = first;
  try {
    while (page) {
      if (page.entries > 0) askMore();
      let hashes = 32 * page.entries;
      for await (const chunk of page.body) {
        const toLeaves = Math.min(hashes, chunk.length);
        if (toLeaves > 0) await leaves.write(toLeaves === chunk.length ? chunk : chunk.subarray(0, toLeaves));
        if (toLeaves < chunk.length) await bundles.write(toLeaves === 0 ? chunk : chunk.subarray(toLeaves));
        hashes -= toLeaves;
      }
      count += page.entries;
      onPage?.(count, treeSize);
      const next = ahead.shift();
      if (!next || page.entries === 0) break;
      page = await next.page;
      // A page shorter than asked (the broker lost entries) ends the export at what it holds.
      if (next.from !== count) break;
    }
  } catch (err) {
    await Promise.all([bundles.abort(), leaves.abort()]);
    throw err;
  } finally {
    // Answers asked for and not written are read to their end and dropped, so that no request is left hanging.
    for (const a of ahead) void a.page.then((p) => drop(p.body), () => undefined);
  }
  return { count, treeSize, files: { [BUNDLES_FILE]: await bundles.close(), [LEAVES_FILE]: await leaves.close() } };
}

/** Reads a body to its end without keeping it. */
async function drop(body: BundleStream['body']): Promise<void> {
  try {
    for await (const chunk of body) void chunk;
  } catch {
    // nothing was to be kept
  }
}

/** The client's streamed bundle answers; a client without them (the web pages') exports JSON lines. */
function pageFetcher(client: LogClient): (from: number, limit: number) => Promise<BundleStream> {
  if (!client.bundleStream) throw new Error('this log client cannot read entry bundles: export in the JSON-lines format');
  return client.bundleStream.bind(client);
}

/** An export opened for verification. */
export interface OpenedExport {
  readonly manifest: ExportManifest;
  /** The checkpoints listed in checkpoints.jsonl (signatures not yet checked). */
  readonly checkpoints: SignedCheckpoint[];
  /** checkpoints.jsonl's SHA-256 (hex), or undefined when the export has none. */
  readonly checkpointsHash: string | undefined;
  /** Streams entries.jsonl once, hashing the bytes as they are read. */
  entries(): AsyncIterable<VerifiableEntry>;
  /**
   * The same, for the verifier: a large compact export is read with its leaves hashed on worker
   * threads, and runs of entries found equal to their stored leaf hashes come as one piece
   * (verifiableBundleEntries in bundle-export.ts). Read either this or entries(), once.
   */
  verifiable(): AsyncIterable<VerifiableEntry | VerifiedLeaves>;
  /** entries.jsonl's SHA-256 (hex) once entries() has been read to the end; undefined before. */
  entriesHash(): string | undefined;
  /** Every entries file's SHA-256 (hex) by name, once entries() has been read to the end. */
  entryFileHashes(): Record<string, string | undefined>;
}

const LINE_PREFIX = Buffer.from('{"seq":');
const LEAF_KEY = Buffer.from(',"leafHash":"');
const CONTENT_KEY = Buffer.from('","content":');
const NULL = Buffer.from('null');
const HASH_B64 = 44;

/** Whether b[at, at + what.length) holds `what`. */
const bytesAt = (b: Buffer, at: number, what: Buffer): boolean => at >= 0 && at + what.length <= b.length && b.compare(what, 0, what.length, at, at + what.length) === 0;

/**
 * One line: the exact form {@link exportLine} writes is cut apart without decoding, and the content
 * is handed on as UTF-8 bytes (the verifier hashes them, and parses them only if the hash does not
 * match); any other JSON form is parsed. A line that is not JSON is given the seq after the previous
 * line, with its text as content, so the verifier reports it as changed at its place.
 */
function parseLine(line: Buffer, previousSeq: number): VerifiableEntry {
  const n = line.length;
  if (bytesAt(line, 0, LINE_PREFIX) && line[n - 1] === 0x7d) {
    let i = LINE_PREFIX.length;
    let seq = 0;
    while (i < n && i - LINE_PREFIX.length < 16 && line[i]! >= 0x30 && line[i]! <= 0x39) seq = seq * 10 + (line[i++]! - 0x30);
    const digits = i - LINE_PREFIX.length;
    const leafAt = i + LEAF_KEY.length;
    const contentAt = leafAt + HASH_B64 + CONTENT_KEY.length;
    if (digits > 0 && (digits === 1 || line[LINE_PREFIX.length] !== 0x30) && bytesAt(line, i, LEAF_KEY) && bytesAt(line, leafAt + HASH_B64, CONTENT_KEY) && contentAt < n - 1) {
      const content = line.subarray(contentAt, n - 1);
      return { seq, leafHash: line.toString('latin1', leafAt, leafAt + HASH_B64), content: content.equals(NULL) ? null : content };
    }
  }
  const text = line.toString('utf8');
  try {
    const v = JSON.parse(text) as { seq?: unknown; leafHash?: unknown; content?: unknown };
    const content = v.content === null ? null : typeof v.content === 'object' ? (v.content as Record<string, unknown>) : JSON.stringify(v.content ?? null);
    return { seq: typeof v.seq === 'number' ? v.seq : Number.NaN, leafHash: typeof v.leafHash === 'string' ? v.leafHash : '', content };
  } catch {
    return { seq: previousSeq + 1, leafHash: '', content: text };
  }
}

/**
 * Opens an export directory. Why streaming: an export can hold millions of entries, and the
 * verifier keeps only O(log n) of them.
 */
export function readExport(dir: string): OpenedExport {
  const manifestFile = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new Error(`${dir} holds no ${MANIFEST_FILE}: not an export, or an interrupted one`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ExportManifest;
  if (typeof manifest.treeSize !== 'number' || typeof manifest.files !== 'object' || manifest.files === null) {
    throw new Error(`${manifestFile} is not an export manifest`);
  }
  const checkpointsFile = join(dir, CHECKPOINTS_FILE);
  const checkpointsBytes = existsSync(checkpointsFile) ? readFileSync(checkpointsFile) : undefined;
  const checkpoints: SignedCheckpoint[] = checkpointsBytes
    ? checkpointsBytes
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            const c = JSON.parse(l) as { id?: number; jws?: string; note?: string };
            const forms = { ...(typeof c.jws === 'string' ? { jws: c.jws } : {}), ...(typeof c.note === 'string' ? { note: c.note } : {}) };
            return Object.keys(forms).length > 0 ? [{ ...(typeof c.id === 'number' ? { id: c.id } : {}), ...forms }] : [];
          } catch {
            return [];
          }
        })
    : [];
  let finalHash: string | undefined;
  const checkpointsHash = checkpointsBytes && createHash('sha256').update(checkpointsBytes).digest('hex');
  if (manifest.format === TILES_FORMAT || (manifest.files[BUNDLES_FILE] !== undefined && manifest.files[ENTRIES_FILE] === undefined)) {
    const hashes: { bundles?: string; leaves?: string } = {};
    return {
      manifest,
      checkpoints,
      checkpointsHash,
      entriesHash: () => hashes.bundles,
      entryFileHashes: () => ({ [BUNDLES_FILE]: hashes.bundles, [LEAVES_FILE]: hashes.leaves }),
      entries: () => bundleEntries(join(dir, BUNDLES_FILE), join(dir, LEAVES_FILE), hashes),
      verifiable: () => verifiableBundleEntries(join(dir, BUNDLES_FILE), join(dir, LEAVES_FILE), hashes),
    };
  }
  return {
    manifest,
    checkpoints,
    checkpointsHash,
    entriesHash: () => finalHash,
    entryFileHashes: () => ({ [ENTRIES_FILE]: finalHash }),
    entries: lines,
    verifiable: lines,
  };
  async function* lines(): AsyncGenerator<VerifiableEntry> {
    {
      const digest = createHash('sha256');
      let rest: Buffer = Buffer.alloc(0);
      let previousSeq = -1;
      for await (const chunk of createReadStream(join(dir, ENTRIES_FILE), { highWaterMark: 1 << 20 })) {
        digest.update(chunk as Buffer);
        const bytes = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
        let start = 0;
        for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a, start)) {
          const end = nl > start && bytes[nl - 1] === 0x0d ? nl - 1 : nl;
          if (end > start) {
            const e = parseLine(bytes.subarray(start, end), previousSeq);
            previousSeq = e.seq;
            yield e;
          }
          start = nl + 1;
        }
        rest = bytes.subarray(start);
      }
      if (rest.toString('utf8').trim() !== '') yield parseLine(rest, previousSeq);
      finalHash = digest.digest('hex');
    }
  }
}
