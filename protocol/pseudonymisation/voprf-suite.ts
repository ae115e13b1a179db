/**
 * The RFC 9497 ciphersuite the broker uses, ristretto255-SHA512, as one small interface
 * that both the client (partner adapters, web pages) and the key custodian program against,
 * with the reference implementation on @noble/curves' `ristretto255_oprf`.
 *
 * A second implementation on libsodium lives in voprf-suite-sodium.ts; both sit behind
 * `VoprfSuite` and both must pass every official vector (test/pseudonymisation/oprf-vectors).
 *
 * Invariants:
 * - Only modes OPRF (0x00) and VOPRF (0x01) exist here; the broker uses VOPRF
 *   (RFC 9497 §3.3.2). Mode 0 is kept only so the vectors of both modes can be checked.
 * - Every byte string is the RFC's serialisation (§4.1): elements are 32-byte canonical
 *   ristretto255 encodings (RFC 9496 §4.3.2), scalars 32-byte little-endian, a proof is
 *   c || s (64 bytes), an output is 64 bytes of SHA-512.
 * - Elements received from the other party are deserialised with validation and the
 *   identity element is refused (RFC 9497 §3.3, "MUST reject ... the group identity").
 * - A batch holds 1..65535 elements: the composite transcript encodes the index in two
 *   bytes (RFC 9497 §2.2.1, I2OSP(i, 2)).
 * - Fixed blinds and proof randomness are accepted only so that the vector tests can
 *   reproduce the RFC's values; production callers never pass them.
 * - No `node:` imports: this file runs in browsers too.
 *
 * Links: RFC 9497 §2.1 (prime-order group), §2.2 (DLEQ proofs), §3.2 (key generation),
 * §3.3 (protocol), §4.1 (ristretto255-SHA512); https://www.rfc-editor.org/rfc/rfc9497
 */
import { ristretto255, ristretto255_oprf } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';

/** RFC 9497 §4.1 identifier of the suite. */
export const SUITE_ID = 'ristretto255-SHA512';
/** RFC 9497 §3.1 mode identifiers. */
export const MODE_OPRF = 0x00;
export const MODE_VOPRF = 0x01;
export type OprfMode = typeof MODE_OPRF | typeof MODE_VOPRF;
/** Ne, Ns (RFC 9497 §4.1), the proof (2·Ns) and Nh (SHA-512). */
export const ELEMENT_BYTES = 32;
export const SCALAR_BYTES = 32;
export const PROOF_BYTES = 64;
export const OUTPUT_BYTES = 64;
/** Upper bound of one batch: the composite index is I2OSP(i, 2) (RFC 9497 §2.2.1). */
export const MAX_BATCH_SIZE = 0xffff;

/** A custodian key pair: skS (scalar) and pkS = skS·G (element). */
export interface OprfKeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** What Blind returns: the secret blind (kept by the client) and the element sent out. */
export interface BlindedInput {
  blind: Uint8Array;
  blindedElement: Uint8Array;
}

/** What BlindEvaluate returns in VOPRF mode for a whole batch: one proof covers all. */
export interface BatchEvaluation {
  evaluatedElements: Uint8Array[];
  proof: Uint8Array;
}

/** One transcript row for batch finalisation. */
export interface FinalizeItem {
  input: Uint8Array;
  blind: Uint8Array;
  blindedElement: Uint8Array;
  evaluatedElement: Uint8Array;
}

/**
 * The RFC 9497 operations the broker needs, in one suite. Implementations must be
 * interchangeable byte for byte: the vector tests run against each of them.
 */
export interface VoprfSuite {
  /** Which implementation this is, for benchmarks and test names. */
  readonly implementation: string;
  /** RFC 9497 §3.2.1 DeriveKeyPair(seed[32], info) for the given mode's context string. */
  deriveKeyPair(mode: OprfMode, seed: Uint8Array, info: Uint8Array): OprfKeyPair;
  /** A random key pair (RFC 9497 §3.2: skS = RandomScalar()). */
  generateKeyPair(): OprfKeyPair;
  /** pkS = skS·G for a secret key, so a custodian need only store skS. */
  publicKeyOf(secretKey: Uint8Array): Uint8Array;
  /** RFC 9497 §3.3.1/§3.3.2 Blind; `fixedBlind` exists only for the RFC vectors. */
  blind(mode: OprfMode, input: Uint8Array, fixedBlind?: Uint8Array): BlindedInput;
  /** RFC 9497 §3.3.1 BlindEvaluate in OPRF mode (no proof); kept for the vectors only. */
  blindEvaluateOprf(secretKey: Uint8Array, blindedElement: Uint8Array): Uint8Array;
  /**
   * RFC 9497 §3.3.2 BlindEvaluateBatch in VOPRF mode: Z_i = skS·C_i and one batched DLEQ
   * proof (§2.2.1, ComputeCompositesFast). `fixedProofScalar` is for the RFC vectors only.
   */
  blindEvaluateBatch(
    secretKey: Uint8Array,
    publicKey: Uint8Array,
    blindedElements: readonly Uint8Array[],
    fixedProofScalar?: Uint8Array,
  ): BatchEvaluation;
  /** RFC 9497 §3.3.1 Finalize in OPRF mode (no proof); kept for the vectors only. */
  finalizeOprf(input: Uint8Array, blind: Uint8Array, evaluatedElement: Uint8Array): Uint8Array;
  /**
   * RFC 9497 §3.3.2 FinalizeBatch in VOPRF mode: verifies the batched proof against pkS
   * (§2.2.2) and only then unblinds and hashes. Throws when the proof does not verify.
   */
  finalizeBatch(items: readonly FinalizeItem[], publicKey: Uint8Array, proof: Uint8Array): Uint8Array[];
}

