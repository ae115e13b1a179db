/**
 * The leaf hashes of the last `window` entries a verifier read, in a fixed ring, so that memory
 * stays bounded however long the log (verify-log.ts tells an entry inserted after the fact from a
 * moved copy by comparing with the leaf that was logged at a nearby seq).
 *
 * Invariant: `get(seq)` returns the leaf put for `seq` only while it is among the last `window + 1`
 * seqs put; older or later seqs give undefined.
 */
export class RecentLeaves {
  private readonly ring: Array<Uint8Array | undefined>;
  private last = -1;

  constructor(window: number) {
    this.ring = new Array<Uint8Array | undefined>(window + 1);
  }

  put(seq: number, leaf: Uint8Array): void {
    this.ring[seq % this.ring.length] = leaf;
    this.last = seq;
  }

  get(seq: number): Uint8Array | undefined {
    return seq <= this.last && this.last - seq < this.ring.length ? this.ring[seq % this.ring.length] : undefined;
  }
}
