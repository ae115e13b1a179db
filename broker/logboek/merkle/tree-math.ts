/**
 * Index arithmetic for an RFC 9162 Merkle tree that is stored as its complete subtrees.
 *
 * Storage model. A node (level, index) is the root of the complete (perfect) subtree over the
 * 2^level leaves [index * 2^level, (index + 1) * 2^level). It is stored once, when its last leaf
 * is appended, and never changes afterwards. Nodes of incomplete subtrees are never stored: the
 * hash of any range the RFC needs is folded from complete nodes on demand ({@link rangeHash}).
 * Because stored nodes are immutable and independent of the tree size, the same rows serve
 * proofs and roots for every past size too.
 *
 * Ranges. RFC 9162 §2.1.1 (https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1) splits n leaves at
 * the largest power of two k < n. Every subtree that this produces, and so every range that a
 * PATH (§2.1.3.1) or PROOF (§2.1.4.1) names, is *aligned*: its start is a multiple of the
 * smallest power of two >= its length. An aligned range decomposes uniquely into complete nodes of
 * strictly decreasing size (the binary digits of its length, left to right), and its MTH is the
 * fold from the RIGHT of those pieces: MTH = H(p1, H(p2, ... H(p_{k-1}, p_k))), because the RFC
 * split always peels the biggest complete piece off the left and recurses on the rest. A left fold
 * H(H(p1, p2), p3) would be the hash of a different tree shape and is wrong whenever there are
 * three or more pieces. Unaligned ranges (e.g. [1, 5)) have no O(log n) expression in stored
 * nodes, and the functions here reject them with a RangeError.
 *
 * Numbers are plain JavaScript numbers, valid up to Number.MAX_SAFE_INTEGER leaves; the
 * arithmetic avoids 32-bit bitwise operators for that reason.
 *
 * Complexity: an append writes 1 + (trailing one bits of the leaf index) nodes: O(log n) worst
 * case, below 2 on average. A root needs popcount(size) node reads; an inclusion or consistency
 * proof needs O(log n) reads (at most one range of a proof is incomplete, see README.md).
 */
import { emptyRoot, nodeHash } from './merkle-hash.js';

/** Coordinates of a stored complete node: the subtree over leaves [index * 2^level, (index + 1) * 2^level). */
export interface NodeCoord {
  readonly level: number;
  readonly index: number;
}

/** A half-open range of leaf indices [start, end) whose MTH is one element of a proof. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** A stored node together with its hash, as written on append. */
export interface StoredNode extends NodeCoord {
  readonly hash: Uint8Array;
}

/**
 * Reads one stored complete node. It must return the stored hash or throw: a missing node means the
 * caller asked beyond the stored size or the storage lost a row, and silently inventing a hash
 * would produce a wrong root.
 */
export type GetNode = (level: number, index: number) => Uint8Array;

/**
 * A GetNode over nodes fetched beforehand (keyed by {@link nodeKey}). A node that is not there
 * is an error the caller names, never a made-up hash.
 */
export function nodeReader(nodes: ReadonlyMap<string, Uint8Array>, missing: (level: number, index: number) => Error): GetNode {
  return (level, index) => {
    const hash = nodes.get(nodeKey(level, index));
    if (!hash) throw missing(level, index);
    return hash;
  };
}

/** Stable string key for a node, for Maps and de-duplication ("level:index"). */
export function nodeKey(level: number, index: number): string {
  return `${level}:${index}`;
}

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

