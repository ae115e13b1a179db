/**
 * FOR TESTS ONLY: a deliberately naive in-memory RFC 9162 Merkle tree, written straight from the
 * recursive definitions so that the stored-node arithmetic in tree-math.ts can be checked against
 * it. It hashes every leaf again on every call (O(n) per root, proof or range) and must never be
 * used by the broker itself.
 *
 * - MTH:   RFC 9162 §2.1.1   https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1
 * - PATH:  RFC 9162 §2.1.3.1 https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.1
 * - PROOF: RFC 9162 §2.1.4.1 https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.1
 * D[k1:k2] is the list of entries from k1 (inclusive) to k2 (exclusive); k is the largest power
 * of two smaller than n.
 */
import { EMPTY_ROOT, leafHash, nodeHash } from './merkle-hash.js';

/** Largest power of two strictly smaller than n (n > 1), as the RFC defines k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * MTH(D[n]) over a list of entries (raw entry bytes, not leaf hashes), exactly as §2.1.1 defines:
 * MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00 || d0), MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
 */
export function referenceMth(d: readonly Uint8Array[]): Uint8Array {
  const n = d.length;
  if (n === 0) return EMPTY_ROOT.slice();
  if (n === 1) return leafHash(d[0]!);
  const k = splitPoint(n);
  return nodeHash(referenceMth(d.slice(0, k)), referenceMth(d.slice(k, n)));
}

/**
 * PATH(m, D[n]) of §2.1.3.1: the inclusion proof of entry m, deepest sibling first.
 * PATH(0, {d0}) = {}; for m < k: PATH(m, D[0:k]) : MTH(D[k:n]); for m >= k: PATH(m - k, D[k:n]) : MTH(D[0:k]).
 */
export function referencePath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  const n = d.length;
  if (m < 0 || m >= n) throw new RangeError(`PATH(${m}, D[${n}]) is undefined`);
  if (n === 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...referencePath(m, d.slice(0, k)), referenceMth(d.slice(k, n))];
  return [...referencePath(m - k, d.slice(k, n)), referenceMth(d.slice(0, k))];
}

/**
 * SUBPROOF(m, D[n], b) of §2.1.4.1. SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
 * for m < n: m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]); m > k: SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).
 */
function referenceSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = d.length;
  if (m === n) return b ? [] : [referenceMth(d)];
  const k = splitPoint(n);
  if (m <= k) return [...referenceSubproof(m, d.slice(0, k), b), referenceMth(d.slice(k, n))];
  return [...referenceSubproof(m - k, d.slice(k, n), false), referenceMth(d.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of §2.1.4.1, for 0 < m <= n. */
export function referenceProof(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (m <= 0 || m > d.length) throw new RangeError(`PROOF(${m}, D[${d.length}]) is undefined`);
  return referenceSubproof(m, d, true);
}
