/**
 * Browser checks for text that people must be able to read: a page at 200% zoom (WCAG 1.4.4
 * resize text, 1.4.10 reflow), and form controls whose text is cut off, and pages that speak
 * API instead of Dutch.
 *
 * 200% zoom of a 1280 × 900 window is emulated as Chromium zooms: a viewport of 640 × 450
 * CSS pixels at a device scale factor of 2.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

/** A page in a window of 1280 × 900 device pixels zoomed to `zoom` (2 = 200%). */
export async function newZoomedPage(browser: Browser, zoom = 2): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: Math.round(1280 / zoom), height: Math.round(900 / zoom) },
    deviceScaleFactor: zoom,
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
  });
  return context.newPage();
}

/**
 * Fails naming what cannot be read whole: a page that scrolls sideways, a table that needs
 * scrolling sideways, a select whose longest option (or chosen one) does not fit its box, a
 * text area or element whose text is hidden behind its edge.
 */
export async function expectReadable(page: Page, what: string): Promise<void> {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`the page scrolls sideways by ${doc.scrollWidth - doc.clientWidth}px`);
    document.querySelectorAll('.table-wrap').forEach((w, i) => {
      if (w.scrollWidth > w.clientWidth + 1) out.push(`table ${i + 1} scrolls sideways by ${w.scrollWidth - w.clientWidth}px`);
    });
    const ctx = document.createElement('canvas').getContext('2d')!;
    document.querySelectorAll('select').forEach((s) => {
      const cs = getComputedStyle(s);
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      // Room for text: the box less its padding, border and the arrow (about 1.5em).
      const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 1.5 * parseFloat(cs.fontSize);
      for (const o of Array.from(s.options)) {
        const width = ctx.measureText(o.text).width;
        if (width > room) out.push(`select ${s.id || s.name}: "${o.text}" needs ${Math.ceil(width)}px, has ${Math.floor(room)}px`);
      }
    });
    document.querySelectorAll('textarea').forEach((t) => {
      if (t.scrollHeight > t.clientHeight + 2) out.push(`text area ${t.id} hides ${t.scrollHeight - t.clientHeight}px of its text`);
    });
    document.querySelectorAll('main *').forEach((el) => {
      const cs = getComputedStyle(el);
      // A box shorter than its content lets the content run over what follows it.
      if (cs.overflowY === 'visible' && cs.display !== 'inline' && el.clientHeight > 1 && el.scrollHeight > el.clientHeight + 2) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}" runs ${el.scrollHeight - el.clientHeight}px over its box`);
      }
      // Visually hidden text (1px, for screen readers) is meant to be clipped.
      if ((cs.overflowX === 'hidden' || cs.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 1) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} cuts off its text`);
      }
    });
    return out;
  });
  expect(problems, `readability of ${what} at ${page.viewportSize()?.width}px`).toEqual([]);
}

/** English words and API codes that must not stand on a Dutch page. */
const ENGLISH = /\b(the|must|should|rule|rules|allowed?|deny|denied|draft|submitted|approved|rejected|superseded|preview|expected|got|version|lint|error|warning|required|pointer|field|not-permitted|is not|confirmNewAccess|previewId|expectedHash)\b/i;
const POINTER = /(^|[\s(:"'])\/(rules|tests|groupings|note|previewId|confirmNewAccess|activeFrom|expectedHash|copyOf)(\/|\b)/;

/**
 * Fails when the main content holds English, a JSON Pointer, or one of `rawIds` (ids of the
 * platform and the demo, which a page must show by name).
 */
export async function expectDutchOnly(page: Page, what: string, rawIds: readonly string[]): Promise<void> {
  const text = await page.locator('main').innerText();
  const found: string[] = [];
  const english = ENGLISH.exec(text);
  if (english) found.push(`English "${english[0]}" in "…${text.slice(Math.max(0, english.index - 40), english.index + 40)}…"`);
  const pointer = POINTER.exec(text);
  if (pointer) found.push(`a JSON Pointer in "…${text.slice(Math.max(0, pointer.index - 40), pointer.index + 40)}…"`);
  for (const id of rawIds) {
    const at = new RegExp(`(^|[^\\w-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).exec(text);
    if (at) found.push(`raw id ${id} in "…${text.slice(Math.max(0, at.index - 40), at.index + 40)}…"`);
  }
  expect(found, `Dutch text on ${what}`).toEqual([]);
}
