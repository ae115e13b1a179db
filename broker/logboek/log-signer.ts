/**
 * The log's checkpoint keys: signs each checkpoint both as a C2SP signed note (checkpoint-note.ts)
 * and, during the transition from the earlier format, as a JWS (checkpoint.ts), and carries a key
 * rotation through.
 *
 * Key rotation (issue 20): the operator starts the broker with the new key in
 * JPP_LOG_SIGNING_KEY and the old one in JPP_LOG_PREVIOUS_SIGNING_KEY. The first checkpoint signed
 * after that announces the new key in a `key` line and is signed by the old key and the new one;
 * a witness that holds the old key checks it with that key and from then on follows the new one.
 * Every later checkpoint is signed by the new key alone.
 *
 * Invariants:
 * - The note's key name is the origin; the JWS and the note of one checkpoint state the same
 *   origin, size, root, time and chain.
 * - The old key signs only the announcement, never a checkpoint without one.
 */
import type { JWK } from 'jose';
import { checkpointDigest, createCheckpointSigner, type CheckpointSigner } from './checkpoint.js';
import { formatCheckpointText, signCheckpoint } from './checkpoint-note.js';
import { ed25519NoteSigner, type NoteSigner, type NoteVerifier } from './signed-note.js';

export interface SignedCheckpointForms {
  readonly jws: string;
  readonly note: string;
  /** The note's text (signatures excluded): what `previous` links to. */
  readonly text: string;
}

export interface CheckpointToSign {
  readonly treeSize: number;
  /** Standard base64. */
  readonly rootHash: string;
  readonly time: Date;
  /** The previous checkpoint's JWS (the JWS chain), or null for the first. */
  readonly previousJws: string | null;
  /** The note's `previous` link (checkpoint-note.ts), or null for the first. */
  readonly previousLink: string | null;
  /** Announce the current key in a `key` line, signed by the previous key too. */
  readonly announce: boolean;
}

export interface LogSigner {
  readonly origin: string;
  /** The current key, as a public JWK (JWS) and as a vkey (notes). */
  readonly publicJwk: JWK;
  readonly vkey: string;
  /** During a rotation: the previous key. */
  readonly previous?: { readonly publicJwk: JWK; readonly vkey: string; readonly keyId: number };
  /** The note verifiers of the current key (first) and the previous key. */
  readonly noteVerifiers: readonly NoteVerifier[];
  /** The current key's key ID (which signatures are the current key's). */
  readonly keyId: number;
  /** The JWS signer of the current key (and, for reading old rows, the previous key's public JWK). */
  readonly jws: CheckpointSigner;
  sign(c: CheckpointToSign): Promise<SignedCheckpointForms>;
}

export async function createLogSigner(o: { origin: string; signingJwk: JWK; previousSigningJwk?: JWK | undefined }): Promise<LogSigner> {
  const jws = await createCheckpointSigner(o.signingJwk);
  const current: NoteSigner = ed25519NoteSigner(o.origin, o.signingJwk);
  const old: NoteSigner | undefined = o.previousSigningJwk ? ed25519NoteSigner(o.origin, o.previousSigningJwk) : undefined;
  const oldJws = o.previousSigningJwk ? await createCheckpointSigner(o.previousSigningJwk) : undefined;
  if (old && old.keyId === current.keyId) throw new Error('the previous checkpoint key is the current one');
  return {
    origin: o.origin,
    publicJwk: jws.publicJwk,
    vkey: current.vkey,
    ...(old && oldJws ? { previous: { publicJwk: oldJws.publicJwk, vkey: old.vkey, keyId: old.keyId } } : {}),
    noteVerifiers: old ? [current, old] : [current],
    keyId: current.keyId,
    jws,
    async sign(c) {
      if (c.announce && !old) throw new Error('a key can only be announced with the previous key configured');
      const time = c.time.toISOString();
      const text = formatCheckpointText({
        origin: o.origin,
        treeSize: c.treeSize,
        rootHash: c.rootHash,
        time,
        previous: c.previousLink,
        ...(c.announce ? { nextKey: current.vkey } : {}),
      });
      const note = signCheckpoint(text, c.announce ? [old!, current] : [current]);
      const signed = await jws.sign({
        origin: o.origin,
        treeSize: c.treeSize,
        rootHash: c.rootHash,
        time,
        previous: c.previousJws === null ? null : checkpointDigest(c.previousJws),
      });
      return { jws: signed, note, text };
    },
  };
}
