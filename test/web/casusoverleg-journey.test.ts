/**
 * Journey (issue 18, "Done when"): tried as a voorzitter and as a Halt-medewerker would. A casus is
 * opened with its criteria and age, screened, and put on a casusoverleg's agenda; Halt, which has a
 * hit, sees the casus and its own matching kenmerk (not the police's); jongerenwerk, without consent,
 * is not invited (the voorzitter sees why) and sees nothing; the regiehouder is set; a vervolgactie
 * becomes overdue and is listed for the regiehouder. axe on every new page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, textOf } from '../support/browser.js';
import { expectDutchOnly } from '../support/reflow.js';
import { day, opaqueRef } from '../support/synthetic.js';
import { demoIdentities, fillAanmelding, submitAndWait, typeIdentity } from '../support/web-journeys.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

const DAY = 86_400_000;
const BEHEERDER = { kind: 'person', id: 'demo-beheerder', organisation: 'zvh-limburg-noord', role: 'functioneel-beheerder' } as const;

describe.skipIf(!HAS_CHROMIUM)('the casusoverleg in the browser', { timeout: 300_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let identities: DemoIdentity[];
  const id = (label: string): DemoIdentity => identities.find((i) => i.label === label)!;
  /** Ids a page must show by name: the platform's (with a hyphen) and the codes of the casusoverleg. */
  let rawIds: string[];

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    identities = demoIdentities(tb);
    const p = tb.broker.platform;
    rawIds = [
      ...[...p.roles, ...p.doelen, ...p.partners].map((x) => x.id).filter((x) => x.includes('-')),
      'toestemming-nodig', 'geen-regel', 'betrokken-bij-gezin', 'halt-interventie', 'first-offender', 'uitnodigen-met-toestemming',
    ];
    await tb.broker.register.people.register(BEHEERDER, { personId: 'demo-jongerenwerker-test', displayName: 'Jongerenwerker (test)', organisation: 'jongerenwerk', roles: [{ role: 'jongerenwerker' }] }, 'journey');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('from aanmelding to an invited Halt-medewerker and an overdue vervolgactie', async () => {
    // The voorzitter opens a casus with its criteria and age, and screens it: Halt knows the youth.
    const page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    const caseRef = opaqueRef('ZVH');
    await page.goto(`${tb.url}/casussen/nieuw`);
    await page.fill('#caseRef', caseRef);
    await fillAanmelding(page, [15], ['first-offender']);
    await typeIdentity(page, id('jongere-a'));
    await submitAndWait(page, 'Casus openen');
    await page.waitForURL(/\/casussen\/[0-9a-f-]{36}\?gedaan=geopend$/);
    const casusUrl = page.url().split('?')[0]!;
    const caseId = casusUrl.split('/').pop()!;
    await typeIdentity(page, id('jongere-a'));
    await submitAndWait(page, 'Vraag de partners');
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    expect(await page.getAttribute('tr[data-partner="halt"]', 'data-answer')).toBe('hit');
    expect(await page.getAttribute('tr[data-partner="jongerenwerk"]', 'data-answer')).toBe('not-permitted');

    // A casusoverleg is planned and the casus put on its agenda; jongerenwerk is added, but the policy needs consent.
    await page.goto(`${tb.url}/casusoverleggen`);
    await expectAccessible(page, 'casusoverleg list');
    await page.fill('#co-date', day(tb.clock.now, 2));
    await submitAndWait(page, 'Plannen');
    await page.waitForURL(/\/casusoverleggen\/[0-9a-f-]{36}\?gedaan=gepland$/);
    await page.selectOption('#ag-case', caseId);
    await page.selectOption('#ag-partner', 'jongerenwerk');
    await page.selectOption('#ag-reason', 'betrokken-bij-gezin');
    await submitAndWait(page, 'Op de agenda zetten');
    expect(await textOf(page, `[data-agenda-case="${caseRef}"] tr[data-invited="halt"]`)).toContain('sittard-geleen@halt.example');
    expect(await textOf(page, `[data-agenda-case="${caseRef}"] tr[data-invited="halt"]`)).toContain('Wetboek van Strafrecht art. 77e');
    expect(await textOf(page, '[data-excluded-partner="jongerenwerk"]')).toContain('alleen worden uitgenodigd met toestemming');
    await expectAccessible(page, 'casusoverleg agenda with invitations');
    await expectDutchOnly(page, 'casusoverleg agenda', rawIds);

    // Bespreking: the regiehouder (Halt) and a vervolgactie for Halt, due tomorrow.
    await page.goto(casusUrl);
    for (const to of ['in-screening', 'besproken']) {
      await page.selectOption('#to', to);
      await submitAndWait(page, 'Status wijzigen');
    }
    await page.selectOption('#rh-partner', 'halt');
    await submitAndWait(page, 'Regie toewijzen');
    expect(await page.getAttribute('[data-regiehouder]', 'data-regiehouder')).toBe('halt');
    await page.selectOption('#va-partner', 'halt');
    await page.selectOption('#va-kind', 'halt-interventie');
    await page.fill('#va-due', day(tb.clock.now, 1));
    await submitAndWait(page, 'Toevoegen');
    expect(await textOf(page, 'table[data-vervolgacties]')).toContain('Halt-interventie');
    await expectAccessible(page, 'casus with regie');
    await page.context().close();

    // Halt's professional sees the casus with Halt's own kenmerk only, never the police's.
    const own = async (partner: string): Promise<string[]> => {
      const res = await tb.call('GET', '/v1/invitations', { token: await tb.adapterToken(partner) });
      return res.body.items.find((i: { caseRef: string }) => i.caseRef === caseRef)?.ownRefs ?? [];
    };
    const haltRefs = await own('halt');
    const politieRefs = await own('politie');
    expect(haltRefs.length).toBeGreaterThan(0);
    expect(politieRefs.length).toBeGreaterThan(0);
    const halt = await newPage(browser);
    await demoLogin(halt, tb.url, 'demo-halt');
    await halt.goto(`${tb.url}/uitnodigingen`);
    const row = await textOf(halt, `tr[data-invitation="${caseRef}"]`);
    for (const ref of haltRefs) expect(row).toContain(ref);
    const pageText = await halt.locator('main').innerText();
    for (const ref of politieRefs) expect(pageText).not.toContain(ref);
    expect(row).toContain('Halt-interventie');
    await expectAccessible(halt, 'uitnodigingen (Halt)');
    await expectDutchOnly(halt, 'uitnodigingen (Halt)', rawIds);
    await halt.context().close();

    // Jongerenwerk, not invited without consent, sees nothing of the casus.
    const jw = await newPage(browser);
    await demoLogin(jw, tb.url, 'demo-jongerenwerker-test');
    await jw.goto(`${tb.url}/uitnodigingen`);
    expect(await jw.locator(`tr[data-invitation="${caseRef}"]`).count()).toBe(0);
    expect(await jw.locator('main').innerText()).not.toContain(caseRef);
    await expectAccessible(jw, 'uitnodigingen (jongerenwerk, none)');
    await jw.context().close();

    // Three days on, the vervolgactie is overdue: the regiehouder (Halt) sees it listed.
    const was = tb.clock.now;
    tb.clock.now = new Date(was.getTime() + 3 * DAY);
    try {
      const later = await newPage(browser);
      await demoLogin(later, tb.url, 'demo-halt');
      await later.goto(`${tb.url}/uitnodigingen`);
      expect(await textOf(later, `table[data-regie-overdue] tr[data-overdue-case="${caseRef}"]`)).toContain('Halt-interventie');
      expect(await textOf(later, `tr[data-invitation="${caseRef}"]`)).toContain('over tijd');
      await expectAccessible(later, 'uitnodigingen with an overdue vervolgactie');
      await later.context().close();
    } finally {
      tb.clock.now = was;
    }
  });
});
