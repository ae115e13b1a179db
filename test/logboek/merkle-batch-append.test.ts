/**
 * The sequencer's batch append (merkle/batch-append.ts) against the one-leaf-at-a-time arithmetic
 * (tree-math.ts) and the naive RFC 9162 reference tree: from any stored size, appending any
 * number of leaves records exactly the nodes nodesCompletedByAppend names, with the hashes
 * hashesCompletedByAppend computes, and its root at every size is the reference MTH; handed out
 * in parts (the sequencer writes a run in parts), the parts join to the whole.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { createAppend, foldRoot } from '../../broker/logboek/merkle/batch-append.js';
import { referenceMth } from '../../broker/logboek/merkle/reference-tree.js';
import { decomposeRange, hashesCompletedByAppend, nodeKey, nodeReader } from '../../broker/logboek/merkle/tree-math.js';

const data = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => Buffer.from(`entry ${i}`));
const leaves = (n: number): Uint8Array[] => data(n).map(leafHash);

/** Every node of the tree over `all`, appended one leaf at a time (the reference for the batch). */
function storedOneByOne(all: Uint8Array[], upTo: number): Map<string, Uint8Array> {
  const stored = new Map<string, Uint8Array>();
  const get = nodeReader(stored, (l, i) => new Error(`missing ${l}:${i}`));
  for (let i = 0; i < upTo; i++) for (const n of hashesCompletedByAppend(i, all[i]!, get)) stored.set(nodeKey(n.level, n.index), n.hash);
  return stored;
}

it.each([
  [0, 1],
  [0, 7],
  [1, 1],
  [3, 5],
  [5, 11],
  [8, 8],
  [13, 40],
  [255, 2],
  [256, 300],
])('from %i leaves, appending %i records the nodes of one-by-one appends and the reference roots', (size0, count) => {
  const all = leaves(size0 + count);
  const before = storedOneByOne(all, size0);
  const frontier = decomposeRange(0, size0).map((c) => before.get(nodeKey(c.level, c.index))!);
  expect(Buffer.from(foldRoot(frontier))).toEqual(Buffer.from(referenceMth(data(size0))));
  const append = createAppend(size0, frontier, 2);
  for (let i = size0; i < size0 + count; i++) {
    append.push(all[i]!);
    expect(Buffer.from(append.root())).toEqual(Buffer.from(referenceMth(data(i + 1))));
  }
  const after = storedOneByOne(all, size0 + count);
  const expected = [...after.keys()].filter((k) => !before.has(k));
  const { levels, indexes, hashes } = append.nodes();
  expect(levels.map((l, i) => nodeKey(l, indexes[i]!))).toEqual(expected);
  levels.forEach((l, i) => expect(Buffer.from(hashes.subarray(32 * i, 32 * i + 32))).toEqual(Buffer.from(after.get(nodeKey(l, indexes[i]!))!)));
  expect(append.leafHashes()).toEqual(Buffer.concat(all.slice(size0)));
});

it('agrees with the reference for arbitrary sizes and batches', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), (size0, count) => {
      const all = leaves(size0 + count);
      const before = storedOneByOne(all, size0);
      const append = createAppend(size0, decomposeRange(0, size0).map((c) => before.get(nodeKey(c.level, c.index))!));
      for (let i = size0; i < size0 + count; i++) append.push(all[i]!);
      expect(Buffer.from(append.root())).toEqual(Buffer.from(referenceMth(data(size0 + count))));
      expect(append.nodes().levels.length).toBe(storedOneByOne(all, size0 + count).size - before.size);
    }),
    { numRuns: 60 },
  );
});

it('refuses a frontier that does not fit the size', () => {
  expect(() => createAppend(3, leaves(1))).toThrow(RangeError);
  expect(() => createAppend(0, leaves(1))).toThrow(RangeError);
});

it('hands out the nodes in parts (nodesSince a nodeCount mark) that join to exactly nodes(), unchanged by later pushes', () => {
  fc.assert(
    fc.property(fc.nat({ max: 40 }), fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 6 }), (size0, parts) => {
      const all = leaves(size0 + parts.reduce((a, b) => a + b, 0));
      const stored = storedOneByOne(all, size0);
      const frontier = decomposeRange(0, size0).map((c) => stored.get(nodeKey(c.level, c.index))!);
      const append = createAppend(size0, frontier, 4); // small buffers: they grow between parts
      const got: Array<{ levels: number[]; indexes: number[]; hashes: Buffer }> = [];
      const copies: Buffer[] = [];
      let at = size0;
      for (const n of parts) {
        const mark = append.nodeCount();
        for (let i = 0; i < n; i++) append.push(all[at++]!);
        got.push(append.nodesSince(mark));
        copies.push(Buffer.from(got[got.length - 1]!.hashes)); // as it was when handed out
      }
      const whole = append.nodes();
      expect(got.flatMap((p) => p.levels)).toEqual(whole.levels);
      expect(got.flatMap((p) => p.indexes)).toEqual(whole.indexes);
      expect(Buffer.concat(got.map((p) => p.hashes)).equals(whole.hashes)).toBe(true);
      got.forEach((p, i) => expect(p.hashes.equals(copies[i]!)).toBe(true));
    }),
    { numRuns: 200 },
  );
});
