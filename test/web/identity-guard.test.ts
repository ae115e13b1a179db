/**
 * Issue 17 in the browser: the pre-send guard (client/pseudonymise.ts) bundles the protocol's
 * identity rules, so a value the server would refuse never leaves the browser: a case number
 * field is read as an identifier, a note as prose. Real case numbers and legal prose pass. And
 * where the guard is skipped (a URL typed by hand), the server refuses and logs nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, textOf } from '../support/browser.js';
import { askAs, recordRequests, type Sent } from '../support/web-journeys.js';
import { syntheticBsn } from '../support/synthetic.js';

describe.skipIf(!HAS_CHROMIUM)('the browser refuses to send an identity typed into a text field', { timeout: 90_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  const entries = async (): Promise<number> =>
    (await sql<{ n: number }>`select count(*)::int as n from logboek_entries`.execute(tb.broker.db)).rows[0]!.n;

  beforeAll(async () => {
    tb = await startTestBroker();
    await askAs(tb, 'demo-voorzitter', 'jpp-screening');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it("guards the jurist's logboek filter: an identity stays in the browser, a parketnummer filters", async () => {
    const page: Page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-jurist');
    await page.goto(`${tb.url}/logboek`);
    const sent: Sent[] = recordRequests(page);
    const bsn = syntheticBsn();
    for (const value of ['06-12345678', `${bsn.slice(0, 3)}-${bsn.slice(3, 6)}-${bsn.slice(6)}`, 'NL91 ABNA 0417 1643 00']) {
      const before = await entries();
      await page.fill('#f-casus', value);
      await page.click('button:has-text("Filteren")');
      expect(await textOf(page, '[data-guard-error-for="f-casus"]')).toContain('Casusnummer');
      expect(await page.getAttribute('#f-casus', 'aria-invalid')).toBe('true');
      expect(sent.filter((s) => s.url.includes('/logboek?'))).toEqual([]);
      expect(await entries()).toBe(before);
    }
    await expectAccessible(page, 'logboek filter refused by the guard');

    await page.fill('#f-casus', '09-173943-23');
    await Promise.all([page.waitForURL(/casus=09-173943-23/), page.click('button:has-text("Filteren")')]);
    expect(await textOf(page, '[data-page-count]')).toContain('Geen regels gevonden');

    // Past the guard (a URL typed by hand), the server refuses it: the page says why, nothing is logged.
    const before = await entries();
    const res = await page.goto(`${tb.url}/logboek?casus=${bsn}`);
    expect(res!.status()).toBe(422);
    expect(await textOf(page, '.utrecht-alert--error')).toContain('lijkt een identiteit te bevatten');
    expect(await entries()).toBe(before);
    await page.context().close();
  });

  it("guards a policy reviewer's note as prose: a name with a birth date stays, a law's date goes", async () => {
    const fg = await tb.token('demo-fg');
    const seedId = (await tb.call('GET', '/v1/policies', { token: fg })).body.active;
    const draft = (await tb.call('POST', '/v1/policies', { token: fg, body: { copyOf: seedId, note: 'Kopie voor de test' } })).body;
    expect((await tb.call('POST', `/v1/policies/${draft.id}/submit`, { token: fg })).status).toBe(200);

    const page: Page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-fg-2');
    await page.goto(`${tb.url}/beleid/${draft.id}/beoordelen`);
    const sent = recordRequests(page);
    await page.fill('#reject-note', 'Besproken met Jan Jansen, geb. 12-03-2011');
    await page.click('button:has-text("Afwijzen")');
    expect(await textOf(page, '[data-guard-error-for="reject-note"]')).toContain('Reden');
    expect(sent.filter((s) => s.method === 'POST')).toEqual([]);

    await page.fill('#reject-note', 'Grondslag ontbreekt; zie het Besluit van 12 maart 2025 (Stb. 2025, 80)');
    await Promise.all([page.waitForURL(new RegExp(`/beleid/${draft.id}`)), page.click('button:has-text("Afwijzen")')]);
    expect(sent.filter((s) => s.method === 'POST')).toHaveLength(1);
    expect((await tb.call('GET', `/v1/policies/${draft.id}`, { token: fg })).body.status).toBe('rejected');
    await page.context().close();
  });
});
