/**
 * The frontier of an RFC 9162 Merkle tree grown one leaf at a time: the roots of its complete
 * subtrees, largest first, one per set bit of the size (RFC 9162 §2.1.1,
 * https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1, splits at the largest power of two, so the
 * root is their fold from the right: `foldRoot`). Why: a verifier reading a log of any length keeps
 * only this, O(log n) hashes, and never the entries.
 *
 * Invariants:
 * - `hashes[i]` is the root of a complete subtree of `2^levels[i]` leaves; levels strictly decrease.
 * - `root()` is the MTH of the `size` leaves pushed so far.
 */
import { nodeHash } from './merkle-hash.js';
import { foldRoot } from './batch-append.js';

export class Frontier {
  readonly hashes: Uint8Array[] = [];
  readonly levels: number[] = [];
  size = 0;

  /** Adds the next leaf hash, merging equal-sized subtrees as far as they go. */
  push(leaf: Uint8Array): void {
    let h = leaf;
    let level = 0;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      this.levels.pop();
      h = nodeHash(this.hashes.pop()!, h);
      level++;
    }
    this.hashes.push(h);
    this.levels.push(level);
    this.size++;
  }

  /** MTH of the leaves so far. */
  root(): Uint8Array {
    return foldRoot(this.hashes);
  }
}
