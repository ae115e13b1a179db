/**
 * RFC 9162 proofs from the stored Merkle nodes: inclusion (§2.1.3) and consistency (§2.1.4),
 * https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3. Shared by the read API
 * (logboek-read.service.ts) and the witness pusher (witness-pusher.ts).
 *
 * Invariants: proofs are built from stored complete nodes only (merkle/README.md); a node that is
 * missing is an error, never filled in. Callers check that the sizes exist.
 */
import type { Executor } from '../db/database.js';
import { consistencyProofRanges, hashRanges, inclusionProofRanges, nodeReader, nodesForRanges, type LeafRange } from './merkle/tree-math.js';
import { getNodes } from './logboek.repository.js';

async function proofFor(ex: Executor, ranges: LeafRange[], missing: () => Error): Promise<Uint8Array[]> {
  const nodes = await getNodes(ex, nodesForRanges(ranges));
  return hashRanges(ranges, nodeReader(nodes, missing));
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves, and that leaf's hash. */
export async function inclusionProof(ex: Executor, index: number, size: number, missing: () => Error): Promise<{ leafHash: Uint8Array; proof: Uint8Array[] }> {
  const leaf = nodeReader(await getNodes(ex, [{ level: 0, index }]), missing)(0, index);
  return { leafHash: leaf, proof: await proofFor(ex, inclusionProofRanges(index, size), missing) };
}

/**
 * The consistency proof from `size1` to `size2`. Empty when the sizes are equal; from size 0 there
 * is no proof (RFC 9162 defines none; tlog-witness sends an empty one), so that is empty too.
 */
export async function consistencyProof(ex: Executor, size1: number, size2: number, missing: () => Error): Promise<Uint8Array[]> {
  if (size1 === 0 || size1 === size2) return [];
  return proofFor(ex, consistencyProofRanges(size1, size2), missing);
}
