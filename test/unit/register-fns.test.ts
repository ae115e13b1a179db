/** The register's pure rules, one row per decision (broker/register/register-fns.ts). */
import { describe, expect, it } from 'vitest';
import { approvalOnGrant, approvalProblem, grantState, periodOf, periodState, personState } from '../../broker/register/register-fns.js';
import { loadPlatform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { packagePath } from '../../protocol/package-root.js';

const platform = loadPlatform(packagePath('policies', 'jpp-sittard-geleen.platform.json'), createSchemaRegistry());
const now = new Date('2026-12-04T12:00:00Z');
const d = (s: string) => new Date(s);

describe('periodState', () => {
  it.each([
    ['from yesterday, open-ended', { validFrom: d('2026-12-03'), validUntil: null }, 'active'],
    ['from tomorrow', { validFrom: d('2026-12-05'), validUntil: null }, 'not-yet-valid'],
    ['until now exactly (exclusive end)', { validFrom: d('2026-01-01'), validUntil: now }, 'expired'],
    ['until a second later', { validFrom: d('2026-01-01'), validUntil: new Date(now.getTime() + 1000) }, 'active'],
    ['from now exactly (inclusive start)', { validFrom: now, validUntil: null }, 'active'],
  ] as const)('%s: %s', (_l, p, expected) => expect(periodState(p, now)).toBe(expected));
});

describe('grantState', () => {
  const base = { validFrom: d('2026-01-01'), validUntil: null, approvedAt: d('2026-01-01'), revokedAt: null };
  it.each([
    ['approved, in its period', base, 'active'],
    ['not approved', { ...base, approvedAt: null }, 'pending-approval'],
    ['revoked (also when approved)', { ...base, revokedAt: d('2026-06-01') }, 'revoked'],
    ['revoked before approval', { ...base, approvedAt: null, revokedAt: d('2026-06-01') }, 'revoked'],
    ['approved, period ended', { ...base, validUntil: d('2026-06-01') }, 'expired'],
    ['approved, period not begun', { ...base, validFrom: d('2027-01-01') }, 'not-yet-valid'],
  ] as const)('%s: %s', (_l, g, expected) => expect(grantState(g, now)).toBe(expected));
});

describe('personState', () => {
  it.each([
    ['active', { active: true, validFrom: d('2026-01-01'), validUntil: null }, 'active'],
    ['deactivated (whatever the period)', { active: false, validFrom: d('2026-01-01'), validUntil: null }, 'deactivated'],
    ['past their end', { active: true, validFrom: d('2026-01-01'), validUntil: d('2026-02-01') }, 'expired'],
  ] as const)('%s: %s', (_l, p, expected) => expect(personState(p, now)).toBe(expected));
});

describe('approvalOnGrant: four eyes for privileged roles', () => {
  it.each([
    ['an ordinary role (halt-medewerker) is approved by its granter at once', 'halt-medewerker', 'fb-1', true],
    ['the voorzitter (query, cases, monitoring) is ordinary', 'voorzitter', 'fb-1', true],
    ['the jurist (read-disclosures, rights) waits', 'jurist', 'fb-1', false],
    ['the privacy officer (manage-policy) waits', 'privacy-officer', 'fb-1', false],
    ['the functioneel beheerder (administer) waits', 'functioneel-beheerder', 'fb-1', false],
    ['the bootstrap (a system actor) approves its own', 'functioneel-beheerder', 'system:bootstrap', true],
  ] as const)('%s', (_l, role, by, approvedAtOnce) => {
    expect(approvalOnGrant(platform, role, by, now) !== null).toBe(approvedAtOnce);
  });
});

describe('approvalProblem', () => {
  const pending = { personId: 'jurist-1', grantedBy: 'fb-1', approvedAt: null, revokedAt: null };
  it.each([
    ['a second beheerder approves', pending, 'fb-2', null],
    ['the granter approves', pending, 'fb-1', /four eyes/],
    ['the person approves their own role', pending, 'jurist-1', /four eyes/],
    ['approved already', { ...pending, approvedAt: now }, 'fb-2', /approved already/],
    ['revoked', { ...pending, revokedAt: now }, 'fb-2', /revoked/],
  ] as const)('%s', (_l, g, approver, expected) => {
    const problem = approvalProblem(g, approver);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('periodOf', () => {
  it.each([
    ['nothing given: from now, open-ended', {}, { validFrom: now, validUntil: null }],
    ['dates: from the start of the day in UTC', { validFrom: '2027-01-01', validUntil: '2027-07-01' }, { validFrom: d('2027-01-01T00:00:00Z'), validUntil: d('2027-07-01T00:00:00Z') }],
  ] as const)('%s', (_l, body, expected) => expect(periodOf(body, now)).toEqual(expected));
  it.each([
    ['an end before the start', { validFrom: '2027-02-01', validUntil: '2027-01-01' }, '/validUntil'],
    ['an end in the past', { validUntil: '2026-01-01' }, '/validUntil'],
    ['a start that is no date', { validFrom: '2027-13-45' }, '/validFrom'],
  ] as const)('%s: refused on %s', (_l, body, pointer) => {
    const r = periodOf(body, now);
    expect(Array.isArray(r) && r.map((e) => e.pointer)).toEqual([pointer]);
  });
});
