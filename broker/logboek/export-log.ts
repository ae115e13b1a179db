/**
 * Exporting the logboek for offline verification, and reading an export back: `entries.jsonl`
 * (one {seq, leafHash, content} per line, seq order) and `manifest.json` ({origin, treeSize,
 * checkpoint, publicKey, files, exportedAt}), like the digest files of `aws cloudtrail
 * validate-logs`. Also the small HTTP client for /v1/log that export, verify and the witness share.
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
import { verifyCheckpoint, type CheckpointBody } from './checkpoint.js';
import type { CheckpointView, LogEntryView } from './logboek-read.service.js';
import type { SignedCheckpoint, VerifiableEntry } from './verify-log.js';

/** A refusal or failure from the broker, with its HTTP status (0 when the broker did not answer). */
export class LogClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LogClientError';
  }
}

export interface InclusionProofView {
  index: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

export interface ConsistencyProofView {
  size1: number;
  size2: number;
  proof: string[];
}

export interface EntryPage {
  entries: LogEntryView[];
  treeSize: number;
  nextSeq: number | null;
}

/** The /v1/log API as a witness, an exporter or a verifier uses it. */
export interface LogClient {
  readonly url: string;
  publicKey(): Promise<{ origin: string; key: JWK }>;
  checkpoints(after: number, limit?: number): Promise<CheckpointView[]>;
  latestCheckpoint(): Promise<CheckpointView | undefined>;
  inclusionProof(index: number, treeSize: number): Promise<InclusionProofView>;
  consistencyProof(size1: number, size2: number): Promise<ConsistencyProofView>;
  /** Needs a token of a role that may read the log; every call is logged by the broker. */
  entries(fromSeq: number, limit: number): Promise<EntryPage>;
}

/**
 * A client for one broker. Why hand-written: the few calls need no generated code, and a witness
 * must not depend on more than fetch. A token, when given, is sent on every request.
 */
export function createLogClient(
  baseUrl: string,
  options: { token?: string; fetch?: typeof fetch; timeoutMs?: number; /** How the broker logs the entry reads. */ purpose?: 'read' | 'export' | 'verify' } = {},
): LogClient {
  const base = baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  async function get<T>(path: string, allowEmpty = false): Promise<T | undefined> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        headers: { accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new LogClientError(`cannot reach ${base}: ${(err as Error).message}`, 0);
    }
    if (res.status === 204 && allowEmpty) return undefined;
    const text = await res.text();
    if (!res.ok) {
      let title = '';
      try {
        const problem = JSON.parse(text) as { title?: string; detail?: string };
        title = [problem.title, problem.detail].filter(Boolean).join(': ');
      } catch {
        // not problem+json
      }
      throw new LogClientError(`${base}${path.replace(/\?.*$/, '')} answered ${res.status}${title ? ` (${title})` : ''}`, res.status);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LogClientError(`${base}${path.replace(/\?.*$/, '')} did not answer JSON`, res.status);
    }
  }
  return {
    url: base,
    publicKey: async () => (await get<{ origin: string; key: JWK }>('/v1/log/public-key'))!,
    checkpoints: async (after, limit = 1000) => (await get<{ checkpoints: CheckpointView[] }>(`/v1/log/checkpoints?after=${after}&limit=${limit}`))!.checkpoints,
    latestCheckpoint: async () => get<CheckpointView>('/v1/log/checkpoints/latest', true),
    inclusionProof: async (index, treeSize) => (await get<InclusionProofView>(`/v1/log/proofs/inclusion?index=${index}&treeSize=${treeSize}`))!,
    consistencyProof: async (size1, size2) => (await get<ConsistencyProofView>(`/v1/log/proofs/consistency?size1=${size1}&size2=${size2}`))!,
    entries: async (fromSeq, limit) =>
      (await get<EntryPage>(`/v1/log/entries?fromSeq=${fromSeq}&limit=${limit}${options.purpose ? `&purpose=${options.purpose}` : ''}`))!,
  };
}

/** Every checkpoint the broker lists with an id above `after`, oldest first, page by page. */
export async function* allCheckpoints(client: LogClient, after = 0): AsyncGenerator<CheckpointView> {
  let cursor = after;
  for (;;) {
    const page = await client.checkpoints(cursor, 1000);
    if (page.length === 0) return;
    for (const c of page) yield c;
    cursor = page[page.length - 1]!.id;
  }
}

