/**
 * The compact export (issue 21, item 4): the log's entries as C2SP tlog-tiles entry bundles and
 * level-0 tiles (https://c2sp.org/tlog-tiles), each concatenated into one file:
 * - `entries.bundles`: for every entry in seq order a big-endian uint16 length and its leaf bytes,
 *   JCS(content + {seq}) (an empty entry is a redacted one); the bundles of tiles.ts back to back;
 * - `leaves.tile0`: every entry's stored leaf hash, 32 bytes each; the level-0 tiles back to back.
 *
 * Why: the JSON-lines export spends its time encoding and decoding JSON on both sides (about 1 KB
 * per entry), and its verifier splices `seq` into every entry. Here the broker sends the bytes the
 * sequencer hashed, the exporter writes them as they come, and the verifier hashes each entry once
 * (0x00 || leaf bytes) without parsing anything.
 *
 * Invariants:
 * - Written through temporary names and hashed as written; manifest.json, written last by
 *   export-log.ts, lists both files' SHA-256 and `format: "tlog-tiles"`.
 * - Read back in one streaming pass with bounded memory: both files are read in chunks side by
 *   side, never whole.
 * - A cut-short file (a length without its entry, a partial hash) ends the entries there, so the
 *   verifier reports the log as truncated at that place.
 * - Reading back a large export, the leaf hashes are computed on worker threads
 *   (leaf-hash-pool.ts), chunk by chunk, and handed to the verifier with each entry (`leaf`); the
 *   entries, their order, their stored hashes and the files' digests are exactly those of the
 *   one-thread reading, which small exports use (the start of a worker costs more than they do).
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, renameSync, statSync, type WriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { VerifiableEntry, VerifiedLeaves } from './verify-log-types.js';
import { createLeafHashPool, defaultLeafHashThreads, type HashedChunk } from './leaf-hash-pool.js';

export const BUNDLES_FILE = 'entries.bundles';
export const LEAVES_FILE = 'leaves.tile0';
export const TILES_FORMAT = 'tlog-tiles';

/** How many bytes a sink buffers before write() waits for them to reach the file. */
const SINK_HIGH_WATER = 4 << 20;

/** A file written through a temporary name, hashed as it is written. */
export interface Sink {
  write(bytes: Uint8Array): Promise<void>;
  /** Closes, renames into place and returns the SHA-256 (hex). */
  close(): Promise<string>;
  /** Stops writing (an export that failed): the file stays under its temporary name, unfinished. */
  abort(): Promise<void>;
}

export function openSink(file: string): Sink {
  const tmp = `${file}.partial`;
  const digest = createHash('sha256');
  // A high-water mark of a few MB: the exporter writes the answers' chunks (tens of KB) as they
  // come, and with the default 16 KB nearly every write would wait for a drain.
  const out: WriteStream = createWriteStream(tmp, { mode: 0o600, highWaterMark: SINK_HIGH_WATER });
  const done = new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.on('finish', resolve);
  });
  return {
    async write(bytes) {
      digest.update(bytes);
      if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    async close() {
      out.end();
      await done;
      renameSync(tmp, file);
      return digest.digest('hex');
    },
    async abort() {
      done.catch(() => undefined);
      if (out.closed) return;
      const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
      out.destroy();
      await closed;
    },
  };
}

/** How many bytes the reader asks the file for at a time. */
const READ_SIZE = 4 << 20;

/**
 * Reads a file in chunks, handing out byte ranges across chunk boundaries; hashes what it reads.
 * Each chunk is read into a fresh buffer behind the few bytes left of the last one, so that no
 * chunk is copied after it was read (views handed out earlier stay valid).
 */
class ChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private ended = false;
  private readonly file: Promise<FileHandle>;
  readonly digest: Hash = createHash('sha256');

  constructor(path: string) {
    this.file = open(path, 'r');
    this.file.catch(() => undefined); // reported by the first fill
  }

  /** Whether `n` bytes are buffered now (no waiting). */
  has(n: number): boolean {
    return this.buf.length - this.pos >= n;
  }

  /** Buffers at least `n` bytes, or as many as the file still has; false when fewer than `n` remain. */
  async fill(n: number): Promise<boolean> {
    const file = await this.file;
    while (!this.has(n) && !this.ended) {
      const left = this.buf.length - this.pos;
      const next = Buffer.allocUnsafe(left + Math.max(READ_SIZE, n));
      this.buf.copy(next, 0, this.pos);
      const { bytesRead } = await file.read(next, left, next.length - left, null);
      if (bytesRead === 0) this.ended = true;
      this.digest.update(next.subarray(left, left + bytesRead));
      this.buf = next.subarray(0, left + bytesRead);
      this.pos = 0;
    }
    return this.has(n);
  }

  /** The big-endian uint16 at the read position, without taking it; call only after has(2) or fill(2) said true. */
  peekUInt16(): number {
    return this.buf.readUInt16BE(this.pos);
  }

  /** The next `n` bytes; call only after has(n) or fill(n) said true. A view, valid while the caller keeps it. */
  take(n: number): Buffer {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads to the end (so that the digest covers the whole file) and closes; how many bytes were left. */
  async drain(): Promise<number> {
    const file = await this.file.catch(() => undefined);
    let left = this.buf.length - this.pos;
    this.pos = this.buf.length;
    if (file) {
      try {
        const chunk = Buffer.allocUnsafe(READ_SIZE);
        for (let r = await file.read(chunk, 0, READ_SIZE, null); r.bytesRead > 0; r = await file.read(chunk, 0, READ_SIZE, null)) {
          this.digest.update(chunk.subarray(0, r.bytesRead));
          left += r.bytesRead;
        }
      } finally {
        await file.close();
      }
    }
    this.ended = true;
    return left;
  }
}

