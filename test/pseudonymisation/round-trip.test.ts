/**
 * Client blinds, evaluator evaluates with a batched proof, client verifies and finalises
 * (RFC 9497 §3.3.2), for each VoprfSuite implementation and across them: the two must be
 * interchangeable, so a browser on noble and a custodian on libsodium agree.
 * Identities are synthetic (generated BSNs, obviously fake names).
 */
import { describe, expect, it } from 'vitest';
import { identityKey, type IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';
import {
  BlindState,
  OprfClientError,
  OprfVerificationError,
  createOprfClient,
  type OprfClient,
} from '../../protocol/pseudonymisation/oprf-client.js';
import { nobleVoprfSuite, type VoprfSuite } from '../../protocol/pseudonymisation/voprf-suite.js';
import { loadSodiumVoprfSuite } from '../../protocol/pseudonymisation/voprf-suite-sodium.js';
import {
  OprfRequestError,
  blindedElementsFromJson,
  bytesToBase64Url,
  base64UrlToBytes,
  deriveKeyPair,
  evaluateBatch,
  evaluationToJson,
  generateKeyPair,
  publicKeyOf,
} from '../../broker/custodian/oprf-evaluator.js';
import { looksRandom } from '../../broker/subjects/subject-hash.js';
import { syntheticBsn } from '../support/synthetic.js';

const seed = new Uint8Array(32).fill(7);
const key = deriveKeyPair(seed, 'jpp-test-epoch-1');
const EPOCH = 1;

const identities = (n: number): IdentityInput[] => {
  const set = new Set<string>();
  while (set.size < n) set.add(syntheticBsn());
  return [...set].map((bsn) => ({ bsn }));
};

function pseudonymise(client: OprfClient, inputs: Uint8Array[], suite?: VoprfSuite): string[] {
  const { blindedElements, state } = client.blind(inputs);
  const evaluation = evaluateBatch(key.secretKey, blindedElements, { publicKey: key.publicKey, suite });
  return client.finalize(state, evaluation.evaluatedElements, evaluation.proof);
}

const suites: Array<[string, () => Promise<VoprfSuite>]> = [
  ['noble', async () => nobleVoprfSuite],
  ['libsodium', loadSodiumVoprfSuite],
];

describe.each(suites)('round trip on %s', (_name, load) => {
  it('gives the same pseudonym for the same identity across batches and blinds', async () => {
    const suite = await load();
    const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH, suite });
    const people = identities(5);
    const inputs = people.map(identityKey);
    const first = pseudonymise(client, inputs, suite);
    const again = pseudonymise(client, [...inputs].reverse(), suite).reverse();
    const single = inputs.map((input) => pseudonymise(client, [input], suite)[0]);
    expect(again).toEqual(first);
    expect(single).toEqual(first);
    // Equivalent spellings of a name identity meet too.
    const [a, b] = pseudonymise(
      client,
      [
        identityKey({ surname: 'van der Testpersoon', birthDate: '2011-03-04', firstName: 'Synthia' }),
        identityKey({ surname: 'TESTPERSOON', tussenvoegsel: 'Van der', birthDate: '2011-03-04', firstInitial: 's.' }),
      ],
      suite,
    );
    expect(a).toBe(b);
  });

  it('sends unlinkable blinded elements for the same identity', async () => {
    const suite = await load();
    const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH, suite });
    const input = identityKey(identities(1)[0]!);
    const one = client.blind([input, input]);
    expect(bytesToBase64Url(one.blindedElements[0]!)).not.toBe(bytesToBase64Url(one.blindedElements[1]!));
  });

  it('gives different pseudonyms for different identities, 32 bytes base64url that look random', async () => {
    const suite = await load();
    const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH, suite });
    const pseudonyms = pseudonymise(client, identities(200).map(identityKey), suite);
    expect(new Set(pseudonyms).size).toBe(200);
    for (const p of pseudonyms) {
      expect(p).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(base64UrlToBytes(p)).toHaveLength(32);
      expect(looksRandom(p)).toBe(true);
    }
  });

  it('refuses a proof made with another key', async () => {
    const suite = await load();
    const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH, suite });
    const other = generateKeyPair(suite);
    const { blindedElements, state } = client.blind(identities(3).map(identityKey));
    const evaluation = evaluateBatch(other.secretKey, blindedElements, { suite });
    expect(() => client.finalize(state, evaluation.evaluatedElements, evaluation.proof)).toThrow(OprfVerificationError);
  });

  it('refuses a tampered evaluated element, a swapped order, a tampered proof and a short answer', async () => {
    const suite = await load();
    const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH, suite });
    const inputs = identities(3).map(identityKey);
    const other = evaluateBatch(key.secretKey, client.blind([identityKey(identities(1)[0]!)]).blindedElements, { suite });
    const tamperings: Array<(e: Uint8Array[], p: Uint8Array) => [Uint8Array[], Uint8Array]> = [
      (e, p) => [[other.evaluatedElements[0]!, e[1]!, e[2]!], p], // valid element, wrong one
      (e, p) => [[e[1]!, e[0]!, e[2]!], p], // swapped
      (e, p) => [e, Uint8Array.from(p, (x, i) => (i === 40 ? x ^ 1 : x))], // proof bit flip
      (e, p) => [e.slice(0, 2), p], // one missing
      (e, p) => [[Uint8Array.from(e[0]!, (x, i) => (i === 0 ? x ^ 4 : x)), e[1]!, e[2]!], p], // garbled encoding
      (e, p) => [[new Uint8Array(32), e[1]!, e[2]!], p], // identity element
    ];
    for (const tamper of tamperings) {
      const { blindedElements, state } = client.blind(inputs);
      const evaluation = evaluateBatch(key.secretKey, blindedElements, { suite });
      const [elements, proof] = tamper(evaluation.evaluatedElements, evaluation.proof);
      expect(() => client.finalize(state, elements, proof)).toThrow(OprfVerificationError);
    }
  });
});

