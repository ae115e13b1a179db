/**
 * Journey (issue 18 item 3): the voorzitter sees the vervolgacties over tijd. A casus is besproken
 * with a regiehouder and a vervolgactie that passes its date undone; *Vervolgacties over tijd*
 * (linked from the menu, the start page and Mijn casussen) lists it with the casus, the action, the
 * partner that owns it by name, the due date and the regiehouder, filters by regiehouder, and drops
 * it once done. axe, Dutch only and readable at 200% zoom.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, textOf } from '../support/browser.js';
import { expectDutchOnly, expectReadable, newZoomedPage } from '../support/reflow.js';
import { day, randomPseudonym } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';

const DAY = 86_400_000;

describe.skipIf(!HAS_CHROMIUM)('vervolgacties over tijd in the browser', { timeout: 300_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let rawIds: string[];

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    const p = tb.broker.platform;
    rawIds = [...[...p.roles, ...p.doelen, ...p.partners].map((x) => x.id).filter((x) => x.includes('-')), 'halt-interventie', 'gesprek-ouders'];
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  const call = async (method: string, path: string, body?: unknown) => tb.call(method, path, { token: await tb.token('demo-voorzitter'), ...(body ? { body } : {}) });

  it('lists an overdue vervolgactie with its casus, owner, date and regiehouder, by regiehouder, until done', async () => {
    const c = await openCase(tb, [randomPseudonym()]);
    for (const to of ['in-screening', 'besproken']) expect((await call('POST', `/v1/cases/${c.caseId}/transitions`, { to })).status).toBe(200);
    expect((await call('PUT', `/v1/cases/${c.caseId}/regiehouder`, { partner: 'gemeente-team-jeugd' })).status).toBe(200);
    const added = await call('POST', `/v1/cases/${c.caseId}/vervolgacties`, { partner: 'halt', kind: 'halt-interventie', dueDate: day(tb.clock.now, 1) });
    expect(added.status, added.text).toBe(201);
    const actionId = added.body.vervolgacties[0].actionId as string;
    // Not yet due: the page says there is nothing over tijd.
    const page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/`);
    await page.click('main a:has-text("Vervolgacties over tijd")');
    await page.waitForURL(/\/vervolgacties$/);
    expect(await page.locator(`tr[data-overdue-action="${c.caseRef}"]`).count()).toBe(0);
    await expectAccessible(page, 'vervolgacties over tijd, none');
    expect(await page.locator('nav').innerText()).toContain('Vervolgacties over tijd');
    await page.context().close();

    // Three days on (a new session: the old one has expired), the vervolgactie is over tijd.
    const was = tb.clock.now;
    tb.clock.now = new Date(was.getTime() + 3 * DAY);
    try {
      const page = await newPage(browser);
      await demoLogin(page, tb.url, 'demo-voorzitter');
      await page.goto(`${tb.url}/casussen`);
      await page.click('main a:has-text("Vervolgacties over tijd")');
      await page.waitForURL(/\/vervolgacties$/);
      const row = await textOf(page, `tr[data-overdue-action="${c.caseRef}"]`);
      for (const text of [c.caseRef, 'Halt-interventie', 'Halt', 'Gemeente']) expect(row).toContain(text);
      await expectAccessible(page, 'vervolgacties over tijd');
      await expectDutchOnly(page, 'vervolgacties over tijd', rawIds);
      await page.selectOption('#vo-regie', 'halt');
      await page.click('button:has-text("Tonen")');
      await page.waitForURL(/regiehouder=halt/);
      expect(await page.locator(`tr[data-overdue-action="${c.caseRef}"]`).count()).toBe(0);
      await page.selectOption('#vo-regie', 'gemeente-team-jeugd');
      await page.click('button:has-text("Tonen")');
      await page.waitForURL(/regiehouder=gemeente-team-jeugd/);
      expect(await page.locator(`tr[data-overdue-action="${c.caseRef}"]`).count()).toBe(1);
      await page.context().close();

      const zoomed = await newZoomedPage(browser);
      await demoLogin(zoomed, tb.url, 'demo-voorzitter');
      await zoomed.goto(`${tb.url}/vervolgacties`);
      await expectReadable(zoomed, 'vervolgacties over tijd at 200%');
      await expectAccessible(zoomed, 'vervolgacties over tijd at 200%');
      // Done: it leaves the list.
      expect((await call('POST', `/v1/cases/${c.caseId}/vervolgacties/${actionId}/complete`)).status).toBeLessThan(300);
      await zoomed.reload();
      expect(await zoomed.locator(`tr[data-overdue-action="${c.caseRef}"]`).count()).toBe(0);
      await zoomed.context().close();

      // A partner's professional may not open the page.
      const halt = await newPage(browser);
      await demoLogin(halt, tb.url, 'demo-halt');
      expect((await halt.goto(`${tb.url}/vervolgacties`))?.status()).toBe(403);
      await halt.context().close();
    } finally {
      tb.clock.now = was;
    }
  });
});
