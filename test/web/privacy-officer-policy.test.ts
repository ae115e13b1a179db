/**
 * Journey: two privacy officers change the policy in the browser. The first copies the active
 * version, adds a rule in the table editor (the lint finding appears beside it), fixes it, sees
 * the tests and the diff, and submits; the second reviews the impact preview, must confirm
 * explicitly that the version opens new access, approves and activates; the simulator then
 * explains a decision of the new version. Finally the first officer rolls back to the version
 * that was active before: a new draft with its rules, which goes through the same four eyes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { askAs } from '../support/web-journeys.js';

describe.skipIf(!HAS_CHROMIUM)('privacy officer: a policy change with four eyes', { timeout: 90_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let page: Page;
  let draft: string;

  beforeAll(async () => {
    tb = await startTestBroker();
    // A jeugdBOA asked before: today every partner is not-permitted for that role in screening.
    await askAs(tb, 'demo-jeugdboa', 'jpp-screening');
    browser = await launchBrowser();
    page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-fg');
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('lists the versions and copies the active one into a draft', async () => {
    await page.click('nav >> text=Beleid');
    await expectAccessible(page, 'policy versions');
    expect(await page.getAttribute('tr[data-version="1"]', 'data-status')).toBe('active');
    await Promise.all([page.waitForURL(/\/beleid\/\d+$/), page.click('button:has-text("Nieuw concept")')]);
    draft = page.url().split('/').pop()!;
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('draft');
    await expectAccessible(page, 'policy draft with the rule editor');
  });

  it('shows a lint finding beside a new rule, and refuses to submit until it is fixed', async () => {
    const row = (await page.locator('table[data-rules] tbody tr').count()) - 1;
    await page.fill(`#rule-${row}-id`, 'W01');
    await page.selectOption(`#rule-${row}-role`, 'jeugdboa');
    await page.selectOption(`#rule-${row}-doel`, 'jpp-screening');
    await page.selectOption(`#rule-${row}-partner`, 'halt');
    await page.selectOption(`#rule-${row}-category`, 'halt-afdoening');
    await page.click('button:has-text("Regels opslaan")');
    await page.waitForSelector('.utrecht-alert');
    expect(await textOf(page, 'tr[data-rule="W01"] [data-lint]')).toMatch(/Fout: .*grondslag/i);
    await screenshot(page, 'privacy-officer-regeleditor');
    await page.click('button:has-text("Indienen")');
    await page.waitForSelector('.utrecht-alert--error');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('draft');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('/rules/');

    await page.fill('tr[data-rule="W01"] input[name$="-grondslag"]', 'AVG art. 10 jo. Wetboek van Strafrecht art. 77e (voorbeeld)');
    await page.click('button:has-text("Regels opslaan")');
    await page.waitForSelector('.utrecht-alert--ok');
    expect(await textOf(page, 'tr[data-rule="W01"] [data-lint]')).not.toMatch(/Fout/);
    expect(await textOf(page, '[data-diff-added]')).toContain('W01');
    expect(await textOf(page, '[data-tests-summary]')).toMatch(/\d+ geslaagd, 0 mislukt/);
    await page.click('button:has-text("Indienen")');
    await page.waitForSelector('.utrecht-alert--ok');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('submitted');
    // The author cannot review their own draft.
    expect(await page.locator('a:has-text("Beoordelen")').count()).toBe(0);
  });

  it('lets a second officer approve only with explicit confirmation of the new access, then activate', async () => {
    const second = await newPage(browser);
    await demoLogin(second, tb.url, 'demo-fg-2');
    await second.goto(`${tb.url}/beleid/${draft}`);
    await Promise.all([second.waitForURL(/beoordelen$/), second.click('a:has-text("Beoordelen")')]);
    await expectAccessible(second, 'policy review with the impact preview');
    expect(Number(await second.getAttribute('[data-newly-allowed]', 'data-newly-allowed'))).toBeGreaterThan(0);
    await screenshot(second, 'privacy-officer-beoordelen');
    await second.click('button:has-text("Goedkeuren")');
    await second.waitForSelector('.utrecht-alert--error');
    expect(await textOf(second, '.utrecht-alert--error')).toContain('confirmNewAccess');
    await second.check('#confirmNewAccess');
    await second.click('button:has-text("Goedkeuren")');
    await second.waitForSelector('.utrecht-alert--ok');
    expect(await second.getAttribute('[data-status]', 'data-status')).toBe('approved');
    await second.click('button:has-text("Activeren")');
    await second.waitForSelector('.utrecht-alert--ok');
    expect(await second.getAttribute('[data-status]', 'data-status')).toBe('active');
    await second.context().close();
  });

  it('explains decisions in the simulator, with the nearest rule for a denial', async () => {
    await page.goto(`${tb.url}/beleid/${draft}/simulator?role=jeugdboa&doel=jpp-screening&partner=halt&category=halt-afdoening&action=bevragen`);
    expect(await page.getAttribute('[data-decision]', 'data-decision')).toBe('allow');
    expect(await textOf(page, '[data-decision]')).toContain('W01');
    await page.goto(`${tb.url}/beleid/${draft}/simulator?role=jeugdboa&doel=jpp-screening&partner=politie&category=politie-registratie&action=bevragen`);
    expect(await page.getAttribute('[data-decision]', 'data-decision')).toBe('deny');
    expect(await page.locator('[data-nearest] li').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'simulator');
    await screenshot(page, 'privacy-officer-simulator');
  });

  it('rolls back to the superseded version from its page: a new draft with exactly its rules', async () => {
    // A jurist reads the policy but may not roll it back: no form, and the page refuses the POST.
    const jurist = await newPage(browser);
    await demoLogin(jurist, tb.url, 'demo-jurist');
    await jurist.goto(`${tb.url}/beleid/1`);
    expect(await jurist.getAttribute('[data-status]', 'data-status')).toBe('superseded');
    expect(await jurist.locator('form[data-rollback]').count()).toBe(0);
    const refused = await jurist.evaluate(async () => {
      const token = document.querySelector<HTMLInputElement>('input[name="_csrf"]')!.value;
      const res = await fetch('/beleid/1/terugdraaien', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token }).toString() });
      return res.status;
    });
    expect(refused).toBe(403);
    await jurist.context().close();

    const versionsBefore = (await tb.call('GET', '/v1/policies', { token: await tb.token('demo-fg') })).body.items.length;
    await page.goto(`${tb.url}/beleid/1`);
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('superseded');
    await expectAccessible(page, 'superseded version with the rollback form');
    // The active version (the draft made above) cannot be rolled back to: no form there.
    const active = await page.goto(`${tb.url}/beleid/${draft}`);
    expect(active!.status()).toBe(200);
    expect(await page.locator('form[data-rollback]').count()).toBe(0);

    await page.goto(`${tb.url}/beleid/1`);
    await page.fill('#rollback-note', 'W01 terug: toch niet proportioneel');
    await screenshot(page, 'privacy-officer-terugdraaien', 1000);
    await Promise.all([page.waitForURL(/\/beleid\/\d+$/), page.click('button:has-text("Terugdraaien naar deze versie")')]);
    const rolledBack = page.url().split('/').pop()!;
    expect(Number(rolledBack)).toBeGreaterThan(Number(draft));
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('draft');
    expect(await textOf(page, 'dl.facts')).toContain('versie 1');
    expect(await textOf(page, 'dl.facts')).toContain('W01 terug: toch niet proportioneel');
    // Exactly the rules of version 1: W01 is gone, which the diff against the active version shows.
    const [v1, copy] = await Promise.all([
      tb.call('GET', '/v1/policies/1', { token: await tb.token('demo-fg') }),
      tb.call('GET', `/v1/policies/${rolledBack}`, { token: await tb.token('demo-fg') }),
    ]);
    expect(copy.body.rules).toEqual(v1.body.rules);
    expect(copy.body.contentHash).toBe(v1.body.contentHash);
    expect(await page.locator('tr[data-rule="W01"]').count()).toBe(0);
    expect(await textOf(page, '[data-diff-removed]')).toContain('W01');
    await expectAccessible(page, 'the rollback draft');
    expect((await tb.call('GET', '/v1/policies', { token: await tb.token('demo-fg') })).body.items.length).toBe(versionsBefore + 1);
  });
});
