/**
 * Journey: two privacy officers change the policy in the browser, in Dutch, at 1280 px and at
 * 200% zoom. The first makes a draft (a toelichting is required), adds a rule in the rule
 * editor for a question nobody ever asked (the lint finding appears beside it, in Dutch, and
 * blocks submission), fixes it, adds, changes and removes policy tests and runs them, and
 * submits. The second reviews on one page: the diff, every decision that becomes allowed (each
 * to be confirmed: approval without it is refused), the replay of real questions; approves and
 * activates. The simulator then explains decisions of the new version. Finally the first
 * officer rolls back to the version that was active before: a new draft with its rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, demoSession, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { askAs } from '../support/web-journeys.js';
import { expectDutchOnly, expectReadable, newZoomedPage } from '../support/reflow.js';

describe.skipIf(!HAS_CHROMIUM)('privacy officer: a policy change with four eyes', { timeout: 120_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let page: Page;
  let zoomed: Page;
  let draft: string;
  let rawIds: string[];

  const api = async (method: string, path: string, user = 'demo-fg', body?: unknown) =>
    tb.call(method, path, { token: await tb.token(user), ...(body !== undefined ? { body } : {}) });
  const versionCount = async () => (await api('GET', '/v1/policies')).body.items.length as number;
  /** Every check a policy page must pass: axe, Dutch only, and readable. */
  const check = async (p: Page, what: string) => {
    await expectAccessible(p, what);
    await expectDutchOnly(p, what, rawIds);
    await expectReadable(p, what);
  };

  beforeAll(async () => {
    tb = await startTestBroker();
    const platform = tb.broker.platform;
    rawIds = [
      ...[...platform.roles, ...platform.doelen, ...platform.partners].map((x) => x.id).filter((id) => id.includes('-')),
      ...new Set(platform.partners.flatMap((x) => x.categories).filter((c) => c.includes('-'))),
      'jeugdboa', 'bevragen-met-toestemming', 'alle-partners', 'alle-categorieen', 'demo-fg', 'demo-fg-2', 'system:seed', 'system:platform-file',
    ];
    // A jeugdBOA asked before: every partner answered not-permitted for that role in screening.
    await askAs(tb, 'demo-jeugdboa', 'jpp-screening');
    browser = await launchBrowser();
    page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-fg');
    zoomed = await newZoomedPage(browser);
    await demoSession(zoomed, tb.url, 'demo-fg');
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  it('lists the versions, and makes a draft only with a toelichting', async () => {
    await page.click('nav >> text=Beleid');
    await check(page, 'policy versions');
    expect(await page.getAttribute('tr[data-version="1"]', 'data-status')).toBe('active');
    expect(await textOf(page, 'tr[data-version="1"]')).toContain('Startbeleid uit het platformbestand');
    const before = await versionCount();
    await page.click('button:has-text("Nieuw concept maken")');
    await page.waitForSelector('.utrecht-alert--error');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Vul een toelichting in');
    await check(page, 'a draft refused without a toelichting');
    expect(await versionCount()).toBe(before);
    await page.fill('#f-note', 'Leerplicht mag de Raad bevragen bij screening (proef)');
    await Promise.all([page.waitForURL(/\/beleid\/\d+\?melding=concept-gemaakt$/), page.click('button:has-text("Nieuw concept maken")')]);
    draft = /\/beleid\/(\d+)/.exec(page.url())![1]!;
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('draft');
    expect(await textOf(page, '[data-note]')).toContain('Leerplicht mag de Raad bevragen');
    await check(page, 'policy draft');
    await zoomed.goto(`${tb.url}/beleid`);
    await check(zoomed, 'policy versions at 200%');
  });

  it('adds a rule in the rule editor; its lint finding in Dutch blocks submission until fixed', async () => {
    await Promise.all([page.waitForURL(/regels\/nieuw$/), page.click('a:has-text("Regel toevoegen")')]);
    await check(page, 'the rule editor, a new rule');
    await page.fill('#f-id', 'W01');
    await page.selectOption('#f-role', 'leerplichtambtenaar');
    await page.check('#f-doel-jpp-screening');
    await page.selectOption('#f-partner', 'rvdk');
    await page.selectOption('#f-category', 'rvdk-onderzoek');
    await Promise.all([page.waitForURL(/melding=regel-opgeslagen/), page.click('button:has-text("Regel opslaan")')]);
    expect(await textOf(page, 'tr[data-rule="W01"] [data-lint]')).toMatch(/Fout: Deze regel heeft geen grondslag/);
    expect(await textOf(page, 'tr[data-rule="W01"]')).toContain('Leerplichtambtenaar');
    await check(page, 'the draft with a lint error');

    // Submission is refused, in Dutch, and nothing changes.
    await page.click('button:has-text("Indienen ter goedkeuring")');
    await page.waitForSelector('.utrecht-alert--error');
    expect(await textOf(page, '.utrecht-alert--error')).toMatch(/Indienen lukt nog niet: 1 fout en 0 mislukte tests[\s\S]*Regel W01: Deze regel heeft geen grondslag/);
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('draft');
    await check(page, 'a refused submission');

    // The rule editor shows the finding beside the rule; the grondslag is filled in there.
    await page.goto(`${tb.url}/beleid/${draft}`);
    await Promise.all([page.waitForURL(/regels\/\d+$/), page.click('a[aria-label="Regel W01 wijzigen"]')]);
    expect(await textOf(page, 'main')).toContain('Deze regel heeft geen grondslag');
    await screenshot(page, 'privacy-officer-regeleditor');
    await zoomed.goto(page.url());
    await check(zoomed, 'the rule editor at 200%');
    await page.fill('#f-grondslag', 'AVG art. 10 jo. Wet op de jeugdzorg; Leerplichtwet 1969 art. 16 (voorbeeld, nog te bevestigen door de jurist van het platform)');
    await Promise.all([page.waitForURL(/melding=regel-opgeslagen/), page.click('button:has-text("Regel opslaan")')]);
    expect(await textOf(page, 'tr[data-rule="W01"] [data-lint]')).toBe('geen bevindingen');
    expect(await textOf(page, '[data-diff-added]')).toMatch(/W01: Toestaan: Leerplichtambtenaar · Screening .* · Raad voor de Kinderbescherming · Onderzoek Raad voor de Kinderbescherming/);
    await check(page, 'the draft, fixed');
    await zoomed.goto(page.url());
    await check(zoomed, 'the draft with its rules at 200%');
  });

  it('adds, changes, runs and removes policy tests on the web, with the same checks as the API', async () => {
    await Promise.all([page.waitForURL(/\/tests$/), page.click('a:has-text("Beleidstests")')]);
    expect(await textOf(page, '[data-tests-summary]')).toContain('37 geslaagd, 0 mislukt');
    await check(page, 'policy tests');
    const stored = async () => ((await api('GET', `/v1/policies/${draft}`)).body.tests as unknown[]).length;

    // A test that expects the opposite of what W01 now decides: it fails, and says why.
    await Promise.all([page.waitForURL(/tests\/nieuw$/), page.click('a:has-text("Test toevoegen")')]);
    await check(page, 'a new policy test');
    await page.selectOption('#f-role', 'leerplichtambtenaar');
    await page.check('#f-doel-jpp-screening');
    await page.selectOption('#f-partner', 'rvdk');
    await page.selectOption('#f-category', 'rvdk-onderzoek');
    await page.check('#f-expect-deny');
    await Promise.all([page.waitForURL(/melding=test-opgeslagen/), page.click('button:has-text("Test opslaan")')]);
    expect(await textOf(page, '[data-tests-summary]')).toContain('37 geslaagd, 1 mislukt');
    const failing = 'tr[data-test="38"]';
    expect(await page.getAttribute(failing, 'data-pass')).toBe('nee');
    expect(await textOf(page, `${failing} [data-outcome]`)).toMatch(
      /Mislukt: verwacht niet toegestaan zonder regel \(standaard geweigerd\), maar deze versie beslist toegestaan door regel W01/,
    );
    await screenshot(page, 'privacy-officer-beleidstests', 1400, 'tr[data-test="24"]');
    await zoomed.goto(page.url());
    await check(zoomed, 'policy tests with a failure at 200%');

    // The simulator says why.
    await Promise.all([page.waitForURL(/simulator\?/), page.click(`${failing} a:has-text("Waarom?")`)]);
    expect(await page.getAttribute('[data-decision]', 'data-decision')).toBe('allow');
    expect(await textOf(page, '[data-decision]')).toContain('W01');
    await page.goBack();

    // Change it to what the change means: allowed by W01.
    await Promise.all([page.waitForURL(/tests\/37$/), page.click('a[aria-label="Test 38 wijzigen"]')]);
    await page.check('#f-expect-allow');
    await page.check('#f-rule-W01');
    await Promise.all([page.waitForURL(/melding=test-opgeslagen/), page.click('button:has-text("Test opslaan")')]);
    expect(await textOf(page, '[data-tests-summary]')).toContain('38 geslaagd, 0 mislukt');

    // The API's checks hold on the web: a test without a role is refused, naming it in Dutch, and nothing is stored.
    const count = await stored();
    await page.goto(`${tb.url}/beleid/${draft}/tests/nieuw`);
    await page.check('#f-doel-jpp-screening');
    await page.click('button:has-text("Test opslaan")');
    await page.waitForSelector('.utrecht-alert--error');
    expect(await textOf(page, '.utrecht-alert--error')).toMatch(/Test 39, Rol: vul dit in/);
    await check(page, 'a refused policy test');
    expect(await stored()).toBe(count);
    // And lint's warning about a question nobody asks, beside the test.
    await page.selectOption('#f-role', 'voorzitter');
    await page.selectOption('#f-partner', 'halt');
    await page.selectOption('#f-category', 'politie-registratie');
    await page.check('#f-expect-deny');
    await Promise.all([page.waitForURL(/melding=test-opgeslagen/), page.click('button:has-text("Test opslaan")')]);
    expect(await textOf(page, 'tr[data-test="39"] [data-outcome]')).toMatch(/Waarschuwing: Test 39: deze partner heeft geen signalen van de categorie Politieregistratie/);
    await check(page, 'policy tests with a lint warning');
    // Removed again.
    await Promise.all([page.waitForURL(/melding=test-verwijderd/), page.click('button[aria-label="Test 39 verwijderen"]')]);
    expect(await page.locator('tr[data-test="39"]').count()).toBe(0);
    expect(await stored()).toBe(count);
  });

  it('submits with the toelichting', async () => {
    await page.goto(`${tb.url}/beleid/${draft}`);
    expect(await page.inputValue('#f-note')).toContain('Leerplicht mag de Raad bevragen');
    await Promise.all([page.waitForURL(/melding=ingediend/), page.click('button:has-text("Indienen ter goedkeuring")')]);
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('submitted');
    // The author cannot review their own version.
    expect(await page.locator('a:has-text("Beoordelen")').count()).toBe(0);
    await page.goto(`${tb.url}/beleid/${draft}/beoordelen`);
    expect(await textOf(page, 'main')).toContain('U heeft deze versie zelf gemaakt');
    await check(page, 'the review page for the author');
  });

  it('lets a second officer approve only after confirming every newly allowed decision, from the diff and impact on the review page', async () => {
    const second = await newPage(browser);
    await demoSession(second, tb.url, 'demo-fg-2');
    await second.goto(`${tb.url}/beleid/${draft}`);
    await Promise.all([second.waitForURL(/beoordelen$/), second.click('main a:has-text("Beoordelen")')]);
    await check(second, 'policy review');
    // The diff is on the review page itself.
    expect(await textOf(second, '[data-diff-added]')).toContain('W01');
    // Nobody ever asked this question: the replay of real questions sees nothing new …
    expect(await second.getAttribute('[data-newly-allowed]', 'data-newly-allowed')).toBe('0');
    // … the exact impact sees the two decisions W01 opens, each with its rules.
    expect(await second.getAttribute('[data-new-access]', 'data-new-access')).toBe('2');
    const rows = second.locator('table[data-newly-allowed-table] tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().innerText()).toMatch(/Leerplichtambtenaar[\s\S]*Raad voor de Kinderbescherming[\s\S]*Zonder toestemming[\s\S]*Niet toegestaan: geen regel past[\s\S]*Toegestaan door regel W01/);
    await screenshot(second, 'privacy-officer-beoordelen', 1800, '#diff-title');

    const status = async () => (await api('GET', `/v1/policies/${draft}`)).body.status;
    await second.click('button:has-text("Goedkeuren")');
    await second.waitForSelector('.utrecht-alert--error');
    expect(await textOf(second, '.utrecht-alert--error')).toContain('Bevestig elke nieuwe toegang voordat u goedkeurt: u heeft er 0 van de 2 aangevinkt');
    expect(await status()).toBe('submitted');
    await check(second, 'a refused approval');
    await second.check('#bevestig-0');
    await second.click('button:has-text("Goedkeuren")');
    await second.waitForSelector('.utrecht-alert--error');
    expect(await textOf(second, '.utrecht-alert--error')).toContain('u heeft er 1 van de 2 aangevinkt');
    expect(await status()).toBe('submitted');

    const zoomedSecond = await newZoomedPage(browser);
    await demoSession(zoomedSecond, tb.url, 'demo-fg-2');
    await zoomedSecond.goto(second.url().replace(/\/goedkeuren$/, '/beoordelen'));
    await check(zoomedSecond, 'policy review at 200%');
    await zoomedSecond.context().close();

    await second.check('#bevestig-0');
    await second.check('#bevestig-1');
    await Promise.all([second.waitForURL(/melding=goedgekeurd/), second.click('button:has-text("Goedkeuren")')]);
    expect(await second.getAttribute('[data-status]', 'data-status')).toBe('approved');
    const approval = await sql<{ confirmed_new_access: string | null }>`select confirmed_new_access from policy_versions where id = ${Number(draft)}`.execute(tb.broker.db);
    expect(approval.rows[0]!.confirmed_new_access).toMatch(/^sha256:[0-9a-f]{64}$/);
    await Promise.all([second.waitForURL(/melding=geactiveerd/), second.click('button:has-text("Activeren")')]);
    expect(await second.getAttribute('[data-status]', 'data-status')).toBe('active');
    await check(second, 'the activated version');
    await second.context().close();
  });

  it('explains decisions in the simulator, in Dutch, with the nearest rule for a denial', async () => {
    await page.goto(`${tb.url}/beleid/${draft}/simulator?role=leerplichtambtenaar&doel=jpp-screening&partner=rvdk&category=rvdk-onderzoek&action=bevragen`);
    expect(await page.getAttribute('[data-decision]', 'data-decision')).toBe('allow');
    expect(await textOf(page, '[data-decision]')).toContain('W01');
    await page.goto(`${tb.url}/beleid/${draft}/simulator?role=voorzitter&doel=jpp-screening&partner=jongerenwerk&category=jongerenwerk-contact&action=bevragen`);
    expect(await page.getAttribute('[data-decision]', 'data-decision')).toBe('deny');
    expect(await textOf(page, '[data-nearest]')).toContain('Toestemming: de regel geldt alleen met toestemming; deze vraag is zonder toestemming.');
    await check(page, 'simulator');
    await screenshot(page, 'privacy-officer-simulator');
    await zoomed.goto(page.url());
    await check(zoomed, 'simulator at 200%');
  });

  it('rolls back to the superseded version from its page, with a toelichting: a new draft with exactly its rules', async () => {
    // A jurist reads the policy but may not roll it back: no form, and the page refuses the POST.
    const jurist = await newPage(browser);
    await demoSession(jurist, tb.url, 'demo-jurist');
    await jurist.goto(`${tb.url}/beleid/1`);
    expect(await jurist.getAttribute('[data-status]', 'data-status')).toBe('superseded');
    expect(await jurist.locator('form[data-rollback]').count()).toBe(0);
    await check(jurist, 'a superseded version for a jurist');
    const refused = await jurist.evaluate(async () => {
      const token = document.querySelector<HTMLInputElement>('input[name="_csrf"]')!.value;
      const res = await fetch('/beleid/1/terugdraaien', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, note: 'x' }).toString() });
      return res.status;
    });
    expect(refused).toBe(403);
    await jurist.context().close();

    const versionsBefore = await versionCount();
    await page.goto(`${tb.url}/beleid/1`);
    await check(page, 'superseded version with the rollback form');
    // The active version (the draft made above) cannot be rolled back to: no form there.
    const active = await page.goto(`${tb.url}/beleid/${draft}`);
    expect(active!.status()).toBe(200);
    expect(await page.locator('form[data-rollback]').count()).toBe(0);

    await page.goto(`${tb.url}/beleid/1`);
    await page.click('button:has-text("Terugdraaien naar deze versie")');
    await page.waitForSelector('.utrecht-alert--error');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Vul een toelichting in');
    expect(await versionCount()).toBe(versionsBefore);
    await page.fill('#rollback-note', 'W01 terug: toch niet proportioneel');
    await screenshot(page, 'privacy-officer-terugdraaien', 1000, '#steps-title');
    await Promise.all([page.waitForURL(/\/beleid\/\d+\?melding=concept-gemaakt$/), page.click('button:has-text("Terugdraaien naar deze versie")')]);
    const rolledBack = /\/beleid\/(\d+)/.exec(page.url())![1]!;
    expect(Number(rolledBack)).toBeGreaterThan(Number(draft));
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('draft');
    expect(await textOf(page, 'dl.facts')).toContain('Terugdraaien naar versie 1');
    expect(await textOf(page, 'dl.facts')).toContain('W01 terug: toch niet proportioneel');
    // Exactly the rules of version 1: W01 is gone, which the diff against the active version shows.
    const [v1, copy] = await Promise.all([api('GET', '/v1/policies/1'), api('GET', `/v1/policies/${rolledBack}`)]);
    expect(copy.body.rules).toEqual(v1.body.rules);
    expect(copy.body.contentHash).toBe(v1.body.contentHash);
    expect(await page.locator('tr[data-rule="W01"]').count()).toBe(0);
    expect(await textOf(page, '[data-diff-removed]')).toContain('W01');
    await check(page, 'the rollback draft');
    expect(await versionCount()).toBe(versionsBefore + 1);
  });
});
