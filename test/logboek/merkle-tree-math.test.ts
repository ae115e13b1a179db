/**
 * Properties of the stored-node Merkle arithmetic (tree-math.ts) and the verifiers
 * (merkle-verify.ts), checked with fast-check against the naive RFC 9162 reference tree:
 * proofs built from stored complete nodes equal PATH/PROOF, verify, and stop verifying when a
 * byte, an index or a size is changed (unless the changed statement is the same hash
 * computation, see "sizes are not authenticated by proofs" below).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { portableLeafHash, portableNodeHash, verifyConsistency, verifyInclusion } from '../../broker/logboek/merkle/merkle-verify.js';
import { referenceMth, referencePath, referenceProof } from '../../broker/logboek/merkle/reference-tree.js';
import {
  consistencyProofRanges,
  decomposeRange,
  hashesCompletedByAppend,
  hashRanges,
  inclusionProofRanges,
  isAlignedRange,
  largestPowerOfTwoBelow,
  nodeKey,
  nodesCompletedByAppend,
  nodesForRanges,
  nodesReadByAppend,
  rangeHash,
  rootFromLeafHashes,
  rootOfSize,
  type GetNode,
  type LeafRange,
} from '../../broker/logboek/merkle/tree-math.js';

const MAX_SIZE = 2049;
const entries = Array.from({ length: MAX_SIZE }, (_, i) => new TextEncoder().encode(`logboek-entry-${i}`));

/** One stored-node tree of MAX_SIZE leaves; its nodes serve every smaller size too (they never change). */
const stored = new Map<string, Uint8Array>();
const reads: string[] = [];
const getNode: GetNode = (level, index) => {
  const key = nodeKey(level, index);
  reads.push(key);
  const h = stored.get(key);
  if (!h) throw new Error(`node ${key} is not stored`);
  return h;
};
entries.forEach((e, i) => {
  for (const n of hashesCompletedByAppend(i, leafHash(e), getNode)) stored.set(nodeKey(n.level, n.index), n.hash);
});

/** A getter that refuses nodes which would not be complete yet at `size`: proofs for a size may only read those. */
const getNodeAtSize =
  (size: number): GetNode =>
  (level, index) => {
    if ((index + 1) * 2 ** level > size) throw new Error(`node ${nodeKey(level, index)} is incomplete at size ${size}`);
    return getNode(level, index);
  };

const powers = Array.from({ length: 12 }, (_, i) => 2 ** i); // 1 .. 2048
const specialSizes = [...new Set(powers.flatMap((p) => [p - 1, p, p + 1]))].filter((n) => n >= 1 && n <= MAX_SIZE);
const sizeArb = fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(...specialSizes));
const RUNS = 60;

const flip = (h: Uint8Array, byte: number, bit = 0): Uint8Array => {
  const copy = h.slice();
  copy[byte % copy.length]! ^= 1 << bit % 8;
  return copy;
};
const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
const ceilLog2 = (n: number): number => Math.ceil(Math.log2(n));

/**
 * The hash computation a proof stands for, written symbolically: the RFC tree over [0, size) in
 * which the given ranges are opaque symbols. Two statements with the same symbolic computation
 * are indistinguishable to any verifier, and statements with different ones must be rejected.
 */
function shape(lo: number, hi: number, symbols: Map<string, string>): string {
  const s = symbols.get(`${lo}:${hi}`);
  if (s !== undefined) return s;
  if (hi - lo <= 1) return '?';
  const k = largestPowerOfTwoBelow(hi - lo);
  return `(${shape(lo, lo + k, symbols)},${shape(lo + k, hi, symbols)})`;
}

function inclusionShape(index: number, size: number): string | null {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) return null;
  const ranges = inclusionProofRanges(index, size);
  const symbols = new Map(ranges.map((r, j) => [`${r.start}:${r.end}`, `P${j}`]));
  symbols.set(`${index}:${index + 1}`, 'L');
  return `${ranges.length}|${shape(0, size, symbols)}`;
}

function consistencyShapes(size1: number, size2: number): { len: number; old: string; now: string } | null {
  if (size1 <= 0 || size1 >= size2) return null;
  const ranges = consistencyProofRanges(size1, size2);
  const symbols = new Map(ranges.map((r, j) => [`${r.start}:${r.end}`, `P${j}`]));
  if (isPowerOfTwo(size1)) symbols.set(`0:${size1}`, 'R');
  return { len: ranges.length, old: shape(0, size1, symbols), now: shape(0, size2, symbols) };
}

