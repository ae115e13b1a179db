/**
 * Journey: the voorzitter opens a group casus in the browser with three youths (two by BSN, one
 * by name and birth date), each identity typed and pseudonymised in the browser in one request
 * to the custodian; screens the youths one by one, seeing which youth each answer is about and
 * which are screened; records notificatie per youth. Every request the browser sends is
 * intercepted and searched for the identities, in every spelling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { demoIdentities, expectNeverSent, fillAanmelding, recordRequests, submitAndWait, typeIdentity } from '../support/web-journeys.js';
import { opaqueRef } from '../support/synthetic.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

describe.skipIf(!HAS_CHROMIUM)('voorzitter: a group casus in the browser', { timeout: 120_000 }, () => {
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

  it('opens a casus for three youths, screens each, and keeps notificatie per youth; no identity leaves the browser', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/casussen/nieuw`);
    const caseRef = opaqueRef('ZVH');
    await page.fill('#caseRef', caseRef);
    await page.selectOption('#routeIn', 'halt');
    // Two more identity blocks; a fourth is added and taken away again.
    await page.click('button:has-text("Nog een jongere toevoegen")');
    await page.click('button:has-text("Nog een jongere toevoegen")');
    await page.click('button:has-text("Nog een jongere toevoegen")');
    expect(await page.locator('fieldset[data-identity-block]').count()).toBe(4);
    await page.click('button:has-text("Laatste jongere weghalen")');
    expect(await page.locator('fieldset[data-identity-block]').count()).toBe(3);
    expect(await textOf(page, '[data-identity-count]')).toContain('3 jongeren: een groepscasus');
    await expectAccessible(page, 'new group casus form');

    // The same youth twice is refused in the browser, and nothing is sent.
    await typeIdentity(page, id('jongere-a'), 1);
    await typeIdentity(page, id('jongere-a'), 2);
    await typeIdentity(page, id('jongere-f'), 3);
    const before = sent.length;
    await page.click('button:has-text("Casus openen")');
    expect(await textOf(page, 'fieldset[data-number="2"] [data-pseudonymise-error]')).toContain('Jongere 2 is dezelfde als jongere 1');
    expect(sent.slice(before).filter((s) => s.method === 'POST')).toEqual([]);
    await expectAccessible(page, 'new group casus form with an error');

    await typeIdentity(page, id('jongere-b'), 2);
    await fillAanmelding(page, [14, 15, 16], ['schil-jeugdgroep']);
    await screenshot(page, 'voorzitter-groepscasus-nieuw');
    await submitAndWait(page, 'Casus openen');
    await page.waitForURL(/\/casussen\/[0-9a-f-]{36}(\?gedaan=geopend)?$/);
    const casusUrl = page.url();
    expect(await page.getAttribute('[data-kind]', 'data-kind')).toBe('group');
    expect(await page.locator('[data-subject]').count()).toBe(3);
    expect(await page.getAttribute('[data-screened-count]', 'data-screened-count')).toBe('0');
    await expectAccessible(page, 'group casus');

    // One evaluation for the three youths; the casus got three different pseudonyms and nothing else about them.
    const evaluations = sent.filter((s) => s.url.endsWith('/web-api/custodian/evaluate'));
    expect(evaluations).toHaveLength(1);
    expect(JSON.parse(evaluations[0]!.body).blindedElements).toHaveLength(3);
    const opened = new URLSearchParams(sent.find((s) => s.url === `${tb.url}/casussen` && s.method === 'POST')!.body);
    const subjects = opened.getAll('subject');
    expect(subjects).toHaveLength(3);
    for (const s of subjects) expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(subjects).size).toBe(3);

    // Screen youth 3 (no BSN), then youth 1: each answer says which youth it is about.
    await typeIdentity(page, id('jongere-f'));
    await submitAndWait(page, 'Vraag de partners');
    expect(await textOf(page, '[data-screened-subject]')).toBe('Jongere 3 van 3');
    expect(await page.locator('tr[data-partner="gemeente-jeugdboa"]').getAttribute('data-answer')).toBe('hit');
    await expectAccessible(page, 'screening result in a group casus');
    await page.goto(casusUrl);
    await typeIdentity(page, id('jongere-a'));
    await submitAndWait(page, 'Vraag de partners');
    expect(await textOf(page, '[data-screened-subject]')).toBe('Jongere 1 van 3');
    expect(await page.locator('tr[data-partner="politie"]').getAttribute('data-answer')).toBe('hit');
    await page.goto(casusUrl);
    expect(await page.getAttribute('[data-screened-count]', 'data-screened-count')).toBe('2');
    expect(await page.locator('[data-subject]').evaluateAll((els) => els.map((e) => e.querySelector('[data-screenings]')!.getAttribute('data-screenings')))).toEqual(['1', '0', '1']);

    // A youth who is not in this casus is refused: no free search, and the field is named.
    await typeIdentity(page, id('jongere-c'));
    await submitAndWait(page, 'Vraag de partners');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Identiteit van de jongere');
    expect(await page.getAttribute('[data-screened-count]', 'data-screened-count')).toBe('2');

    // Notificatie per youth: youth 2 informed, youth 3 deferred.
    await page.goto(casusUrl);
    await page.selectOption('#n-state-1', 'informed');
    await page.fill('#n-informed-1', new Date().toISOString().slice(0, 10));
    await Promise.all([page.waitForEvent('load'), page.click('[data-subject="1"] button:has-text("Vastleggen")')]);
    await page.selectOption('#n-state-2', 'deferred');
    await page.selectOption('#n-reason-2', 'lopend-onderzoek');
    await page.fill('#n-until-2', new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
    await Promise.all([page.waitForEvent('load'), page.click('[data-subject="2"] button:has-text("Vastleggen")')]);
    expect(await textOf(page, '[data-subject="0"]')).toContain('Nog niet geïnformeerd');
    expect(await textOf(page, '[data-subject="1"]')).toContain('Geïnformeerd');
    expect(await textOf(page, '[data-subject="2"]')).toContain('Uitgesteld (Lopend onderzoek, tot ');
    await expectAccessible(page, 'group casus with notificatie');
    await screenshot(page, 'voorzitter-groepscasus', 1400, '#notif-title');

    // The own list shows it as a group of three.
    await page.goto(`${tb.url}/casussen`);
    expect(await page.getAttribute(`tr[data-case="${caseRef}"] [data-subject-count]`, 'data-subject-count')).toBe('3');

    expectNeverSent(sent, [id('jongere-a'), id('jongere-b'), id('jongere-c'), id('jongere-f')]);
    await page.context().close();
  });

  it('names the youth and the field when the service refuses a group: a caseRef in use', async () => {
    const page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/casussen/nieuw`);
    await page.fill('#caseRef', 'ZVH-DEMO-0001');
    await page.click('button:has-text("Nog een jongere toevoegen")');
    await typeIdentity(page, id('jongere-d'), 1);
    await typeIdentity(page, id('jongere-e'), 2);
    await fillAanmelding(page, [15, 15]);
    const before = (await tb.call('GET', '/v1/cases?mine=true&limit=200', { token: await tb.token('demo-voorzitter') })).body.items.length;
    await submitAndWait(page, 'Casus openen');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Casusnummer');
    // Two identity blocks again, for the voorzitter to type again; nothing was written.
    expect(await page.locator('fieldset[data-identity-block]').count()).toBe(2);
    expect((await tb.call('GET', '/v1/cases?mine=true&limit=200', { token: await tb.token('demo-voorzitter') })).body.items.length).toBe(before);
    await expectAccessible(page, 'group casus form refused');
    await page.context().close();
  });
});
