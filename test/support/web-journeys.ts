/** Helpers for the web journeys: questions asked over the API beforehand, as a partner's user would. */
import { expect } from 'vitest';
import type { TestBroker } from './test-broker.js';
import { opaqueRef, randomPseudonym } from './synthetic.js';
import { openCase } from './casus.js';

/**
 * One question by a demo user about a random youth, in a casus the voorzitter opened for it
 * (questions need a casus); returns the casus reference.
 */
export async function askAs(tb: TestBroker, user: string, doel: string): Promise<string> {
  const subject = randomPseudonym();
  const { caseRef } = await openCase(tb, [subject], { doel, caseRef: opaqueRef('ZVH') });
  const res = await tb.call('POST', '/v1/queries', { token: await tb.token(user), body: { subject, doel, caseRef } });
  expect(res.status, res.text).toBe(200);
  return caseRef;
}
