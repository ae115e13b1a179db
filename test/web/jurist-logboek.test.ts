/**
 * Journey: the jurist reviews the logboek in the browser: filters and pages (never silently
 * cut off), one entry checked in the browser against the signed checkpoint, the whole log
 * verified (and, after tampering, the page names the entry where it breaks), and the exports.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { askAs } from '../support/web-journeys.js';
import { asAttacker } from '../support/logboek-attacker.js';

const QUESTIONS = 6;
const PARTNERS = 9;

describe.skipIf(!HAS_CHROMIUM)('jurist: the logboek in the browser', { timeout: 90_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let page: Page;
  const caseRefs: string[] = [];

  beforeAll(async () => {
    tb = await startTestBroker();
    for (let i = 0; i < QUESTIONS; i++) caseRefs.push(await askAs(tb, 'demo-voorzitter', 'jpp-screening'));
    await tb.broker.sequencer.drain({ forceCheckpoint: true });
    browser = await launchBrowser();
    page = await newPage(browser);
    await demoLogin(page, tb.url, 'demo-jurist');
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  const rowCount = async (): Promise<number> => page.locator('main table tbody tr').count();

  it('shows only the jurist\'s tasks', async () => {
    const menu = await page.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts();
    expect(menu).toEqual(expect.arrayContaining(['Start', 'Logboek', 'Verificatie', 'Exports']));
    expect(menu).not.toContain('Screening');
    expect(menu).not.toContain('Mijn casussen');
    await expectAccessible(page, 'start page (jurist)');
    const res = await page.goto(`${tb.url}/screening`);
    expect(res!.status()).toBe(403);
    expect(await textOf(page, 'main')).toContain('Uw rol mag dit niet');
  });

  it('pages through every disclosure and says when more follow', async () => {
    await page.goto(`${tb.url}/logboek`);
    await expectAccessible(page, 'logboek');
    expect(await rowCount()).toBe(50);
    expect(await textOf(page, '[data-page-count]')).toContain('Er volgen meer regels');
    await screenshot(page, 'jurist-logboek');
    await page.click('a[rel="next"]');
    await page.waitForSelector('[data-page-count]');
    expect(await rowCount()).toBe(QUESTIONS * PARTNERS - 50);
    expect(await textOf(page, '[data-page-count]')).toContain('Dit is de laatste pagina');
    // Totals over all pages, and paging back.
    expect(await page.getAttribute('[data-page-count]', 'data-total')).toBe(String(QUESTIONS * PARTNERS));
    expect(await textOf(page, '[data-page-count]')).toContain(`van ${QUESTIONS * PARTNERS} in totaal`);
    await page.click('a[rel="prev"]');
    await page.waitForSelector('[data-page-count]');
    expect(await rowCount()).toBe(50);
    expect(await textOf(page, '[data-page-count]')).toContain('Er volgen meer regels');
    expect(await page.locator('a[rel="prev"]').count()).toBe(0);
    // Who asked, by name; the doel by name.
    expect(await textOf(page, 'main table tbody tr')).toContain('Demo voorzitter');
    expect(await textOf(page, 'main table')).not.toContain('demo-voorzitter');
  });

  it('filters by partner and outcome, by casus, and by grondslag', async () => {
    await page.goto(`${tb.url}/logboek`);
    await page.selectOption('#f-partner', 'politie');
    await page.selectOption('#f-uitkomst', 'no-hit');
    await Promise.all([page.waitForURL(/partner=politie/), page.click('button:has-text("Filteren")')]);
    expect(await rowCount()).toBe(QUESTIONS);
    await expectAccessible(page, 'logboek with filters');

    await page.goto(`${tb.url}/logboek?casus=${caseRefs[2]}`);
    expect(await rowCount()).toBe(PARTNERS);
    expect(await textOf(page, 'main table')).toContain(caseRefs[2]);

    // A grondslag in a row links to the filter for it.
    const link = page.locator('tr', { hasText: 'Halt' }).locator('td a[href*="grondslag="]').first();
    const grondslag = await link.innerText();
    await link.click();
    await page.waitForSelector('[data-page-count]');
    expect(await page.inputValue('#f-grondslag')).toBe(grondslag);
    expect(await rowCount()).toBe(QUESTIONS);

    // A bad date is refused naming the field, not ignored.
    const res = await page.goto(`${tb.url}/logboek?van=gisteren`);
    expect(res!.status()).toBe(422);
    expect(await textOf(page, '.utrecht-alert')).toContain('Van');
  });

  it('checks an entry\'s inclusion proof in the browser against the signed checkpoint', async () => {
    await page.goto(`${tb.url}/logboek?casus=${caseRefs[0]}`);
    await Promise.all([page.waitForURL(/\/logboek\/regel\/\d+$/), page.locator('a:has-text("bekijken")').first().click()]);
    await page.waitForSelector('[data-verify-entry][data-result]');
    expect(await page.getAttribute('[data-verify-entry]', 'data-result')).toBe('ok');
    expect(await textOf(page, '[data-verify-entry]')).toContain('Geverifieerd in uw browser');
    // The question's one entry (issue 21 step B): every partner's answer, under the leaf just verified.
    expect(await page.locator('table[data-answers] tbody tr').count()).toBe(PARTNERS);
    expect(await textOf(page, 'table[data-answers]')).toContain('niet toegestaan');
    await expectAccessible(page, 'logboek entry');
    await screenshot(page, 'jurist-logboekregel');
  });

  it('exports the selection as CSV and as a FHIR R5 AuditEvent bundle', async () => {
    await page.goto(`${tb.url}/logboek/export?partner=halt`);
    await expectAccessible(page, 'exports');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("CSV")')]);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('tijd,logregel,vraag,gebruiker,organisatie,rol,doel,casus,toestemming,partner,uitkomst,categorieen,regels,grondslagen,beleidsversie,beleidshash,trace');
    expect(lines).toHaveLength(1 + QUESTIONS);
    expect(lines.slice(1).every((l) => l.includes(',halt,'))).toBe(true);

    const [fhir] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("FHIR")')]);
    const bundle = JSON.parse(readFileSync((await fhir.path())!, 'utf8'));
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.entry).toHaveLength(QUESTIONS);
    expect(bundle.entry[0].resource).toMatchObject({ resourceType: 'AuditEvent', action: 'E', agent: [{ requestor: true }, { who: { identifier: { value: 'halt' } } }] });
    // One AuditEvent per answer: its question's entry and the answer within it.
    const ids = bundle.entry.map((e: { resource: { id: string } }) => e.resource.id);
    expect(ids.every((id: string) => /^disclosure-\d+\.\d+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(QUESTIONS);
  });

  it('exports the whole log as JSON lines with a manifest whose hashes match', async () => {
    await page.goto(`${tb.url}/logboek/export`);
    await page.click('button:has-text("Export maken")');
    await page.waitForSelector('h1:has-text("Export gemaakt")');
    await expectAccessible(page, 'export made');
    const download = async (name: string): Promise<Buffer> => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.click(`a:has-text("${name}")`)]);
      return readFileSync((await d.path())!);
    };
    const manifest = JSON.parse((await download('manifest.json')).toString('utf8'));
    const entries = await download('entries.jsonl');
    expect(createHash('sha256').update(entries).digest('hex')).toBe(manifest.files['entries.jsonl']);
    expect(entries.toString('utf8').trim().split('\n')).toHaveLength(manifest.treeSize);
    expect(manifest.treeSize).toBeGreaterThanOrEqual(QUESTIONS * PARTNERS);
    expect(manifest.checkpoint).toMatch(/^ey/);
    // Another session cannot fetch this export.
    const other = await newPage(browser);
    await demoLogin(other, tb.url, 'demo-fg');
    const href = await page.locator('a:has-text("manifest.json")').getAttribute('href');
    expect((await other.goto(`${tb.url}${href}`))!.status()).toBe(404);
    await other.context().close();
  });

  it('verifies the whole log, and after tampering names the entry where it breaks', async () => {
    await tb.broker.sequencer.drain({ forceCheckpoint: true });
    await page.goto(`${tb.url}/logboek/verificatie`);
    await expectAccessible(page, 'verification');
    await page.click('button:has-text("Verificatie uitvoeren")');
    await page.waitForSelector('[data-verify-result]');
    expect(await page.getAttribute('[data-verify-result]', 'data-verify-result')).toBe('ok');
    await screenshot(page, 'jurist-verificatie');

    // An attacker with database access changes one sequenced question's answers (issue 21 step B: one entry holds them all).
    await tb.broker.sequencer.drain({ forceCheckpoint: true });
    await tb.broker.sequencer.stop();
    const target = (
      await sql<{ seq: number }>`select l.seq::int as seq from logboek_leaves l join logboek_entries e on e.id = l.entry_id
                                  where e.action = 'question' and e.content like '%"outcome":"no-hit"%' order by l.seq limit 1 offset 3`.execute(tb.broker.db)
    ).rows[0]!.seq;
    await asAttacker(tb.broker.db, async (trx) => {
      await sql`update logboek_entries set content = replace(content, '"outcome":"no-hit"', '"outcome":"hit"')
                 where id = (select entry_id from logboek_leaves where seq = ${target})`.execute(trx);
    });
    await page.click('button:has-text("Verificatie uitvoeren")');
    await page.waitForSelector('h1:has-text("Verificatie")');
    expect(await page.getAttribute('[data-verify-result]', 'data-verify-result')).toBe('broken');
    const text = await textOf(page, '[data-verify-result]');
    expect(text).toContain(`bij regel ${target}`);
    expect(text).toContain('een regel is veranderd');
    await expectAccessible(page, 'verification with a break');
  });
});
