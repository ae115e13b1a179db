/**
 * Checkpoints as C2SP tlog-checkpoint signed notes (https://c2sp.org/tlog-checkpoint):
 *
 *     <origin>\n
 *     <tree size, decimal>\n
 *     <RFC 6962 root hash, base64>\n
 *     time <RFC 3339 UTC, milliseconds>\n              extension line (jpp-broker)
 *     previous <base64 SHA-256 of the previous one>\n  extension line, absent for the first
 *     key <vkey>\n                                     extension line, only to announce a new key
 *     \n
 *     — <origin> <Ed25519 signature by the log>
 *     — <witness> <cosignature> ...
 *
 * The extension lines carry what the JWS checkpoints (checkpoint.ts) carried and what key rotation
 * needs. Cosigners vouch for the first three lines only (tlog-cosignature); jpp-broker's own
 * witness and `audit verify` also check the rest.
 *
 * - `previous` chains checkpoints: the base64 SHA-256 of the previous checkpoint's note *text*
 *   (signatures excluded, so that cosignatures arriving later do not change it), or, for the first
 *   note after checkpoints that were JWS only, of that checkpoint's JWS.
 * - `key` announces the log's next signing key as an Ed25519 vkey (signed-note.ts) with the
 *   origin as its name. A checkpoint with it is signed by the old key and the new one; a witness
 *   that verified it with the old key follows the new key from then on, without a person.
 *
 * Invariants:
 * - Parsing refuses anything but exactly these first three lines: a non-empty origin, a size
 *   without leading zeroes, a 32-byte root in canonical base64. Unknown extension lines are kept
 *   and ignored; a known one that is malformed refuses the checkpoint.
 * - The log's key name is the origin (the spec's SHOULD): a signature by another name is not the log's.
 */
import { createHash } from 'node:crypto';
import {
  formatNote,
  NoteError,
  openNote,
  parseVerifierKey,
  SIGNATURE_TYPE,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
} from './signed-note.js';

/** A checkpoint's text, parsed. */
export interface CheckpointText {
  readonly origin: string;
  readonly treeSize: number;
  /** Standard base64 of the 32-byte root (as in the JWS body, checkpoint.ts). */
  readonly rootHash: string;
  /** jpp-broker's `time` line, or null where a log writes none. */
  readonly time: string | null;
  /** jpp-broker's `previous` line, or null. */
  readonly previous: string | null;
  /** A `key` line: the vkey of the log's next signing key. */
  readonly nextKey?: string;
  /** Extension lines this code does not know, kept in order. */
  readonly otherExtensions: readonly string[];
}

const SIZE = /^(0|[1-9][0-9]{0,15})$/;
const ROOT = /^[A-Za-z0-9+/]{43}=$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The note text of a checkpoint (final newline included). */
export function formatCheckpointText(c: Omit<CheckpointText, 'otherExtensions'> & { otherExtensions?: readonly string[] }): string {
  const lines = [c.origin, String(c.treeSize), c.rootHash];
  if (c.time !== null) lines.push(`time ${c.time}`);
  if (c.previous !== null) lines.push(`previous ${c.previous}`);
  if (c.nextKey !== undefined) lines.push(`key ${c.nextKey}`);
  lines.push(...(c.otherExtensions ?? []));
  const text = `${lines.join('\n')}\n`;
  parseCheckpointText(text); // what is written must read back
  return text;
}

/** Parses a checkpoint's note text. Throws a malformed NoteError. */
export function parseCheckpointText(text: string): CheckpointText {
  if (!text.endsWith('\n')) throw new NoteError('a checkpoint text ends in a newline', 'malformed');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('a checkpoint has an origin, a tree size and a root hash', 'malformed');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw new NoteError('the origin line is empty', 'malformed');
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) throw new NoteError('the tree size is not a decimal number without leading zeroes', 'malformed');
  if (!ROOT.test(root) || Buffer.from(root, 'base64').toString('base64') !== root) throw new NoteError('the root hash is not 32 bytes of base64', 'malformed');
  let time: string | null = null;
  let previous: string | null = null;
  let nextKey: string | undefined;
  const otherExtensions: string[] = [];
  for (const line of extensions) {
    if (line === '') throw new NoteError('an extension line is empty', 'malformed');
    const [word, value] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    if (word === 'time') {
      if (time !== null || !TIME.test(value) || Number.isNaN(Date.parse(value))) throw new NoteError('the time line is not one RFC 3339 UTC time', 'malformed');
      time = value;
    } else if (word === 'previous') {
      if (previous !== null || !ROOT.test(value)) throw new NoteError('the previous line is not one base64 SHA-256 hash', 'malformed');
      previous = value;
    } else if (word === 'key') {
      if (nextKey !== undefined) throw new NoteError('more than one key line', 'malformed');
      const k = parseVerifierKey(value);
      if (k.type !== SIGNATURE_TYPE.ed25519 || k.name !== origin) throw new NoteError('the key line is not an Ed25519 vkey named after the origin', 'malformed');
      nextKey = k.vkey;
    } else {
      otherExtensions.push(line);
    }
  }
  return { origin, treeSize: Number(size), rootHash: root, time, previous, ...(nextKey !== undefined ? { nextKey } : {}), otherExtensions };
}

/** The chain link to a checkpoint note: base64 SHA-256 of its text (signatures excluded). */
export const noteTextDigest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

/** The link from a note to a checkpoint that exists only as a JWS: base64 SHA-256 of the JWS. */
export const jwsDigestForNote = (jws: string): string => createHash('sha256').update(jws, 'utf8').digest('base64');

/** A checkpoint note opened with the log's key(s). */
export interface OpenedCheckpoint {
  readonly note: string;
  readonly text: string;
  readonly body: CheckpointText;
  /** The log signatures that verified (by key ID). */
  readonly signedBy: readonly NoteSignature[];
  /** Every signature line, the log's and others' (cosignatures). */
  readonly signatures: readonly NoteSignature[];
}

/**
 * Opens a checkpoint note: at least one of `logKeys` (the origin's keys) must have signed it, and
 * its origin must be `origin` when given. Throws a NoteError ('malformed', 'bad-signature',
 * 'unverified') or an Error for another origin.
 */
export function openCheckpoint(note: string, logKeys: readonly NoteVerifier[], origin?: string): OpenedCheckpoint {
  const opened = openNote(note, logKeys);
  const body = parseCheckpointText(opened.text);
  if (origin !== undefined && body.origin !== origin) throw new NoteError(`checkpoint is for origin ${body.origin}, not ${origin}`, 'malformed');
  if (opened.verified.some((s) => s.name !== body.origin)) throw new NoteError('the log signs with its origin as key name', 'malformed');
  return { note, text: opened.text, body, signedBy: opened.verified, signatures: opened.all };
}

/** Signs a checkpoint text with one or more log keys (a rotation checkpoint: the old and the new). */
export function signCheckpoint(text: string, signers: readonly NoteSigner[]): string {
  return formatNote(text, signers.map((s) => s.signLine(text)));
}
