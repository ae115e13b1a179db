/**
 * The leaf and node hashes of merkle-hash.ts hash their input in reused scratch buffers: every
 * result must still be RFC 9162's, SHA-256(0x00 || entry) and SHA-256(0x01 || left || right), for
 * entries of any size (the leaf scratch grows), and a result once returned must never change.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, nodeHash } from '../../broker/logboek/merkle/merkle-hash.js';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256);

describe('leaf and node hashes with scratch buffers', () => {
  it('hashes entries of every size as SHA-256(0x00 || entry), growing past the scratch and back, and keeps earlier results', () => {
    const sizes = [0, 1, 300, 4095, 4096, 4097, 9000, 70_000, 5, 200_000, 2];
    const kept = sizes.map((n, i) => ({ entry: bytes(n, i), hash: leafHash(bytes(n, i)) }));
    for (const { entry, hash } of kept) expect(Buffer.from(hash).equals(sha256(Uint8Array.of(0), entry))).toBe(true);
  });

  it('hashes nodes as SHA-256(0x01 || left || right), also for children that are not 32 bytes', () => {
    const l = bytes(32, 1);
    const r = bytes(32, 2);
    const first = nodeHash(l, r);
    expect(Buffer.from(first).equals(sha256(Uint8Array.of(1), l, r))).toBe(true);
    expect(Buffer.from(nodeHash(bytes(5, 3), bytes(40, 4))).equals(sha256(Uint8Array.of(1), bytes(5, 3), bytes(40, 4)))).toBe(true);
    leafHash(bytes(100, 5));
    expect(Buffer.from(first).equals(sha256(Uint8Array.of(1), l, r))).toBe(true);
  });

  it('does not hash a leaf and a node of the same bytes alike (the prefixes differ)', () => {
    const l = bytes(32, 6);
    const r = bytes(32, 7);
    const asLeaf = leafHash(Uint8Array.from([...l, ...r]));
    expect(Buffer.from(asLeaf).equals(Buffer.from(nodeHash(l, r)))).toBe(false);
  });
});
