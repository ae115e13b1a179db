/** Helpers for the web journeys: questions asked over the API beforehand, and the browser's requests searched for identities. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page, Request } from 'playwright-core';
import type { TestBroker } from './test-broker.js';
import { opaqueRef, randomPseudonym } from './synthetic.js';
import { openCase } from './casus.js';
import { identityKeyString } from '../../protocol/pseudonymisation/normalise-identity.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

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

/** The demo's synthetic youths of this broker (made at its first start). */
export function demoIdentities(tb: TestBroker): DemoIdentity[] {
  return JSON.parse(readFileSync(join(tb.dataDir, 'demo-identities.json'), 'utf8')) as DemoIdentity[];
}

export interface Sent {
  url: string;
  method: string;
  headers: string;
  body: string;
}

/** Records every request the page sends: URL, method, headers and body. */
export function recordRequests(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on('request', (req: Request) => {
    sent.push({ url: req.url(), method: req.method(), headers: JSON.stringify(req.headers()), body: req.postDataBuffer()?.toString('latin1') ?? '' });
  });
  return sent;
}

/** Every spelling of an identity that could leak: as typed, with separators, as the identity key, and encoded. */
export function spellingsOf(identity: DemoIdentity): string[] {
  const { label: _label, ...input } = identity;
  const key = identityKeyString(input);
  const encoded = [key, encodeURIComponent(key), Buffer.from(key).toString('base64url'), Buffer.from(key).toString('base64')];
  if ('bsn' in identity) {
    const b = identity.bsn;
    return [b, `${b.slice(0, 4)}.${b.slice(4, 6)}.${b.slice(6)}`, `${b.slice(0, 4)} ${b.slice(4, 6)} ${b.slice(6)}`, `${b.slice(0, 3)}-${b.slice(3, 6)}-${b.slice(6)}`, ...encoded];
  }
  const n = identity as unknown as { surname: string; birthDate: string };
  return [n.surname.split(' ').pop()!, n.birthDate, n.birthDate.split('-').reverse().join('-'), ...encoded];
}

/** Fails if any recorded request carries any spelling of any of the identities, in its URL, headers or body. */
export function expectNeverSent(sent: readonly Sent[], identities: readonly DemoIdentity[]): void {
  expect(sent.length).toBeGreaterThan(0);
  for (const identity of identities) {
    for (const spelling of spellingsOf(identity)) {
      for (const s of sent) expect(`${s.url}\n${s.headers}\n${s.body}`, `a request to ${s.url}`).not.toContain(spelling);
    }
  }
}

/** Fills an identity block (block 1 has plain ids, block n the suffix -n; identity-fields.ts). */
export async function typeIdentity(page: Page, identity: DemoIdentity, block = 1): Promise<void> {
  const sfx = block === 1 ? '' : `-${block}`;
  if ('bsn' in identity) {
    await page.check(`#kind-bsn${sfx}`);
    await page.fill(`#id-bsn${sfx}`, identity.bsn);
  } else {
    const n = identity as unknown as { surname: string; firstName?: string; birthDate: string };
    await page.check(`#kind-naam${sfx}`);
    await page.fill(`#id-surname${sfx}`, n.surname);
    await page.fill(`#id-firstname${sfx}`, n.firstName ?? '');
    await page.fill(`#id-birthdate${sfx}`, n.birthDate);
  }
}

/**
 * Fills what an aanmelding needs besides the identities (issue 18): the aanmeldcriteria to tick
 * (`signaalgedrag` by default, which both example platforms list) and each youth's age in years.
 */
export async function fillAanmelding(page: Page, ages: readonly number[], criteria: readonly string[] = ['signaalgedrag']): Promise<void> {
  for (const c of criteria) await page.check(`#criterium-${c}`);
  for (const [i, age] of ages.entries()) await page.fill(i === 0 ? '#age' : `#age-${i + 1}`, String(age));
}

/** Clicks a submit button and waits for the page it leads to. */
export async function submitAndWait(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(`button:has-text("${button}")`)]);
}