/** Largest power of two strictly below n (n >= 2): the RFC 9162 §2.1.1 split point. */
export function largestPowerOfTwoBelow(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`split needs n >= 2, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Smallest power of two >= n (n >= 1). */
function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The nodes that become complete when leaf `leafIndex` is appended, bottom-up: the leaf itself at
 * level 0, then its parent, grandparent, ... for as long as the node just completed is a right
 * child (odd index). These are exactly the rows the storage must write for this append.
 */
export function nodesCompletedByAppend(leafIndex: number): NodeCoord[] {
  assertCount('leafIndex', leafIndex);
  const out: NodeCoord[] = [{ level: 0, index: leafIndex }];
  let index = leafIndex;
  let level = 0;
  while (index % 2 === 1) {
    index = (index - 1) / 2;
    level += 1;
    out.push({ level, index });
  }
  return out;
}

/**
 * The already stored left siblings an append must read to hash the nodes it completes: for each
 * completed node (level >= 1, index i) its left child (level - 1, 2i). Together with the new leaf
 * these determine every hash of {@link nodesCompletedByAppend}; in a batch of appends some of them
 * are nodes written earlier in the same batch.
 */
export function nodesReadByAppend(leafIndex: number): NodeCoord[] {
  return nodesCompletedByAppend(leafIndex)
    .slice(1)
    .map(({ level, index }) => ({ level: level - 1, index: 2 * index }));
}

/**
 * The hashes of the nodes completed by appending leaf `leafIndex` whose leaf hash is `leaf`:
 * what the storage writes, in the order of {@link nodesCompletedByAppend}. `getNode` is asked only
 * for {@link nodesReadByAppend}.
 */
export function hashesCompletedByAppend(leafIndex: number, leaf: Uint8Array, getNode: GetNode): StoredNode[] {
  const coords = nodesCompletedByAppend(leafIndex);
  const out: StoredNode[] = [{ level: 0, index: leafIndex, hash: leaf }];
  let hash = leaf;
  for (let i = 1; i < coords.length; i++) {
    const { level, index } = coords[i]!;
    hash = nodeHash(getNode(level - 1, 2 * index), hash);
    out.push({ level, index, hash });
  }
  return out;
}

/**
 * MTH of a whole log from its leaf hashes in one pass, with O(log n) memory and no stored nodes:
 * how an auditor or an export check recomputes a checkpoint's root from the entries alone
 * (about two hashes per entry). The stack holds the complete nodes of decomposeRange(0, i) after
 * i leaves, so the result is their right fold, exactly as {@link rootOfSize}.
 */
export function rootFromLeafHashes(leafHashes: Iterable<Uint8Array>): Uint8Array {
  const stack: Uint8Array[] = [];
  let count = 0;
  for (const leaf of leafHashes) {
    let hash = leaf;
    for (let index = count; index % 2 === 1; index = (index - 1) / 2) hash = nodeHash(stack.pop()!, hash);
    stack.push(hash);
    count += 1;
  }
  let acc = stack.pop();
  if (!acc) return emptyRoot();
  while (stack.length > 0) acc = nodeHash(stack.pop()!, acc);
  return acc;
}

/**
 * Whether [start, end) is an aligned range: a subtree shape that RFC 9162's split can produce, so
 * that its MTH is a right fold of stored complete nodes. Empty ranges count as aligned (MTH({})).
 */
export function isAlignedRange(start: number, end: number): boolean {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) return false;
  if (start === end) return true;
  return start % powerOfTwoAtLeast(end - start) === 0;
}

/**
 * The complete nodes that cover the aligned range [start, end) exactly, left to right, with
 * strictly decreasing sizes (one per set bit of end - start). Folding their hashes from the right
 * gives the range's MTH ({@link rangeHash}). Throws a RangeError for an unaligned range, because no
 * fold of stored nodes yields its MTH.
 */
export function decomposeRange(start: number, end: number): NodeCoord[] {
  assertCount('start', start);
  assertCount('end', end);
  if (end < start) throw new RangeError(`range [${start}, ${end}) ends before it starts`);
  if (!isAlignedRange(start, end)) {
    throw new RangeError(`range [${start}, ${end}) is not an RFC 9162 subtree range (start must be a multiple of the smallest power of two >= its length)`);
  }
  const out: NodeCoord[] = [];
  let remaining = end - start;
  let pos = start;
  let size = powerOfTwoAtLeast(remaining);
  let level = Math.round(Math.log2(size));
  while (remaining > 0) {
    if (size <= remaining) {
      out.push({ level, index: pos / size });
      pos += size;
      remaining -= size;
    }
    size /= 2;
    level -= 1;
  }
  return out;
}

/**
 * MTH of the aligned range [start, end), from stored complete nodes: the right fold
 * H(p1, H(p2, ... H(p_{k-1}, p_k))) of {@link decomposeRange}. An empty range gives MTH({}).
 */
export function rangeHash(start: number, end: number, getNode: GetNode): Uint8Array {
  const pieces = decomposeRange(start, end);
  const last = pieces.at(-1);
  if (!last) return emptyRoot();
  let acc = getNode(last.level, last.index);
  for (let i = pieces.length - 2; i >= 0; i--) {
    const p = pieces[i]!;
    acc = nodeHash(getNode(p.level, p.index), acc);
  }
  return acc;
}

/** The root (MTH) of the tree over the first `size` leaves; the value a checkpoint signs. */
export function rootOfSize(size: number, getNode: GetNode): Uint8Array {
  assertCount('size', size);
  return rangeHash(0, size, getNode);
}

/**
 * The leaf ranges whose MTHs form PATH(index, D[size]) of RFC 9162 §2.1.3.1, in proof order
 * (the leaf's sibling first, the root's other child last). Throws unless 0 <= index < size.
 */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  assertCount('index', index);
  assertCount('size', size);
  if (index >= size) throw new RangeError(`leaf index ${index} is not below tree size ${size}`);
  const topDown: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      topDown.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      topDown.push({ start: lo, end: lo + k });
      lo += k;
    }
  }
  return topDown.reverse();
}

/**
 * The leaf ranges whose MTHs form PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1, in proof order.
 * Empty when size1 == size2. Throws for size1 == 0 (the RFC defines no proof from the empty tree,
 * and verifiers reject one) and for size1 > size2.
 */
export function consistencyProofRanges(size1: number, size2: number): LeafRange[] {
  assertCount('size1', size1);
  assertCount('size2', size2);
  if (size1 === 0) throw new RangeError('no consistency proof from the empty tree (size1 = 0)');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is larger than size2 ${size2}`);
  // SUBPROOF(m, D[lo:hi], b), unrolled; each step appends after the recursive part, so collect
  // top-down and reverse at the end.
  const topDown: LeafRange[] = [];
  let m = size1;
  let lo = 0;
  let hi = size2;
  let startFromOldRoot = true;
  for (;;) {
    if (m === hi - lo) {
      if (!startFromOldRoot) topDown.push({ start: lo, end: hi });
      break;
    }
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m <= k) {
      topDown.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      topDown.push({ start: lo, end: lo + k });
      m -= k;
      lo += k;
      startFromOldRoot = false;
    }
  }
  return topDown.reverse();
}

/**
 * The de-duplicated complete nodes needed to hash all `ranges` (first occurrence order), so the
 * storage can fetch them in one query and serve {@link rangeHash} from a Map.
 */
export function nodesForRanges(ranges: readonly LeafRange[]): NodeCoord[] {
  const seen = new Set<string>();
  const out: NodeCoord[] = [];
  for (const r of ranges) {
    for (const n of decomposeRange(r.start, r.end)) {
      const key = nodeKey(n.level, n.index);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(n);
      }
    }
  }
  return out;
}

/** The proof hashes for `ranges` (from {@link inclusionProofRanges} or {@link consistencyProofRanges}). */
export function hashRanges(ranges: readonly LeafRange[], getNode: GetNode): Uint8Array[] {
  return ranges.map((r) => rangeHash(r.start, r.end, getNode));
}
