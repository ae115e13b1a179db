/** Key epochs: rotation keeps the old epoch active (the overlap window); retiring erases it. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ensureKeyFile, loadKeyStore, retireKey, rotateKey } from '../../broker/custodian/key-store.js';
import { evaluateBatch } from '../../broker/custodian/oprf-evaluator.js';
import { createOprfClient } from '../../protocol/pseudonymisation/oprf-client.js';
import { identityKey } from '../../protocol/pseudonymisation/normalise-identity.js';
import { syntheticBsn } from '../support/synthetic.js';

function pseudonymUnder(file: string, epoch: number, bsn: string): string {
  const store = loadKeyStore(file);
  const key = store.epochs().find((e) => e.epoch === epoch)!;
  const client = createOprfClient({ publicKey: key.publicKey, epoch });
  const { blindedElements, state } = client.blind([identityKey({ bsn })]);
  const { evaluatedElements, proof } = evaluateBatch(store.secretKeyOf(epoch)!, blindedElements);
  return client.finalize(state, evaluatedElements, proof)[0]!;
}

it('rotates into a new epoch with an overlap window, and retires the old one for good', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'jpp-keys-')), 'keys.json');
  ensureKeyFile(file, new Date());
  expect(statSync(file).mode & 0o077).toBe(0);
  const bsn = syntheticBsn();
  const before = pseudonymUnder(file, 1, bsn);

  expect(rotateKey(file, new Date())).toBe(2);
  const both = loadKeyStore(file);
  expect(both.current().epoch).toBe(2);
  expect(both.epochs().map((e) => e.epoch)).toEqual([1, 2]);
  expect(pseudonymUnder(file, 1, bsn)).toBe(before);
  const after = pseudonymUnder(file, 2, bsn);
  expect(after).not.toBe(before);

  expect(() => retireKey(file, 2, new Date())).not.toThrow();
  expect(() => retireKey(file, 1, new Date())).toThrow(/only active epoch/);
  rotateKey(file, new Date());
  retireKey(file, 1, new Date());
  const later = loadKeyStore(file);
  expect(later.secretKeyOf(1)).toBeUndefined();
  expect(later.current().epoch).toBe(3);
  expect(JSON.parse(readFileSync(file, 'utf8')).epochs[0].secretKey).toBeNull();
});
