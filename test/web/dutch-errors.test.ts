/**
 * Issue 23 item 1 in the browser: every form, filled in wrong as its user would (or as a hand-made
 * request would), answers in Dutch. The page names the field as the form labels it and says what
 * to do; it shows no English, no JSON Pointer and no raw id, passes axe, and the header names the
 * role by its Dutch name. Nothing is stored: the logboek does not grow.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, textOf } from '../support/browser.js';
import { expectDutchOnly } from '../support/reflow.js';
import { openCase } from '../support/casus.js';
import { day, randomPseudonym } from '../support/synthetic.js';

/** Posts a form as the browser does (the session's CSRF token from the page it is on) and waits for the answer page. */
async function postForm(page: Page, action: string, fields: Readonly<Record<string, string | undefined>>): Promise<number> {
  const [res] = await Promise.all([
    page.waitForNavigation(),
    page.evaluate(({ action, fields }) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = action;
      const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
      for (const [k, v] of Object.entries({ _csrf: csrf, ...fields })) {
        if (v === undefined) continue;
        const i = document.createElement('input');
        i.type = 'hidden';
        i.name = k;
        i.value = v;
        f.append(i);
      }
      document.body.append(f);
      f.submit();
    }, { action, fields }),
  ]);
  return res!.status();
}

interface WrongInput {
  readonly what: string;
  /** The page the form is on. */
  readonly on: string;
  /** The form's action and its wrong fields; without it, `on` is a GET with wrong parameters. */
  readonly post?: { readonly action: string; readonly fields: Readonly<Record<string, string | undefined>> };
  readonly status: number;
  /** What the page must say: the field's label and what to do. */
  readonly says: readonly string[];
}

