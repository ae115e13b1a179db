/**
 * The client side of pseudonymisation (RFC 9497 VOPRF, ristretto255-SHA512, mode 0x01):
 * blind identity keys, send the blinded elements to the key custodian in one batch, verify
 * the custodian's batched DLEQ proof against the public key pinned for a key epoch, and
 * finalise into pseudonyms. Runs in Node (partner adapters) and in browsers (web pages).
 *
 * The pseudonym: the first 32 bytes of the 64-byte VOPRF output (RFC 9497 §3.3.2 Finalize,
 * SHA-512), as base64url without padding. A truncation of a PRF output is still a PRF, and
 * 256 bits keep collisions out of reach (about 2^128 work); the broker's API takes exactly
 * 32 bytes. No further hashing is applied: the custodian's key is what makes the value
 * unpredictable, not a hash (docs/pseudonymisation.md).
 *
 * Invariants:
 * - A pseudonym is produced only after the proof verifies against the pinned public key of
 *   the client's epoch (§2.2.2 VerifyProof inside FinalizeBatch); otherwise finalize throws
 *   OprfVerificationError and nothing is returned. A custodian using another key, or a
 *   tampered or reordered response, is therefore refused.
 * - One proof covers the whole batch (§3.3.2 BlindEvaluateBatch/FinalizeBatch).
 * - A BlindState is used once: finalize consumes it (on success or failure) and wipes its
 *   blinds. It keeps identities in private fields, so printing or serialising it shows
 *   nothing of them. Nothing here logs.
 * - Blinds are fresh random scalars per call (§3.3.2 Blind), so the custodian sees
 *   unlinkable elements even for the same identity.
 * - No `node:` imports: only @noble/curves and @noble/hashes by default (a faster
 *   libsodium suite can be passed in, see voprf-suite-sodium.ts).
 *
 * Links: https://www.rfc-editor.org/rfc/rfc9497 §3.3.2 (VOPRF protocol), §2.2 (proofs),
 * §4.1 (suite), §7.1 (verifiability, obliviousness).
 */
import {
  ELEMENT_BYTES,
  MAX_BATCH_SIZE,
  MODE_VOPRF,
  PROOF_BYTES,
  bytesToBase64Url,
  nobleVoprfSuite,
  type VoprfSuite,
} from './voprf-suite.js';

export { base64UrlToBytes, bytesToBase64Url } from './voprf-suite.js';
export type { VoprfSuite } from './voprf-suite.js';

/** Bytes in a pseudonym: the first half of the 64-byte VOPRF output. */
export const PSEUDONYM_BYTES = 32;

/** The custodian's answer could not be accepted: wrong key, bad proof, or malformed elements. */
export class OprfVerificationError extends Error {
  override readonly name = 'OprfVerificationError';
}

/** The caller misused the client (wrong batch size, reused state, foreign state). */
export class OprfClientError extends Error {
  override readonly name = 'OprfClientError';
}

/** Pseudonym from a VOPRF output: first 32 bytes, base64url without padding. */
export function pseudonymFromOutput(output: Uint8Array): string {
  if (output.length < PSEUDONYM_BYTES) throw new RangeError('VOPRF output too short');
  return bytesToBase64Url(output.subarray(0, PSEUDONYM_BYTES));
}

/**
 * The client's secret state between blind and finalize. Its contents are private, so that
 * a stray `console.log(state)` or `JSON.stringify(state)` shows no identity or blind.
 */
export class BlindState {
  readonly #inputs: Uint8Array[];
  readonly #blinds: Uint8Array[];
  readonly #blindedElements: Uint8Array[];
  #used = false;
  /** The key epoch of the client that made this state. */
  readonly epoch: number;
  /** How many elements the custodian must return. */
  readonly size: number;

  /** @internal made only by OprfClient.blind */
  constructor(token: symbol, epoch: number, inputs: Uint8Array[], blinds: Uint8Array[], blindedElements: Uint8Array[]) {
    if (token !== STATE_TOKEN) throw new OprfClientError('BlindState is made by OprfClient.blind only');
    this.epoch = epoch;
    this.size = inputs.length;
    this.#inputs = inputs;
    this.#blinds = blinds;
    this.#blindedElements = blindedElements;
  }

