/**
 * The two hash functions of an RFC 9162 Merkle tree, with SHA-256 (server side, node:crypto).
 *
 * Invariants (RFC 9162 §2.1.1, https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1):
 * - a leaf is hashed as SHA-256(0x00 || entry) and an interior node as SHA-256(0x01 || left || right);
 *   the different prefixes keep a leaf from ever being passed off as a node (second-preimage defence);
 * - the root of the empty tree is SHA-256 of the empty string ({@link EMPTY_ROOT});
 * - every hash is {@link HASH_SIZE} = 32 bytes, returned as a fresh plain Uint8Array that the
 *   caller may keep (never a view on a shared scratch buffer).
 *
 * `crypto.hash` (Node >= 20.12, one-shot, no Hash object) measured about twice as fast as
 * `createHash().update().digest()` for 65-byte inputs, so it is used; the engines field asks for
 * Node >= 20.19. The browser-side verifier does not import this file (it needs no node:crypto):
 * see merkle-verify.ts.
 */
import { hash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256), so callers can validate stored and received hashes. */
export const HASH_SIZE = 32;

/** Scratch buffer for the common case of two 32-byte children; safe because hashing is synchronous. */
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
/**
 * Scratch buffer for 0x00 || entry, grown to the largest entry seen; safe for the same reason. A
 * fresh input per leaf (allocated, zeroed, collected) cost about a quarter of a leaf hash of a
 * 300-byte entry (docs/performance.md, scenario 3).
 */
let leafInput = new Uint8Array(4096);

function sha256(data: Uint8Array): Uint8Array {
  const out = hash('sha256', data, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * MTH({d}) = SHA-256(0x00 || d): the hash of one log entry, over the exact bytes that were logged.
 * The storage must hash the same canonical bytes it serves back, or inclusion proofs will not match.
 */
export function leafHash(data: Uint8Array): Uint8Array {
  const length = 1 + data.length;
  if (leafInput.length < length) leafInput = new Uint8Array(2 * length);
  leafInput[0] = 0x00;
  leafInput.set(data, 1);
  return sha256(leafInput.subarray(0, length));
}

/**
 * SHA-256(0x01 || left || right): the hash of an interior node, used for complete subtrees in the
 * storage and for the folds that compute roots of incomplete ranges and verify proofs.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeInput[0] = 0x01;
    nodeInput.set(left, 1);
    nodeInput.set(right, 1 + HASH_SIZE);
    return sha256(nodeInput);
  }
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** MTH({}) = SHA-256(""): the root of a log with no entries (a checkpoint of size 0 carries this). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Fresh copy of {@link EMPTY_ROOT}, so a caller that mutates the result cannot corrupt the constant. */
export function emptyRoot(): Uint8Array {
  return EMPTY_ROOT.slice();
}
