/**
 * The lifecycle's status rules as table tests: one row per (state, step, who) and the
 * answer, without a database.
 */
import { describe, expect, it } from 'vitest';
import { PREVIEW_VALID_MS, previewRefusal, refusalOf, statusOf, versionIdOf, type LifecycleStep, type VersionState } from '../../broker/policy/policy-status-fns.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const HOUR = 3600_000;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);

describe('statusOf', () => {
  const rows: Array<[string, Pick<VersionState, 'id' | 'state' | 'activatedAt'>, number, string]> = [
    ['a draft', { id: 5, state: 'draft', activatedAt: null }, 1, 'draft'],
    ['a submitted version', { id: 5, state: 'submitted', activatedAt: null }, 1, 'submitted'],
    ['an approved version not yet activated', { id: 5, state: 'approved', activatedAt: null }, 1, 'approved'],
    ['a rejected version', { id: 5, state: 'rejected', activatedAt: null }, 1, 'rejected'],
    ['the active version', { id: 5, state: 'approved', activatedAt: at(-HOUR) }, 5, 'active'],
    ['an activated version another one replaced', { id: 5, state: 'approved', activatedAt: at(-HOUR) }, 6, 'superseded'],
    ['a version activated from a later time', { id: 5, state: 'approved', activatedAt: at(HOUR) }, 1, 'scheduled'],
    ['a version whose time is exactly now', { id: 5, state: 'approved', activatedAt: NOW }, 5, 'active'],
  ];
  it.each(rows)('%s', (_what, v, activeId, expected) => {
    expect(statusOf(v, activeId, NOW)).toBe(expected);
  });
});

describe('refusalOf', () => {
  const draft: VersionState = { id: 7, state: 'draft', authorId: 'fg-1', activatedAt: null };
  const submitted: VersionState = { ...draft, state: 'submitted' };
  const approved: VersionState = { ...draft, state: 'approved' };
  const rejected: VersionState = { ...draft, state: 'rejected' };
  const active: VersionState = { ...approved, activatedAt: at(-HOUR) };
  const superseded: VersionState = { ...approved, id: 3, activatedAt: at(-2 * HOUR) };
  const scheduled: VersionState = { ...approved, activatedAt: at(HOUR) };
  // [step, version, person, active version id, expected code or null]
  const rows: Array<[LifecycleStep, string, VersionState, string, number, 'conflict' | 'forbidden' | null]> = [
    ['edit', 'own draft', draft, 'fg-1', 1, null],
    ['edit', "someone else's draft", draft, 'fg-2', 1, 'forbidden'],
    ['edit', 'a submitted version', submitted, 'fg-1', 1, 'conflict'],
    ['edit', 'an active version', active, 'fg-1', 7, 'conflict'],
    ['submit', 'own draft', draft, 'fg-1', 1, null],
    ['submit', "someone else's draft", draft, 'fg-2', 1, 'forbidden'],
    ['submit', 'a submitted version', submitted, 'fg-1', 1, 'conflict'],
    ['approve', 'a submitted version by another officer', submitted, 'fg-2', 1, null],
    ['approve', 'a submitted version by its author', submitted, 'fg-1', 1, 'forbidden'],
    ['approve', 'a draft', draft, 'fg-2', 1, 'conflict'],
    ['approve', 'an approved version', approved, 'fg-2', 1, 'conflict'],
    ['reject', 'a submitted version by another officer', submitted, 'fg-2', 1, null],
    ['reject', 'a submitted version by its author (withdrawal)', submitted, 'fg-1', 1, null],
    ['reject', 'a rejected version', rejected, 'fg-2', 1, 'conflict'],
    ['activate', 'an approved version', approved, 'fg-1', 1, null],
    ['activate', 'an approved version, by its author too', approved, 'fg-1', 1, null],
    ['activate', 'a submitted version', submitted, 'fg-2', 1, 'conflict'],
    ['activate', 'the active version', active, 'fg-1', 7, 'conflict'],
    ['activate', 'a scheduled version', scheduled, 'fg-1', 1, 'conflict'],
    ['rollback', 'a superseded version', superseded, 'fg-2', 7, null],
    ['rollback', 'the active version', active, 'fg-2', 7, 'conflict'],
    ['rollback', 'a scheduled version', scheduled, 'fg-2', 1, 'conflict'],
    ['rollback', 'a draft', draft, 'fg-2', 1, 'conflict'],
  ];
  it.each(rows)('%s: %s', (step, _what, v, person, activeId, expected) => {
    const refusal = refusalOf(step, v, person, activeId, NOW);
    expect(refusal?.code ?? null).toBe(expected);
    if (refusal) expect(refusal.message).toContain(String(v.id));
  });
});

describe('versionIdOf', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['0', null],
    ['01', null],
    ['-1', null],
    ['1e3', null],
    ['abc', null],
    ['', null],
  ])('%j → %j', (segment, expected) => {
    expect(versionIdOf(segment)).toBe(expected);
  });
});

describe('previewRefusal', () => {
  const v = { id: 7, contentHash: 'sha256:aa' };
  const good = { versionId: 7, contentHash: 'sha256:aa', personId: 'fg-2', createdAt: at(-HOUR) };
  it.each([
    ['no preview', undefined, /fetch/],
    ['a preview of another version', { ...good, versionId: 8 }, /other content/],
    ['a preview of other content of this version', { ...good, contentHash: 'sha256:bb' }, /other content/],
    ["someone else's preview", { ...good, personId: 'fg-3' }, /someone else/],
    ['a preview older than 24 hours', { ...good, createdAt: at(-PREVIEW_VALID_MS - 1) }, /older than 24 hours/],
    ['a preview of exactly 24 hours', { ...good, createdAt: at(-PREVIEW_VALID_MS) }, null],
    ['a fresh preview by the approver', good, null],
  ])('%s', (_what, preview, expected) => {
    const refusal = previewRefusal(preview, v, 'fg-2', NOW);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });
});
