/**
 * Journey: the jurist works the register of verzoeken van betrokkenen in the browser (issue 19
 * item 2). The youth's BSN is typed and pseudonymised in the browser under the rights doel; the
 * request is registered with its identity-check method and its one-month deadline, extended once
 * with a reason, answered with a grondslag. A request received two months ago shows under "Over
 * tijd". Bad input is refused naming the Dutch field, and nothing is written. Every request the
 * browser sends is searched for the BSNs, in every spelling. axe checks every page.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, textOf } from '../support/browser.js';
import { demoIdentities, expectNeverSent, recordRequests, submitAndWait, typeIdentity, type Sent } from '../support/web-journeys.js';
import { randomPseudonym } from '../support/synthetic.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';
import { addMonths, amsterdamDay } from '../../broker/rights/verzoek-fns.js';

describe.skipIf(!HAS_CHROMIUM)('jurist: verzoeken van betrokkenen in the browser', { timeout: 120_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let page: Page;
  let sent: Sent[];
  let identities: DemoIdentity[];
  const count = async (): Promise<number> => (await sql<{ n: number }>`select count(*)::int as n from verzoeken`.execute(tb.broker.db)).rows[0]!.n;

  beforeAll(async () => {
    tb = await startTestBroker();
    identities = demoIdentities(tb);
    browser = await launchBrowser();
    page = await newPage(browser);
    sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-jurist');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('registers, extends and answers a verzoek; an old one is listed as over tijd', async () => {
    // A request received two months ago and still open, registered over the API.
    const old = await tb.call('POST', '/v1/verzoeken', {
      token: await tb.token('demo-fg'),
      body: { subject: randomPseudonym(), type: 'wissing', receivedOn: addMonths(amsterdamDay(new Date()), -2), requester: 'betrokkene', identityCheck: 'digid' },
    });
    expect(old.status, old.text).toBe(201);

    await page.click('nav >> text=Verzoeken');
    await expectAccessible(page, 'verzoeken page');
    expect(await page.getAttribute(`[data-list="overdue"] tr[data-verzoek="${old.body.verzoekId}"]`, 'data-overdue')).toBe('ja');
    expect(await textOf(page, `[data-list="overdue"] tr[data-verzoek="${old.body.verzoekId}"]`)).toContain('Over tijd');

    // Without type and identity check the service refuses, naming both fields in Dutch; nothing is written.
    const before = await count();
    const jongere = identities.find((i) => i.label === 'jongere-a')!;
    await typeIdentity(page, jongere);
    await page.fill('#verzoek-receivedOn', amsterdamDay(new Date()));
    await submitAndWait(page, 'Verzoek registreren');
    const refusal = await textOf(page, '.utrecht-alert--error');
    expect(refusal).toContain('Soort verzoek');
    expect(refusal).toContain('Controle van de identiteit');
    expect(await count()).toBe(before);
    await expectAccessible(page, 'verzoeken page with an error');

    await typeIdentity(page, jongere);
    await page.selectOption('#verzoek-type', 'inzage');
    await page.fill('#verzoek-receivedOn', amsterdamDay(new Date()));
    await page.selectOption('#verzoek-requester', 'ouder-of-voogd');
    await page.selectOption('#verzoek-identityCheck', 'legitimatiebewijs-getoond');
    await submitAndWait(page, 'Verzoek registreren');
    const kenmerk = await textOf(page, '[data-registered]');
    expect(await count()).toBe(before + 1);
    expect(await textOf(page, `[data-list="verzoeken"] tr[data-verzoek="${kenmerk}"]`)).toContain('Inzage');

    await page.click(`a:has-text("${kenmerk}")`);
    await expectAccessible(page, 'verzoek page');
    const detail = await textOf(page, '[data-verzoek-detail]');
    expect(detail).toContain('Legitimatiebewijs getoond');
    expect(detail).toContain('Ouder of voogd');

    await page.fill('#extend-reason', 'Het verzoek raakt vier partners.');
    await submitAndWait(page, 'Met twee maanden verlengen');
    expect(await textOf(page, '.utrecht-alert--ok')).toContain('verlengd');
    expect(await textOf(page, '[data-verzoek-detail]')).toContain('verlengd tot');
    expect(await page.locator('#extend-reason').count()).toBe(0);

    // An answer without a grondslag is refused, naming the field.
    await page.selectOption('#answer-decision', 'granted');
    await submitAndWait(page, 'Antwoord vastleggen');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Grondslag');
    await expectAccessible(page, 'verzoek page with an error');
    await page.selectOption('#answer-decision', 'granted');
    await page.fill('#answer-grondslag', 'AVG art. 15: inzage verstrekt als PDF.');
    await submitAndWait(page, 'Antwoord vastleggen');
    expect(await textOf(page, '[data-verzoek-detail]')).toContain('Toegewezen');
    expect(await textOf(page, '[data-verzoek-detail]')).toContain('(op tijd)');
    expect(await page.locator('#answer-grondslag').count()).toBe(0);
    const outcomes = (await sql<{ outcome: string }>`select outcome from logboek_entries where action = 'verzoek' and content like ${`%${kenmerk}%`} order by id`.execute(tb.broker.db)).rows;
    expect(outcomes.map((o) => o.outcome)).toEqual(['registered', 'extended', 'answered']);

    expectNeverSent(sent, identities);
  });

  it('is not for the voorzitter', async () => {
    const other = await newPage(browser);
    await demoLogin(other, tb.url, 'demo-voorzitter');
    expect(await other.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts()).not.toContain('Verzoeken');
    expect((await other.goto(`${tb.url}/verzoeken`))!.status()).toBe(403);
    await other.context().close();
  });
});
