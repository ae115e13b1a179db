/**
 * Journey: the privacy officer reviews retention in the browser. Two years on, she runs it
 * now: the page shows what the run removed per kind (an answered verzoek among them) (counts and the range of moments at which
 * the items expired) and what a legal hold kept, exactly as the API records it, and links the
 * run to its logboek entry, whose inclusion proof the browser checks against the signed
 * checkpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { submitAndWait } from '../support/web-journeys.js';
import { randomPseudonym } from '../support/synthetic.js';
import { amsterdamDay } from '../../broker/rights/verzoek-fns.js';

const DAY = 86_400_000;

describe.skipIf(!HAS_CHROMIUM)('privacy officer: retention runs in the browser', { timeout: 120_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tb = await startTestBroker();
    // A complaint about the closed demo casus: a legal hold keeps it past its term.
    const held = await tb.call('POST', '/v1/legal-holds', { token: await tb.token('demo-fg'), body: { caseRef: 'ZVH-DEMO-0007', reason: 'klacht-ap' } });
    expect(held.status, held.text).toBe(201);
    // An inzageverzoek, answered: two years on it has passed its term.
    const jurist = await tb.token('demo-jurist');
    const v = await tb.call('POST', '/v1/verzoeken', {
      token: jurist,
      body: { subject: randomPseudonym(), type: 'inzage', receivedOn: amsterdamDay(tb.clock.now), requester: 'betrokkene', identityCheck: 'digid' },
    });
    expect(v.status, v.text).toBe(201);
    expect((await tb.call('POST', `/v1/verzoeken/${v.body.verzoekId}/answer`, { token: jurist, body: { decision: 'granted', grondslag: 'AVG art. 15: inzage verstrekt' } })).status).toBe(200);
    await tb.broker.sequencer.drain({ forceCheckpoint: true });
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('shows the terms, runs retention on request, and shows the run as the API records it', async () => {
    await demoLogin(page, tb.url, 'demo-fg');
    await page.click('nav >> text=Bewaartermijnen');
    await expectAccessible(page, 'bewaartermijnen');
    const terms = await textOf(page, 'table[data-terms]');
    expect(terms).toContain(`${tb.broker.platform.bewaartermijnen.closedCaseDays} dagen`);
    expect(terms).toContain(`${tb.broker.platform.bewaartermijnen.logContentDays} dagen`);
    expect(terms).toContain(`${tb.broker.platform.bewaartermijnen.bezwaarDays} dagen`);
    expect(terms).toContain('Afgehandeld verzoek van een betrokkene');
    expect(terms).toContain(`${tb.broker.platform.bewaartermijnen.verzoekDays} dagen`);
    expect(terms).toContain('Tellers van de sleutelbeheerder');
    const runsBefore = await page.locator('tr[data-run]').count();

    tb.clock.now = new Date(tb.clock.now.getTime() + 2 * 365 * DAY + DAY);
    // Two years on, the session has expired too: log in again.
    await demoLogin(page, tb.url, 'demo-fg');
    await page.goto(`${tb.url}/bewaartermijnen`);
    await submitAndWait(page, 'Retentie nu uitvoeren');
    // Deleting cannot be undone: the button asks first, and nothing has run yet.
    expect(await textOf(page, 'h1')).toBe('Retentie nu uitvoeren?');
    await expectAccessible(page, 'confirm retention run');
    expect((await tb.call('GET', '/v1/retention/runs', { token: await tb.token('demo-jurist') })).body.items.length).toBe(runsBefore);
    await submitAndWait(page, 'Ja, nu uitvoeren');
    expect(await textOf(page, '.utrecht-alert--ok')).toContain('De retentie is uitgevoerd');
    expect(await textOf(page, '.utrecht-alert--ok')).toContain('1 afgehandeld verzoek van betrokkenen verwijderd');
    expect(await page.locator('tr[data-run]').count()).toBe(runsBefore + 1);

    const api = await tb.call('GET', '/v1/retention/runs', { token: await tb.token('demo-jurist') });
    const run = api.body.items[0];
    expect(run.trigger).toBe('api');
    expect(run.removed.signals.count).toBeGreaterThan(0);
    expect(run.removed.verzoeken.count).toBe(1);
    expect(run.kept.onHold).toBeGreaterThan(0);
    const row = page.locator(`tr[data-run="${run.runId}"]`);
    for (const kind of ['signals', 'cases', 'logContent', 'bezwaren', 'verzoeken', 'custodianUsage'] as const) {
      expect(await row.locator(`td[data-kind="${kind}"] [data-count]`).getAttribute('data-count')).toBe(String(run.removed[kind].count));
    }
    expect(await row.locator('td[data-kept]').getAttribute('data-kept')).toBe(String(run.kept.onHold));
    expect(await row.innerText()).toContain('Op verzoek');
    expect(await row.locator('td[data-kind="signals"]').innerText()).toContain('verlopen tussen');
    await expectAccessible(page, 'bewaartermijnen after a run');
    await screenshot(page, 'privacy-officer-bewaartermijnen');
  });

  it("links the run to its logboek entry, whose inclusion proof the browser checks against the signed checkpoint", async () => {
    await tb.broker.sequencer.drain({ forceCheckpoint: true });
    await page.goto(`${tb.url}/bewaartermijnen`);
    const link = page.locator('tr[data-run] a[data-log-seq]').first();
    const seq = await link.getAttribute('data-log-seq');
    await Promise.all([page.waitForURL(new RegExp(`/logboek/regel/${seq}$`)), link.click()]);
    await page.waitForSelector('[data-verify-entry][data-result]');
    expect(await page.getAttribute('[data-verify-entry]', 'data-result')).toBe('ok');
    expect(await textOf(page, 'main')).toContain('Bewaartermijnen uitgevoerd');
    await expectAccessible(page, 'the run\'s logboek entry');
  });
});
