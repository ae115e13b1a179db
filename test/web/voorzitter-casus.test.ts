/**
 * Journey: the voorzitter opens a casus in the browser by typing the youth's BSN (or, without
 * BSN, name and birth date), screens it, moves it through its statuses with vervolgacties and
 * notificatie, and closes it; the list of own cases shows overdue notifications. The identity is
 * pseudonymised in the browser: every request the browser sends is intercepted and searched
 * for it, in every spelling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, demoSession, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { opaqueRef } from '../support/synthetic.js';
import { expectDutchOnly } from '../support/reflow.js';
import { demoIdentities, fillAanmelding, recordRequests, submitAndWait, typeIdentity } from '../support/web-journeys.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

/** Fills the identity fields and submits; waits for the next page. */
async function typeIdentityAndSubmit(page: Page, identity: DemoIdentity, button: string): Promise<void> {
  await typeIdentity(page, identity);
  await submitAndWait(page, button);
}

describe.skipIf(!HAS_CHROMIUM)('voorzitter: a casus in the browser', { timeout: 90_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let identities: DemoIdentity[];
  const id = (label: string): DemoIdentity => identities.find((i) => i.label === label)!;

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    identities = demoIdentities(tb);
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('opens a casus by BSN, screens it, and moves it to afgesloten; the BSN never leaves the browser', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await expectAccessible(page, 'start page (voorzitter)');
    const menu = await page.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts();
    expect(menu).toContain('Mijn casussen');
    expect(menu).not.toContain('Logboek');

    await page.click('nav >> text=Mijn casussen');
    await expectAccessible(page, 'own cases');
    await page.click('a:has-text("Nieuwe casus")');
    await expectAccessible(page, 'new casus form');
    const caseRef = opaqueRef('ZVH');
    await page.fill('#caseRef', caseRef);
    await page.selectOption('#doel', 'jpp-screening');
    await page.selectOption('#routeIn', 'politie');
    await fillAanmelding(page, [15], ['signaalgedrag', 'first-offender']);
    const a = id('jongere-a') as { bsn: string } & DemoIdentity;
    await typeIdentityAndSubmit(page, a, 'Casus openen');
    await page.waitForURL(/\/casussen\/[0-9a-f-]{36}(\?gedaan=geopend)?$/);
    const casusUrl = page.url();
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('aangemeld');
    expect(await page.getAttribute('[data-aanmeldcriteria]', 'data-aanmeldcriteria')).toBe('first-offender signaalgedrag');
    expect(await page.getAttribute('[data-age-band]', 'data-age-band')).toBe('12-15');
    await expectAccessible(page, 'casus page');

    // Screening inside the casus: the identity typed again, pseudonymised again.
    await typeIdentityAndSubmit(page, a, 'Vraag de partners');
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    await expectAccessible(page, 'screening result');
    await screenshot(page, 'voorzitter-screening');
    const answers = Object.fromEntries(
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-partner'), r.getAttribute('data-answer')])),
    );
    expect(answers).toMatchObject({ politie: 'hit', halt: 'hit', 'gemeente-leerplicht': 'hit', 'gemeente-jeugdboa': 'no-hit', jongerenwerk: 'not-permitted' });
    expect(await textOf(page, 'tr[data-partner="jongerenwerk"]')).toContain('Er is bij deze partner niets opgezocht');
    expect(await textOf(page, 'tr[data-partner="politie"]')).toContain('Wpg');

    // Through the statuses, with a vervolgactie and the notificatie.
    await page.goto(casusUrl);
    const move = async (to: string, extra?: { reason?: string; outcome?: string }): Promise<void> => {
      await page.selectOption('#to', to);
      if (extra?.reason) await page.selectOption('#reason', extra.reason);
      if (extra?.outcome) await page.selectOption('#outcome', extra.outcome);
      await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Status wijzigen")')]);
      if (to === 'afgesloten') {
        // Closing cannot be undone: a confirmation step first.
        expect(await textOf(page, 'h1')).toContain('afsluiten?');
        await expectAccessible(page, 'confirm closing');
        await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Ja, casus afsluiten")')]);
      }
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe(to);
      expect(await textOf(page, '[data-done]')).toBe('De status is gewijzigd.');
    };
    await move('in-screening');
    await move('besproken');
    await page.selectOption('#va-partner', 'halt');
    await page.selectOption('#va-kind', 'halt-interventie');
    await page.fill('#va-due', new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10));
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Toevoegen")')]);
    expect(await textOf(page, 'table[data-vervolgacties]')).toContain('Halt-interventie');
    expect(await textOf(page, '[data-done]')).toBe('De vervolgactie is toegevoegd.');
    await move('vervolg');
    await Promise.all([page.waitForEvent('load'), page.click('table[data-vervolgacties] button:has-text("Afgerond")')]);
    expect(await page.locator('table[data-vervolgacties] button').count()).toBe(0);
    await page.selectOption('#n-state-0', 'informed');
    await page.fill('#n-informed-0', new Date().toISOString().slice(0, 10));
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Vastleggen")')]);
    expect(await textOf(page, '[data-subject="0"]')).toContain('Geïnformeerd');
    expect(await textOf(page, '[data-done]')).toBe('De notificatie is vastgelegd.');
    // The regiehouder, and a consent recorded and withdrawn.
    await page.selectOption('#rh-partner', 'halt');
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Regie toewijzen")')]);
    await page.selectOption('#tg-by', 'beiden');
    await page.fill('#tg-until', new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10));
    await page.check('#tg-partner-jongerenwerk');
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Toestemming vastleggen")')]);
    await Promise.all([page.waitForEvent('load'), page.click('table[data-consents] button:has-text("Ingetrokken")')]);
    // The history names every step and who took it, by name (issue 23 item 4), oldest first.
    const rows = await page.locator('table[data-history] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const byOf = (what: string): string[] => rows.filter((r) => r[1]!.startsWith(what)).map((r) => r[2]!);
    for (const what of [
      'Aanmelding: casus geopend', 'Status Aangemeld → In screening', 'Vervolgactie toegevoegd: Halt-interventie', 'Vervolgactie afgerond: Halt-interventie',
      'Regiehouder vastgelegd: Halt', 'Toestemming vastgelegd: De jongere en een ouder', 'Toestemming ingetrokken', 'Notificatie: de jongere geïnformeerd',
    ]) expect(byOf(what), what).toEqual(['Demo voorzitter (ZVH)']);
    // (The test broker's clock stands still: the order of steps is tested in test/unit/casus-history.test.ts.)
    const history = await textOf(page, 'table[data-history]');
    expect(history).not.toContain('demo-voorzitter');
    expect(history).not.toContain('niet vastgelegd');
    const p = tb.broker.platform;
    await expectDutchOnly(page, 'casus history', [...[...p.roles, ...p.doelen, ...p.partners].map((x) => x.id).filter((x) => x.includes('-')), 'halt-interventie', 'demo-voorzitter']);
    await expectAccessible(page, 'casus with vervolgactie and notificatie');
    await screenshot(page, 'voorzitter-casus');
    // Closing needs an outcome: without it the service refuses, naming the field.
    await page.selectOption('#to', 'afgesloten');
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Status wijzigen")')]);
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Uitkomst: vul dit in.');
    await move('afgesloten', { outcome: 'doelen-bereikt' });
    // A closed casus offers only what still applies: no screening, no notificatie, no vervolgactie.
    expect(await page.locator('form[action$="/screening"]').count()).toBe(0);
    expect(await page.locator('form[action*="/notificatie"], form[action$="/vervolgacties"], form[action$="/status"]').count()).toBe(0);

    // The voorzitter finds the casus by (part of) its number, and by "over tijd" (none here).
    await page.goto(`${tb.url}/casussen`);
    await page.fill('#f-casusnummer', caseRef.slice(0, -2).toLowerCase());
    await Promise.all([page.waitForURL(/casusnummer=/), page.click('button:has-text("Zoeken")')]);
    expect(await page.locator('tr[data-case]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')))).toContain(caseRef);
    await expectAccessible(page, 'casus search');
    await page.goto(`${tb.url}/casussen?casusnummer=${encodeURIComponent(caseRef)}&over-tijd=ja`);
    expect(await page.locator('[data-case-count="0"]').count()).toBe(1);

    // The typed BSN appears in no request: not in a URL, header or body, in any spelling.
    const forms = [a.bsn, `${a.bsn.slice(0, 4)}.${a.bsn.slice(4, 6)}.${a.bsn.slice(6)}`, `jpp-id:v1:bsn:${a.bsn}`, Buffer.from(`jpp-id:v1:bsn:${a.bsn}`).toString('base64url')];
    expect(sent.length).toBeGreaterThan(10);
    for (const s of sent) for (const f of forms) expect(`${s.url}\n${s.headers}\n${s.body}`).not.toContain(f);
    const evaluations = sent.filter((s) => s.url.endsWith('/web-api/custodian/evaluate'));
    expect(evaluations).toHaveLength(2);
    for (const e of evaluations) expect(JSON.parse(e.body)).toMatchObject({ epoch: 1, doel: 'jpp-screening', blindedElements: [expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)] });
    const opened = new URLSearchParams(sent.find((s) => s.url === `${tb.url}/casussen` && s.body.includes('subject='))!.body);
    expect(opened.get('subject')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([...opened.keys()].sort()).toEqual(['_csrf', 'aanmeldcriteria', 'aanmeldcriteria', 'age', 'caseRef', 'doel', 'identityKind', 'routeIn', 'subject']);
    expect(opened.get('age')).toBe('15');
    await page.context().close();
  }, 300_000);

  it('opens a casus without BSN: surname, first name and birth date stay in the browser', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoSession(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/casussen/nieuw`);
    await page.fill('#caseRef', opaqueRef('ZVH'));
    const f = id('jongere-f') as unknown as { surname: string; firstName: string; birthDate: string } & DemoIdentity;
    await fillAanmelding(page, [16]);
    await typeIdentityAndSubmit(page, f, 'Casus openen');
    await page.waitForURL(/\/casussen\/[0-9a-f-]{36}(\?gedaan=geopend)?$/);
    await typeIdentityAndSubmit(page, f, 'Vraag de partners');
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    expect(await page.locator('tr[data-partner="gemeente-jeugdboa"]').getAttribute('data-answer')).toBe('hit');
    const surnameWord = f.surname.split(' ').pop()!;
    for (const s of sent) {
      const all = `${s.url}\n${s.headers}\n${s.body}`;
      expect(all).not.toContain(surnameWord);
      expect(all).not.toContain(f.birthDate);
    }
    await page.context().close();
  });

  it('refuses an invalid BSN in the browser and sends nothing to the custodian', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoSession(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/casussen/nieuw`);
    await page.fill('#caseRef', opaqueRef('ZVH'));
    await page.fill('#id-bsn', '123456789');
    await page.click('button:has-text("Casus openen")');
    expect(await textOf(page, '[data-pseudonymise-error]')).toContain('elfproef');
    expect(sent.filter((s) => s.url.includes('/web-api/'))).toEqual([]);
    expect(sent.filter((s) => s.body.includes('123456789'))).toEqual([]);
    await expectAccessible(page, 'new casus form with an error');
    await page.context().close();
  });

  it('refuses an aanmelding outside the doelgroep or without criteria, in Dutch, and stores nothing', async () => {
    const page = await newPage(browser);
    await demoSession(page, tb.url, 'demo-voorzitter');
    const count = async (): Promise<number> => (await tb.call('GET', '/v1/cases?mine=true&limit=200', { token: await tb.token('demo-voorzitter') })).body.items.length;
    const before = await count();
    await page.goto(`${tb.url}/casussen/nieuw`);
    await page.fill('#caseRef', opaqueRef('ZVH'));
    await fillAanmelding(page, [28]);
    await typeIdentityAndSubmit(page, id('jongere-e'), 'Casus openen');
    await page.waitForSelector('.utrecht-alert--error');
    const outside = await textOf(page, '.utrecht-alert--error');
    expect(outside).toContain('valt buiten de doelgroep van dit platform: 0 tot en met 27 jaar');
    expect(outside).not.toContain('/agesAtAanmelding');
    await expectAccessible(page, 'aanmelding outside the doelgroep');
    // No criterium ticked: refused as well, with the age kept in the form.
    await page.goto(`${tb.url}/casussen/nieuw`);
    await page.fill('#caseRef', opaqueRef('ZVH'));
    await fillAanmelding(page, [12], []);
    await typeIdentityAndSubmit(page, id('jongere-e'), 'Casus openen');
    await page.waitForSelector('.utrecht-alert--error');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Kies ten minste één aanmeldcriterium');
    expect(await page.inputValue('#age')).toBe('12');
    expect(await count()).toBe(before);
    await page.context().close();
  });

  it('lists own cases with the notifications that are overdue', async () => {
    const page = await newPage(browser);
    await demoSession(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/casussen/nieuw`);
    const caseRef = opaqueRef('ZVH');
    await page.fill('#caseRef', caseRef);
    await fillAanmelding(page, [14]);
    await typeIdentityAndSubmit(page, id('jongere-e'), 'Casus openen');
    await page.waitForURL(/\/casussen\/[0-9a-f-]{36}(\?gedaan=geopend)?$/);
    tb.clock.now = new Date(Date.now() + 60 * 86_400_000);
    try {
      // Sixty days on, the session has expired too: log in again.
      await demoLogin(page, tb.url, 'demo-voorzitter');
      await page.goto(`${tb.url}/casussen`);
      expect(await textOf(page, 'table[data-overdue]')).toContain(caseRef);
      expect(await textOf(page, `tr[data-case="${caseRef}"]`)).toContain('over tijd');
      await expectAccessible(page, 'own cases with overdue notifications');
      await screenshot(page, 'voorzitter-casussen');
    } finally {
      tb.clock.now = new Date();
    }
    await page.context().close();
  });
});