  /** @internal Takes the secrets out once; later calls throw. */
  consume(): { inputs: Uint8Array[]; blinds: Uint8Array[]; blindedElements: Uint8Array[]; wipe: () => void } {
    if (this.#used) throw new OprfClientError('this BlindState was already finalised: blind again');
    this.#used = true;
    return {
      inputs: this.#inputs,
      blinds: this.#blinds,
      blindedElements: this.#blindedElements,
      wipe: () => {
        for (const b of this.#blinds) b.fill(0);
        this.#inputs.length = 0;
      },
    };
  }

  toJSON(): { epoch: number; size: number } {
    return { epoch: this.epoch, size: this.size };
  }
}

const STATE_TOKEN = Symbol('BlindState');

export interface OprfClientOptions {
  /** pkS of the custodian for this epoch (32 bytes, RFC 9497 SerializeElement), pinned by configuration. */
  publicKey: Uint8Array;
  /** The key epoch this public key belongs to; non-negative integer. */
  epoch: number;
  /** The RFC 9497 implementation; defaults to @noble/curves. */
  suite?: VoprfSuite;
}

export interface OprfClient {
  readonly epoch: number;
  readonly publicKey: Uint8Array;
  /**
   * Blinds identity keys (from normalise-identity.ts identityKey). Send `blindedElements`
   * to the custodian for `epoch`; keep `state` for finalize.
   */
  blind(inputs: readonly Uint8Array[]): { blindedElements: Uint8Array[]; state: BlindState };
  /**
   * Verifies the custodian's proof against the pinned key and returns the pseudonyms, in
   * the order of the inputs. Throws OprfVerificationError when the answer is not provably
   * from the pinned key.
   */
  finalize(state: BlindState, evaluatedElements: readonly Uint8Array[], proof: Uint8Array): string[];
}

/**
 * Creates a client pinned to one custodian public key and epoch. Pinning is the point:
 * a custodian (or anyone in between) that evaluates with any other key cannot make a
 * proof that verifies, so it cannot hand out pseudonyms from a different space.
 */
export function createOprfClient(options: OprfClientOptions): OprfClient {
  const suite = options.suite ?? nobleVoprfSuite;
  const { epoch } = options;
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new OprfClientError('epoch must be a non-negative integer');
  if (!(options.publicKey instanceof Uint8Array) || options.publicKey.length !== ELEMENT_BYTES) {
    throw new OprfClientError(`publicKey must be ${ELEMENT_BYTES} bytes`);
  }
  const publicKey = Uint8Array.from(options.publicKey);

  return Object.freeze({
    epoch,
    get publicKey() {
      return Uint8Array.from(publicKey);
    },
    blind(inputs: readonly Uint8Array[]) {
      if (!Array.isArray(inputs) || inputs.length < 1 || inputs.length > MAX_BATCH_SIZE) {
        throw new OprfClientError(`blind takes 1..${MAX_BATCH_SIZE} inputs`);
      }
      const copies = inputs.map((input) => {
        if (!(input instanceof Uint8Array)) throw new OprfClientError('every input must be a Uint8Array');
        return Uint8Array.from(input);
      });
      const blinded = copies.map((input) => suite.blind(MODE_VOPRF, input));
      const blindedElements = blinded.map((b) => b.blindedElement);
      const state = new BlindState(
        STATE_TOKEN,
        epoch,
        copies,
        blinded.map((b) => b.blind),
        blindedElements.map((e) => Uint8Array.from(e)),
      );
      return { blindedElements, state };
    },
    finalize(state: BlindState, evaluatedElements: readonly Uint8Array[], proof: Uint8Array) {
      if (!(state instanceof BlindState)) throw new OprfClientError('state must come from blind()');
      if (state.epoch !== epoch) throw new OprfClientError('state belongs to another key epoch');
      const secrets = state.consume();
      try {
        if (!Array.isArray(evaluatedElements) || evaluatedElements.length !== state.size) {
          throw new OprfVerificationError(`custodian returned ${String(evaluatedElements?.length)} elements for ${state.size}`);
        }
        if (!(proof instanceof Uint8Array) || proof.length !== PROOF_BYTES) {
          throw new OprfVerificationError(`custodian proof must be ${PROOF_BYTES} bytes`);
        }
        let outputs: Uint8Array[];
        try {
          outputs = suite.finalizeBatch(
            secrets.inputs.map((input, i) => ({
              input,
              blind: secrets.blinds[i]!,
              blindedElement: secrets.blindedElements[i]!,
              evaluatedElement: evaluatedElements[i]!,
            })),
            publicKey,
            proof,
          );
        } catch {
          // The suites' messages may name internal details; the caller needs only this.
          throw new OprfVerificationError(`custodian response refused: proof does not verify against the pinned key of epoch ${epoch}`);
        }
        return outputs.map(pseudonymFromOutput);
      } finally {
        secrets.wipe();
      }
    },
  });
}
