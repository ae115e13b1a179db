/**
 * Pseudonymisation on worker threads gives exactly the pseudonyms of the single-thread client,
 * in order, and a batch the custodian refuses fails on its own while the pool goes on.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { syntheticBsn } from '../support/synthetic.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import { loadSodiumVoprfSuite } from '../../protocol/pseudonymisation/voprf-suite-sodium.js';
import { createPseudonymisePool, type PseudonymisePool } from '../../adapters/pseudonymisation/pseudonymise-pool.js';

let b: TestBroker;
let pool: PseudonymisePool;
beforeAll(async () => {
  b = await startTestBroker();
  pool = createPseudonymisePool(2);
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await b?.close();
});

it('gives the same pseudonyms as one thread, batch by batch and in order, with batches in flight at once', async () => {
  const custodian = { baseUrl: `${b.url}/custodian/v1`, token: await b.adapterToken('halt') };
  const batches = Array.from({ length: 4 }, () => Array.from({ length: 30 }, () => ({ bsn: syntheticBsn() })));
  const pooled = await Promise.all(batches.map((identities) => pool.pseudonymise(custodian, identities)));
  const suite = await loadSodiumVoprfSuite();
  for (const [i, identities] of batches.entries()) {
    const alone = await pseudonymise({ ...custodian, suite }, identities);
    expect(pooled[i]!.pseudonyms).toEqual(alone.pseudonyms);
    expect(pooled[i]!.epoch).toBe(alone.epoch);
  }
  expect(new Set(pooled.flatMap((r) => r.pseudonyms)).size).toBe(120);
}, 60_000);

it('rejects a batch the custodian refuses, without its identities, and goes on with the next', async () => {
  const bsn = syntheticBsn();
  const refused = pool.pseudonymise({ baseUrl: `${b.url}/custodian/v1`, token: 'not-a-token' }, [{ bsn }]);
  await expect(refused).rejects.toThrow(/custodian refused \(401\)/);
  await refused.catch((err: Error) => expect(err.message).not.toContain(bsn));
  const custodian = { baseUrl: `${b.url}/custodian/v1`, token: await b.adapterToken('halt') };
  expect((await pool.pseudonymise(custodian, [{ bsn }])).pseudonyms).toHaveLength(1);
}, 60_000);
