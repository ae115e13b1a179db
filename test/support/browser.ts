/**
 * Browser tests: playwright-core driving Debian's chromium (never a downloaded browser), an
 * axe-core accessibility check (WCAG 2.1 A and AA rules) for every page a journey visits,
 * and a screenshot per journey.
 *
 * Screenshots go to test-output/screenshots/ (gitignored) on every run, so `npm test` leaves
 * the repository's tree unchanged. With UPDATE_SCREENSHOTS=1 they are also written to
 * docs/screenshots/, which the README shows; commit those on purpose.
 *
 * Without /usr/bin/chromium (or $CHROMIUM_PATH) the browser tests skip with a visible
 * message; `.ci/run` installs chromium, so CI always runs them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  process.stderr.write(`\n[browser tests] SKIPPED: no chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium\n\n`);
}

/** Where every run saves its screenshots (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
/** The screenshots the README shows; written only with UPDATE_SCREENSHOTS=1. */
export const DOC_SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
export const UPDATE_SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1';

/** The one chromium of this process: vitest's workers run many test files each (`isolate: false`). */
let shared: Promise<Browser> | undefined;

/**
 * A test file's browser. Starting chromium costs about 1.7 s of CPU and 4 s on a loaded machine,
 * so the files a worker runs share one chromium process (docs/performance.md, "Test suite");
 * each file still gets a browser of its own to the test: every page is in a context of its own
 * (cookies, storage), and its `close()` closes the contexts the file opened, not chromium, which
 * ends with the worker. A chromium that crashed or was closed is started again.
 */
export async function launchBrowser(): Promise<Browser> {
  let browser = await (shared ??= start());
  if (!browser.isConnected()) browser = await (shared = start());
  const contexts = new Set<BrowserContext>();
  const own: Partial<Browser> = {
    async newContext(...args: Parameters<Browser['newContext']>) {
      const context = await browser.newContext(...args);
      contexts.add(context);
      context.once('close', () => contexts.delete(context));
      return context;
    },
    async newPage(...args: Parameters<Browser['newPage']>) {
      const page = await browser.newPage(...args);
      contexts.add(page.context());
      return page;
    },
    async close() {
      await Promise.all([...contexts].map((c) => c.close()));
      contexts.clear();
    },
    contexts: () => [...contexts],
  };
  return new Proxy(browser, {
    get(target, prop) {
      if (prop in own) return own[prop as keyof Browser];
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function start(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
  return context.newPage();
}

/**
 * Runs axe-core on the page (WCAG 2.0/2.1 A and AA) and fails naming each violation.
 *
 * The broker's pages have no frames, so axe runs once in the page itself (`axe.run`, the
 * builder's legacy mode) instead of `runPartial` in each frame and `finishRun` in a blank page
 * it opens for every check, with a second copy of axe's 0.5 MB source: on 14 pages of
 * zoom-and-dutch both give the same violations, passes, incomplete and inapplicable rules, node
 * for node, at about two thirds of the CPU (docs/performance.md, "Test suite"). A page with
 * frames is still checked frame by frame.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (page.frames().length === 1) builder.setLegacyMode(true);
  const result = await builder.analyze();
  const problems = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(problems, `accessibility of ${what}`).toEqual([]);
}

/**
 * Saves the page as test-output/screenshots/<name>.png, and with UPDATE_SCREENSHOTS=1 also as
 * docs/screenshots/<name>.png; long pages only `maxHeight` pixels, from the top or from the
 * element `from` (a CSS selector) on.
 */
export async function screenshot(page: Page, name: string, maxHeight = 1800, from?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const top = from ? Math.max(0, Math.floor((await page.locator(from).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY)) - 16)) : 0;
  const clip = { x: 0, y: top, width: 1280, height: Math.min(maxHeight, height - top) };
  const png = await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true, ...(top > 0 || height > maxHeight ? { clip } : {}) });
  if (UPDATE_SCREENSHOTS) {
    mkdirSync(DOC_SCREENSHOTS, { recursive: true });
    writeFileSync(`${DOC_SCREENSHOTS}${name}.png`, png);
  }
}

/** Logs in on the demo's login page as one of the demo people. */
export async function demoLogin(page: Page, baseUrl: string, userId: string): Promise<void> {
  await page.goto(`${baseUrl}/inloggen`);
  await page.check(`#user-${userId}`);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('button[type="submit"]:has-text("Inloggen")')]);
}

/**
 * Gives the page's context a session of one of the demo people without walking the login page:
 * the login form's own two requests (GET /inloggen for its CSRF token and nonce cookie, POST
 * /inloggen), sent from the context, so the session cookie is the context's own and every
 * context still has a session of its own. Two page loads and renders fewer than `demoLogin`;
 * for tests whose subject is not the login (the login page itself is walked by `demoLogin`).
 */
export async function demoSession(page: Page, baseUrl: string, userId: string): Promise<void> {
  const form = await page.request.get(`${baseUrl}/inloggen`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  expect(csrf, 'the login form has a CSRF token').toBeDefined();
  const res = await page.request.post(`${baseUrl}/inloggen`, { form: { _csrf: csrf!, user: userId, terug: '/' }, maxRedirects: 0 });
  expect([res.status(), res.headers()['location']], `login of ${userId}`).toEqual([303, '/']);
}

/** The visible text of the first element matching `selector`, once it is there. */
export async function textOf(page: Page, selector: string): Promise<string> {
  const l = page.locator(selector).first();
  await l.waitFor({ state: 'visible' });
  return l.innerText();
}