/** ristretto255's group order L = 2^252 + 27742317777372353535851937790883648493. */
const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/**
 * noble draws a scalar as (rng(48) mod (L-1)) + 1 (its mapHashToField). To make it use a
 * given scalar b (1 <= b < L) we hand it the 48-byte little-endian encoding of b-1.
 */
function fixedScalarRng(scalar: Uint8Array): (n?: number) => Uint8Array<ArrayBuffer> {
  const value = bytesToNumberLE(scalar);
  if (value < 1n || value >= ORDER) throw new RangeError('fixed scalar must be in [1, L)');
  let used = false;
  return (n = 48) => {
    if (used || n !== 48) throw new Error('fixed scalar: unexpected use of the random source');
    used = true;
    return numberToBytesLE(value - 1n, 48) as Uint8Array<ArrayBuffer>;
  };
}

function checkBatch(size: number): void {
  if (size < 1 || size > MAX_BATCH_SIZE) {
    throw new RangeError(`a batch holds 1..${MAX_BATCH_SIZE} elements, got ${size}`);
  }
}

/** The reference implementation: @noble/curves' RFC 9497 code (pure JS, synchronous). */
export const nobleVoprfSuite: VoprfSuite = Object.freeze({
  implementation: 'noble',
  deriveKeyPair(mode: OprfMode, seed: Uint8Array, info: Uint8Array): OprfKeyPair {
    const api = mode === MODE_OPRF ? ristretto255_oprf.oprf : ristretto255_oprf.voprf;
    const { secretKey, publicKey } = api.deriveKeyPair(seed, info);
    return { secretKey, publicKey };
  },
  generateKeyPair(): OprfKeyPair {
    const { secretKey, publicKey } = ristretto255_oprf.voprf.generateKeyPair();
    return { secretKey, publicKey };
  },
  publicKeyOf(secretKey: Uint8Array): Uint8Array {
    const { Point } = ristretto255;
    return Point.BASE.multiply(Point.Fn.fromBytes(secretKey)).toBytes();
  },
  blind(mode: OprfMode, input: Uint8Array, fixedBlind?: Uint8Array): BlindedInput {
    const api = mode === MODE_OPRF ? ristretto255_oprf.oprf : ristretto255_oprf.voprf;
    const r = api.blind(input, fixedBlind ? fixedScalarRng(fixedBlind) : undefined);
    return { blind: r.blind, blindedElement: r.blinded };
  },
  blindEvaluateOprf(secretKey: Uint8Array, blindedElement: Uint8Array): Uint8Array {
    return ristretto255_oprf.oprf.blindEvaluate(secretKey, blindedElement);
  },
  blindEvaluateBatch(
    secretKey: Uint8Array,
    publicKey: Uint8Array,
    blindedElements: readonly Uint8Array[],
    fixedProofScalar?: Uint8Array,
  ): BatchEvaluation {
    checkBatch(blindedElements.length);
    const r = ristretto255_oprf.voprf.blindEvaluateBatch(
      secretKey,
      publicKey,
      [...blindedElements],
      fixedProofScalar ? fixedScalarRng(fixedProofScalar) : undefined,
    );
    return { evaluatedElements: r.evaluated, proof: r.proof };
  },
  finalizeOprf(input: Uint8Array, blind: Uint8Array, evaluatedElement: Uint8Array): Uint8Array {
    return ristretto255_oprf.oprf.finalize(input, blind, evaluatedElement);
  },
  finalizeBatch(items: readonly FinalizeItem[], publicKey: Uint8Array, proof: Uint8Array): Uint8Array[] {
    checkBatch(items.length);
    return ristretto255_oprf.voprf.finalizeBatch(
      items.map((i) => ({ input: i.input, blind: i.blind, blinded: i.blindedElement, evaluated: i.evaluatedElement })),
      publicKey,
      proof,
    );
  },
});

/** base64url without padding (RFC 4648 §5): the broker's JSON encoding of bytes. */
export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict inverse of bytesToBase64Url: refuses padding, other alphabets and junk. */
export function base64UrlToBytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new SyntaxError('not unpadded base64url');
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  if (bytesToBase64Url(out) !== text) throw new SyntaxError('not canonical base64url');
  return out;
}
