/**
 * Journeys: the jurist answers an inzageverzoek (AVG art. 15) in the browser, typing the
 * youth's BSN, which is pseudonymised there, and downloads the report as a PDF (a POST with the
 * pseudonym only, checked and logged again); the partneroverleg reads the monitoring page, whose
 * small cells are suppressed in the tables and the charts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { expectNeverSent, recordRequests } from '../support/web-journeys.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { openCase } from '../support/casus.js';
import { randomPseudonym } from '../support/synthetic.js';
import { expectDutchOnly, expectReadable, newZoomedPage } from '../support/reflow.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

describe.skipIf(!HAS_CHROMIUM)('jurist: inzage, and the partneroverleg: monitoring', { timeout: 90_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let bsn: string;
  let expectedTotal: number;
  let casus: { caseId: string; caseRef: string; subjectIds: string[] };
  let rightsPseudonym: string;

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    const identities = JSON.parse(readFileSync(join(tb.dataDir, 'demo-identities.json'), 'utf8')) as DemoIdentity[];
    bsn = (identities.find((i) => i.label === 'jongere-c') as { bsn: string }).bsn;
    // The voorzitter asks about jongere-c once, over the API.
    const token = await tb.token('demo-voorzitter');
    const { pseudonyms } = await pseudonymise({ baseUrl: `${tb.url}/custodian/v1`, token }, [{ bsn }], { doel: 'jpp-screening' });
    casus = await openCase(tb, [pseudonyms[0]!]);
    const asked = await tb.call('POST', '/v1/queries', { token, body: { subject: pseudonyms[0], doel: 'jpp-screening', caseRef: casus.caseRef } });
    expect(asked.status, asked.text).toBe(200);
    // What the API reports for this subject is what the page must show.
    const jurist = await tb.token('demo-jurist');
    const p2 = await pseudonymise({ baseUrl: `${tb.url}/custodian/v1`, token: jurist }, [{ bsn }], { doel: 'jpp-rechten-betrokkenen' });
    rightsPseudonym = p2.pseudonyms[0]!;
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

  it('downloads the report as a PDF: a POST with the pseudonym and the CSRF token only, checked and logged like the API', async () => {
    // The youth was informed, and objected (rejected): the report shows both.
    const informed = await tb.call('PUT', `/v1/cases/${casus.caseId}/subjects/${casus.subjectIds[0]}/notification`, {
      token: await tb.token('demo-voorzitter'), body: { state: 'informed', informedAt: new Date().toISOString().slice(0, 10) },
    });
    expect(informed.status, informed.text).toBe(200);
    const objected = await tb.call('POST', '/v1/bezwaren', { token: await tb.token('demo-jurist'), body: { subject: rightsPseudonym, doelen: ['jpp-casusoverleg'], decision: 'rejected' } });
    expect(objected.status, objected.text).toBe(201);
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-jurist');
    await page.goto(`${tb.url}/inzage`);
    await page.fill('#id-bsn', bsn);
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Inzagerapport maken")')]);
    expect(await textOf(page, 'table[data-inzage-notifications]')).toContain('Geïnformeerd');
    expect(await textOf(page, 'table[data-inzage-bezwaren]')).toContain(objected.body.bezwaarId);
    expect(await textOf(page, 'table[data-inzage-bezwaren]')).toContain('Afgewezen');
    await expectAccessible(page, 'inzage report with the PDF button');
    const reports = async (): Promise<number> =>
      (await sql<{ n: number }>`select count(*)::int as n from logboek_entries where action = 'inzage-report'`.execute(tb.broker.db)).rows[0]!.n;
    const before = await reports();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Rapport als PDF downloaden")')]);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^inzage-[0-9a-f-]{36}\.pdf$/);
    // Producing the PDF is a report of its own, logged as the API logs it.
    expect(await reports()).toBe(before + 1);
    const request = sent.find((s) => s.url.endsWith('/inzage/pdf'))!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`${tb.url}/inzage/pdf`);
    const form = new URLSearchParams(request.body);
    expect([...form.keys()].sort()).toEqual(['_csrf', 'subject']);
    expect(form.get('subject')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The pseudonym is in no URL the browser requested (access logs, history).
    for (const s of sent) expect(s.url).not.toContain(form.get('subject')!);
    const identities = JSON.parse(readFileSync(join(tb.dataDir, 'demo-identities.json'), 'utf8')) as DemoIdentity[];
    expectNeverSent(sent, [identities.find((i) => i.label === 'jongere-c')!]);
    // Without the page's CSRF token the PDF is refused.
    const forged = await page.evaluate(async (subject) => {
      const res = await fetch('/inzage/pdf', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ subject }).toString() });
      return res.status;
    }, form.get('subject')!);
    expect(forged).toBe(403);
    expect(await reports()).toBe(before + 1);
    await page.context().close();
  });

  it('shows monitoring tables and charts with small cells suppressed', async () => {
    // Seven casussen from the police this quarter; then the clock moves past the quarter's end, so that it can be reported on.
    for (let i = 0; i < 7; i++) await openCase(tb, [randomPseudonym()], { routeIn: 'politie' });
    const now = tb.clock.now;
    tb.clock.now = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (now.getUTCMonth() % 3) + 3, 2, 12));
    const page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-partneroverleg');
    expect(await page.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts()).toEqual(['Start', 'Monitoring']);
    await page.click('nav >> text=Monitoring');
    await page.waitForSelector('section.monitoring-table');
    expect(await page.locator('canvas[data-chart-table]').count()).toBeGreaterThan(0);
    expect(Number(await page.locator('#t-cases-by-route-in tbody tr').first().locator('td').getAttribute('data-value'))).toBeGreaterThanOrEqual(7);
    const shown = await page.locator('td[data-value]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
    for (const n of shown) expect(n === 0 || n >= 5).toBe(true);
    const suppressed = await page.locator('td[data-suppressed]').allInnerTexts();
    for (const t of suppressed) expect(t).toBe('< 5');
    await expectAccessible(page, 'monitoring');
    await screenshot(page, 'partneroverleg-monitoring');
    // The periods on offer are months, quarters and years that are over; the trend per month and quarter.
    const options = await page.locator('#m-periode option').allInnerTexts();
    expect(options.some((o) => /^\de kwartaal \d{4}$/.test(o))).toBe(true);
    expect(options.some((o) => /^(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}$/.test(o))).toBe(true);
    expect(await page.locator('#t-trend-maand tbody tr').count()).toBe(12);
    expect(await page.locator('#t-trend-kwartaal tbody tr').count()).toBe(8);
    // The invitations to the casusoverleg by ground (issue 18 item 6), in Dutch, and their total in the trend; the old "not yet" note is gone.
    expect(await textOf(page, '#t-invitations-by-ground caption')).toBe('Uitnodigingen voor het casusoverleg naar reden (een hit gaat voor)');
    expect(await page.locator('#t-invitations-by-ground tbody th').allInnerTexts()).toEqual(['De partner kent de jongere (hit)', 'Aanmelder of regiehouder, zonder hit', 'Toegevoegd door de voorzitter']);
    expect(await page.locator('#t-trend-maand thead th').allInnerTexts()).toContain('Uitnodigingen');
    expect(await textOf(page, 'main')).not.toContain('staan hier nog niet');
    await expectDutchOnly(page, 'monitoring', ['cases-by-status', 'on-time', 'jpp-screening', 'halt-interventie', 'invitations-by-ground', 'aanmelder-of-regiehouder']);
    // A month that is not over is refused, naming the field as the form labels it.
    const running = tb.clock.now.toISOString().slice(0, 7);
    const res = await page.goto(`${tb.url}/monitoring?periode=${running}`);
    expect(res!.status()).toBe(422);
    expect(await textOf(page, '.utrecht-alert--error')).toMatch(/^Periode\b/m);
    await expectAccessible(page, 'monitoring, a period not over');
    await expectDutchOnly(page, 'monitoring, a period not over', []);
    // Readable at 200% zoom (WCAG 1.4.4, 1.4.10).
    const zoomed = await newZoomedPage(browser);
    await demoLogin(zoomed, tb.url, 'demo-partneroverleg');
    await zoomed.goto(`${tb.url}/monitoring`);
    await expectReadable(zoomed, 'monitoring');
    await zoomed.context().close();
    await page.context().close();
  });
});
