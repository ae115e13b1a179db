/** Helpers to put signals in through the API, as a partner's adapter would. */
import { expect } from 'vitest';
import type { TestBroker } from './test-broker.js';
import { day, opaqueRef } from './synthetic.js';

export interface SignalSpec {
  subject: string;
  category: string;
  registeredDaysAgo?: number;
  validDays?: number;
  ref?: string;
}

/** Submits one batch for `partner`; expects every signal accepted and returns the refs. */
export async function submitSignals(b: Pick<TestBroker, 'clock' | 'call' | 'adapterToken'>, partner: string, specs: SignalSpec[]): Promise<string[]> {
  const now = b.clock.now;
  const signals = specs.map((s) => ({
    subject: s.subject,
    category: s.category,
    registeredAt: day(now, -(s.registeredDaysAgo ?? 1)),
    expiresAt: day(now, -(s.registeredDaysAgo ?? 1) + (s.validDays ?? 365)),
    ref: s.ref ?? opaqueRef(partner),
  }));
  const res = await b.call('POST', '/v1/signals', {
    token: await b.adapterToken(partner),
    body: { batchId: opaqueRef('batch'), signals },
  });
  expect(res.status, res.text).toBe(201);
  expect(res.body.accepted).toBe(specs.length);
  return signals.map((s) => s.ref);
}

/** The answers of one query as a partner → answer map. */
export function answersOf(body: { answers: Array<{ partner: string; answer: string }> }): Record<string, string> {
  return Object.fromEntries(body.answers.map((a) => [a.partner, a.answer]));
}