/** The size of each chunk buffer of the threaded reading: READ_SIZE and room for the part of an entry left from the previous read (less than 2 + 65,535 bytes). */
const CHUNK_BYTES = READ_SIZE + (1 << 17);

/** From this size of entries.bundles on, its leaves are hashed on worker threads (a worker starts in some 30 ms). */
export const PARALLEL_FROM_BYTES = 8 << 20;

/**
 * The entries of a tlog-tiles export for the verifier (verifyLog): as bundleEntries for a small
 * export; for a large one (or `threads` > 0), the leaves are hashed on worker threads, and a run of
 * entries whose leaf bytes the workers found to hash to their stored leaf hashes comes as one piece
 * (VerifiedLeaves); an entry that differs, or is redacted, comes on its own, with its computed
 * `leaf`, for the verifier to judge and report as it would any other.
 */
export function verifiableBundleEntries(bundlesFile: string, leavesFile: string, hashes: { bundles?: string; leaves?: string }, options: { threads?: number } = {}): AsyncGenerator<VerifiableEntry | VerifiedLeaves> {
  let threads = options.threads;
  if (threads === undefined) {
    let size = 0;
    try {
      size = statSync(bundlesFile).size;
    } catch {
      // reported by the reader
    }
    threads = size >= PARALLEL_FROM_BYTES ? defaultLeafHashThreads() : 0;
  }
  return threads > 0 ? parallelBundleEntries(bundlesFile, leavesFile, hashes, threads) : bundleEntries(bundlesFile, leavesFile, hashes);
}

/**
 * The entries of a tlog-tiles export, in seq order, in this thread: each with its stored leaf hash
 * and its leaf bytes (`sealed`: the verifier hashes them as they are), or content null when redacted.
 */
export async function* bundleEntries(bundlesFile: string, leavesFile: string, hashes: { bundles?: string; leaves?: string }): AsyncGenerator<VerifiableEntry> {
  const bundles = new ChunkReader(bundlesFile);
  const leaves = new ChunkReader(leavesFile);
  let seq = 0;
  try {
    for (;;) {
      if (!bundles.has(2) && !(await bundles.fill(2))) break;
      const length = bundles.peekUInt16();
      if (!bundles.has(2 + length) && !(await bundles.fill(2 + length))) break;
      // The length and the entry in one view; its second byte (read already) becomes the leaf's
      // 0x00 prefix, so the leaf input is hashed in place, without a copy (the file's digest has
      // taken these bytes before).
      const framed = bundles.take(2 + length);
      framed[1] = 0x00;
      if (!leaves.has(32) && !(await leaves.fill(32))) break;
      const leafHash = leaves.take(32);
      yield { seq, leafHash, content: length === 0 ? null : framed.subarray(2), sealed: true, leafInput: framed.subarray(1) };
      seq++;
    }
  } finally {
    await bundles.drain();
    await leaves.drain();
    hashes.bundles = bundles.digest.digest('hex');
    hashes.leaves = leaves.digest.digest('hex');
  }
}

/** A chunk of entries.bundles: whole entries only, with where each one's length field starts. */
interface BundleChunk {
  readonly bytes: Buffer;
  readonly offsets: Uint32Array;
  /** Where the chunk's last whole entry ends. */
  readonly end: number;
}

/**
 * bundleEntries with the leaves hashed on `threads` worker threads: the file is read here in
 * chunks of whole entries (hashed for the file's digest as read), each chunk is moved to a worker
 * and back with its leaf hashes, and the entries are handed out in order, several chunks ahead.
 */
