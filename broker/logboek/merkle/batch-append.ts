/**
 * Appending many leaves to an RFC 9162 tree at once (the sequencer's run): from the frontier of
 * the tree as stored, each leaf is pushed onto a stack of complete-subtree roots, and every node
 * it completes is recorded for storage, in flat arrays and one buffer of hashes rather than an
 * object and a map key per node.
 *
 * Invariants (RFC 9162 §2.1.1, https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1; the storage
 * model of README.md):
 * - The nodes recorded are exactly those of `nodesCompletedByAppend` (tree-math.ts) for every
 *   leaf appended, in the same order, with the same hashes: the leaf at level 0, then each node
 *   completed while the node just completed is a right child.
 * - `root()` at any point is the MTH of the leaves so far: the right fold of the stack (largest
 *   subtree first), as `rangeHash(0, size)` computes it from stored nodes.
 * - The frontier given must be the tree's stored complete-subtree roots of `decomposeRange(0, size0)`,
 *   largest first; their levels follow from the binary digits of size0.
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './merkle-hash.js';

export interface BatchAppend {
  /** Appends one leaf hash (32 bytes) at the next index. */
  push(leaf: Uint8Array): void;
  /** The tree's root at its current size. */
  root(): Uint8Array;
  /** The leaf hashes pushed, concatenated in order (32 bytes each). */
  leafHashes(): Buffer;
  /** Every node the pushes completed, in order: levels, indexes and hashes (32 bytes each, concatenated). */
  nodes(): { levels: number[]; indexes: number[]; hashes: Buffer };
  /** How many nodes the pushes completed so far: a mark for nodesSince. */
  nodeCount(): number;
  /**
   * The nodes completed since `mark` (a nodeCount), as nodes() gives them; the hashes are a view
   * that later pushes never change (a grown buffer is a new one).
   */
  nodesSince(mark: number): { levels: number[]; indexes: number[]; hashes: Buffer };
}

/** The right fold of complete-subtree roots, largest first: the MTH of the leaves they cover. */
export function foldRoot(frontier: readonly Uint8Array[]): Uint8Array {
  const n = frontier.length;
  if (n === 0) return EMPTY_ROOT;
  let acc = frontier[n - 1]!;
  for (let i = n - 2; i >= 0; i--) acc = nodeHash(frontier[i]!, acc);
  return acc;
}

/** Starts an append at `size0` leaves whose frontier is `frontier`; `expected` sizes the buffers (they grow if exceeded). */
export function createAppend(size0: number, frontier: readonly Uint8Array[], expected = 0): BatchAppend {
  const stackHashes: Uint8Array[] = [];
  const stackLevels: number[] = [];
  for (let level = 53, rest = size0; level >= 0; level--) {
    const span = 2 ** level;
    if (rest >= span) {
      stackLevels.push(level);
      rest -= span;
    }
  }
  if (stackLevels.length !== frontier.length) throw new RangeError(`a tree of ${size0} leaves has ${stackLevels.length} frontier nodes, not ${frontier.length}`);
  stackHashes.push(...frontier);
  let size = size0;
  let leaves = Buffer.allocUnsafe(HASH_SIZE * Math.max(expected, 16));
  let leafCount = 0;
  let hashes = Buffer.allocUnsafe(HASH_SIZE * Math.max(2 * expected + 64, 64));
  const levels: number[] = [];
  const indexes: number[] = [];
  const record = (level: number, index: number, hash: Uint8Array): void => {
    if (hashes.length < HASH_SIZE * (levels.length + 1)) {
      const grown = Buffer.allocUnsafe(2 * hashes.length);
      hashes.copy(grown);
      hashes = grown;
    }
    hashes.set(hash, HASH_SIZE * levels.length);
    levels.push(level);
    indexes.push(index);
  };
  return {
    push(leaf) {
      if (leaf.length !== HASH_SIZE) throw new RangeError('a leaf hash is 32 bytes');
      if (leaves.length < HASH_SIZE * (leafCount + 1)) {
        const grown = Buffer.allocUnsafe(2 * leaves.length);
        leaves.copy(grown);
        leaves = grown;
      }
      leaves.set(leaf, HASH_SIZE * leafCount++);
      const seq = size;
      record(0, seq, leaf);
      let hash = leaf;
      let level = 0;
      while (stackLevels.length > 0 && stackLevels[stackLevels.length - 1] === level) {
        stackLevels.pop();
        hash = nodeHash(stackHashes.pop()!, hash);
        level++;
        record(level, (seq + 1) / 2 ** level - 1, hash);
      }
      stackHashes.push(hash);
      stackLevels.push(level);
      size++;
    },
    root: () => foldRoot(stackHashes),
    leafHashes: () => leaves.subarray(0, HASH_SIZE * leafCount),
    nodes: () => ({ levels, indexes, hashes: hashes.subarray(0, HASH_SIZE * levels.length) }),
    nodeCount: () => levels.length,
    nodesSince: (mark) => ({ levels: levels.slice(mark), indexes: indexes.slice(mark), hashes: hashes.subarray(HASH_SIZE * mark, HASH_SIZE * levels.length) }),
  };
}
