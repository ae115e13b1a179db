/**
 * Journey: the jurist handles a bezwaar (AVG art. 21) and legal holds in the browser. The
 * youth's BSN is typed and pseudonymised in the browser under the rights doel; an upheld bezwaar
 * makes the voorzitter's screening answer "niet bekend" where it said "bekend", until the jurist
 * lifts it; a hold is placed on a casus (by its case number) and on a youth, listed and released.
 * Bad input is refused naming the Dutch field, and nothing is written. Every request the browser
 * sends is searched for the BSNs, in every spelling.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { demoIdentities, expectNeverSent, recordRequests, submitAndWait, typeIdentity, type Sent } from '../support/web-journeys.js';
import { answersOf } from '../support/signals.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

describe.skipIf(!HAS_CHROMIUM)('jurist: bezwaar and bewaarplicht in the browser', { timeout: 120_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let page: Page;
  let sent: Sent[];
  let identities: DemoIdentity[];
  const id = (label: string): DemoIdentity => identities.find((i) => i.label === label)!;
  const count = async (table: string): Promise<number> =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tb.broker.db)).rows[0]!.n;
  /** The voorzitter screens jongere-a in the seeded casus ZVH-DEMO-0002 over the API; Halt's answer. */
  const haltAnswer = async (): Promise<string> => {
    const token = await tb.token('demo-voorzitter');
    const { pseudonyms } = await pseudonymise({ baseUrl: `${tb.url}/custodian/v1`, token }, [{ bsn: (id('jongere-a') as { bsn: string }).bsn }], { doel: 'jpp-screening' });
    const res = await tb.call('POST', '/v1/queries', { token, body: { subject: pseudonyms[0], doel: 'jpp-screening', caseRef: 'ZVH-DEMO-0002' } });
    expect(res.status, res.text).toBe(200);
    return answersOf(res.body)['halt']!;
  };

  beforeAll(async () => {
    tb = await startTestBroker();
    identities = demoIdentities(tb);
    browser = await launchBrowser();
    page = await newPage(browser);
    sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-jurist');
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('shows the rights pages to the jurist only', async () => {
    const menu = await page.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts();
    expect(menu).toEqual(expect.arrayContaining(['Inzage', 'Bezwaar', 'Bewaarplicht', 'Bewaartermijnen']));
    const other = await newPage(browser);
    await demoLogin(other, tb.url, 'demo-voorzitter');
    expect(await other.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts()).not.toContain('Bezwaar');
    for (const path of ['/bezwaren', '/bewaarplicht', '/bewaartermijnen']) {
      const res = await other.goto(`${tb.url}${path}`);
      expect(res!.status(), path).toBe(403);
    }
    await other.context().close();
  });

  it('records an upheld bezwaar, which blocks the screening, and lifts it', async () => {
    expect(await haltAnswer()).toBe('hit');
    await page.click('nav >> text=Bezwaar');
    await expectAccessible(page, 'bezwaar page');

    // Without doel and decision the service refuses, naming both fields in Dutch; nothing is written.
    const bezwaarEntries = async (): Promise<number> =>
      (await sql<{ n: number }>`select count(*)::int as n from logboek_entries where action = 'bezwaar'`.execute(tb.broker.db)).rows[0]!.n;
    const [bezwaren, entries] = [await count('bezwaren'), await bezwaarEntries()];
    await typeIdentity(page, id('jongere-a'));
    await submitAndWait(page, 'Beslissing vastleggen');
    expect(page.url()).toBe(`${tb.url}/bezwaren`);
    const refusal = await textOf(page, '.utrecht-alert--error');
    expect(refusal).toContain('Doelen');
    expect(refusal).toContain('Beslissing');
    expect(await count('bezwaren')).toBe(bezwaren);
    expect(await bezwaarEntries()).toBe(entries);
    await expectAccessible(page, 'bezwaar page with an error');

    await typeIdentity(page, id('jongere-a'));
    await page.check('#doel-jpp-screening');
    await page.check('#decision-upheld');
    await submitAndWait(page, 'Beslissing vastleggen');
    const kenmerk = await textOf(page, '[data-recorded]');
    expect(await page.getAttribute(`tr[data-bezwaar="${kenmerk}"]`, 'data-active')).toBe('ja');
    await expectAccessible(page, 'bezwaar recorded');
    await screenshot(page, 'jurist-bezwaar');
    // The voorzitter's screening now reads nothing for this youth: Halt answers "niet bekend".
    expect(await haltAnswer()).toBe('no-hit');

    await submitAndWait(page, 'Opheffen');
    expect(await textOf(page, '.utrecht-alert--ok')).toContain('opgeheven');
    expect(await page.locator(`tr[data-bezwaar="${kenmerk}"]`).count()).toBe(0);
    await page.click('a:has-text("Alle beslissingen tonen")');
    expect(await textOf(page, `tr[data-bezwaar="${kenmerk}"]`)).toContain('opgeheven op');
    expect(await haltAnswer()).toBe('hit');
  });

  it('places a bewaarplicht on a casus by its case number and on a youth, lists and releases them', async () => {
    await page.click('nav >> text=Bewaarplicht');
    await expectAccessible(page, 'bewaarplicht page');
    const holds = await count('legal_holds');

    // A BSN typed as the case number is stopped in the browser: nothing is sent.
    const posts = sent.filter((s) => s.method === 'POST').length;
    await page.fill('#hold-caseRef', (id('jongere-b') as { bsn: string }).bsn);
    await page.selectOption('#hold-case-reason', 'klacht-ap');
    await page.click('button:has-text("Bewaarplicht op de casus plaatsen")');
    expect(await textOf(page, '[data-guard-error-for="hold-caseRef"]')).toContain('Casusnummer');
    expect(sent.filter((s) => s.method === 'POST').length).toBe(posts);

    // An unknown case number and a missing reason are refused, naming the field; nothing is written.
    await page.fill('#hold-caseRef', 'ZVH-BESTAAT-NIET');
    await page.selectOption('#hold-case-reason', 'klacht-ap');
    await submitAndWait(page, 'Bewaarplicht op de casus plaatsen');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Casusnummer');
    expect(await page.inputValue('#hold-caseRef')).toBe('ZVH-BESTAAT-NIET');
    await typeIdentity(page, id('jongere-b'));
    await submitAndWait(page, 'Bewaarplicht op de jongere plaatsen');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Reden');
    expect(await count('legal_holds')).toBe(holds);
    await expectAccessible(page, 'bewaarplicht page with an error');

    await page.fill('#hold-caseRef', 'ZVH-DEMO-0003');
    await page.selectOption('#hold-case-reason', 'klacht-ap');
    await submitAndWait(page, 'Bewaarplicht op de casus plaatsen');
    const onCase = await textOf(page, '[data-placed]');
    expect(await textOf(page, `tr[data-hold="${onCase}"]`)).toContain('ZVH-DEMO-0003');
    const voorzitter = await tb.token('demo-voorzitter');
    const cases = (await tb.call('GET', '/v1/cases?mine=true&limit=200', { token: voorzitter })).body.items as Array<{ caseRef: string; legalHold: boolean }>;
    expect(cases.find((c) => c.caseRef === 'ZVH-DEMO-0003')!.legalHold).toBe(true);

    await typeIdentity(page, id('jongere-b'));
    await page.selectOption('#hold-subject-reason', 'rechtszaak');
    await submitAndWait(page, 'Bewaarplicht op de jongere plaatsen');
    const onSubject = await textOf(page, '[data-placed]');
    expect(await page.getAttribute(`tr[data-hold="${onSubject}"]`, 'data-scope')).toBe('subject');
    expect(await textOf(page, `tr[data-hold="${onSubject}"]`)).toContain('Rechtszaak');
    // The youth's casus (ZVH-DEMO-0004) is now held through its subject.
    const after = (await tb.call('GET', '/v1/cases?mine=true&limit=200', { token: voorzitter })).body.items as Array<{ caseRef: string; legalHold: boolean }>;
    expect(after.find((c) => c.caseRef === 'ZVH-DEMO-0004')!.legalHold).toBe(true);
    await expectAccessible(page, 'bewaarplicht placed');
    await screenshot(page, 'jurist-bewaarplicht');

    await Promise.all([page.waitForEvent('load'), page.click(`tr[data-hold="${onCase}"] button:has-text("Vrijgeven")`)]);
    expect(await page.locator(`tr[data-hold="${onCase}"]`).count()).toBe(0);
    await page.click('a:has-text("Ook de vrijgegeven")');
    expect(await textOf(page, `tr[data-hold="${onCase}"]`)).toContain('vrijgegeven op');
    const logged = await sql<{ outcome: string }>`select outcome from logboek_entries where action = 'legal-hold' order by id`.execute(tb.broker.db);
    expect(logged.rows.map((r) => r.outcome)).toEqual(['placed', 'placed', 'released']);
  });

  it('sent no BSN in any request, and pseudonymised under the rights doel only', () => {
    expectNeverSent(sent, [id('jongere-a'), id('jongere-b')]);
    const evaluations = sent.filter((s) => s.url.endsWith('/web-api/custodian/evaluate'));
    expect(evaluations.length).toBeGreaterThanOrEqual(4);
    for (const e of evaluations) expect(JSON.parse(e.body)).toMatchObject({ doel: 'jpp-rechten-betrokkenen', blindedElements: [expect.any(String)] });
  });
});
