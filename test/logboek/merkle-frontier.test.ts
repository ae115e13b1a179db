/**
 * The verifier's frontier against RFC 9162's MTH straight from the definition (reference-tree.ts):
 * for every size from 0 to 130 the frontier's root is the reference root, and its subtrees are one
 * per set bit of the size, largest first; the ring of recent leaves keeps exactly its window.
 */
import { describe, expect, it } from 'vitest';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { referenceMth } from '../../broker/logboek/merkle/reference-tree.js';
import { Frontier } from '../../broker/logboek/merkle/frontier.js';
import { RecentLeaves } from '../../broker/logboek/recent-leaves.js';

const leaves = Array.from({ length: 130 }, (_, i) => new TextEncoder().encode(`entry ${i}`));

describe('Frontier', () => {
  it('gives the MTH of every size from 0 to 130, with one subtree per set bit of the size', () => {
    const f = new Frontier();
    for (let n = 0; n <= leaves.length; n++) {
      expect(Buffer.from(f.root()).toString('hex'), `size ${n}`).toBe(Buffer.from(referenceMth(leaves.slice(0, n))).toString('hex'));
      expect(f.size).toBe(n);
      const bits = [...n.toString(2)].map((b, i, all) => (b === '1' ? all.length - 1 - i : -1)).filter((l) => l >= 0);
      expect(f.levels).toEqual(bits);
      if (n < leaves.length) f.push(leafHash(leaves[n]!));
    }
  });
});

describe('RecentLeaves', () => {
  it.each([
    { put: 10, ask: 10, window: 4, kept: true },
    { put: 10, ask: 6, window: 4, kept: true },
    { put: 10, ask: 5, window: 4, kept: false },
    { put: 10, ask: 11, window: 4, kept: false },
    { put: 0, ask: 0, window: 1, kept: true },
  ])('after seqs 0..$put with window $window, seq $ask is kept: $kept', ({ put, ask, window, kept }) => {
    const r = new RecentLeaves(window);
    for (let s = 0; s <= put; s++) r.put(s, Uint8Array.of(s));
    expect(r.get(ask)).toEqual(kept ? Uint8Array.of(ask) : undefined);
  });
});
