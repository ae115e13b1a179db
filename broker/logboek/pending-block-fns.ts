/**
 * The sequencer's pending entries from blocks (pendingBlock in pending-blocks.repository.ts): the
 * blocks' indexes parsed and checked, the texts written once as UTF-8 into one buffer, and each
 * entry's leaf hash sealed from its bytes there, as sealLeafHash (leaf-splice.ts) seals it from its
 * text: 0x00 || JCS(content + {seq}) by the splice, or the full canonicalisation where the splice
 * does not apply.
 *
 * Invariants:
 * - The entries must come strictly in (tx, id) order, the first after the cursor the read started
 *   from, and each block's texts must be exactly as many UTF-8 bytes as its index says; anything
 *   else is refused (PendingBlockError), never sealed: a plan that did not keep the order fails the
 *   run (nothing is committed) instead of placing entries out of order.
 * - An entry the index marks as already placed (`-`, only entries from before migration 0005) is
 *   counted as read, for the window's continuation, and not placed again.
 * - The leaf hash of an entry is the one sealLeafHash gives for its stored text at that seq
 *   (test/logboek/pending-blocks.test.ts compares them).
 */
import { hashSplicedLeaf, SPLICE_MARGIN, spliceLeafBytes } from './leaf-splice.js';
import { leafData } from './log-entry.js';
import { leafHash } from './merkle/merkle-hash.js';
import type { PendingBlockRow } from './pending-blocks.repository.js';

/** Blocks that do not add up: entries out of (tx, id) order, or texts of another length than indexed. */
export class PendingBlockError extends Error {
  override readonly name = 'PendingBlockError';
}

/** The entries read by one pendingBlocks call, ready to be sealed in order. */
export interface PendingPart {
  /** The ids of the entries to place, in (tx, id) order. */
  readonly ids: number[];
  /** How many entries were read, those already placed included: fewer than asked means none are left. */
  readonly read: number;
  /** The last entry read (the next read starts after it), or the cursor read from when none was. */
  readonly last: { tx: string; id: number } | null;
  /** Each entry's text: where its bytes start in `bytes`, and how many there are. */
  readonly offsets: Int32Array;
  readonly lengths: Int32Array;
  /** Room for one spliced leaf input at the start (1 + the longest text + SPLICE_MARGIN), then the texts. */
  readonly bytes: Buffer;
}

const COLON = 0x3a;
const COMMA = 0x2c;
const DASH = 0x2d;
const malformed = (): PendingBlockError => new PendingBlockError('the pending block index is malformed');

/**
 * Parses the blocks read after `after` and writes their texts into one buffer. Why a loop over the
 * characters: split() would make several strings per entry, which is what blocks are for avoiding.
 */
export function partFromBlocks(blocks: readonly PendingBlockRow[], after: { tx: string; id: number } | null): PendingPart {
  const ids: number[] = [];
  const all: number[] = []; // per entry read: its text's length, -1 when already placed
  const blockBytes: number[] = [];
  let prevTx = after === null ? -1 : Number(after.tx);
  let prevId = after === null ? -1 : after.id;
  let longest = 0;
  let total = 0;
  for (const b of blocks) {
    const s = b.index;
    const n = s.length;
    let bytes = 0;
    let i = 0;
    /** The decimal number at i, up to `stop` (or the end); i is left on the stop character. */
    const number = (stop: number): number => {
      let v = 0;
      const from = i;
      for (let c = s.charCodeAt(i); i < n && c !== stop; c = s.charCodeAt(++i)) {
        if (c < 0x30 || c > 0x39) throw malformed();
        v = v * 10 + (c - 0x30);
      }
      if (i === from || !Number.isSafeInteger(v)) throw malformed();
      return v;
    };
    while (i < n) {
      const tx = number(COLON);
      if (s.charCodeAt(i++) !== COLON) throw malformed();
      const id = number(COLON);
      if (s.charCodeAt(i++) !== COLON) throw malformed();
      let length = -1;
      if (s.charCodeAt(i) === DASH) i++;
      else length = number(COMMA);
      if (i < n && s.charCodeAt(i) !== COMMA) throw malformed();
      i++;
      if (tx < prevTx || (tx === prevTx && id <= prevId)) throw new PendingBlockError(`pending entry ${tx}:${id} came after ${prevTx}:${prevId}: the read did not keep (tx, id) order`);
      prevTx = tx;
      prevId = id;
      all.push(length);
      if (length >= 0) {
        ids.push(id);
        bytes += length;
        if (length > longest) longest = length;
      }
    }
    blockBytes.push(bytes);
    total += bytes;
  }
  const room = 1 + longest + SPLICE_MARGIN;
  // Four bytes more than the indexes say: a longer text then writes at least one more character.
  const out = Buffer.allocUnsafe(room + total + 4);
  let w = room;
  blocks.forEach((b, k) => {
    const written = out.write(b.text, w, 'utf8');
    if (written !== blockBytes[k]) throw new PendingBlockError("a pending block's texts are not as long as its index says");
    w += written;
  });
  const offsets = new Int32Array(ids.length);
  const lengths = new Int32Array(ids.length);
  let at = room;
  let j = 0;
  for (const length of all) {
    if (length < 0) continue;
    offsets[j] = at;
    lengths[j++] = length;
    at += length;
  }
  const last = all.length === 0 ? after : { tx: String(prevTx), id: prevId };
  return { ids, read: all.length, last, offsets, lengths, bytes: out };
}

/**
 * The leaf hash of the part's entry `i` at `seq`: its bytes moved to the front of the part's
 * buffer behind 0x00, spliced there and hashed (the texts stay in place, so a text the splice
 * declines is decoded from them and canonicalised in full). Equal to sealLeafHash(text, seq).
 */
export function sealPendingEntry(part: PendingPart, i: number, seq: number): Uint8Array {
  const b = part.bytes;
  const from = part.offsets[i]!;
  const length = part.lengths[i]!;
  b[0] = 0x00;
  b.copyWithin(1, from, from + length);
  const spliced = spliceLeafBytes(b, 1, length, seq);
  if (spliced === undefined) return leafHash(leafData(b.toString('utf8', from, from + length), seq));
  return hashSplicedLeaf(b.subarray(0, 1 + spliced));
}
