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
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, renameSync, type WriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { VerifiableEntry } from './verify-log-types.js';

export const BUNDLES_FILE = 'entries.bundles';
export const LEAVES_FILE = 'leaves.tile0';
export const TILES_FORMAT = 'tlog-tiles';

/** A file written through a temporary name, hashed as it is written. */
export interface Sink {
  write(bytes: Uint8Array): Promise<void>;
  /** Closes, renames into place and returns the SHA-256 (hex). */
  close(): Promise<string>;
}

export function openSink(file: string): Sink {
  const tmp = `${file}.partial`;
  const digest = createHash('sha256');
  const out: WriteStream = createWriteStream(tmp, { mode: 0o600 });
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

/**
 * The entries of a tlog-tiles export, in seq order: each with its stored leaf hash and its leaf
 * bytes (`sealed`: the verifier hashes them as they are), or content null when redacted.
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
