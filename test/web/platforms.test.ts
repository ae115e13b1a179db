/**
 * Journey: one broker process with two platforms in the browser. The start page lists them;
 * the voorzitter of JPT Hollands Midden logs in under the platform's path, screens a seeded
 * casus by typing the youth's BSN (pseudonymised in the browser with that platform's custodian),
 * and is not logged in at JPP Sittard-Geleen. Every page passes axe (WCAG 2.1 AA).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestPlatforms, type TestPlatforms } from '../support/test-platforms.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot } from '../support/browser.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

const JPT = 'jpt-hollands-midden';
const SITTARD = 'jpp-sittard-geleen';

describe.skipIf(!HAS_CHROMIUM)('several platforms in the browser', { timeout: 90_000 }, () => {
  let tp: TestPlatforms;
  let browser: Browser;
  beforeAll(async () => {
    tp = await startTestPlatforms();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  it('lists the platforms, and screens a JPT casus under its path without a session at the other platform', async () => {
    const page = await newPage(browser);
    const evaluations: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/custodian/evaluate')) evaluations.push(new URL(r.url()).pathname);
    });
    await page.goto(`${tp.url}/`);
    expect(await page.locator('h1').innerText()).toBe('Kies uw platform');
    await expectAccessible(page, 'the platforms page');
    await screenshot(page, 'platforms-kies-platform');

    await Promise.all([page.waitForURL(new RegExp(`/p/${JPT}/inloggen`)), page.click('a:has-text("Jeugd Preventie Team Hollands Midden")')]);
    await expectAccessible(page, 'login page of a platform under its path');
    const base = `${tp.url}/p/${JPT}`;
    await demoLogin(page, base, 'demo-voorzitter');
    expect(await page.locator('.site-name a').innerText()).toBe('Jeugd Preventie Team Hollands Midden');

    await page.click('nav >> text=Mijn casussen');
    await page.click('a:has-text("JPT-DEMO-0002")');
    await expectAccessible(page, 'a JPT casus');
    const identities = JSON.parse(readFileSync(join(tp.dataDir, JPT, 'demo-identities.json'), 'utf8')) as DemoIdentity[];
    const a = identities.find((i) => i.label === 'jongere-a') as { bsn: string } & DemoIdentity;
    await page.fill('#id-bsn', a.bsn);
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Vraag de partners")')]);
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    await expectAccessible(page, 'a JPT screening result');
    await screenshot(page, 'jpt-screening');
    const answers = Object.fromEntries(
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-partner'), r.getAttribute('data-answer')])),
    );
    expect(answers).toEqual({
      politie: 'hit',
      'veilig-thuis': 'hit',
      'gemeente-jeugdteam': 'no-hit',
      'gemeente-leerplicht': 'no-hit',
      jeugdbescherming: 'no-hit',
      rvdk: 'no-hit',
      halt: 'no-hit',
    });
    expect(evaluations).toEqual([`/p/${JPT}/web-api/custodian/evaluate`]);

    // The same browser has no session at the other platform.
    await page.goto(`${tp.url}/p/${SITTARD}/casussen`);
    expect(new URL(page.url()).pathname).toBe(`/p/${SITTARD}/inloggen`);
    expect(await page.locator('label[for="user-demo-veilig-thuis"]').count()).toBe(0);
    await page.context().close();
  }, 120_000);
});