/** Whether the verifier should accept the proof of (size1, size2) when told it is for (s1, s2). */
function consistencyAcceptsAs(size1: number, size2: number, s1: number, s2: number): boolean {
  if (s1 === size1 && s2 === size2) return true;
  const real = consistencyShapes(size1, size2);
  const claimed = consistencyShapes(s1, s2);
  if (real === null || claimed === null || claimed.len !== real.len) return false;
  // A claimed power-of-two size1 takes root1 itself as its old root, so only the new root can fail.
  if (claimed.old === 'R') return claimed.now.replaceAll('R', real.old) === real.now;
  return claimed.old === real.old && claimed.now === real.now;
}

describe('hashing', () => {
  it('uses the RFC 9162 domain separation and agrees with the portable (browser) hasher', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (data, other) => {
        expect(portableLeafHash(data)).toEqual(leafHash(data));
        const leaf = leafHash(data);
        expect(portableNodeHash(leaf, other)).toEqual(nodeHash(leaf, other));
        expect(nodeHash(leaf, other)).not.toEqual(nodeHash(other, leaf));
      }),
    );
    expect(Buffer.from(EMPTY_ROOT).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('returns fresh arrays, not views on the scratch buffer', () => {
    const a = nodeHash(leafHash(entries[0]!), leafHash(entries[1]!));
    const copy = a.slice();
    nodeHash(leafHash(entries[2]!), leafHash(entries[3]!));
    expect(a).toEqual(copy);
  });
});

describe('append', () => {
  it('completes every complete node exactly once, about two per leaf', () => {
    const seen = new Set<string>();
    let reads = 0;
    for (let i = 0; i < MAX_SIZE; i++) {
      const done = nodesCompletedByAppend(i);
      expect(done[0]).toEqual({ level: 0, index: i });
      expect(nodesReadByAppend(i)).toHaveLength(done.length - 1);
      reads += done.length - 1;
      for (const n of done) {
        // A node is complete once its last leaf, (index + 1) * 2^level - 1, is appended.
        expect((n.index + 1) * 2 ** n.level - 1).toBe(i);
        const key = nodeKey(n.level, n.index);
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    // n leaves have 2n - popcount(n) complete subtrees.
    const popcount = MAX_SIZE.toString(2).replaceAll('0', '').length;
    expect(seen.size).toBe(2 * MAX_SIZE - popcount);
    expect(stored.size).toBe(seen.size);
    expect(reads).toBe(MAX_SIZE - popcount);
  });

  it('reads only nodes stored before the leaf it appends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1 }), (i) => {
        const done = nodesCompletedByAppend(i);
        expect(done.length).toBeLessThanOrEqual(54);
        for (const r of nodesReadByAppend(i)) expect((r.index + 1) * 2 ** r.level - 1).toBeLessThan(i);
      }),
    );
  });

  it('rejects indices that are not safe non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => nodesCompletedByAppend(bad)).toThrow(RangeError);
  });
});

