/**
 * RFC 9162 leaf hashes of entry-bundle bytes on worker threads (issue 21, item 4: `audit verify`
 * of a million entries in seconds). The verifier reads an export's entries.bundles in chunks of
 * whole entries; a chunk is handed to a worker (its memory moved, not copied), the worker returns
 * it with SHA-256(0x00 || entry) of every entry in it, and the verifier compares those with the
 * stored leaf hashes in seq order, as it would compare its own.
 *
 * Invariants:
 * - A worker computes exactly what the verifier would: for the entry whose uint16 length starts at
 *   offset o, SHA-256 over bytes [o + 1, o + 2 + length) with byte o + 1 set to 0x00 (the length's
 *   second byte becomes the leaf's prefix, as bundle-export.ts does in the main thread). The
 *   offsets come from the caller, who walked the lengths; the worker trusts nothing else.
 * - Results come back in the order chunks were given (one promise per chunk); nothing is shared
 *   between threads but the moved chunk and the returned hashes.
 * - The workers hold no file, key or database: they are independent of the broker's storage, like
 *   the rest of the verifier (only node:crypto and node:worker_threads).
 * - The workers are unref'd and closed by close(); a worker that dies rejects its chunks, so the
 *   verification fails loudly rather than passing.
 *
 * The worker's code is a string evaluated by the worker (a CommonJS script of a few lines), so that
 * it runs the same from the compiled package and from the TypeScript sources under the tests.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
parentPort.on('message', (m) => {
  const b = Buffer.from(m.buffer, m.byteOffset, m.byteLength);
  const offsets = new Uint32Array(m.offsets);
  const stored = m.stored ? Buffer.from(m.stored) : undefined;
  const out = Buffer.from(new ArrayBuffer(32 * offsets.length));
  const special = [];
  for (let i = 0; i < offsets.length; i++) {
    const o = offsets[i];
    const length = b.readUInt16BE(o);
    b[o + 1] = 0;
    const h = hash('sha256', b.subarray(o + 1, o + 2 + length), 'buffer');
    out.set(h, 32 * i);
    if (stored && (length === 0 || stored.compare(h, 0, 32, 32 * i, 32 * i + 32) !== 0)) special.push(i);
  }
  const exceptions = new Uint32Array(special);
  parentPort.postMessage({ id: m.id, buffer: m.buffer, leaves: out.buffer, special: exceptions.buffer }, [m.buffer, out.buffer, exceptions.buffer]);
});
`;

/** One chunk's result: its bytes back (with each entry's prefix byte set to 0x00) and one 32-byte leaf hash per entry. */
export interface HashedChunk {
  readonly bytes: Buffer;
  readonly leaves: Buffer;
  /**
   * When stored leaf hashes were given: in increasing order, the entries that are empty (redacted)
   * or whose leaf hash differs from the stored one; every other entry's leaf equals its stored hash.
   */
  readonly special: Uint32Array | undefined;
}

export interface LeafHashPool {
  /**
   * Hashes the entries whose length fields start at `offsets` in `bytes`, and compares each with
   * its stored leaf hash in `stored` (32 bytes per entry) when given. `bytes` must be a Buffer that
   * owns its whole ArrayBuffer (it is moved to the worker; `offsets` and `stored` are copied);
   * use the returned bytes afterwards.
   */
  hash(bytes: Buffer, offsets: Uint32Array, stored?: Uint8Array): Promise<HashedChunk>;
  close(): Promise<void>;
}

/** How many worker threads a pool uses by default: one per core, at least one. */
export const defaultLeafHashThreads = (): number => Math.max(1, availableParallelism());

export function createLeafHashPool(threads = defaultLeafHashThreads()): LeafHashPool {
  const pending = new Map<number, { resolve: (c: HashedChunk) => void; reject: (e: Error) => void; worker: Worker; compared: boolean }>();
  const workers: Worker[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  for (let i = 0; i < threads; i++) {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: { id: number; buffer: ArrayBuffer; leaves: ArrayBuffer; special: ArrayBuffer }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.resolve({ bytes: Buffer.from(m.buffer), leaves: Buffer.from(m.leaves), special: p.compared ? new Uint32Array(m.special) : undefined });
    });
    const fail = (err: Error): void => {
      failure ??= err;
      for (const [id, p] of pending) {
        if (p.worker !== w) continue;
        pending.delete(id);
        p.reject(err);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`a leaf-hashing worker stopped (exit code ${code})`));
    });
    workers.push(w);
  }
  return {
    hash(bytes, offsets, stored) {
      if (failure) return Promise.reject(failure);
      if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) throw new RangeError('a chunk to hash must own its whole ArrayBuffer');
      const id = nextId++;
      const worker = workers[id % workers.length]!;
      return new Promise<HashedChunk>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker, compared: stored !== undefined });
        // A copy of its own to move (Buffer.prototype.slice would be a view of the caller's buffer).
        const storedCopy = stored && new Uint8Array(stored).buffer;
        worker.postMessage(
          { id, buffer: bytes.buffer, byteOffset: 0, byteLength: bytes.byteLength, offsets: offsets.buffer, stored: storedCopy },
          [bytes.buffer as ArrayBuffer, ...(storedCopy ? [storedCopy] : [])],
        );
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
