/**
 * C2SP signed notes (https://c2sp.org/signed-note): a text ending in a newline, a blank line, and
 * one or more signature lines `— <key name> base64(key ID || signature)`. The logboek's
 * checkpoints (checkpoint-note.ts) and the witnesses' cosignatures (cosignature.ts) are signed
 * notes; this file knows the envelope, the key IDs, verifier keys ("vkeys") and Ed25519 note
 * signatures (signature type 0x01), nothing about what the text means.
 *
 * Invariants:
 * - A note is valid UTF-8 without control characters other than newline; its text ends in a
 *   newline and is separated from the signatures by the last blank line; key names are non-empty
 *   and hold no Unicode space and no '+'. Anything else is refused as malformed, never repaired.
 * - A key is the tuple (name, key ID, type, public key). A signature whose name and ID match no
 *   known key is ignored; one that matches a known key must verify, or the whole note is refused;
 *   a note that no known key signed is refused.
 * - At most {@link MAX_SIGNATURES} signature lines are read (the spec asks for at least 16).
 */
import { createHash, createPrivateKey, createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';

/** Signature type identifier bytes (signed-note, "Signature types"). */
export const SIGNATURE_TYPE = { ed25519: 0x01, cosignatureV1: 0x04 } as const;
export type SignatureType = (typeof SIGNATURE_TYPE)[keyof typeof SIGNATURE_TYPE];

/** More signature lines than this make a note malformed. */
export const MAX_SIGNATURES = 100;

const EM_DASH_PREFIX = '\u2014 ';

/** A note that breaks the signed-note format, or a signature that fails (see the invariants). */
export class NoteError extends Error {
  constructor(
    message: string,
    readonly kind: 'malformed' | 'bad-signature' | 'unverified',
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

/** One signature line, split. */
export interface NoteSignature {
  readonly name: string;
  /** The uint32 key ID (big-endian in the line). */
  readonly keyId: number;
  /** The bytes after the key ID. */
  readonly signature: Uint8Array;
  /** The line as it stood, with its final newline. */
  readonly line: string;
}

/** A note split into its text (with the final newline) and its signatures. */
export interface ParsedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** Key names: non-empty, no Unicode spaces, no '+' (signed-note, "Format"). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name);
}

/** A note's text must hold only UTF-8 text without control characters other than newline. */
function checkCharacters(text: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\ufffd]/u.test(text)) throw new NoteError('the note holds a control character or invalid UTF-8', 'malformed');
}

/** key ID = SHA-256(name || 0x0A || type || public key)[:4], as a uint32 (signed-note, "Signatures"). */
export function keyIdOf(name: string, type: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, type])).update(publicKey).digest();
  return digest.readUInt32BE(0);
}

/** A verifier key, `<name>+<key ID, 8 hex>+base64(type || public key)`, as Go's sumdb/note writes it. */
export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError(`"${name}" is not a valid key name`, 'malformed');
  const id = keyIdOf(name, type, publicKey).toString(16).padStart(8, '0');
  return `${name}+${id}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

/** A parsed verifier key. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  /** The raw public key (32 bytes for Ed25519). */
  readonly publicKey: Uint8Array;
  /** The vkey text. */
  readonly vkey: string;
}

/** Parses a vkey; its key ID must be the one its name, type and key give. */
export function parseVerifierKey(vkey: string): VerifierKey {
  const m = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey.trim());
  if (!m || !isValidKeyName(m[1]!)) throw new NoteError('not a verifier key (<name>+<8 hex digits>+<base64>)', 'malformed');
  const raw = Buffer.from(m[3]!, 'base64');
  if (raw.length < 2) throw new NoteError('the verifier key holds no key', 'malformed');
  const type = raw[0]!;
  const publicKey = new Uint8Array(raw.subarray(1));
  if ((type === SIGNATURE_TYPE.ed25519 || type === SIGNATURE_TYPE.cosignatureV1) && publicKey.length !== 32) {
    throw new NoteError('an Ed25519 verifier key holds 32 bytes', 'malformed');
  }
  const keyId = keyIdOf(m[1]!, type, publicKey);
  if (keyId !== Number.parseInt(m[2]!, 16)) throw new NoteError('the verifier key\'s ID does not match its name and key', 'malformed');
  return { name: m[1]!, keyId, type, publicKey, vkey: vkey.trim() };
}

/** Splits a signed note. Throws a malformed NoteError (see the invariants). */
export function parseNote(note: string): ParsedNote {
  checkCharacters(note);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('no blank line before the signatures', 'malformed');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw new NoteError('no signature lines, or the last one does not end in a newline', 'malformed');
  const signatures: NoteSignature[] = [];
  for (const body of block.slice(0, -1).split('\n')) {
    if (signatures.length >= MAX_SIGNATURES) throw new NoteError(`more than ${MAX_SIGNATURES} signatures`, 'malformed');
    signatures.push(parseSignatureLine(`${body}\n`));
  }
  return { text, signatures };
}

/** One `— <name> <base64>\n` line. */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(EM_DASH_PREFIX) || !line.endsWith('\n')) throw new NoteError('a signature line starts with "— " and ends in a newline', 'malformed');
  const rest = line.slice(EM_DASH_PREFIX.length, -1);
  const space = rest.indexOf(' ');
  const name = space < 0 ? '' : rest.slice(0, space);
  const b64 = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name) || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new NoteError('a signature line holds a key name and base64', 'malformed');
  const raw = Buffer.from(b64, 'base64');
  if (raw.length < 5 || raw.toString('base64') !== b64) throw new NoteError('a signature is a key ID and at least one byte, in canonical base64', 'malformed');
  return { name, keyId: raw.readUInt32BE(0), signature: new Uint8Array(raw.subarray(4)), line };
}

/** A signature line for (name, key ID) over raw signature bytes. */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(keyId >>> 0);
  return `${EM_DASH_PREFIX}${name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

/** Text plus signature lines: the note. The text must end in a newline. */
export function formatNote(text: string, lines: readonly string[]): string {
  if (!text.endsWith('\n')) throw new NoteError('a note text ends in a newline', 'malformed');
  if (lines.length === 0) throw new NoteError('a note has at least one signature', 'malformed');
  return `${text}\n${lines.join('')}`;
}

/** Something that can check one kind of signature by one key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Whether `signature` (the bytes after the key ID) is valid over the note text. */
  verify(text: string, signature: Uint8Array): boolean;
}

