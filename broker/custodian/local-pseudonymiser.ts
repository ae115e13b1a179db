/**
 * Pseudonymisation with a custodian key held in this very process: blind, evaluate,
 * verify, finalise, with no HTTP in between. Only for the demo's seeding (the demo runs
 * the custodian in the broker's process for convenience) and for tests.
 */
import { createOprfClient } from '../../protocol/pseudonymisation/oprf-client.js';
import { identityKey, type IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';
import type { KeyStore } from './key-store.js';
import { evaluateBatch } from './oprf-evaluator.js';

export function pseudonymiseLocally(keys: KeyStore, identities: readonly IdentityInput[]): { epoch: number; pseudonyms: string[] } {
  const { epoch, publicKey } = keys.current();
  const client = createOprfClient({ publicKey, epoch });
  const { blindedElements, state } = client.blind(identities.map((i) => identityKey(i)));
  const { evaluatedElements, proof } = evaluateBatch(keys.secretKeyOf(epoch)!, blindedElements, { publicKey });
  return { epoch, pseudonyms: client.finalize(state, evaluatedElements, proof) };
}