describe('ranges and roots', () => {
  it('roots from stored nodes equal the reference MTH, and the fold is from the right', () => {
    for (let n = 0; n <= 70; n++) expect(rootOfSize(n, getNodeAtSize(n))).toEqual(referenceMth(entries.slice(0, n)));
    fc.assert(
      fc.property(sizeArb, (n) => {
        expect(rootOfSize(n, getNodeAtSize(n))).toEqual(referenceMth(entries.slice(0, n)));
      }),
      { numRuns: 30 },
    );
    // [0, 7) = [0,4) [4,6) [6,7): H(p1, H(p2, p3)) is the MTH, H(H(p1, p2), p3) is not.
    const [p1, p2, p3] = decomposeRange(0, 7).map((c) => getNode(c.level, c.index));
    const mth7 = referenceMth(entries.slice(0, 7));
    expect(nodeHash(p1!, nodeHash(p2!, p3!))).toEqual(mth7);
    expect(nodeHash(nodeHash(p1!, p2!), p3!)).not.toEqual(mth7);
  });

  it('computes the same root from leaf hashes alone, in one pass', () => {
    const leaves = entries.map((e) => leafHash(e));
    for (let n = 0; n <= 70; n++) expect(rootFromLeafHashes(leaves.slice(0, n))).toEqual(referenceMth(entries.slice(0, n)));
    fc.assert(
      fc.property(sizeArb, (n) => {
        expect(rootFromLeafHashes(leaves.slice(0, n))).toEqual(rootOfSize(n, getNode));
      }),
      { numRuns: 30 },
    );
  });

  it('decomposes aligned ranges into decreasing complete nodes that fold to the MTH', () => {
    const alignedArb = fc
      .tuple(fc.integer({ min: 0, max: 11 }), fc.nat(), fc.nat())
      .map(([level, a, b]) => {
        const p = 2 ** level;
        const start = (a % Math.floor(MAX_SIZE / p)) * p;
        const len = 1 + (b % p);
        return { start, end: start + len };
      });
    fc.assert(
      fc.property(alignedArb, ({ start, end }) => {
        expect(isAlignedRange(start, end)).toBe(true);
        const pieces = decomposeRange(start, end);
        let pos = start;
        let prev = Infinity;
        for (const p of pieces) {
          const size = 2 ** p.level;
          expect(p.index * size).toBe(pos);
          expect(size).toBeLessThan(prev);
          prev = size;
          pos += size;
        }
        expect(pos).toBe(end);
        expect(rangeHash(start, end, getNode)).toEqual(referenceMth(entries.slice(start, end)));
      }),
      { numRuns: 200 },
    );
    expect(decomposeRange(5, 5)).toEqual([]);
    expect(rangeHash(0, 0, getNode)).toEqual(EMPTY_ROOT);
  });

  it('rejects ranges whose MTH is not a fold of stored nodes', () => {
    for (const [s, e] of [
      [1, 3],
      [1, 5],
      [2, 5],
      [4, 9],
      [6, 9],
      [3, 2],
      [-1, 1],
    ] as const) {
      expect(isAlignedRange(s, e)).toBe(false);
      expect(() => decomposeRange(s, e)).toThrow(RangeError);
    }
  });
});

/** Ranges of a proof (plus the leaf, or the old tree when it is not in the proof) partition [0, size). */
function expectPartition(ranges: readonly LeafRange[], size: number): void {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let pos = 0;
  for (const r of sorted) {
    expect(r.start).toBe(pos);
    expect(isAlignedRange(r.start, r.end)).toBe(true);
    pos = r.end;
  }
  expect(pos).toBe(size);
}

