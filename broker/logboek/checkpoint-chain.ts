/**
 * The chain of checkpoints that a trusted checkpoint vouches for: its ancestors through `previous`
 * (checkpoint-forms.ts says how a note or a JWS names the one before it).
 *
 * Why only ancestors: a broker that rewrote its history can sign checkpoints of the rewritten log;
 * only the chain of the trusted (witnessed) checkpoint is the history that was witnessed, and each
 * link is the SHA-256 of the checkpoint before it, so the chain is authenticated by the trusted
 * checkpoint alone.
 *
 * Invariants: every checkpoint in the chain is signature-checked too, with the keys given (the
 * log's key and, after rotations, its earlier keys); the walk stops at the first link it cannot
 * follow or verify, and never at a checkpoint larger than the one after it.
 */
import type { JWK } from 'jose';
import { linksOf, signedCheckpointOf, verifySignedCheckpoint, type CheckpointFacts, type SignedCheckpoint } from './checkpoint-forms.js';
import type { CheckpointRef } from './verify-log.js';

export type ChainLink = CheckpointRef & { readonly body: CheckpointFacts; readonly signed: SignedCheckpoint };

/**
 * The trusted checkpoint and its ancestors among `candidates`, oldest first, the trusted one last.
 * `trusted` is a checkpoint or its text (a JWS or a note); throws when it does not verify.
 */
export async function checkpointAncestors(
  trusted: string | SignedCheckpoint,
  candidates: readonly SignedCheckpoint[],
  keys: JWK | readonly JWK[],
  origin?: string,
): Promise<ChainLink[]> {
  const keyList: readonly JWK[] = Array.isArray(keys) ? keys : [keys as JWK];
  const start = typeof trusted === 'string' ? signedCheckpointOf(trusted) : trusted;
  const byLink = new Map<string, SignedCheckpoint>();
  for (const c of candidates) for (const l of linksOf(c)) if (!byLink.has(l)) byLink.set(l, c);
  const trustedBody = await verifySignedCheckpoint(start, keyList, origin);
  const idOf = (c: SignedCheckpoint): number | undefined => c.id ?? linksOf(c).map((l) => byLink.get(l)?.id).find((id) => id !== undefined);
  const link = (c: SignedCheckpoint, body: CheckpointFacts): ChainLink => {
    const id = idOf(c);
    return { ...(id !== undefined ? { id } : {}), treeSize: body.treeSize, rootHash: body.rootHash, body, signed: c };
  };
  const chain: ChainLink[] = [link(start, trustedBody)];
  let current = trustedBody;
  const seen = new Set<string>(linksOf(start));
  while (current.previous !== null && !seen.has(current.previous)) {
    const c = byLink.get(current.previous);
    if (!c) break;
    for (const l of linksOf(c)) seen.add(l);
    let body: CheckpointFacts;
    try {
      body = await verifySignedCheckpoint(c, keyList, trustedBody.origin);
    } catch {
      break;
    }
    if (body.treeSize > current.treeSize) break;
    chain.push(link(c, body));
    current = body;
  }
  return chain.reverse();
}
