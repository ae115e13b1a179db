/**
 * Witness cosignatures, C2SP tlog-cosignature `cosignature/v1` with Ed25519
 * (https://c2sp.org/tlog-cosignature): a note signature of type 0x04 whose bytes are a
 * timestamped_signature, u64 POSIX time (big-endian) || Ed25519 signature, over
 *
 *     cosignature/v1\n
 *     time <decimal seconds>\n
 *     <the checkpoint's note text, final newline included>
 *
 * A v1 cosignature says: as of that time, the consistent tree with the largest size that the
 * cosigner has seen for this origin has this root.
 *
 * Invariants:
 * - The key ID is SHA-256(name || 0x0A || 0x04 || public key)[:4]; the same public key never signs
 *   as two cosigners (the message does not commit to the name).
 * - A timestamp is a whole number of seconds below 2^63; a cosignature is 72 bytes exactly.
 */
import { createPrivateKey, sign as edSign, verify as edVerify } from 'node:crypto';
import {
  ed25519PublicKey,
  formatSignatureLine,
  formatVerifierKey,
  keyIdOf,
  NoteError,
  parseVerifierKey,
  rawEd25519,
  SIGNATURE_TYPE,
  type NoteVerifier,
} from './signed-note.js';

const HEADER = 'cosignature/v1\n';

/** The signed message of a v1 cosignature over `text` at `time` (seconds). */
export function cosignedMessage(text: string, time: number): Buffer {
  if (!Number.isSafeInteger(time) || time < 0) throw new NoteError('a cosignature time is whole seconds, 0 or more', 'malformed');
  return Buffer.from(`${HEADER}time ${time}\n${text}`, 'utf8');
}

/** A cosigner's verifier: checks type-0x04 signatures, and tells their time. */
export interface CosignatureVerifier extends NoteVerifier {
  readonly vkey: string;
  /** The time (seconds) of a valid cosignature over `text`, or undefined. */
  timeOf(text: string, signature: Uint8Array): number | undefined;
}

/** A verifier of `name`'s cosignatures, from its raw Ed25519 public key. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): CosignatureVerifier {
  const key = ed25519PublicKey(publicKey);
  const timeOf = (text: string, signature: Uint8Array): number | undefined => {
    if (signature.length !== 72) return undefined;
    const stamp = Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
    if (stamp >= 2n ** 63n || stamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const time = Number(stamp);
    return edVerify(null, cosignedMessage(text, time), key, signature.subarray(8)) ? time : undefined;
  };
  return {
    name,
    keyId: keyIdOf(name, SIGNATURE_TYPE.cosignatureV1, publicKey),
    vkey: formatVerifierKey(name, SIGNATURE_TYPE.cosignatureV1, publicKey),
    verify: (text, signature) => timeOf(text, signature) !== undefined,
    timeOf,
  };
}

/** A cosigner's verifier from its vkey (type 0x04). */
export function cosignatureVerifierFromVkey(vkey: string): CosignatureVerifier {
  const k = parseVerifierKey(vkey);
  if (k.type !== SIGNATURE_TYPE.cosignatureV1) throw new NoteError('not a cosignature/v1 verifier key (type 0x04)', 'malformed');
  return cosignatureVerifier(k.name, k.publicKey);
}

/** A cosigner: signs checkpoint texts as `name` with an Ed25519 private JWK. */
export interface Cosigner extends CosignatureVerifier {
  /** The signature line of a cosignature over `text` at `time` (seconds). */
  cosign(text: string, time: number): string;
}

export function createCosigner(name: string, privateJwk: { d?: string; x?: string }): Cosigner {
  const publicKey = rawEd25519(privateJwk);
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: privateJwk.d!, x: privateJwk.x! }, format: 'jwk' });
  const verifier = cosignatureVerifier(name, publicKey);
  return {
    ...verifier,
    cosign(text, time) {
      const stamp = Buffer.alloc(8);
      stamp.writeBigUInt64BE(BigInt(time));
      const signature = edSign(null, cosignedMessage(text, time), key);
      return formatSignatureLine(name, verifier.keyId, Buffer.concat([stamp, signature]));
    },
  };
}
