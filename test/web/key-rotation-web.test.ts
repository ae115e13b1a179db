/**
 * Issue 17 item 4 in the browser: during a key rotation's overlap window the web pages
 * pseudonymise under every active key epoch, so a screening and an inzage in the browser give
 * the same answers as the API given the youth's pseudonyms under both epochs: Halt's signal,
 * made under the old epoch, is found, and so are the disclosures logged under either pseudonym.
 * The key file is rotated before the broker starts, as `jpp-broker custodian rotate` and a
 * restart of the custodian do (test/custodian/key-rotation.test.ts).
 */
import { aanmelding } from '../support/casus.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage } from '../support/browser.js';
import { expectNeverSent, recordRequests, submitAndWait } from '../support/web-journeys.js';
import { answersOf } from '../support/signals.js';
import { day, opaqueRef, syntheticBsn } from '../support/synthetic.js';
import { ensureKeyFile, rotateKey } from '../../broker/custodian/key-store.js';
import { pseudonymUnder } from '../support/pseudonym-under.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

describe.skipIf(!HAS_CHROMIUM)('web pages during a key rotation', { timeout: 120_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let keyFile: string;
  const bsn = syntheticBsn();
  const youth = { label: 'rotatie', bsn } as unknown as DemoIdentity;
  const caseRef = opaqueRef('ZVH');
  let old: string;
  let current: string;

  beforeAll(async () => {
    tb = await startTestBroker({
      beforeStart: (dataDir) => {
        keyFile = join(dataDir, 'custodian-keys.json');
        const past = new Date(Date.now() - 86_400_000);
        ensureKeyFile(keyFile, past);
        rotateKey(keyFile, new Date());
      },
    });
    old = pseudonymUnder(keyFile, 1, bsn);
    current = pseudonymUnder(keyFile, 2, bsn);
    expect((await tb.call('GET', '/custodian/v1/keys')).body.epochs.map((e: { epoch: number; retiredAt: string | null }) => [e.epoch, e.retiredAt])).toEqual([[1, null], [2, null]]);
    // Halt's signal was made before the rotation, the police's after it.
    const signal = (subject: string, epoch: number, category: string) => ({ subject, epoch, category, registeredAt: day(tb.clock.now, -1), expiresAt: day(tb.clock.now, 60), ref: opaqueRef('ref') });
    expect((await tb.call('POST', '/v1/signals', { token: await tb.adapterToken('halt'), body: { batchId: opaqueRef('b'), signals: [signal(old, 1, 'halt-afdoening')] } })).status).toBe(201);
    expect((await tb.call('POST', '/v1/signals', { token: await tb.adapterToken('politie'), body: { batchId: opaqueRef('b'), signals: [signal(current, 2, 'politie-registratie')] } })).status).toBe(201);
    const token = await tb.token('demo-voorzitter');
    const opened = await tb.call('POST', '/v1/cases', { token, body: { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [[current, old]], ...aanmelding(1) } });
    expect(opened.status, opened.text).toBe(201);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('screens in the browser under both epochs: the same answers as the API with both pseudonyms', async () => {
    const token = await tb.token('demo-voorzitter');
    const api = await tb.call('POST', '/v1/queries', { token, body: { subject: [current, old], doel: 'jpp-screening', caseRef, consent: false } });
    expect(api.status, api.text).toBe(200);
    const expected = answersOf(api.body);
    expect(expected).toMatchObject({ halt: 'hit', politie: 'hit' });
    // Under the newest epoch alone, Halt's signal is missed: what the web did before.
    expect(answersOf((await tb.call('POST', '/v1/queries', { token, body: { subject: current, doel: 'jpp-screening', caseRef, consent: false } })).body)).toMatchObject({ halt: 'no-hit' });

    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/screening`);
    expect(await page.getAttribute('form[data-pseudonymise]', 'data-keys')).toMatch(/^2:\S+ 1:\S+$/);
    await page.fill('#caseRef', caseRef);
    await page.selectOption('#doel', 'jpp-screening');
    await page.fill('#id-bsn', bsn);
    await submitAndWait(page, 'Vraag de partners');
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    const shown: Record<string, string> = {};
    for (const row of await page.locator('tr[data-partner]').all()) shown[(await row.getAttribute('data-partner'))!] = (await row.getAttribute('data-answer'))!;
    expect(shown).toEqual(expected);
    await expectAccessible(page, 'screening result during a key rotation');

    // Two evaluations (one per epoch), and the form sent the pseudonyms under both, current first.
    expect(sent.filter((s) => s.url.endsWith('/web-api/custodian/evaluate')).map((s) => JSON.parse(s.body).epoch)).toEqual([2, 1]);
    const asked = new URLSearchParams(sent.find((s) => s.url === `${tb.url}/screening` && s.method === 'POST')!.body);
    expect(asked.get('subject')).toBe(`${current},${old}`);
    expectNeverSent(sent, [youth]);
    await page.context().close();
  });

  it('reports inzage in the browser under both epochs: complete, with every disclosure the API reports for both pseudonyms', async () => {
    // A question asked with the old pseudonym alone (as a client did before the rotation): logged under it only.
    const asked = await tb.call('POST', '/v1/queries', { token: await tb.token('demo-voorzitter'), body: { subject: old, doel: 'jpp-screening', caseRef, consent: false } });
    expect(asked.status, asked.text).toBe(200);
    const jurist = await tb.token('demo-jurist');
    const api = await tb.call('POST', '/v1/inzage', { token: jurist, body: { subject: [current, old] } });
    expect(api.status, api.text).toBe(200);
    // The entry names the old pseudonym's hash alone. Inzage follows the links the broker holds
    // between a youth's hashes (the casus knows both), so the newest pseudonym alone reaches it too
    // (issue 19); the web sends both all the same (below).
    expect(api.body.total).toBeGreaterThan(0);
    const newestOnly = await tb.call('POST', '/v1/inzage', { token: jurist, body: { subject: current } });
    expect(newestOnly.body.total).toBe(api.body.total);

    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-jurist');
    await page.goto(`${tb.url}/inzage`);
    await page.fill('#id-bsn', bsn);
    await submitAndWait(page, 'Inzagerapport maken');
    await page.waitForSelector('h1:has-text("Inzagerapport")');
    expect(await page.getAttribute('[data-complete]', 'data-complete')).toBe(api.body.complete ? 'ja' : 'nee');
    expect(await page.locator('table[data-inzage] tbody tr').count()).toBe(api.body.total);
    // The PDF form carries the pseudonyms under both epochs, so the PDF is the same report.
    expect(await page.getAttribute('form[data-inzage-pdf] input[name="subject"]', 'value')).toBe(`${current},${old}`);
    await expectAccessible(page, 'inzage report during a key rotation');
    expectNeverSent(sent, [youth]);
    await page.context().close();
  });
});
