/**
 * Every page a Dutch professional works in all day, at 200% zoom of a 1280 px window (WCAG 1.4.4
 * resize text, 1.4.10 reflow) and in Dutch only: no English, no JSON Pointer, no raw id of the
 * platform or the demo on the page (issue 23). axe checks each page at 1280 px as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoSession, expectAccessible, launchBrowser, newPage } from '../support/browser.js';
import { expectDutchOnly, expectReadable, newZoomedPage } from '../support/reflow.js';
import { openCase } from '../support/casus.js';
import { randomPseudonym } from '../support/synthetic.js';

const RAW_IDS = [
  'demo-voorzitter', 'demo-jurist', 'demo-fg', 'demo-halt', 'zvh-limburg-noord', 'jpp-screening', 'jpp-casusoverleg', 'halt-interventie',
  'lopend-onderzoek', 'not-permitted', 'no-hit', 'in-screening', 'gemeente-jeugdboa', 'pre-forensisch-jeugdwerk', 'disclosure', 'jpp-bevraging',
  'legitimatiebewijs-getoond', 'ouder-of-voogd', 'functioneel-beheerder', 'halt-medewerker',
];

describe.skipIf(!HAS_CHROMIUM)('every page at 200% zoom and in Dutch only', { timeout: 120_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let caseId: string;
  let verzoekId: string;

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    const voorzitter = await tb.token('demo-voorzitter');
    const subject = randomPseudonym();
    const c = await openCase(tb, [subject]);
    caseId = c.caseId;
    expect((await tb.call('POST', '/v1/queries', { token: voorzitter, body: { subject, doel: 'jpp-screening', caseId } })).status).toBe(200);
    for (const to of ['in-screening', 'besproken']) await tb.call('POST', `/v1/cases/${caseId}/transitions`, { token: voorzitter, body: { to } });
    await tb.call('PUT', `/v1/cases/${caseId}/regiehouder`, { token: voorzitter, body: { partner: 'halt' } });
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await tb.call('POST', `/v1/cases/${caseId}/vervolgacties`, { token: voorzitter, body: { partner: 'halt', kind: 'halt-interventie', dueDate: due } });
    const v = await tb.call('POST', '/v1/verzoeken', {
      token: await tb.token('demo-jurist'),
      body: { subject: randomPseudonym(), type: 'inzage', receivedOn: new Date().toISOString().slice(0, 10), requester: 'ouder-of-voogd', identityCheck: 'legitimatiebewijs-getoond' },
    });
    expect(v.status, v.text).toBe(201);
    verzoekId = v.body.verzoekId;
    await tb.broker.sequencer.drain({ forceCheckpoint: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  // Shown on purpose: a verzoek's kenmerk (quoted in letters), a person's login name and an adapter's
  // client id at the identity provider (what the beheerder registers). Everything else by name.
  const pages: Array<[string, string, () => string, string[]?]> = [
    ['demo-voorzitter', 'mijn casussen', () => '/casussen'],
    ['demo-voorzitter', 'een casus', () => `/casussen/${caseId}`],
    ['demo-voorzitter', 'een nieuwe casus', () => '/casussen/nieuw'],
    ['demo-voorzitter', 'vervolgacties over tijd', () => '/vervolgacties'],
    ['demo-halt', 'uitnodigingen', () => '/uitnodigingen'],
    ['demo-jurist', 'het logboek', () => '/logboek'],
    ['demo-jurist', 'een logboekregel', () => '/logboek/regel/1'],
    ['demo-jurist', 'de verzoeken', () => '/verzoeken', ['kenmerk']],
    ['demo-jurist', 'een verzoek', () => `/verzoeken/${verzoekId}`, ['kenmerk']],
    ['demo-partneroverleg', 'monitoring', () => '/monitoring'],
    ['demo-beheerder', 'beheer: personen', () => '/beheer'],
    ['demo-beheerder', 'beheer: een persoon', () => '/beheer/personen/demo-halt', ['demo-halt']],
    ['demo-beheerder', 'beheer: organisaties', () => '/beheer/organisaties'],
    ['demo-beheerder', 'beheer: koppelingen', () => '/beheer/koppelingen', ['gemeente-jeugdboa', 'pre-forensisch-jeugdwerk']],
  ];

  // The pages are only read: one zoomed and one 1280 px page per person, logged in once and
  // reused for that person's pages (a context per page cost a renderer and a log-in each).
  const pagesOf = new Map<string, Promise<{ zoomed: Page; page: Page }>>();
  const pagesFor = (user: string): Promise<{ zoomed: Page; page: Page }> => {
    let pair = pagesOf.get(user);
    if (!pair) {
      pair = (async () => {
        const zoomed = await newZoomedPage(browser);
        await demoSession(zoomed, tb.url, user);
        const page = await newPage(browser);
        await demoSession(page, tb.url, user);
        return { zoomed, page };
      })();
      pagesOf.set(user, pair);
    }
    return pair;
  };

  it.each(pages)('%s: %s', async (user, what, path, allowed = []) => {
    const { zoomed, page } = await pagesFor(user);
    const res = await zoomed.goto(`${tb.url}${path()}`);
    expect(res!.status(), what).toBe(200);
    await expectReadable(zoomed, what);
    const raw = [...RAW_IDS, caseId, ...(allowed.includes('kenmerk') ? [] : [verzoekId])].filter((id) => !allowed.includes(id));
    await expectDutchOnly(zoomed, what, raw);
    expect((await page.goto(`${tb.url}${path()}`))!.status(), what).toBe(200);
    await expectAccessible(page, what);
  });
});
