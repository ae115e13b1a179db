/**
 * The leaf input of a logboek entry, 0x00 || JCS(content + {seq}) (RFC 9162 §2.1.1,
 * https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1; RFC 8785 JCS), built without parsing:
 * `"seq":N` is spliced into the stored canonical UTF-8 text at its sorted place among the
 * top-level keys, found by one byte scan that skips strings.
 *
 * Why: parsing and canonicalising every entry in full (leafData in log-entry.ts) costs about
 * ten times a JSON.parse, and the sequencer does it for every entry of every answer, on the
 * broker's event loop (docs/performance.md, scenario 2). The splice costs one scan.
 *
 * Invariants:
 * - For a text that is JCS of an object without a top-level `seq` (what the log writer stores:
 *   canonicalJson in log-writer.ts), the spliced bytes are exactly JCS(content + {seq}): JCS
 *   orders members by UTF-16 code units, and UTF-8 byte order agrees with it when one side is
 *   the ASCII key "seq" (at the first difference a non-ASCII character is larger in both), and
 *   JCS writes an integer as its decimal digits. test/logboek/leaf-splice.test.ts checks this
 *   against the full canonicalisation for arbitrary JSON objects.
 * - Where the splice cannot be done safely (not an object, a top-level key with an escape, a
 *   `seq` of its own), it says so (undefined), and callers use the full canonicalisation.
 * - Bytes are scanned, not characters: '"' and '\\' never occur inside a multi-byte UTF-8 sequence.
 */
