/**
 * What a witness checks before it keeps (and, pushed to, cosigns) a checkpoint, whether it fetched
 * the checkpoint itself (witness.ts) or a log pushed it (witness-server.ts):
 *
 * 1. a valid signature by the pinned log key for the pinned origin (a note, or else a JWS);
 * 2. no second root for a size it holds (a fork: two histories), and no smaller size;
 * 3. when the witness follows the log's chain (it fetches every checkpoint), `previous` names the
 *    last checkpoint it holds;
 * 4. an RFC 9162 §2.1.4 consistency proof from the last held checkpoint to this one verifies
 *    (merkle-verify.ts): the new tree only appends to the old one;
 * 5. a key announced in the checkpoint (checkpoint-note.ts, `key` line) is followed only when the
 *    pinned key signed the announcement and the announced key signed the same checkpoint.
 *
 * Pure: the callers fetch or receive the proof, keep evidence and write the store.
 */
import type { JWK } from 'jose';
import { expectedLink, noteVerifiersOf, verifySignedCheckpoint, type CheckpointFacts, type SignedCheckpoint } from './checkpoint-forms.js';
import { openCheckpoint } from './checkpoint-note.js';
import { verifyConsistency } from './merkle/merkle-verify.js';
import { pinFromVkey, type HeldCheckpoint, type MisbehaviourKind } from './witness-store.js';

export type CheckResult =
  | { readonly ok: true; readonly facts: CheckpointFacts; readonly rotateTo?: JWK }
  | { readonly ok: false; readonly kind: MisbehaviourKind; readonly message: string; readonly held?: HeldCheckpoint; readonly extra?: Record<string, unknown> };

const describe = (c: { id?: number | undefined; body: { treeSize: number } } | { id?: number | undefined; treeSize: number }): string => {
  const size = 'body' in c ? c.body.treeSize : c.treeSize;
  return c.id !== undefined ? `checkpoint ${c.id} (size ${size})` : `the checkpoint of size ${size}`;
};

/** Step 1 and 5: the signature, and a key announcement. */
export async function checkSignature(
  received: SignedCheckpoint,
  pinned: { origin: string; key: JWK },
  servedKeyDiffers = false,
): Promise<CheckResult> {
  let facts: CheckpointFacts;
  try {
    facts = await verifySignedCheckpoint(received, [pinned.key], pinned.origin);
  } catch (err) {
    const which = received.id !== undefined ? `checkpoint ${received.id}` : 'the checkpoint';
    return servedKeyDiffers
      ? {
          ok: false,
          kind: 'key-changed',
          message: `${which} is not signed by the pinned key, and the log now presents another signing key or origin, which the pinned key never announced: if this is a planned change, confirm it out of band and start a new store`,
        }
      : { ok: false, kind: 'bad-signature', message: `${which} does not verify with the pinned key: ${(err as Error).message}` };
  }
  if (facts.nextKey === undefined || facts.form !== 'note') return { ok: true, facts };
  const next = pinFromVkey(facts.nextKey);
  try {
    openCheckpoint(received.note!, noteVerifiersOf(pinned.origin, [next.key]), pinned.origin);
  } catch {
    return { ok: false, kind: 'bad-signature', message: `${describe({ id: received.id, treeSize: facts.treeSize })} announces a new log key that did not sign it` };
  }
  return { ok: true, facts, rotateTo: next.key };
}

/**
 * Steps 2–4 against what the witness holds; `proof` is the consistency proof from the last held
 * size. With `proof: 'later'`, step 4 is left out (the caller fetches the proof only when the rest
 * passed, and calls again).
 */
export function checkAgainstHeld(
  received: SignedCheckpoint,
  facts: CheckpointFacts,
  held: readonly HeldCheckpoint[],
  o: { followChain: boolean; proof?: readonly Uint8Array[] | 'later' | undefined },
): CheckResult {
  const sameSize = held.find((h) => h.body.treeSize === facts.treeSize && h.body.rootHash !== facts.rootHash);
  if (sameSize) {
    return {
      ok: false,
      kind: 'fork',
      message: `two different roots for size ${facts.treeSize}: ${describe(sameSize)} held since ${sameSize.witnessedAt} and ${describe({ id: received.id, treeSize: facts.treeSize })} now: the log shows two histories`,
      held: sameSize,
    };
  }
  const last = held[held.length - 1];
  if (!last) return { ok: true, facts };
  if (o.followChain) {
    const expected = expectedLink(last, facts.form);
    if (facts.previous !== expected) {
      return {
        ok: false,
        kind: 'fork',
        message: `${describe({ id: received.id, treeSize: facts.treeSize })} does not follow ${describe(last)}, the last one this witness holds: its previous is ${facts.previous ?? 'null'}, expected ${expected ?? '(none)'}`,
        held: last,
      };
    }
  }
  if (facts.treeSize < last.body.treeSize) {
    return { ok: false, kind: 'inconsistent', message: `${describe({ id: received.id, treeSize: facts.treeSize })} is smaller than ${describe(last)}: the log shrank`, held: last };
  }
  if (facts.treeSize > last.body.treeSize && last.body.treeSize > 0 && o.proof !== 'later') {
    const proof = o.proof ?? [];
    const ok = verifyConsistency(last.body.treeSize, facts.treeSize, Buffer.from(last.body.rootHash, 'base64'), Buffer.from(facts.rootHash, 'base64'), proof);
    if (!ok) {
      return {
        ok: false,
        kind: 'inconsistent',
        message: `${describe({ id: received.id, treeSize: facts.treeSize })} is not consistent with ${describe(last)}: the log changed entries that were already checkpointed`,
        held: last,
        extra: { consistencyProof: { size1: last.body.treeSize, size2: facts.treeSize, proof: proof.map((p) => Buffer.from(p).toString('base64')) } },
      };
    }
  }
  return { ok: true, facts };
}
