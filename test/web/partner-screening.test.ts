/**
 * Journey: a partner's professional (a Halt-medewerker, capability `query` only) screens a youth
 * on the Screening page for a casus of the casusoverleg, typing the BSN, which is pseudonymised in
 * the browser. A BSN typed into the case number field by mistake is stopped in the browser too.
 * Every request the browser sends is searched for the BSN, in every spelling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { demoIdentities, expectNeverSent, recordRequests, submitAndWait, typeIdentity } from '../support/web-journeys.js';
import { openCase } from '../support/casus.js';
import { opaqueRef } from '../support/synthetic.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

describe.skipIf(!HAS_CHROMIUM)('partner: screening in the browser', { timeout: 90_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let youth: DemoIdentity & { bsn: string };
  const caseRef = opaqueRef('ZVH');

  beforeAll(async () => {
    tb = await startTestBroker();
    youth = demoIdentities(tb).find((i) => i.label === 'jongere-c') as DemoIdentity & { bsn: string };
    // The voorzitter put jongere-c (a police zorgsignaal only) on the casusoverleg's agenda.
    const token = await tb.token('demo-voorzitter');
    const { pseudonyms } = await pseudonymise({ baseUrl: `${tb.url}/custodian/v1`, token }, [{ bsn: youth.bsn }], { doel: 'jpp-casusoverleg' });
    await openCase(tb, [pseudonyms[0]!], { doel: 'jpp-casusoverleg', caseRef });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('screens by case number and typed BSN; the BSN, also in the wrong field, never leaves the browser', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-halt');
    expect(await page.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts()).toEqual(['Start', 'Screening', 'Uitnodigingen', 'Verzoektaken']); // Halt is a partner: its invitations (issue 18) and verzoektaken (issue 19)
    await page.click('nav >> text=Screening');
    await expectAccessible(page, 'screening form');

    // The BSN typed into the case number field: refused in the browser, nothing sent.
    const before = sent.length;
    await page.fill('#caseRef', youth.bsn);
    await typeIdentity(page, youth);
    await page.click('button:has-text("Vraag de partners")');
    expect(await textOf(page, '[data-guard-error-for="caseRef"]')).toContain('Casusnummer');
    expect(await page.getAttribute('#caseRef', 'aria-invalid')).toBe('true');
    expect(sent.slice(before).filter((s) => s.method === 'POST')).toEqual([]);
    await expectAccessible(page, 'screening form with the case number refused');

    await page.fill('#caseRef', caseRef);
    // Only the doelen the platform gives this role are offered.
    expect(await page.locator('#doel option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['jpp-casusoverleg']);
    await page.selectOption('#doel', 'jpp-casusoverleg');
    await typeIdentity(page, youth);
    await submitAndWait(page, 'Vraag de partners');
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    // The police zorgsignaal does not count for a Halt-medewerker: "niet bekend", with why.
    expect(await page.locator('tr[data-partner="politie"]').getAttribute('data-answer')).toBe('no-hit');
    expect(await textOf(page, 'tr[data-partner="politie"]')).toContain('telt als afwezig');
    await expectAccessible(page, 'screening result (partner)');
    await screenshot(page, 'partner-screening');

    expectNeverSent(sent, [youth]);
    const asked = new URLSearchParams(sent.find((s) => s.url === `${tb.url}/screening` && s.method === 'POST')!.body);
    expect([...asked.keys()].sort()).toEqual(['_csrf', 'caseRef', 'doel', 'identityKind', 'subject']);
    await page.context().close();
  });
});
