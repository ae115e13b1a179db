/**
 * One entry's leaf hash as the verifier (verify-log.ts) recomputes it from the content it was
 * handed: the splice of leaf-splice.ts first, the full canonicalisation (leafData in log-entry.ts)
 * when the splice's hash does not match, which stays the authority.
 *
 * Invariants:
 * - A leaf computed by the source already (`sealed.leaf`: the worker threads of leaf-hash-pool.ts)
 *   or a leaf input in place (`sealed.leafInput`) is hashed or taken as it is; sealed content is the
 *   leaf bytes themselves, never spliced.
 * - Null means the content cannot be canonicalised at all (not JSON): the caller reports it.
 */
import { canonicalJson, leafData } from './log-entry.js';
import { hashSplicedLeaf, splicedLeafInput } from './leaf-splice.js';
import { leafHash as hashLeaf } from './merkle/merkle-hash.js';
import type { VerifiableEntry } from './verify-log-types.js';

/** A stored leaf hash as bytes (base64 in the JSON-lines export). */
export const toBytes = (h: Uint8Array | string): Uint8Array => (typeof h === 'string' ? Buffer.from(h, 'base64') : h);

/** Whether two hashes are equal byte for byte. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

type Content = NonNullable<VerifiableEntry['content']>;

const utf8Of = (content: Content): Buffer =>
  content instanceof Uint8Array
    ? Buffer.isBuffer(content)
      ? content
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength)
    : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content), 'utf8');

/**
 * The leaf hash of `content` placed at `seq`: the fast splice when it matches `stored`, else the
 * full canonicalisation; null when the content cannot be canonicalised at all (not JSON).
 */
export function leafOf(content: Content, seq: number, stored: Uint8Array, sealed?: { leafInput?: Uint8Array; leaf?: Uint8Array }): Uint8Array | null {
  if (sealed?.leaf) return sealed.leaf;
  if (sealed?.leafInput) return hashSplicedLeaf(Buffer.isBuffer(sealed.leafInput) ? sealed.leafInput : Buffer.from(sealed.leafInput.buffer, sealed.leafInput.byteOffset, sealed.leafInput.byteLength));
  const bytes = utf8Of(content);
  if (sealed) return hashLeaf(bytes);
  const spliced = splicedLeafInput(bytes, seq);
  if (spliced) {
    const fast = hashSplicedLeaf(spliced);
    if (equalBytes(fast, stored)) return fast;
  }
  try {
    if (typeof content === 'string') return hashLeaf(leafData(content, seq));
    if (content instanceof Uint8Array) return hashLeaf(leafData(bytes.toString('utf8'), seq));
    return hashLeaf(Buffer.from(canonicalJson({ ...content, seq }), 'utf8'));
  } catch {
    return null;
  }
}