describe('inclusion proofs', () => {
  it('equal PATH, read O(log n) stored nodes, verify, and fail when a byte or the index changes', () => {
    fc.assert(
      fc.property(sizeArb, fc.nat(), fc.nat(), fc.nat(), (n, a, b, c) => {
        const i = a % n;
        const ranges = inclusionProofRanges(i, n);
        expectPartition([...ranges, { start: i, end: i + 1 }], n);
        const nodes = nodesForRanges(ranges);
        expect(nodes.length).toBeLessThanOrEqual(2 * ceilLog2(n) + 1);
        reads.length = 0;
        const proof = hashRanges(ranges, getNodeAtSize(n));
        expect(new Set(reads)).toEqual(new Set(nodes.map((x) => nodeKey(x.level, x.index))));
        expect(proof).toEqual(referencePath(i, entries.slice(0, n)));

        const root = rootOfSize(n, getNode);
        const leaf = leafHash(entries[i]!);
        expect(verifyInclusion(i, n, leaf, proof, root)).toBe(true);

        // Any changed byte of the leaf, the root or a proof element.
        expect(verifyInclusion(i, n, flip(leaf, b, c), proof, root)).toBe(false);
        expect(verifyInclusion(i, n, leaf, proof, flip(root, b, c))).toBe(false);
        if (proof.length > 0) {
          const j = b % proof.length;
          expect(verifyInclusion(i, n, leaf, proof.with(j, flip(proof[j]!, c, b)), root)).toBe(false);
          expect(verifyInclusion(i, n, leaf, proof.slice(1), root)).toBe(false);
          expect(verifyInclusion(i, n, leaf, proof.slice(0, -1), root)).toBe(false);
        }
        expect(verifyInclusion(i, n, leaf, [...proof, root], root)).toBe(false);
        expect(verifyInclusion(i, n, leaf, [leaf, ...proof], root)).toBe(false);
        expect(verifyInclusion(i, n, leaf, [...proof, new Uint8Array(0)], root)).toBe(false);

        // Any other index of the same tree.
        const other = (i + 1 + (b % Math.max(1, n - 1))) % n;
        if (other !== i) expect(verifyInclusion(other, n, leaf, proof, root)).toBe(false);
        for (const j of [i - 1, i + 1, i ^ 1, n, -1]) if (j !== i) expect(verifyInclusion(j, n, leaf, proof, root)).toBe(false);

        // Other sizes: rejected unless the claimed (index, size) is the same hash computation.
        for (const m of [n - 1, n + 1, 2 * n, n >> 1, n + (b % 64), 0]) {
          expect(verifyInclusion(i, m, leaf, proof, root)).toBe(inclusionShape(i, m) === inclusionShape(i, n));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('sizes are not authenticated by proofs: the root must come with its size from a signed checkpoint', () => {
    // Leaf 0 of 3 has path [leaf 1, leaf 2] hashed on the right twice, exactly as leaf 0 of 4
    // has [leaf 1, MTH(2..4)]; so the size-3 proof "verifies" for size 4 against the size-3 root.
    const proof = hashRanges(inclusionProofRanges(0, 3), getNode);
    const root3 = rootOfSize(3, getNode);
    expect(verifyInclusion(0, 3, leafHash(entries[0]!), proof, root3)).toBe(true);
    expect(verifyInclusion(0, 4, leafHash(entries[0]!), proof, root3)).toBe(true);
    expect(verifyInclusion(0, 4, leafHash(entries[0]!), proof, rootOfSize(4, getNode))).toBe(false);
  });

  it('rejects out-of-range and malformed arguments', () => {
    expect(() => inclusionProofRanges(3, 3)).toThrow(RangeError);
    expect(() => inclusionProofRanges(0, 0)).toThrow(RangeError);
    expect(inclusionProofRanges(0, 1)).toEqual([]);
    const leaf = leafHash(entries[0]!);
    expect(verifyInclusion(0, 1, leaf, [], leaf)).toBe(true);
    expect(verifyInclusion(0, 1, leaf.slice(0, 31), [], leaf.slice(0, 31))).toBe(false);
    expect(verifyInclusion(0, 0, leaf, [], leaf)).toBe(false);
    expect(verifyInclusion(1.5, 3, leaf, [], leaf)).toBe(false);
    expect(verifyInclusion(2 ** 64, 3, leaf, [], leaf)).toBe(false);
    expect(verifyInclusion(0, 1, leaf, null as unknown as Uint8Array[], leaf)).toBe(false);
  });

  it('handles sizes up to 2^53 - 1 in the index arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.nat(), (n, a) => {
        const i = Math.min(n - 1, a * 2 ** 22 + (a % 7));
        const ranges = inclusionProofRanges(i, n);
        expect(ranges.length).toBeLessThanOrEqual(53);
        expectPartition([...ranges, { start: i, end: i + 1 }], n);
        expect(nodesForRanges(ranges).length).toBeLessThanOrEqual(2 * 53 + 1);
      }),
    );
  });
});

describe('changed sizes and indices, exhaustively for small trees', () => {
  it('verify exactly when the claimed statement is the same hash computation as the real one', () => {
    let accepted = 0;
    for (let n = 1; n <= 16; n++) {
      const root = rootOfSize(n, getNode);
      for (let i = 0; i < n; i++) {
        const proof = hashRanges(inclusionProofRanges(i, n), getNode);
        const real = inclusionShape(i, n);
        for (let s = 0; s <= 20; s++) {
          for (let j = -1; j <= s; j++) {
            const ok = verifyInclusion(j, s, getNode(0, i), proof, root);
            expect(ok, `PATH(${i}, ${n}) claimed as (${j}, ${s})`).toBe(inclusionShape(j, s) === real);
            // With the true size, no other index ever verifies.
            if (s === n && j !== i) expect(ok).toBe(false);
            if (ok) accepted++;
          }
        }
      }
      for (let m = 1; m < n; m++) {
        const proof = hashRanges(consistencyProofRanges(m, n), getNode);
        const root1 = rootOfSize(m, getNode);
        for (let s1 = 0; s1 <= 20; s1++) {
          for (let s2 = 0; s2 <= 20; s2++) {
            if (s1 === s2) continue;
            const ok = verifyConsistency(s1, s2, root1, root, proof);
            expect(ok, `PROOF(${m}, ${n}) claimed as (${s1}, ${s2})`).toBe(consistencyAcceptsAs(m, n, s1, s2));
            if (s2 === n && s1 !== m) expect(ok).toBe(false);
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(136); // more than the true statements: sizes alone are not bound
  });
});

describe('consistency proofs', () => {
  it('equal PROOF, read O(log n) stored nodes, verify, and fail when a byte or a size changes', () => {
    fc.assert(
      fc.property(sizeArb, fc.nat(), fc.nat(), fc.nat(), (n, a, b, c) => {
        const m = 1 + (a % n);
        const ranges = consistencyProofRanges(m, n);
        if (m < n) expectPartition(isPowerOfTwo(m) ? [...ranges, { start: 0, end: m }] : ranges, n);
        const nodes = nodesForRanges(ranges);
        expect(nodes.length).toBeLessThanOrEqual(2 * ceilLog2(n) + 2);
        reads.length = 0;
        const proof = hashRanges(ranges, getNodeAtSize(n));
        expect(new Set(reads)).toEqual(new Set(nodes.map((x) => nodeKey(x.level, x.index))));
        expect(proof).toEqual(referenceProof(m, entries.slice(0, n)));

        const root1 = rootOfSize(m, getNode);
        const root2 = rootOfSize(n, getNode);
        expect(verifyConsistency(m, n, root1, root2, proof)).toBe(true);

        expect(verifyConsistency(m, n, flip(root1, b, c), root2, proof)).toBe(false);
        expect(verifyConsistency(m, n, root1, flip(root2, b, c), proof)).toBe(false);
        if (m < n) expect(verifyConsistency(m, n, root2, root1, proof)).toBe(false);
        if (proof.length > 0) {
          const j = b % proof.length;
          expect(verifyConsistency(m, n, root1, root2, proof.with(j, flip(proof[j]!, c, b)))).toBe(false);
          expect(verifyConsistency(m, n, root1, root2, proof.slice(1))).toBe(false);
          expect(verifyConsistency(m, n, root1, root2, proof.slice(0, -1))).toBe(false);
        }
        expect(verifyConsistency(m, n, root1, root2, [...proof, root2])).toBe(false);
        expect(verifyConsistency(m, n, root1, root2, [root1, ...proof])).toBe(false);
        expect(verifyConsistency(m, n, root1, root2, [...proof, new Uint8Array(0)])).toBe(false);

        // Other sizes: rejected unless the claimed sizes are the same hash computation.
        for (const [s1, s2] of [
          [m - 1, n],
          [m + 1, n],
          [m, n - 1],
          [m, n + 1],
          [m, 2 * n],
          [m ^ 2, n],
          [0, n],
          [n, m],
          [m + (b % 16), n + (c % 16)],
        ] as const) {
          const expected = s1 === s2 ? s1 > 0 && proof.length === 0 && Buffer.from(root1).equals(root2) : consistencyAcceptsAs(m, n, s1, s2);
          expect(verifyConsistency(s1, s2, root1, root2, proof), `PROOF(${m}, ${n}) claimed as (${s1}, ${s2})`).toBe(expected);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts equal sizes with an empty proof, and rejects proofs from the empty tree', () => {
    const root = rootOfSize(5, getNode);
    expect(consistencyProofRanges(5, 5)).toEqual([]);
    expect(verifyConsistency(5, 5, root, root, [])).toBe(true);
    expect(verifyConsistency(5, 5, root, root, [root])).toBe(false);
    expect(verifyConsistency(5, 5, root, flip(root, 0), [])).toBe(false);
    expect(() => consistencyProofRanges(0, 5)).toThrow(RangeError);
    expect(() => consistencyProofRanges(0, 0)).toThrow(RangeError);
    expect(() => consistencyProofRanges(6, 5)).toThrow(RangeError);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, root, [])).toBe(false);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(false);
    expect(verifyConsistency(6, 5, root, root, [])).toBe(false);
  });

  it('handles sizes up to 2^53 - 1 in the index arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const m = Math.min(n - 1, Math.max(1, Math.floor(f * n)));
        const ranges = consistencyProofRanges(m, n);
        expect(ranges.length).toBeLessThanOrEqual(54);
        expectPartition(isPowerOfTwo(m) ? [...ranges, { start: 0, end: m }] : ranges, n);
        expect(nodesForRanges(ranges).length).toBeLessThanOrEqual(2 * 53 + 2);
      }),
    );
  });

  it('de-duplicates nodes shared by several ranges', () => {
    const ranges = [...inclusionProofRanges(3, 13), ...consistencyProofRanges(6, 13)];
    const nodes = nodesForRanges(ranges);
    const keys = nodes.map((x) => nodeKey(x.level, x.index));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeLessThan(ranges.flatMap((r) => decomposeRange(r.start, r.end)).length);
  });
});
