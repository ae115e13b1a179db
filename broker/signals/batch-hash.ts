/**
 * The body hash of a signal batch: SHA-256 (hex) of its RFC 8785 canonical JSON, which makes a retry
 * with the same content in another key order the same batch (signal_batches.body_hash).
 *
 * Invariant: for a body the `signal-batch` schema admits, `batchBodyHash(b)` equals
 * `sha256(canonicalJson(b))`, byte for byte, so hashes stored before and after this module agree.
 * Why that holds: the schema allows no other properties than BATCH_KEYS (`additionalProperties:
 * false` at both levels); `JSON.stringify` with a property list writes, in every object, exactly the
 * listed keys the object has, in the list's order, which is RFC 8785's (UTF-16 code units); strings
 * and numbers are written as RFC 8785 writes them (it defines both as ECMAScript's JSON.stringify).
 * It is only called on a validated body; test/signals/batch-hash.test.ts compares it with
 * canonicalJson and checks that BATCH_KEYS is the schema's property list.
 *
 * Why: canonicalising a batch of 1,000 signals key by key in JavaScript was 3–6 % of the broker's
 * time in the store step (docs/performance.md, scenario 7); the native stringify does the same.
 */
import { hash } from 'node:crypto';

/** Every property name the signal-batch schema allows, at any level, in RFC 8785 order. */
export const BATCH_KEYS: readonly string[] = Object.freeze(
  ['batchId', 'signals', 'subject', 'category', 'registeredAt', 'expiresAt', 'ref', 'epoch'].sort(),
);
const keyList = [...BATCH_KEYS];

/** The canonical JSON of a body the signal-batch schema admits (see the module's invariant). */
export const canonicalBatchJson = (batch: unknown): string => JSON.stringify(batch, keyList);

/** SHA-256, hex, of the canonical JSON of a body the signal-batch schema admits. */
export const batchBodyHash = (batch: unknown): string => hash('sha256', canonicalBatchJson(batch), 'hex');