describe('interoperability and API edges', () => {
  it('noble and libsodium give the same keys and pseudonyms in either role', async () => {
    const sodium = await loadSodiumVoprfSuite();
    expect(deriveKeyPair(seed, 'x', sodium)).toEqual(deriveKeyPair(seed, 'x', nobleVoprfSuite));
    expect(publicKeyOf(key.secretKey, sodium)).toEqual(key.publicKey);
    const inputs = identities(20).map(identityKey);
    const results = [nobleVoprfSuite, sodium].flatMap((clientSuite) =>
      [nobleVoprfSuite, sodium].map((serverSuite) => {
        const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH, suite: clientSuite });
        return pseudonymise(client, inputs, serverSuite);
      }),
    );
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it('goes through the JSON encodings unchanged', () => {
    const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH });
    const inputs = identities(4).map(identityKey);
    const { blindedElements, state } = client.blind(inputs);
    const request = JSON.parse(JSON.stringify({ blindedElements: blindedElements.map(bytesToBase64Url) })) as {
      blindedElements: unknown;
    };
    const response = JSON.parse(
      JSON.stringify(evaluationToJson(evaluateBatch(key.secretKey, blindedElementsFromJson(request.blindedElements)))),
    ) as { evaluatedElements: string[]; proof: string };
    const viaJson = client.finalize(state, response.evaluatedElements.map(base64UrlToBytes), base64UrlToBytes(response.proof));
    expect(viaJson).toEqual(pseudonymise(client, inputs));
  });

  it('refuses malformed requests at the evaluator without echoing them', () => {
    expect(() => blindedElementsFromJson([])).toThrow(OprfRequestError);
    expect(() => blindedElementsFromJson(['abc='])).toThrow(OprfRequestError);
    expect(() => blindedElementsFromJson([bytesToBase64Url(new Uint8Array(31))])).toThrow(/decode to 32 bytes/);
    expect(() => evaluateBatch(key.secretKey, [new Uint8Array(32)])).toThrow(OprfRequestError);
    expect(() => evaluateBatch(key.secretKey, [new Uint8Array(32).fill(0xff)])).toThrow(OprfRequestError);
    expect(() => evaluateBatch(key.secretKey, [])).toThrow(OprfRequestError);
  });

  it('uses a blind state once, for its own epoch, and never shows its contents', () => {
    const client = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH });
    const other = createOprfClient({ publicKey: key.publicKey, epoch: EPOCH + 1 });
    const input = identityKey({ bsn: syntheticBsn() });
    const { blindedElements, state } = client.blind([input]);
    expect(state).toBeInstanceOf(BlindState);
    expect(JSON.stringify(state)).toBe(JSON.stringify({ epoch: EPOCH, size: 1 }));
    const evaluation = evaluateBatch(key.secretKey, blindedElements);
    expect(() => other.finalize(state, evaluation.evaluatedElements, evaluation.proof)).toThrow(OprfClientError);
    client.finalize(state, evaluation.evaluatedElements, evaluation.proof);
    expect(() => client.finalize(state, evaluation.evaluatedElements, evaluation.proof)).toThrow(/already finalised/);
  });

  it('refuses a malformed pinned key and empty batches', () => {
    expect(() => createOprfClient({ publicKey: new Uint8Array(31), epoch: 1 })).toThrow(OprfClientError);
    expect(() => createOprfClient({ publicKey: key.publicKey, epoch: -1 })).toThrow(OprfClientError);
    expect(() => createOprfClient({ publicKey: key.publicKey, epoch: 1 }).blind([])).toThrow(OprfClientError);
  });
});