describe.skipIf(!HAS_CHROMIUM)('every form answers wrong input in Dutch', { timeout: 240_000 }, () => {
  let tb: TestBroker;
  let browser: Browser;
  let rawIds: string[];
  let caseId: string;
  let subjectId: string;
  const entries = async (): Promise<number> =>
    (await sql<{ n: number }>`select count(*)::int as n from logboek_entries`.execute(tb.broker.db)).rows[0]!.n;

  beforeAll(async () => {
    tb = await startTestBroker();
    const platform = tb.broker.platform;
    rawIds = [
      ...[...platform.roles, ...platform.doelen, ...platform.partners].map((x) => x.id).filter((id) => id.includes('-')),
      'not-permitted', 'no-hit', 'demo-voorzitter', 'demo-jurist', 'demo-beheerder', 'demo-fg',
    ];
    const c = await openCase(tb, [randomPseudonym()]);
    caseId = c.caseId;
    subjectId = c.subjectIds[0]!;
    // Besproken, so that vervolgacties may be recorded.
    for (const to of ['in-screening', 'besproken']) {
      const res = await tb.call('POST', `/v1/cases/${caseId}/transitions`, { token: await tb.token('demo-voorzitter'), body: { to } });
      expect(res.status, res.text).toBe(200);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  const walk = async (user: string, roleName: string, cases: () => WrongInput[]): Promise<void> => {
    const page = await newPage(browser);
    await demoLogin(page, tb.url, user);
    expect(await textOf(page, '.site-user')).toContain(`(${roleName})`);
    for (const w of cases()) {
      const before = await entries();
      let status: number;
      if (w.post) {
        await page.goto(`${tb.url}${w.on}`);
        status = await postForm(page, `${tb.url}${w.post.action}`, w.post.fields);
      } else {
        status = (await page.goto(`${tb.url}${w.on}`))!.status();
      }
      expect(status, w.what).toBe(w.status);
      const alert = await textOf(page, '.utrecht-alert--error');
      for (const s of w.says) expect(alert, w.what).toContain(s);
      await expectDutchOnly(page, w.what, rawIds);
      await expectAccessible(page, w.what);
      expect(await entries(), `${w.what}: nothing logged or stored`).toBe(before);
    }
    await page.context().close();
  };

  it('the voorzitter: casus, status, vervolgactie, notificatie, screening', async () => {
    await walk('demo-voorzitter', 'Voorzitter casusoverleg (ZVH)', () => [
      { what: 'new casus without a pseudonym', on: '/casussen/nieuw', post: { action: '/casussen', fields: { caseRef: 'ZVH-1', doel: 'jpp-screening', routeIn: 'politie' } }, status: 422, says: ['Jongere 1: uw browser heeft de identiteit niet versleuteld'] },
      { what: 'new casus with a case number that is not one and a subject that is no pseudonym', on: '/casussen/nieuw', post: { action: '/casussen', fields: { caseRef: '', doel: 'jpp-screening', routeIn: 'politie', subject: 'abc' } }, status: 422, says: ['Casusnummer', 'Jongere 1'] },
      { what: 'opschalen without a reason', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/status`, fields: { to: 'opgeschaald', reason: '', outcome: '' } }, status: 422, says: ['Reden: vul dit in.'] },
      { what: 'a status that cannot follow', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/status`, fields: { to: 'aangemeld' } }, status: 409, says: ['Nieuwe status: deze stap kan niet vanuit de huidige status'] },
      { what: 'afsluiten without an outcome', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/status`, fields: { to: 'afgesloten' } }, status: 422, says: ['Uitkomst: vul dit in.'] },
      { what: 'a vervolgactie due in the past', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/vervolgacties`, fields: { partner: 'halt', kind: 'halt-interventie', dueDate: day(new Date(), -10) } }, status: 422, says: ['Uiterlijk: deze datum ligt in het verleden'] },
      { what: 'a vervolgactie for an unknown partner', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/vervolgacties`, fields: { partner: 'nobody', kind: 'halt-interventie', dueDate: day(new Date(), 10) } }, status: 422, says: ['Partner: kies een waarde uit de lijst.'] },
      { what: 'informed in the future', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/onderwerpen/${subjectId}/notificatie`, fields: { state: 'informed', informedAt: day(new Date(), 5) } }, status: 422, says: ['Geïnformeerd op: deze datum ligt in de toekomst'] },
      { what: 'deferred without a reason', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/onderwerpen/${subjectId}/notificatie`, fields: { state: 'deferred' } }, status: 422, says: ['Reden van uitstel'] },
      { what: 'a screening without a pseudonym', on: `/casussen/${caseId}`, post: { action: `/casussen/${caseId}/screening`, fields: {} }, status: 422, says: ['Identiteit van de jongere'] },
    ]);
  });

  it('a partner professional: screening by case number', async () => {
    await walk('demo-halt', 'Halt-medewerker', () => [
      { what: 'screening without a pseudonym', on: '/screening', post: { action: '/screening', fields: { caseRef: 'ZVH-1', doel: 'jpp-casusoverleg' } }, status: 422, says: ['Identiteit van de jongere'] },
      { what: 'screening of a casus that does not exist', on: '/screening', post: { action: '/screening', fields: { caseRef: 'ZVH-0000-NIET', doel: 'jpp-casusoverleg', subject: randomPseudonym() } }, status: 404, says: ['Casusnummer: dit bestaat niet'] },
    ]);
  });

  it('the jurist: logboek, inzage, bezwaar, bewaarplicht, export', async () => {
    await walk('demo-jurist', 'Jurist', () => [
      { what: 'logboek with a date that is not one', on: '/logboek?van=gisteren', status: 422, says: ['Van'] },
      { what: 'inzage without a pseudonym', on: '/inzage', post: { action: '/inzage', fields: {} }, status: 422, says: ['Identiteit van de jongere'] },
      { what: 'bezwaar without a pseudonym', on: '/bezwaren', post: { action: '/bezwaren', fields: {} }, status: 422, says: ['Identiteit van de jongere'] },
      { what: 'bewaarplicht for a casus without its number', on: '/bewaarplicht', post: { action: '/bewaarplicht/casus', fields: { caseRef: '', reason: 'rechtszaak' } }, status: 422, says: ['Casusnummer: vul dit in.'] },
    ]);
  });

  it('the beheerder: people and organisations', async () => {
    await walk('demo-beheerder', 'Functioneel beheerder', () => [
      { what: 'an organisation whose code exists', on: '/beheer/organisaties', post: { action: '/beheer/organisaties', fields: { organisationId: 'politie', name: 'Politie' } }, status: 409, says: ['Code van de organisatie: bestaat al'] },
    ]);
  });
});