async function* parallelBundleEntries(bundlesFile: string, leavesFile: string, hashes: { bundles?: string; leaves?: string }, threads: number): AsyncGenerator<VerifiableEntry | VerifiedLeaves> {
  const digest = createHash('sha256');
  const leaves = new ChunkReader(leavesFile);
  const pool = createLeafHashPool(threads);
  const ahead: Array<Promise<{ hashed: HashedChunk; chunk: BundleChunk; stored: Buffer | undefined }>> = [];
  let file: FileHandle | undefined;
  let left: Buffer = Buffer.alloc(0);
  let ended = false;
  /**
   * Chunk buffers back from the workers whose entries were all handed out as verified runs, to be
   * read into again: a fresh 4 MB buffer per chunk cost more (page faults, the garbage collector)
   * than hashing it for the digest. A chunk with an entry handed out on its own is never reused
   * (the verifier may keep that entry's view while it reads on).
   */
  const spare: ArrayBuffer[] = [];
  /** Where each entry of the chunk being read starts (reused; each chunk keeps a copy). */
  let offsets = new Uint32Array(8192);
  /** The next chunk of whole entries, or undefined at the end of the file (a cut-short entry is left out). */
  const readChunk = async (): Promise<BundleChunk | undefined> => {
    if (ended) return undefined;
    file ??= await open(bundlesFile, 'r');
    // A buffer of its own (it is moved to a worker): one that came back from a chunk already
    // verified, or a new one, not zero-filled (the read overwrites what is used).
    const reuse = spare.pop();
    const bytes = reuse ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(CHUNK_BYTES);
    left.copy(bytes, 0);
    const { bytesRead } = await file.read(bytes, left.length, READ_SIZE, null);
    if (bytesRead === 0) ended = true;
    digest.update(bytes.subarray(left.length, left.length + bytesRead));
    const total = left.length + bytesRead;
    let n = 0;
    let at = 0;
    while (at + 2 <= total) {
      const length = bytes.readUInt16BE(at);
      if (at + 2 + length > total) break;
      if (n === offsets.length) {
        const grown = new Uint32Array(2 * n);
        grown.set(offsets);
        offsets = grown;
      }
      offsets[n++] = at;
      at += 2 + length;
    }
    left = Buffer.from(bytes.subarray(at, total));
    return n === 0 ? (ended ? undefined : readChunk()) : { bytes, offsets: offsets.slice(0, n), end: at };
  };
  let short = false;
  /** Reads chunks and their stored leaf hashes (when the leaves file has them all) and sends them to the workers, up to two per thread ahead. */
  const topUp = async (): Promise<void> => {
    while (ahead.length < 2 * threads) {
      const chunk = await readChunk();
      if (!chunk) return;
      const n = chunk.offsets.length;
      // Once the leaves file fell short, no later chunk takes hashes: the short chunk takes what is left, entry by entry.
      short ||= !(await leaves.fill(32 * n));
      const stored = short ? undefined : leaves.take(32 * n);
      const hashed = pool.hash(chunk.bytes, chunk.offsets, stored).then((h) => ({ hashed: h, chunk, stored }));
      hashed.catch(() => undefined); // awaited in order below
      ahead.push(hashed);
    }
  };
  let seq = 0;
  try {
    await topUp();
    for (let next = ahead.shift(); next; next = ahead.shift()) {
      const { hashed, chunk, stored } = await next;
      await topUp();
      const b = hashed.bytes;
      const n = chunk.offsets.length;
      /** Entry i of the chunk on its own: the verifier compares its leaf and reports it. */
      const entry = (i: number, leafHash: Uint8Array): VerifiableEntry => {
        const o = chunk.offsets[i]!;
        const length = (i + 1 < n ? chunk.offsets[i + 1]! : chunk.end) - o - 2;
        return { seq: seq + i, leafHash, content: length === 0 ? null : b.subarray(o + 2, o + 2 + length), sealed: true, leaf: hashed.leaves.subarray(32 * i, 32 * i + 32) };
      };
      if (stored && hashed.special) {
        // Runs of entries whose leaves the worker found equal to the stored ones go as one piece;
        // an empty (redacted) or different entry goes on its own.
        let start = 0;
        for (const k of hashed.special) {
          if (k > start) yield { from: seq + start, leaves: stored.subarray(32 * start, 32 * k) };
          yield entry(k, stored.subarray(32 * k, 32 * k + 32));
          start = k + 1;
        }
        if (start < n) yield { from: seq + start, leaves: stored.subarray(32 * start, 32 * n) };
        // Every entry went out as part of a run (views of `stored`, not of the chunk), and the
        // verifier has taken them all: the chunk's memory can be read into again.
        if (hashed.special.length === 0 && spare.length < 2 * threads) spare.push(b.buffer as ArrayBuffer);
      } else {
        // The leaves file ends inside this chunk: entry by entry up to its last whole hash.
        for (let i = 0; i < n; i++) {
          if (!leaves.has(32) && !(await leaves.fill(32))) return;
          yield entry(i, leaves.take(32));
        }
      }
      seq += n;
    }
  } finally {
    await Promise.allSettled(ahead);
    await pool.close();
    // The digest covers the whole file, also when the verifier stopped early.
    file ??= await open(bundlesFile, 'r').catch(() => undefined);
    if (file) {
      try {
        if (!ended) {
          const chunk = Buffer.allocUnsafe(READ_SIZE);
          for (let r = await file.read(chunk, 0, READ_SIZE, null); r.bytesRead > 0; r = await file.read(chunk, 0, READ_SIZE, null)) digest.update(chunk.subarray(0, r.bytesRead));
        }
      } finally {
        await file.close();
      }
    }
    await leaves.drain();
    hashes.bundles = digest.digest('hex');
    hashes.leaves = leaves.digest.digest('hex');
  }
}
