/**
 * The key custodian's pure cryptography: key pairs and VOPRF batch evaluation with one
 * DLEQ proof per batch (RFC 9497 §3.3.2, ristretto255-SHA512, mode 0x01), plus the JSON
 * wire encodings. The HTTP service, quotas, logging and key epochs are built on top of it.
 *
 * Invariants:
 * - The secret key skS never leaves this module's callers' memory: nothing here logs,
 *   serialises or returns it except from key generation itself.
 * - Every evaluation carries a proof that verifies against pkS (§2.2.1 GenerateProof),
 *   so clients pinned to pkS can detect any other key.
 * - Blinded elements are validated (canonical ristretto255, not the identity, §3.3)
 *   before use; a bad one is an OprfRequestError (a client error), never a crash.
 * - The custodian learns nothing about identities: blinded elements are uniformly random
 *   group elements whatever the input (§7.1 of RFC 9497).
 * - Pure and synchronous: callable from a worker thread with transferable byte arrays.
 *
 * Links: https://www.rfc-editor.org/rfc/rfc9497 §3.2 (key generation, DeriveKeyPair),
 * §3.3.2 (BlindEvaluate), §2.2.1 (proof), §4.1 (suite).
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  ELEMENT_BYTES,
  MAX_BATCH_SIZE,
  MODE_VOPRF,
  SCALAR_BYTES,
  base64UrlToBytes,
  bytesToBase64Url,
  nobleVoprfSuite,
  type BatchEvaluation,
  type OprfKeyPair,
  type VoprfSuite,
} from '../../protocol/pseudonymisation/voprf-suite.js';

export type { BatchEvaluation, OprfKeyPair, VoprfSuite };
export { bytesToBase64Url, base64UrlToBytes };

/** A request the custodian must refuse (HTTP 400 material); the message never holds element bytes. */
export class OprfRequestError extends Error {
  override readonly name = 'OprfRequestError';
}

/** A fresh random key pair for a new key epoch (RFC 9497 §3.2, RandomScalar). */
export function generateKeyPair(suite: VoprfSuite = nobleVoprfSuite): OprfKeyPair {
  return suite.generateKeyPair();
}

/**
 * A key pair derived from a 32-byte seed and public info (RFC 9497 §3.2.1 DeriveKeyPair,
 * VOPRF context). Deterministic, so tests and key ceremonies can reproduce a key; in
 * production the seed must be secret and uniformly random, and info may name the epoch.
 */
export function deriveKeyPair(
  seed: Uint8Array,
  info: Uint8Array | string,
  suite: VoprfSuite = nobleVoprfSuite,
): OprfKeyPair {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new RangeError('seed must be 32 bytes');
  const infoBytes = typeof info === 'string' ? new TextEncoder().encode(info) : info;
  return suite.deriveKeyPair(MODE_VOPRF, seed, infoBytes);
}

/** pkS for a stored skS: what clients pin for the epoch. */
export function publicKeyOf(secretKey: Uint8Array, suite: VoprfSuite = nobleVoprfSuite): Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== SCALAR_BYTES) {
    throw new RangeError(`secret key must be ${SCALAR_BYTES} bytes`);
  }
  return suite.publicKeyOf(secretKey);
}

export interface EvaluateOptions {
  /**
   * pkS, if the caller has it (it must belong to skS, or every proof fails at the client);
   * otherwise computed from skS (one base multiplication per batch).
   */
  publicKey?: Uint8Array;
  /** The RFC 9497 implementation; defaults to @noble/curves. */
  suite?: VoprfSuite;
}

/**
 * Evaluates a batch of blinded elements with skS and makes one batched DLEQ proof for all of
 * them (RFC 9497 §3.3.2 BlindEvaluateBatch). One proof per batch instead of per element is
 * what makes bulk pseudonymisation affordable; the order of the answer is the order asked.
 * Throws OprfRequestError for an empty, oversized or malformed batch.
 */
export function evaluateBatch(
  secretKey: Uint8Array,
  blindedElements: readonly Uint8Array[],
  options: EvaluateOptions = {},
): BatchEvaluation {
  const suite = options.suite ?? nobleVoprfSuite;
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== SCALAR_BYTES) {
    throw new RangeError(`secret key must be ${SCALAR_BYTES} bytes`);
  }
  if (!Array.isArray(blindedElements) || blindedElements.length < 1 || blindedElements.length > MAX_BATCH_SIZE) {
    throw new OprfRequestError(`a batch holds 1..${MAX_BATCH_SIZE} blinded elements`);
  }
  blindedElements.forEach((e, i) => {
    if (!(e instanceof Uint8Array) || e.length !== ELEMENT_BYTES) {
      throw new OprfRequestError(`blinded element ${i} must be ${ELEMENT_BYTES} bytes`);
    }
  });
  const publicKey = options.publicKey ?? publicKeyOf(secretKey, suite);
  try {
    return suite.blindEvaluateBatch(secretKey, publicKey, blindedElements);
  } catch {
    // Invalid encodings and the identity element are the only causes for a well-formed key.
    throw new OprfRequestError('a blinded element is not a valid ristretto255 element (or is the identity)');
  }
}

/** Element or proof bytes as lowercase hex (the RFC's vectors use hex). */
export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);
/** Inverse of toHex; throws on odd length or non-hex characters. */
export const fromHex = (hex: string): Uint8Array => hexToBytes(hex);

/** The JSON shape of an evaluation: base64url without padding, like the broker's pseudonyms. */
export interface EvaluationJson {
  evaluatedElements: string[];
  proof: string;
}

/** Encodes an evaluation for a JSON response. */
export function evaluationToJson(evaluation: BatchEvaluation): EvaluationJson {
  return {
    evaluatedElements: evaluation.evaluatedElements.map(bytesToBase64Url),
    proof: bytesToBase64Url(evaluation.proof),
  };
}

/**
 * Decodes the blinded elements of a JSON request (an array of base64url strings of 32
 * bytes each). Throws OprfRequestError naming the index, never echoing the value.
 */
export function blindedElementsFromJson(value: unknown): Uint8Array[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_BATCH_SIZE) {
    throw new OprfRequestError(`blindedElements must be an array of 1..${MAX_BATCH_SIZE} strings`);
  }
  return value.map((item, i) => {
    let bytes: Uint8Array;
    try {
      if (typeof item !== 'string') throw new Error('not a string');
      bytes = base64UrlToBytes(item);
    } catch {
      throw new OprfRequestError(`blindedElements[${i}] must be unpadded base64url`);
    }
    if (bytes.length !== ELEMENT_BYTES) throw new OprfRequestError(`blindedElements[${i}] must decode to ${ELEMENT_BYTES} bytes`);
    return bytes;
  });
}
