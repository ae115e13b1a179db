/**
 * Verifiers for RFC 9162 inclusion and consistency proofs, for the server and (later) the browser.
 *
 * Algorithms, followed step by step:
 * - inclusion: RFC 9162 §2.1.3.2 (https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2), the
 *   "fn/sn bit" walk from the leaf to the root;
 * - consistency: RFC 9162 §2.1.4.2 (https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.2),
 *   including "if first is an exact power of 2, prepend first_hash to the path".
 * The RFC algorithms check the proof length implicitly (sn must reach 0 exactly at the last
 * element), which is what rejects truncated, extended, preceded and trailed proofs.
 *
 * Edge cases, matching the transparency-dev vectors in shared/vectors/rfc9162-merkle (the RFC
 * itself leaves them open):
 * - a consistency proof from size1 = 0 is always rejected (it proves nothing, even for size2 = 0);
 * - size1 = size2 > 0 is accepted exactly when the proof is empty and root1 equals root2 byte for
 *   byte (no hashing, so the roots' length is not checked there);
 * - size1 > size2, index >= size, sizes that are not safe non-negative integers, proof elements or
 *   leaf hashes that are not 32 bytes: rejected. The verifiers return false / null on any malformed
 *   input and never throw, so a caller can feed them untrusted JSON directly.
 *
 * Hashing: this file must run in a browser, so it does not use node:crypto (merkle-hash.ts does).
 * It uses @noble/hashes' sha256 (pure JS, audited, already a dependency of the broker), which runs
 * everywhere unchanged. Measured on the development machine: about 0.7 million 65-byte node hashes
 * per second against about 1.1 million for node:crypto's one-shot hash; a proof costs O(log n)
 * hashes (about 20 for a million entries), so that difference is irrelevant here. Whole-log
 * verification on the server recomputes the root with merkle-hash.ts instead (see tree-math.ts).
 * Using a second, independent SHA-256 implementation also means the server's proofs are checked
 * against a hasher that does not share its code; the tests assert both give the same hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';

const HASH_SIZE = 32;

/** SHA-256(0x01 || left || right) with @noble/hashes; equals merkle-hash.ts nodeHash (tested). */
export function portableNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** SHA-256(0x00 || data) with @noble/hashes, so a browser can hash an entry it received itself. */
export function portableLeafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return sha256(input);
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function isProof(proof: unknown): proof is readonly Uint8Array[] {
  return Array.isArray(proof) && proof.every(isHash);
}

function bytesEqual(a: unknown, b: unknown): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/**
 * The root that an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1-5, less the final root
 * comparison), or null if the proof cannot be valid for (leafIndex, treeSize) whatever the root:
 * index out of range, wrong length, malformed hashes. Useful when the caller compares against a
 * root it holds in another form, e.g. a signed checkpoint.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  if (!isCount(leafIndex) || !isCount(treeSize) || leafIndex >= treeSize) return null;
  if (!isHash(leafHash) || !isProof(proof)) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = portableNodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = portableNodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/**
 * Whether `proof` shows that the leaf with hash `leafHash` is entry `leafIndex` of the tree of
 * `treeSize` entries whose root is `root` (RFC 9162 §2.1.3.2). Never throws.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  return computed !== null && bytesEqual(computed, root);
}

/**
 * Whether `proof` shows that the tree of `size2` entries with root `root2` extends the tree of
 * `size1` entries with root `root1` without changing it (RFC 9162 §2.1.4.2): the log is
 * append-only between the two checkpoints. Never throws.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isCount(size1) || !isCount(size2) || !Array.isArray(proof)) return false;
  if (size1 === 0 || size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  // Step 1: an empty path proves nothing.
  if (proof.length === 0 || !isProof(proof) || !isHash(root1) || !isHash(root2)) return false;
  // Step 2: if first is an exact power of 2, prepend first_hash.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // Steps 3-4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = portableNodeHash(c, fr);
      sr = portableNodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = portableNodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