/**
 * The live log's entries [0, treeSize) for the treeSize of the first page, in seq order, plus that
 * size once the first page is in. Pages follow the last seq returned, not the broker's `nextSeq`,
 * which assumes there are no gaps; an empty page skips its whole range.
 */
export function liveEntries(client: LogClient, pageSize = 5000): { entries: AsyncIterable<LogEntryView>; treeSize: () => number | undefined } {
  let size: number | undefined;
  async function* pages(): AsyncGenerator<LogEntryView> {
    let next = 0;
    for (;;) {
      const page = await client.entries(next, pageSize);
      size ??= page.treeSize;
      for (const e of page.entries) {
        if (e.seq >= size) return;
        yield e;
      }
      next = page.entries.length > 0 ? page.entries[page.entries.length - 1]!.seq + 1 : next + pageSize;
      if (next >= size) return;
    }
  }
  return { entries: pages(), treeSize: () => size };
}

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
  /** The key that signs checkpoints, as the broker served it: only a witness's pinned key is independent. */
  publicKey: JWK;
  /** SHA-256 (hex, as sha256sum prints it) of each file of the export. */
  files: Record<string, string>;
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
export async function exportLog(client: LogClient, out: string, options: { pageSize?: number; now?: () => Date; onPage?: (exported: number, treeSize: number) => void } = {}): Promise<ExportResult> {
  if (existsSync(join(out, MANIFEST_FILE))) throw new Error(`${out} already holds an export; choose an empty directory`);
  mkdirSync(out, { recursive: true });
  const { origin, key } = await client.publicKey();
  // A checkpoint that exists before the first page and is larger than what that page says the
  // log holds means the broker lost entries it had signed. (Later ones may be larger because of
  // the export's own logged reads.)
  const before = await client.latestCheckpoint();
  const live = liveEntries(client, options.pageSize);
  let count = 0;
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
  const treeSize = live.treeSize() ?? 0;
  const signedBeyond = before && before.treeSize > treeSize ? before.treeSize : undefined;
  const covered: Array<{ id: number; jws: string; body: CheckpointBody }> = [];
  for await (const c of allCheckpoints(client)) {
    if (c.treeSize > treeSize) continue;
    let body: CheckpointBody;
    try {
      body = await verifyCheckpoint(c.jws, key, origin);
    } catch (err) {
      throw new Error(`the broker's checkpoint ${c.id} does not verify with its own key (${(err as Error).message}); run a witness and report this`, { cause: err });
    }
    covered.push({ id: c.id, jws: c.jws, body });
  }
  let best: (typeof covered)[number] | undefined;
  for (const c of covered) if (!best || c.body.treeSize >= best.body.treeSize) best = c;
  const checkpointsHash = await writeLines(
    join(out, CHECKPOINTS_FILE),
    (async function* () {
      for (const c of covered) yield `${JSON.stringify({ id: c.id, jws: c.jws })}\n`;
    })(),
  );
  const manifest: ExportManifest = {
    origin,
    treeSize,
    checkpoint: best?.jws ?? null,
    publicKey: key,
    files: { [ENTRIES_FILE]: entriesHash, [CHECKPOINTS_FILE]: checkpointsHash },
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  const tmp = join(out, `${MANIFEST_FILE}.partial`);
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(out, MANIFEST_FILE));
  return { dir: out, manifest, entries: count, checkpointSize: best?.body.treeSize ?? 0, ...(signedBeyond !== undefined ? { signedBeyond } : {}) };
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
  /** entries.jsonl's SHA-256 (hex) once entries() has been read to the end; undefined before. */
  entriesHash(): string | undefined;
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
            const c = JSON.parse(l) as { id?: number; jws?: string };
            return typeof c.jws === 'string' ? [{ ...(typeof c.id === 'number' ? { id: c.id } : {}), jws: c.jws }] : [];
          } catch {
            return [];
          }
        })
    : [];
  let finalHash: string | undefined;
  return {
    manifest,
    checkpoints,
    checkpointsHash: checkpointsBytes && createHash('sha256').update(checkpointsBytes).digest('hex'),
    entriesHash: () => finalHash,
    async *entries() {
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
    },
  };
}
