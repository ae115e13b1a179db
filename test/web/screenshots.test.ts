/**
 * The README's screenshots and the journeys that take them agree: every screenshot a journey
 * saves is in docs/screenshots/ and shown in the README, and docs/screenshots/ holds nothing a
 * journey no longer takes. (Journeys write docs/screenshots/ only with UPDATE_SCREENSHOTS=1;
 * test/support/browser.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const journeys = readdirSync(`${root}test/web`).filter((f) => f.endsWith('.test.ts'));
const taken = new Set(
  journeys.flatMap((f) => [...readFileSync(`${root}test/web/${f}`, 'utf8').matchAll(/\bscreenshot\(\s*\w+\s*,\s*'([a-z0-9-]+)'/g)].map((m) => m[1]!)),
);
const committed = new Set(readdirSync(`${root}docs/screenshots`).filter((f) => f.endsWith('.png')).map((f) => f.replace(/\.png$/, '')));
const readme = readFileSync(`${root}README.md`, 'utf8');
const shown = new Set([...readme.matchAll(/\(docs\/screenshots\/([a-z0-9-]+)\.png\)/g)].map((m) => m[1]!));

describe('screenshots', () => {
  it('are taken by the journeys', () => {
    expect(taken.size).toBeGreaterThan(10);
  });
  it('every screenshot a journey takes is shown in the README', () => {
    expect([...taken].filter((n) => !shown.has(n))).toEqual([]);
  });
  // With UPDATE_SCREENSHOTS=1 the journeys are writing docs/screenshots/ while this runs; the next run checks.
  it.skipIf(process.env['UPDATE_SCREENSHOTS'] === '1')('every screenshot a journey takes is in docs/screenshots', () => {
    expect([...taken].filter((n) => !committed.has(n))).toEqual([]);
  });
  it('docs/screenshots holds only what a journey takes, and the README shows only those', () => {
    expect([...committed].filter((n) => !taken.has(n))).toEqual([]);
    expect([...shown].filter((n) => !taken.has(n))).toEqual([]);
  });
});
