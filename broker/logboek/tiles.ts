/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): where a tile or entry bundle lives, which stored
 * Merkle nodes a tile is, and the entry-bundle encoding. Pure; the read service fetches the rows.
 *
 * - A tile at level L, index N, holds up to 256 hashes: MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]),
 *   i.e. the complete nodes at tree level 8·L with indices N·256 … N·256 + W − 1. The logboek
 *   stores every complete node (merkle/README.md), so a tile is one range read of logboek_nodes.
 * - A full tile is 256 hashes; a partial one (`.p/W`) its first W. Both never change once they
 *   exist: a tile's hashes are complete subtrees, written once.
 * - An entry bundle holds the entries N·256 … N·256 + W − 1, each as a big-endian uint16 length
 *   and the entry's leaf bytes: JCS(content + {seq}) (log-entry.ts), the exact bytes whose
 *   RFC 9162 leaf hash is in the level-0 tile. A redacted entry (retention removed its content)
 *   is a zero-length entry: its leaf hash, in the level-0 tile, is all that is left. No real entry
 *   is empty (every one is a JSON object), so the two cannot be confused.
 *
 * Invariants: a path is accepted only in its one canonical spelling (`x001/x234/067`, no leading
 * zeroes in L or W, 1 ≤ W ≤ 255), so that caches hold one copy of each resource.
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** The largest entry an entry bundle can hold (its length is a uint16). */
export const MAX_BUNDLE_ENTRY = 0xffff;

/** A tile or entry bundle: `level` is null for entry bundles. */
export interface TileRef {
  readonly level: number | null;
  readonly index: number;
  /** 1..256; 256 is a full tile. */
  readonly width: number;
}

/** Encodes N as zero-padded 3-digit elements, all but the last prefixed with `x`. */
export function tileIndexPath(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('a tile index is a whole number, 0 or more');
  const parts = [String(n % 1000).padStart(3, '0')];
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) parts.unshift(`x${String(rest % 1000).padStart(3, '0')}`);
  return parts.join('/');
}

/** `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`, relative to the log's prefix. */
export function tilePath(t: TileRef): string {
  const suffix = t.width === TILE_WIDTH ? '' : `.p/${t.width}`;
  return `tile/${t.level === null ? 'entries' : String(t.level)}/${tileIndexPath(t.index)}${suffix}`;
}

/**
 * Parses the part of a path after `tile/`; undefined unless it is the canonical spelling of a
 * tile at level 0–63 or an entry bundle.
 */
export function parseTilePath(rest: string): TileRef | undefined {
  const parts = rest.split('/');
  if (parts.length < 2) return undefined;
  const head = parts[0]!;
  const level = head === 'entries' ? null : /^(0|[1-9][0-9]?)$/.test(head) && Number(head) <= 63 ? Number(head) : undefined;
  if (level === undefined) return undefined;
  let elements = parts.slice(1);
  let width = TILE_WIDTH;
  const last = elements[elements.length - 2];
  if (last !== undefined && last.endsWith('.p')) {
    const w = elements[elements.length - 1]!;
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) return undefined;
    width = Number(w);
    elements = [...elements.slice(0, -2), last.slice(0, -2)];
  }
  let index = 0;
  for (const [i, e] of elements.entries()) {
    const m = (i < elements.length - 1 ? /^x([0-9]{3})$/ : /^([0-9]{3})$/).exec(e);
    if (!m) return undefined;
    index = index * 1000 + Number(m[1]);
    if (!Number.isSafeInteger(index)) return undefined;
  }
  const ref = { level, index, width };
  return tilePath(ref) === `tile/${rest}` ? ref : undefined;
}

/** The stored nodes a Merkle tile is made of: level 8·L, indices [first, first + width). */
export function tileNodes(t: TileRef & { level: number }): { level: number; first: number; width: number } {
  return { level: TILE_HEIGHT * t.level, first: t.index * TILE_WIDTH, width: t.width };
}

/**
 * Whether a tile of this width exists for a tree of `size` leaves: its last hash must be a
 * complete subtree, (first + width)·256^L ≤ size.
 */
export function tileExists(t: TileRef, size: number): boolean {
  const span = t.level === null ? 1 : TILE_WIDTH ** t.level;
  return (t.index * TILE_WIDTH + t.width) * span <= size;
}

/** The entries an entry bundle covers: seq in [from, to). */
export function bundleRange(t: TileRef): { from: number; to: number } {
  return { from: t.index * TILE_WIDTH, to: t.index * TILE_WIDTH + t.width };
}

/** Concatenates uint16-length-prefixed entries (an empty entry is a redacted one). */
export function encodeBundle(entries: readonly Uint8Array[]): Buffer {
  const total = entries.reduce((n, e) => n + 2 + e.length, 0);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const e of entries) {
    if (e.length > MAX_BUNDLE_ENTRY) throw new RangeError(`an entry of ${e.length} bytes does not fit an entry bundle (at most ${MAX_BUNDLE_ENTRY})`);
    out.writeUInt16BE(e.length, at);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** Splits an entry bundle; throws when it is cut short. */
export function decodeBundle(bundle: Uint8Array): Uint8Array[] {
  const b = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < b.length; ) {
    if (at + 2 > b.length) throw new RangeError('an entry bundle ends inside a length');
    const n = b.readUInt16BE(at);
    if (at + 2 + n > b.length) throw new RangeError('an entry bundle ends inside an entry');
    out.push(b.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  return out;
}