/**
 * Opens a note with the verifiers given: returns the text and the signatures that verified.
 * Unknown signatures are ignored; a known one that fails refuses the note (bad-signature), and so
 * does a note that no known key signed (unverified).
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): { text: string; verified: NoteSignature[]; all: readonly NoteSignature[] } {
  const parsed = parseNote(note);
  const verified: NoteSignature[] = [];
  for (const s of parsed.signatures) {
    const v = verifiers.find((k) => k.name === s.name && k.keyId === s.keyId);
    if (!v) continue;
    if (!v.verify(parsed.text, s.signature)) throw new NoteError(`the signature of ${s.name} does not verify`, 'bad-signature');
    if (!verified.some((x) => x.name === s.name && x.keyId === s.keyId)) verified.push(s);
  }
  if (verified.length === 0) throw new NoteError('no signature by a known key', 'unverified');
  return { text: parsed.text, verified, all: parsed.signatures };
}

/** An Ed25519 public key from its raw 32 bytes. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** The raw 32 bytes of an Ed25519 JWK's public key (`x`). */
export function rawEd25519(jwk: { x?: string | undefined }): Uint8Array {
  const raw = Buffer.from(jwk.x ?? '', 'base64url');
  if (raw.length !== 32) throw new NoteError('not an Ed25519 key (x must be 32 bytes)', 'malformed');
  return new Uint8Array(raw);
}

/** A verifier of Ed25519 note signatures (type 0x01) by `name`'s key. */
export function ed25519NoteVerifier(name: string, publicKey: Uint8Array): NoteVerifier & { readonly vkey: string } {
  const key = ed25519PublicKey(publicKey);
  return {
    name,
    keyId: keyIdOf(name, SIGNATURE_TYPE.ed25519, publicKey),
    vkey: formatVerifierKey(name, SIGNATURE_TYPE.ed25519, publicKey),
    verify: (text, signature) => signature.length === 64 && edVerify(null, Buffer.from(text, 'utf8'), key, signature),
  };
}

/** Signs note texts with an Ed25519 private JWK (type 0x01), as `name`. */
export interface NoteSigner extends NoteVerifier {
  readonly vkey: string;
  readonly publicKey: Uint8Array;
  /** The signature line over `text`. */
  signLine(text: string): string;
}

export function ed25519NoteSigner(name: string, privateJwk: { kty?: string; crv?: string; d?: string; x?: string }): NoteSigner {
  const publicKey = rawEd25519(privateJwk);
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: privateJwk.d!, x: privateJwk.x! }, format: 'jwk' });
  const verifier = ed25519NoteVerifier(name, publicKey);
  return {
    ...verifier,
    publicKey,
    signLine: (text) => {
      if (!text.endsWith('\n')) throw new NoteError('a note text ends in a newline', 'malformed');
      return formatSignatureLine(name, verifier.keyId, edSign(null, Buffer.from(text, 'utf8'), key));
    },
  };
}