import { hash } from 'node:crypto';
import { leafData } from './log-entry.js';
import { leafHash } from './merkle/merkle-hash.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** Index of the quote that closes the string opening at `start`, or -1. */
function stringEnd(b: Buffer, start: number): number {
  let j = b.indexOf(QUOTE, start + 1);
  while (j > 0) {
    let backslashes = 0;
    for (let k = j - 1; b[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
    j = b.indexOf(QUOTE, j + 1);
  }
  return -1;
}

const SEQ = [0x73, 0x65, 0x71]; // "seq"

/**
 * Compares the raw key b[from, to) with "seq": negative, 0 or positive, or NaN when it holds an
 * escape. UTF-8 byte order agrees with JCS's UTF-16 order here, because "seq" is ASCII.
 */
function compareWithSeq(b: Buffer, from: number, to: number): number {
  for (let k = from; k < to; k++) if (b[k] === BACKSLASH) return Number.NaN;
  const len = to - from;
  for (let k = 0; k < len && k < 3; k++) {
    const d = b[from + k]! - SEQ[k]!;
    if (d !== 0) return d;
  }
  return len - 3;
}

/** Reused for the spliced leaf input; every caller hashes it before the next call (synchronous). */
let scratch = Buffer.allocUnsafe(16 * 1024);

/** Writes 0x00 || b[0, at) || member || b[at, end) into the scratch buffer. */
function spliceAt(b: Buffer, at: number, member: string): Buffer {
  const length = 1 + b.length + member.length;
  if (scratch.length < length) scratch = Buffer.allocUnsafe(2 * length);
  scratch[0] = 0x00;
  b.copy(scratch, 1, 0, at);
  scratch.write(member, 1 + at, 'latin1');
  b.copy(scratch, 1 + at + member.length, at);
  return scratch.subarray(0, length);
}

/**
 * Where `"seq":N` goes in the canonical text `b`, and the member text to put there; undefined when
 * the text is not a plain object whose top-level keys compare without unescaping, or has its own seq.
 */
function spliceTarget(b: Buffer, seq: number): { at: number; member: string } | undefined {
  const n = b.length;
  if (n < 2 || b[0] !== OPEN_OBJECT || b[n - 1] !== CLOSE_OBJECT) return undefined;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === QUOTE) {
      const end = stringEnd(b, i);
      if (end < 0) return undefined;
      if (depth === 1 && (b[i - 1] === OPEN_OBJECT || b[i - 1] === COMMA)) {
        const order = compareWithSeq(b, i + 1, end);
        if (Number.isNaN(order) || order === 0) return undefined;
        if (order > 0) return { at: i, member: `"seq":${seq},` };
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return i === n - 1 ? { at: i, member: `${b[i - 1] === OPEN_OBJECT ? '' : ','}"seq":${seq}` } : undefined;
    }
  }
  return undefined;
}

/**
 * 0x00 || `text` with `"seq":N` spliced in at its sorted top-level place, or undefined when the
 * text is not a plain object whose top-level keys compare without unescaping, or has its own seq.
 * The result is a view of a shared buffer: hash it before the next call.
 */
export function splicedLeafInput(b: Buffer, seq: number): Buffer | undefined {
  const target = spliceTarget(b, seq);
  return target && spliceAt(b, target.at, target.member);
}

/** The most bytes the splice adds to a text: `,"seq":` and a safe integer's digits. */
export const SPLICE_MARGIN = 32;

/**
 * Writes the leaf bytes of the entry stored as `contentText` at `seq`, JCS(content + {seq}), into
 * `out` at `offset`, as the sequencer sealed them (sealLeafHash), and returns how many bytes it
 * wrote. Where the splice does not apply it returns the bytes of the full canonicalisation for
 * the caller to place over what it wrote (their length is not bounded by the text's). Why: the
 * compact export builds a page of thousands of entries in one buffer, without a buffer per entry.
 * `out` must have Buffer.byteLength(contentText) + SPLICE_MARGIN bytes from `offset`.
 */
export function writeLeafBytes(contentText: string, seq: number, out: Buffer, offset: number): number | Uint8Array {
  const length = out.write(contentText, offset, 'utf8');
  return spliceLeafBytes(out, offset, length, seq) ?? leafData(contentText, seq);
}

/**
 * Turns the stored text already in `out` at [offset, offset + length) (its UTF-8 bytes) into the
 * entry's leaf bytes at `seq` in place, as writeLeafBytes does, and returns their length; undefined
 * when the splice does not apply (the text is left as it was: the caller canonicalises it in full).
 * `out` must have SPLICE_MARGIN bytes of room after the text. Why: the compact export receives a
 * page's texts as one block of bytes and moves each into place, without a string per entry.
 */
export function spliceLeafBytes(out: Buffer, offset: number, length: number, seq: number): number | undefined {
  const target = spliceTarget(out.subarray(offset, offset + length), seq);
  if (!target) return undefined;
  spliceInPlace(out, offset, length, target);
  return length + target.member.length;
}

/**
 * Inserts `target.member` at `target.at` into the text b[offset, offset + length), in place: the
 * tail moves up by the member's length (copyWithin), so the text is encoded once and copied once
 * (Buffer.copy of part of a buffer makes a new view per call, which cost the export and the
 * sequencer more than the bytes did). `b` must have room for the member after the text.
 */
function spliceInPlace(b: Buffer, offset: number, length: number, target: { at: number; member: string }): void {
  b.copyWithin(offset + target.at + target.member.length, offset + target.at, offset + length);
  b.write(target.member, offset + target.at, 'latin1');
}

/** SHA-256 of a spliced leaf input: the RFC 9162 leaf hash, its 0x00 prefix already in place. */
export function hashSplicedLeaf(input: Buffer): Uint8Array {
  const out = hash('sha256', input, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The leaf hash the sequencer seals for an entry the log writer stored as `contentText`, at
 * `seq`: by splicing, or by the full canonicalisation where the splice does not apply. The text
 * is encoded behind the 0x00 prefix into a reused buffer, not a new one per entry (a run seals
 * thousands), and spliced there in place.
 */
export function sealLeafHash(contentText: string, seq: number): Uint8Array {
  const most = 1 + 3 * contentText.length + SPLICE_MARGIN;
  if (scratch.length < most) scratch = Buffer.allocUnsafe(2 * most);
  scratch[0] = 0x00;
  const length = scratch.write(contentText, 1, 'utf8');
  const target = spliceTarget(scratch.subarray(1, 1 + length), seq);
  if (!target) return leafHash(leafData(contentText, seq));
  spliceInPlace(scratch, 1, length, target);
  return hashSplicedLeaf(scratch.subarray(0, 1 + length + target.member.length));
}
