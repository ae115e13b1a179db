/**
 * A youth's pseudonym under one key epoch of a custodian's key file, computed the protocol's way
 * (blind, evaluate with that epoch's secret, verify the proof, finalise): what a partner or a
 * browser computes during a key rotation's overlap window (docs/pseudonymisation.md).
 */
import { loadKeyStore } from '../../broker/custodian/key-store.js';
import { evaluateBatch } from '../../broker/custodian/oprf-evaluator.js';
import { createOprfClient } from '../../protocol/pseudonymisation/oprf-client.js';
import { identityKey } from '../../protocol/pseudonymisation/normalise-identity.js';

export function pseudonymUnder(file: string, epoch: number, bsn: string): string {
  const store = loadKeyStore(file);
  const client = createOprfClient({ publicKey: store.epochs().find((e) => e.epoch === epoch)!.publicKey, epoch });
  const { blindedElements, state } = client.blind([identityKey({ bsn })]);
  const { evaluatedElements, proof } = evaluateBatch(store.secretKeyOf(epoch)!, blindedElements);
  return client.finalize(state, evaluatedElements, proof)[0]!;
}
