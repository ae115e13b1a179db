/**
 * Journeys: the jurist answers an inzageverzoek (AVG art. 15) in the browser, typing the
 * youth's BSN, which is pseudonymised there; the partneroverleg reads the monitoring page,
 * whose small cells are suppressed in the tables and the charts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { openCase } from '../support/casus.js';
import { pseudonymise } from '../../adapters/pseudonymisation/custodian-client.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

describe.skipIf(!HAS_CHROMIUM)('jurist: inzage, and the partneroverleg: monitoring', { timeout: 90_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let bsn: string;
  let expectedTotal: number;

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    const identities = JSON.parse(readFileSync(join(tb.dataDir, 'demo-identities.json'), 'utf8')) as DemoIdentity[];
    bsn = (identities.find((i) => i.label === 'jongere-c') as { bsn: string }).bsn;
    // The voorzitter asks about jongere-c once, over the API.
    const token = await tb.token('demo-voorzitter');
    const { pseudonyms } = await pseudonymise({ baseUrl: `${tb.url}/custodian/v1`, token }, [{ bsn }], { doel: 'jpp-screening' });
    const casus = await openCase(tb, [pseudonyms[0]!]);
    const asked = await tb.call('POST', '/v1/queries', { token, body: { subject: pseudonyms[0], doel: 'jpp-screening', caseRef: casus.caseRef } });
    expect(asked.status, asked.text).toBe(200);
    // What the API reports for this subject is what the page must show.
    const jurist = await tb.token('demo-jurist');
    const p2 = await pseudonymise({ baseUrl: `${tb.url}/custodian/v1`, token: jurist }, [{ bsn }], { doel: 'jpp-rechten-betrokkenen' });
    const report = await tb.call('POST', '/v1/inzage', { token: jurist, body: { subject: p2.pseudonyms[0] } });
    expect(report.status, report.text).toBe(200);
    expectedTotal = report.body.total;
    expect(expectedTotal).toBeGreaterThanOrEqual(asked.body.answers.length);
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('makes the inzage report from a BSN typed in the browser, which never leaves it', async () => {
    const page = await newPage(browser);
    const sent: string[] = [];
    page.on('request', (r) => sent.push(`${r.url()}\n${JSON.stringify(r.headers())}\n${r.postDataBuffer()?.toString('latin1') ?? ''}`));
    await demoLogin(page, tb.url, 'demo-jurist');
    await page.click('nav >> text=Inzage');
    await expectAccessible(page, 'inzage form');
    await page.fill('#id-bsn', bsn);
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Inzagerapport maken")')]);
    await page.waitForSelector('h1:has-text("Inzagerapport")');
    expect(await page.getAttribute('[data-complete]', 'data-complete')).toBe('ja');
    expect(await page.locator('table[data-inzage] tbody tr').count()).toBe(expectedTotal);
    expect(await textOf(page, 'table[data-inzage]')).toContain('Voorzitter');
    await expectAccessible(page, 'inzage report');
    await screenshot(page, 'jurist-inzage');
    for (const s of sent) expect(s).not.toContain(bsn);
    await page.context().close();
  });

  it('shows monitoring tables and charts with small cells suppressed', async () => {
    const page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-partneroverleg');
    expect(await page.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts()).toEqual(['Start', 'Monitoring']);
    await page.click('nav >> text=Monitoring');
    await page.waitForSelector('section.monitoring-table');
    expect(await page.locator('canvas[data-chart-table]').count()).toBeGreaterThan(0);
    const shown = await page.locator('td[data-value]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
    for (const n of shown) expect(n === 0 || n >= 5).toBe(true);
    const suppressed = await page.locator('td[data-suppressed]').allInnerTexts();
    for (const t of suppressed) expect(t).toBe('< 5');
    await expectAccessible(page, 'monitoring');
    await screenshot(page, 'partneroverleg-monitoring');
    // A period shorter than the platform's minimum is refused, naming the field.
    const res = await page.goto(`${tb.url}/monitoring?van=2026-01-01&tot=2026-01-03`);
    expect(res!.status()).toBe(422);
    expect(await textOf(page, '.utrecht-alert--error')).toMatch(/\/(from|to)/);
    await page.context().close();
  });
});
