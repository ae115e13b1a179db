/**
 * A checkpoint in either of its two forms, as the audit tools meet it: the C2SP signed note
 * (checkpoint-note.ts; written since migration 0030) and the JWS (checkpoint.ts; written before,
 * and beside the note during the transition). Verifies whichever is there, the note first, and
 * says how checkpoints link to each other.
 *
 * Links (`previous`): a JWS names the base64url SHA-256 of the previous JWS; a note names the
 * base64 SHA-256 of the previous note's text, or of the previous JWS where that checkpoint has no
 * note. {@link linksOf} gives every name by which a later checkpoint may point at this one.
 *
 * Invariants:
 * - A checkpoint counts only after a signature by one of the given keys verified, for the origin.
 * - When both forms are there, the note is the one checked and relied on; the JWS is not consulted.
 */
import type { JWK } from 'jose';
import { checkpointDigest, verifyCheckpoint } from './checkpoint.js';
import { jwsDigestForNote, noteTextDigest, openCheckpoint } from './checkpoint-note.js';
import { ed25519NoteVerifier, parseNote, rawEd25519, type NoteVerifier } from './signed-note.js';

/** A checkpoint with its JWS and/or its note and, when known, the broker's id for it. */
export interface SignedCheckpoint {
  readonly id?: number;
  readonly jws?: string | null;
  readonly note?: string | null;
}

/** What a verified checkpoint states. */
export interface CheckpointFacts {
  readonly form: 'note' | 'jws';
  readonly origin: string;
  readonly treeSize: number;
  /** Standard base64. */
  readonly rootHash: string;
  /** The log's time, where it states one (jpp-broker always does). */
  readonly time: string | null;
  /** The link to the previous checkpoint, or null. */
  readonly previous: string | null;
  /** A note's announcement of the log's next key (a vkey), if any. */
  readonly nextKey?: string;
}

/** The note verifiers for Ed25519 JWKs, named after the origin. */
export const noteVerifiersOf = (origin: string, keys: readonly JWK[]): NoteVerifier[] => keys.map((k) => ed25519NoteVerifier(origin, rawEd25519(k)));

/** A checkpoint's text, JWS or note: a note holds newlines, a compact JWS never does. */
export function signedCheckpointOf(text: string, id?: number): SignedCheckpoint {
  const t = text.includes('\n') ? text.replace(/\r\n/g, '\n') : text.trim();
  return { ...(id !== undefined ? { id } : {}), ...(t.includes('\n') ? { note: t.endsWith('\n') ? t : `${t}\n` } : { jws: t }) };
}

/**
 * Verifies a checkpoint with any of `keys` (the log's key, and earlier ones after a rotation) for
 * `origin` (when given): its note if it has one, else its JWS. Throws when neither verifies.
 */
export async function verifySignedCheckpoint(c: SignedCheckpoint, keys: readonly JWK[], origin?: string): Promise<CheckpointFacts> {
  if (c.note) {
    const name = origin ?? parseNote(c.note).text.split('\n', 1)[0]!;
    const b = openCheckpoint(c.note, noteVerifiersOf(name, keys), origin).body;
    return { form: 'note', origin: b.origin, treeSize: b.treeSize, rootHash: b.rootHash, time: b.time, previous: b.previous, ...(b.nextKey ? { nextKey: b.nextKey } : {}) };
  }
  if (!c.jws) throw new Error('the checkpoint has neither a note nor a JWS');
  let last: unknown;
  for (const key of keys) {
    try {
      const b = await verifyCheckpoint(c.jws, key, origin);
      return { form: 'jws', origin: b.origin, treeSize: b.treeSize, rootHash: b.rootHash, time: b.time, previous: b.previous };
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof Error ? last : new Error('no key to verify the checkpoint with');
}

/** Every link by which a later checkpoint may name this one as its `previous`. */
export function linksOf(c: SignedCheckpoint): string[] {
  const out: string[] = [];
  if (c.note) out.push(noteTextDigest(parseNote(c.note).text));
  if (c.jws) out.push(checkpointDigest(c.jws), jwsDigestForNote(c.jws));
  return out;
}

/** The link a checkpoint after `c`, in `form`, names as its previous. */
export function expectedLink(c: SignedCheckpoint, form: 'note' | 'jws'): string | undefined {
  if (form === 'jws') return c.jws ? checkpointDigest(c.jws) : undefined;
  return c.note ? noteTextDigest(parseNote(c.note).text) : c.jws ? jwsDigestForNote(c.jws) : undefined;
}

/** A stable identity of a checkpoint (its note text, else its JWS), for "seen before". */
export function checkpointIdentity(c: SignedCheckpoint): string {
  return c.note ? `note:${noteTextDigest(parseNote(c.note).text)}` : `jws:${checkpointDigest(c.jws ?? '')}`;
}
