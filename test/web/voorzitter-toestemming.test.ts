/**
 * Journey (issue 18 item 5): the voorzitter opens a casus for a youth of 15 known only to
 * jongerenwerk, records a parent's consent for jongerenwerk, screens citing it (jongerenwerk
 * answers), and records the withdrawal; after it, the screening form offers no consent (a
 * question that still cites the record: test/api/consent.test.ts). axe on the new pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, textOf } from '../support/browser.js';
import { opaqueRef } from '../support/synthetic.js';
import { demoIdentities, fillAanmelding, submitAndWait, typeIdentity } from '../support/web-journeys.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

describe.skipIf(!HAS_CHROMIUM)('voorzitter: consent in the browser', { timeout: 120_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let identities: DemoIdentity[];
  const id = (label: string): DemoIdentity => identities.find((i) => i.label === label)!;

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    identities = demoIdentities(tb);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('records consent, screens with it, and records its withdrawal', async () => {
    const page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/casussen/nieuw`);
    await page.fill('#caseRef', opaqueRef('ZVH'));
    await fillAanmelding(page, [15], ['zorgen-over-jongere']);
    await typeIdentity(page, id('jongere-b'));
    await submitAndWait(page, 'Casus openen');
    await page.waitForURL(/\/casussen\/[0-9a-f-]{36}\?gedaan=geopend$/);
    const casusUrl = page.url().split('?')[0]!;
    const caseId = casusUrl.split('/').pop()!;
    expect(await textOf(page, '#consent-title + p + p')).toContain('Nog geen toestemming');
    expect(await page.locator('#consentId').count()).toBe(0);

    // A youth of 15: the youth alone cannot consent (the platform's consent age is 16).
    await page.selectOption('#tg-by', 'jongere');
    await page.check('#tg-partner-jongerenwerk');
    await page.fill('#tg-until', new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10));
    await submitAndWait(page, 'Toestemming vastleggen');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Wie gaf toestemming');
    await expectAccessible(page, 'consent refused');
    await page.selectOption('#tg-by', 'ouder');
    await page.check('#tg-partner-jongerenwerk');
    await page.fill('#tg-until', new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10));
    await submitAndWait(page, 'Toestemming vastleggen');
    expect(await page.getAttribute('tr[data-consent="0"]', 'data-consent-status')).toBe('in-force');
    expect(await textOf(page, 'tr[data-consent="0"]')).toContain('Een ouder of voogd');
    await expectAccessible(page, 'casus with consent');

    // Screening with the consent: jongerenwerk answers.
    const option = await page.locator('#consentId option').nth(1).getAttribute('value');
    await page.selectOption('#consentId', option!);
    await typeIdentity(page, id('jongere-b'));
    await submitAndWait(page, 'Vraag de partners');
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    expect(await page.getAttribute('tr[data-partner="jongerenwerk"]', 'data-answer')).toBe('hit');

    // Withdrawn: the form offers no consent any more.
    await page.goto(casusUrl);
    await submitAndWait(page, 'Ingetrokken');
    expect(await page.getAttribute('tr[data-consent="0"]', 'data-consent-status')).toBe('withdrawn');
    expect(await page.locator('#consentId').count()).toBe(0);
    await expectAccessible(page, 'casus with withdrawn consent');
    await page.context().close();

    // What the API shows: the record withdrawn, one screening (test/api/consent.test.ts asks with it after).
    const view = (await tb.call('GET', `/v1/cases/${caseId}`, { token: await tb.token('demo-voorzitter') })).body;
    expect(view.consents[0]).toMatchObject({ status: 'withdrawn', givenBy: 'ouder', partners: ['jongerenwerk'] });
    expect(view.subjects[0].screenings.count).toBe(1);
  });
});
