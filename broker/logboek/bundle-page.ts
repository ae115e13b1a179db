/**
 * The compact export's page (GET /v1/log/bundles, bundle-export.ts): the level-0 hashes of entries
 * [from, to), 32 bytes each, then the same entries as one tlog-tiles entry bundle (tiles.ts): for
 * each a big-endian uint16 length and its leaf bytes, JCS(content + {seq}), as the sequencer sealed
 * them (leaf-splice.ts); an empty entry is a redacted one.
 *
 * Invariants:
 * - Both builders give the same bytes for the same entries: the splice where it applies, the full
 *   canonicalisation (leafData) where it does not.
 * - The page is a view of a reused buffer (page-buffers.ts): whoever sends it gives it back with
 *   givePageBuffer once it was written, and not before.
 * - From blocks (pageFromBlocks), the indexes must name every seq of [from, to) once, in order, and
 *   each block's texts' UTF-8 bytes must add up to what its index says; anything else is refused (an
 *   internal error), never answered with entries out of place.
 */
import { SPLICE_MARGIN, spliceLeafBytes, writeLeafBytes } from './leaf-splice.js';
import { MAX_BUNDLE_ENTRY } from './tiles.js';
import { givePageBuffer, takePageBuffer } from './page-buffers.js';

const tooLarge = (length: number): RangeError => new RangeError(`an entry of ${length} bytes does not fit an entry bundle (at most ${MAX_BUNDLE_ENTRY})`);

/**
 * The page from rows with their texts: each entry's leaf bytes written straight from its stored
 * text (writeLeafBytes), into one buffer. Used where blocks do not apply (pageFromBlocks).
 */
export function pageFromRows(leaves: Buffer, rows: ReadonlyArray<{ seq: number; content: string | null }>): Buffer {
  let room = 32 * rows.length;
  for (const r of rows) room += 2 + (r.content === null ? 0 : Buffer.byteLength(r.content, 'utf8') + SPLICE_MARGIN);
  let out = takePageBuffer(room);
  leaves.copy(out, 0, 0, 32 * rows.length);
  let at = 32 * rows.length;
  for (const r of rows) {
    let length = 0;
    if (r.content !== null) {
      const written = writeLeafBytes(r.content, r.seq, out, at + 2);
      if (typeof written === 'number') length = written;
      else {
        // The full canonicalisation (a text the splice does not apply to): its length is its own.
        if (at + 2 + written.length > out.length) {
          const before = out;
          out = Buffer.concat([out.subarray(0, at), Buffer.allocUnsafe(2 + written.length + (out.length - at))]);
          givePageBuffer(before);
        }
        out.set(written, at + 2);
        length = written.length;
      }
    }
    if (length > MAX_BUNDLE_ENTRY) throw tooLarge(length);
    out.writeUInt16BE(length, at);
    at += 2 + length;
  }
  return out.subarray(0, at);
}

/** A page that does not add up (seqs missing or out of order, texts of another length than indexed). */
export class PageBlockError extends Error {
  override readonly name = 'PageBlockError';
}

const COLON = 0x3a;
const COMMA = 0x2c;
const DASH = 0x2d;

/**
 * Parses a block's index `seq:bytes,…` (`seq:-` for a redacted entry) into `lengths` from `k` on:
 * each text's byte length, -1 for a redacted one. The seqs must be `from + k`, `from + k + 1`, …
 * in order; returns the next k. A loop over the characters: split() would make three strings per
 * entry.
 */
function parseIndex(index: string, from: number, lengths: Int32Array, k: number): number {
  let i = 0;
  const n = index.length;
  while (i < n) {
    let seq = 0;
    let digits = 0;
    let c = index.charCodeAt(i);
    while (c !== COLON) {
      if (c < 0x30 || c > 0x39 || i >= n) throw new PageBlockError('the page index is malformed');
      seq = seq * 10 + (c - 0x30);
      digits++;
      c = index.charCodeAt(++i);
    }
    if (digits === 0) throw new PageBlockError('the page index is malformed');
    if (k >= lengths.length || seq !== from + k) throw new PageBlockError(`the page holds seq ${seq} where ${from + k} belongs`);
    c = index.charCodeAt(++i);
    let length = 0;
    if (c === DASH) {
      length = -1;
      c = index.charCodeAt(++i);
    } else {
      do {
        if (c < 0x30 || c > 0x39) throw new PageBlockError('the page index is malformed');
        length = length * 10 + (c - 0x30);
        c = index.charCodeAt(++i);
      } while (i < n && c !== COMMA);
    }
    if (i < n && c !== COMMA) throw new PageBlockError('the page index is malformed');
    lengths[k++] = length;
    i++;
  }
  return k;
}

/** One row of sequencedPageBlocks (logboek.repository.ts): consecutive entries' leaf hashes, texts and index. */
export interface PageBlock {
  readonly leaves: Buffer;
  readonly text: string;
  readonly index: string;
}

/**
 * The page from blocks (sequencedPageBlocks in logboek.repository.ts): the texts are written once,
 * as UTF-8, behind the room their bundle needs, and each is moved down into its place and spliced
 * there (copyWithin, no buffer or string per entry). An entry's place never passes the start of
 * the texts not yet moved, because each takes at most 2 + SPLICE_MARGIN bytes more than its text.
 * Returns undefined when an entry needs the full canonicalisation (its length is not bounded by
 * its text's): the caller builds that page from rows.
 */
export function pageFromBlocks(blocks: readonly PageBlock[], from: number, to: number): Buffer | undefined {
  const n = to - from;
  const lengths = new Int32Array(n);
  const blockBytes: number[] = [];
  let k = 0;
  let textBytes = 0;
  let leafBytes = 0;
  for (const b of blocks) {
    const k0 = k;
    k = parseIndex(b.index, from, lengths, k);
    let bytes = 0;
    for (let j = k0; j < k; j++) bytes += Math.max(0, lengths[j]!);
    if (b.leaves.length !== 32 * (k - k0)) throw new PageBlockError(`a block holds ${b.leaves.length / 32} leaf hashes for ${k - k0} entries`);
    blockBytes.push(bytes);
    textBytes += bytes;
    leafBytes += b.leaves.length;
  }
  if (k !== n || leafBytes !== 32 * n) throw new PageBlockError(`the page holds ${k} entries of ${n}`);
  const start = 32 * n + n * (2 + SPLICE_MARGIN);
  // Four bytes more than the index says: a longer text then writes at least one more character
  // (Buffer.write stops at the end of the buffer, and would return exactly the length expected).
  const out = takePageBuffer(start + textBytes + 4);
  let w = start;
  let l = 0;
  blocks.forEach((b, i) => {
    l += b.leaves.copy(out, l);
    const written = out.write(b.text, w, 'utf8');
    if (written !== blockBytes[i]) throw new PageBlockError("a block's texts are not as long as its index says");
    w += written;
  });
  let at = 32 * n;
  let source = start;
  for (k = 0; k < n; k++) {
    const length = lengths[k]!;
    let written = 0;
    if (length >= 0) {
      out.copyWithin(at + 2, source, source + length);
      source += length;
      const spliced = spliceLeafBytes(out, at + 2, length, from + k);
      if (spliced === undefined) {
        givePageBuffer(out);
        return undefined;
      }
      written = spliced;
    }
    if (written > MAX_BUNDLE_ENTRY) throw tooLarge(written);
    out.writeUInt16BE(written, at);
    at += 2 + written;
  }
  return out.subarray(0, at);
}
