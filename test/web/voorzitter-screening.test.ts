/**
 * Journey: the voorzitter screens a youth in the browser. The BSN (or, without BSN, the
 * name and birth date) is typed, pseudonymised in the browser, and never sent: every
 * request the browser makes is intercepted and searched for it, in every form.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { HAS_CHROMIUM, demoLogin, expectAccessible, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { opaqueRef } from '../support/synthetic.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';

interface Sent {
  url: string;
  headers: string;
  body: string;
}

function recordRequests(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on('request', (req: Request) => {
    sent.push({ url: req.url(), headers: JSON.stringify(req.headers()), body: req.postDataBuffer()?.toString('latin1') ?? '' });
  });
  return sent;
}

describe.skipIf(!HAS_CHROMIUM)('voorzitter: screening in the browser', () => {
  let tb: TestBroker;
  let browser: Browser;
  let identities: DemoIdentity[];

  beforeAll(async () => {
    tb = await startTestBroker();
    browser = await launchBrowser();
    identities = JSON.parse(readFileSync(join(tb.dataDir, 'demo-identities.json'), 'utf8')) as DemoIdentity[];
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.close();
  });

  const bsnOf = (label: string): string => {
    const id = identities.find((i) => i.label === label)!;
    return (id as { bsn: string }).bsn;
  };

  it('screens jongere-a by BSN: answers per partner, explained, and the BSN never leaves the browser', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await expectAccessible(page, 'start page (voorzitter)');
    // The voorzitter's menu offers screening, not the jurist's logboek.
    expect(await page.locator('nav[aria-label="Hoofdmenu"] a').allInnerTexts()).toEqual(['Start', 'Screening']);

    await page.click('nav >> text=Screening');
    await expectAccessible(page, 'screening form');
    const bsn = bsnOf('jongere-a');
    const caseRef = opaqueRef('ZVH');
    await page.fill('#caseRef', caseRef);
    await page.selectOption('#doel', 'jpp-screening');
    await page.fill('#id-bsn', bsn);
    await Promise.all([page.waitForURL(`${tb.url}/screening`), page.click('button:has-text("Vraag de partners")')]);
    await page.waitForSelector('h1:has-text("Uitkomst van de screening")');
    await expectAccessible(page, 'screening result');
    await screenshot(page, 'voorzitter-screening');

    const answers = Object.fromEntries(
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-partner'), r.getAttribute('data-answer')])),
    );
    expect(answers).toMatchObject({
      politie: 'hit',
      halt: 'hit',
      'gemeente-leerplicht': 'hit',
      'gemeente-jeugdboa': 'no-hit',
      jongerenwerk: 'not-permitted',
    });
    expect(await textOf(page, 'tr[data-partner="jongerenwerk"]')).toContain('Er is bij deze partner niets opgezocht');
    expect(await textOf(page, 'tr[data-partner="politie"]')).toContain('Wpg');
    expect(await textOf(page, 'main')).toContain(caseRef);

    // The typed BSN appears in no request: not in a URL, header or body, in any spelling.
    const forms = [bsn, `${bsn.slice(0, 4)}.${bsn.slice(4, 6)}.${bsn.slice(6)}`, `jpp-id:v1:bsn:${bsn}`, Buffer.from(`jpp-id:v1:bsn:${bsn}`).toString('base64url')];
    expect(sent.length).toBeGreaterThan(5);
    for (const s of sent) for (const f of forms) expect(`${s.url}\n${s.headers}\n${s.body}`).not.toContain(f);
    // What did go out: blinded elements to the custodian endpoint, and a pseudonym with the form.
    const evaluate = sent.find((s) => s.url.endsWith('/web-api/custodian/evaluate'))!;
    expect(JSON.parse(evaluate.body)).toMatchObject({ epoch: 1, doel: 'jpp-screening', blindedElements: [expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)] });
    const form = new URLSearchParams(sent.find((s) => s.url === `${tb.url}/screening` && s.body.includes('subject='))!.body);
    expect(form.get('subject')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([...form.keys()].sort()).toEqual(['_csrf', 'caseRef', 'doel', 'identityKind', 'subject']);
    await page.context().close();
  });

  it('screens jongere-f without BSN: surname, first name and birth date stay in the browser', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/screening`);
    const f = identities.find((i) => i.label === 'jongere-f') as unknown as { surname: string; firstName: string; birthDate: string };
    await page.fill('#caseRef', opaqueRef('ZVH'));
    await page.check('#kind-naam');
    await expectAccessible(page, 'screening form without BSN');
    await page.fill('#id-surname', f.surname);
    await page.fill('#id-firstname', f.firstName);
    await page.fill('#id-birthdate', f.birthDate);
    await page.click('button:has-text("Vraag de partners")');
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

  it('refuses an invalid BSN in the browser, with a message naming the rule, and sends nothing to the custodian', async () => {
    const page = await newPage(browser);
    const sent = recordRequests(page);
    await demoLogin(page, tb.url, 'demo-voorzitter');
    await page.goto(`${tb.url}/screening`);
    await page.fill('#caseRef', opaqueRef('ZVH'));
    await page.fill('#id-bsn', '123456789');
    await page.click('button:has-text("Vraag de partners")');
    expect(await textOf(page, '[data-pseudonymise-error]')).toContain('elfproef');
    expect(sent.filter((s) => s.url.includes('/web-api/'))).toEqual([]);
    expect(sent.filter((s) => s.body.includes('123456789'))).toEqual([]);
    await expectAccessible(page, 'screening form with an error');
    await page.context().close();
  });
});
