/**
 * Issue 19 "Done when", in the browser: the jurist registers an inzageverzoek for a youth with
 * signals at three partners, two casussen, a consent and a key rotation behind it (the first casus
 * and the police's signal know the youth only under the old epoch), and makes the report: every
 * source is there, its completeness count equals a count this test takes from the database, and
 * the JSON export says the same. Then a wissing is forwarded to the partners; Halt's adapter sees
 * the task with its own ref only and withdraws it; Halt's people see it on their page; the jurist
 * sees Halt's answer; and Halt's next delivery of that ref is refused (the adapter side: see
 * test/adapters/verzoek-erasure.test.ts). axe checks every page; the BSN never leaves the browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, textOf } from '../support/browser.js';
import { expectNeverSent, recordRequests, submitAndWait, typeIdentity, type Sent } from '../support/web-journeys.js';
import { aanmelding } from '../support/casus.js';
import { day, opaqueRef, syntheticBsn } from '../support/synthetic.js';
import { ensureKeyFile, rotateKey } from '../../broker/custodian/key-store.js';
import { pseudonymUnder } from '../support/pseudonym-under.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';
import { amsterdamDay } from '../../broker/rights/verzoek-fns.js';

describe.skipIf(!HAS_CHROMIUM)('the rights desk: complete inzage and a wissing forwarded to Halt', { timeout: 180_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let page: Page;
  let sent: Sent[];
  let keyFile: string;
  const bsn = syntheticBsn();
  const youth = { label: 'rechten', bsn } as unknown as DemoIdentity;
  let old: string;
  let current: string;
  let overlapSubjectId: string;
  const haltRef = opaqueRef('HALT');
  const signal = (subject: string, epoch: number, category: string, ref = opaqueRef('ref')) => ({ subject, epoch, category, registeredAt: day(tb.clock.now, -1), expiresAt: day(tb.clock.now, 60), ref });

  beforeAll(async () => {
    tb = await startTestBroker({
      beforeStart: (dataDir) => {
        keyFile = join(dataDir, 'custodian-keys.json');
        ensureKeyFile(keyFile, new Date(Date.now() - 86_400_000));
        rotateKey(keyFile, new Date());
      },
    });
    old = pseudonymUnder(keyFile, 1, bsn);
    current = pseudonymUnder(keyFile, 2, bsn);
    const voorzitter = await tb.token('demo-voorzitter');
    const call = async (method: string, path: string, body: unknown, expected: number) => {
      const res = await tb.call(method, path, { token: voorzitter, body });
      expect(res.status, res.text).toBe(expected);
      return res.body;
    };
    const submit = async (partner: string, s: ReturnType<typeof signal>) =>
      expect((await tb.call('POST', '/v1/signals', { token: await tb.adapterToken(partner), body: { batchId: opaqueRef('b'), signals: [s] } })).status).toBe(201);
    // Before the rotation: the police's signal and the first casus, under the old epoch only.
    await submit('politie', signal(old, 1, 'politie-registratie'));
    const first = await call('POST', '/v1/cases', { caseRef: opaqueRef('ZVH'), doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [old], ...aanmelding(1) }, 201);
    await call('POST', '/v1/queries', { subject: old, doel: 'jpp-screening', caseId: first.caseId }, 200);
    for (const to of ['in-screening', 'besproken']) await call('POST', `/v1/cases/${first.caseId}/transitions`, { to }, 200);
    await call('PUT', `/v1/cases/${first.caseId}/regiehouder`, { partner: 'halt' }, 200);
    await call('POST', `/v1/cases/${first.caseId}/vervolgacties`, { partner: 'halt', kind: 'halt-interventie', dueDate: day(tb.clock.now, 14) }, 201);
    await call('POST', `/v1/cases/${first.caseId}/consents`, { subjectId: first.subjects[0].subjectId, givenBy: 'ouder', partners: ['jongerenwerk'], doel: 'jpp-screening', givenOn: day(tb.clock.now, 0), validUntil: day(tb.clock.now, 90) }, 201);
    // During the overlap: the second casus with both pseudonyms; after it, Halt and the jongerenwerk under the new epoch.
    const second = await call('POST', '/v1/cases', { caseRef: opaqueRef('ZVH'), doel: 'jpp-casusoverleg', routeIn: 'politie', kind: 'person', subjects: [[current, old]], ...aanmelding(1) }, 201);
    overlapSubjectId = second.subjects[0].subjectId;
    await submit('halt', signal(current, 2, 'halt-afdoening', haltRef));
    await submit('jongerenwerk', signal(current, 2, 'jongerenwerk-contact'));
    browser = await launchBrowser();
    page = await newPage(browser);
    sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-jurist');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  /** This test's own count of what the broker holds about the youth, from the database. */
  async function independentTotal(): Promise<number> {
    const db = tb.broker.db;
    const hashes = (await sql<{ h: Uint8Array }>`select subject_hash as h from case_subject_hashes where subject_id = ${overlapSubjectId}`.execute(db)).rows.map((r) => Buffer.from(r.h));
    const H = sql.join(hashes);
    const cases = sql`select s.case_id from case_subjects s join case_subject_hashes h on h.subject_id = s.id where h.subject_hash in (${H})`;
    const logged = sql`select distinct e.id, e.action, e.outcome from logboek_entries e left join logboek_subject_aliases a on a.entry_id = e.id where e.content is not null and (e.subject_hash in (${H}) or a.subject_hash in (${H}))`;
    const r = await sql<{ n: number }>`select (
        (select count(*) from signals where subject_hash in (${H}))
      + (select count(distinct s.id) from case_subjects s join case_subject_hashes h on h.subject_id = s.id where h.subject_hash in (${H}))
      + (select count(*) from case_status_changes where case_id in (${cases}))
      + (select count(*) from case_vervolgacties where case_id in (${cases}))
      + (select count(*) from case_consents k join case_subject_hashes h on h.subject_id = k.subject_id where h.subject_hash in (${H}))
      + (select count(*) from (${logged}) l where l.action in ('disclosure', 'casus-notificatie') or (l.action = 'signal-withdrawal' and l.outcome = 'withdrawn'))
      + (select coalesce(sum(jsonb_array_length(e.content::jsonb -> 'details' -> 'answers')), 0) from logboek_entries e where e.id in (select l.id from (${logged}) l where l.action = 'question'))
      + (select count(distinct b.id) from bezwaren b join bezwaar_subject_hashes h on h.bezwaar_id = b.id where h.subject_hash in (${H}))
      + (select count(distinct v.id) from verzoeken v join verzoek_subject_hashes h on h.verzoek_id = v.id where h.subject_hash in (${H}))
      )::int as n`.execute(db);
    return r.rows[0]!.n;
  }

  async function registerVerzoek(type: string): Promise<string> {
    await page.goto(`${tb.url}/verzoeken`);
    await typeIdentity(page, youth);
    await page.selectOption('#verzoek-type', type);
    await page.fill('#verzoek-receivedOn', amsterdamDay(new Date()));
    await page.selectOption('#verzoek-requester', 'ouder-of-voogd');
    await page.selectOption('#verzoek-identityCheck', 'legitimatiebewijs-getoond');
    await submitAndWait(page, 'Verzoek registreren');
    const refused = page.locator('.utrecht-alert--error');
    if ((await refused.count()) > 0) throw new Error(`registering was refused: ${await page.locator("main").innerText()}`);
    return textOf(page, '[data-registered]');
  }

  it('an inzageverzoek: the report lists every source under both key epochs, counted again, as page and JSON', async () => {
    await registerVerzoek('inzage');
    await page.click('nav >> text=Inzage');
    await page.fill('#id-bsn', bsn);
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Inzagerapport maken")')]);
    await page.waitForSelector('h1:has-text("Inzagerapport")');
    const expected = await independentTotal();
    expect(Number(await page.getAttribute('[data-completeness]', 'data-listed'))).toBe(expected);
    expect(Number(await page.getAttribute('[data-completeness]', 'data-counted'))).toBe(expected);
    const overview = await textOf(page, '[data-inzage-overzicht]');
    for (const name of ['Halt', 'Politie', 'Jongerenwerk', 'Regie: Halt', 'toestemming van een ouder of voogd', 'Halt-straf', 'registratie bij de politie']) expect(overview).toContain(name);
    expect(overview).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    for (const source of ['signalen', 'casussen', 'statuswijzigingen', 'vervolgacties', 'toestemmingen', 'verstrekkingen', 'verzoeken']) {
      expect(Number(await page.getAttribute(`[data-inzage-section="${source}"]`, 'data-listed')), source).toBeGreaterThan(0);
    }
    expect(Number(await page.getAttribute('[data-inzage-section="signalen"]', 'data-listed'))).toBe(3);
    expect(Number(await page.getAttribute('[data-inzage-section="casussen"]', 'data-listed'))).toBe(2);
    await expectAccessible(page, 'complete inzage report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Rapport als gegevensbestand (JSON) downloaden")')]);
    expect(download.suggestedFilename()).toMatch(/^inzage-[0-9a-f-]{36}\.json$/);
    const json = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { completeness: { listed: number; counted: number; complete: boolean } };
    // The JSON report is made (and logged) after the page's report, which added one inzage-report entry: not a source.
    expect(json.completeness).toEqual({ listed: expected, counted: expected, complete: true });
    expectNeverSent(sent, [youth]);
  });

  it('a wissing forwarded to Halt: Halt sees its own ref, withdraws it, the jurist sees the answer, and the ref is refused afterwards', async () => {
    const kenmerk = await registerVerzoek('wissing');
    await page.click(`a:has-text("${kenmerk}")`);
    expect(await textOf(page, '[data-no-taken]')).toContain('nog niet');
    await submitAndWait(page, 'Naar de partners doorsturen');
    expect(await textOf(page, '.utrecht-alert--ok')).toContain('doorgestuurd');
    expect(await page.getAttribute('tr[data-taak="halt"]', 'data-status')).toBe('open');
    expect(await textOf(page, 'tr[data-taak="halt"]')).toContain(haltRef);
    await expectAccessible(page, 'verzoek forwarded to the partners');
    // Forwarded once: a second click says why nothing happens, in Dutch; nothing is stored.
    const taken = async () => (await sql<{ n: number }>`select count(*)::int as n from verzoek_taken`.execute(tb.broker.db)).rows[0]!.n;
    const before = await taken();
    await submitAndWait(page, 'Naar de partners doorsturen');
    expect(await textOf(page, '.utrecht-alert--error')).toContain('Niet doorgestuurd');
    expect(await taken()).toBe(before);

    // Halt's adapter: the task with its own ref only.
    const halt = await tb.adapterToken('halt');
    const seen = await tb.call('GET', '/v1/verzoektaken', { token: halt });
    expect(seen.body.items).toEqual([expect.objectContaining({ type: 'wissing', refs: [haltRef], status: 'open' })]);
    expect(seen.text).not.toContain(current);
    const answered = await tb.call('POST', `/v1/verzoektaken/${seen.body.items[0].taakId}/answer`, { token: halt, body: { outcome: 'withdrawn' } });
    expect(answered.status, answered.text).toBe(200);
    expect((await sql<{ n: number }>`select count(*)::int as n from signals where partner_id = 'halt' and ref = ${haltRef}`.execute(tb.broker.db)).rows[0]!.n).toBe(0);

    // Halt's people see it on their own page, in Dutch.
    const haltPage = await newPage(browser);
    await demoLogin(haltPage, tb.url, 'demo-halt');
    await haltPage.click('nav >> text=Verzoektaken');
    expect(await textOf(haltPage, '[data-list="verzoektaken"]')).toContain(haltRef);
    expect(await textOf(haltPage, '[data-list="verzoektaken"]')).toContain('Ingetrokken en gewist');
    await expectAccessible(haltPage, 'partner verzoektaken page');
    await haltPage.context().close();

    // The jurist sees Halt's answer.
    await page.reload();
    expect(await page.getAttribute('tr[data-taak="halt"]', 'data-status')).toBe('withdrawn');
    expect(await textOf(page, 'tr[data-taak="halt"]')).toContain('Ingetrokken');

    // Halt's next delivery brings the ref again: refused, with code erased.
    const again = await tb.call('POST', '/v1/signals', { token: halt, body: { batchId: opaqueRef('b'), signals: [signal(current, 2, 'halt-afdoening', haltRef)] } });
    expect(again.body).toMatchObject({ accepted: 0, rejected: 1, rejections: [expect.objectContaining({ code: 'erased' })] });
    expectNeverSent(sent, [youth]);
  });
});
