/**
 * The impact of a policy change as table tests, without a database: the exact impact over
 * the platform's decision space (one row per kind of change), the digest of new access,
 * and the replay of logged decisions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIONS } from '../../broker/policy/policy-actions.js';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { compilePolicy } from '../../broker/policy/policy.service.js';
import {
  createImpactReplay,
  decisionSpace,
  exactImpact,
  newAccessDigest,
  tupleKey,
  tupleOfKey,
  type DecisionTuple,
  type LoggedDecision,
} from '../../broker/policy/policy-impact-fns.js';

const file = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const platform = loadPlatform(file('policies/jpp-sittard-geleen.platform.json'), createSchemaRegistry());
const modelText = readFileSync(file('policies/model.conf'), 'utf8');
const seedText = readFileSync(platform.policyFile, 'utf8');
const table = (extra: string, base = seedText) => compilePolicy(modelText, `${base}\n${extra}`, platform);
const seed = await compilePolicy(modelText, seedText, platform);
const short = (t: { role: string; doel: string; partner: string; category: string; action: string }) =>
  `${t.role} ${t.doel} ${t.partner} ${t.category} ${t.action}`;
const ketenprofessionals = ['jeugdboa', 'team-jeugd-medewerker', 'leerplichtambtenaar', 'politie-medewerker', 'jeugdreclasseerder', 'rvdk-raadsonderzoeker', 'halt-medewerker', 'jongerenwerker', 'preforensisch-werker'];

describe('decisionSpace', () => {
  it('holds every role × doel × partner × category it holds × action (bevragen and uitnodigen, each with and without consent), once', () => {
    const space = decisionSpace(platform);
    const perPartner = platform.partners.reduce((n, p) => n + p.categories.length, 0);
    expect(space).toHaveLength(platform.roles.length * platform.doelen.length * perPartner * ACTIONS.length);
    expect(ACTIONS).toHaveLength(4);
    expect(new Set(space.map(tupleKey)).size).toBe(space.length);
    // Never a category the partner does not hold.
    expect(space.find((t) => t.partner === 'halt' && t.category === 'politie-registratie')).toBeUndefined();
  });
});

describe('exactImpact', () => {
  // [what changes, extra rules, newly allowed (short form, sorted), newly denied]
  const rows: Array<[string, string, string[], string[]]> = [
    [
      'an allow rule for a decision nobody asked about: both actions, since consent satisfies a plain question',
      'p, W01, jeugdboa, jpp-screening, halt, halt-afdoening, bevragen, allow, "grondslag"',
      ['jeugdboa jpp-screening halt halt-afdoening bevragen', 'jeugdboa jpp-screening halt halt-afdoening bevragen-met-toestemming'],
      [],
    ],
    [
      'an allow rule with consent only',
      'p, W01, jeugdboa, jpp-screening, halt, halt-afdoening, bevragen-met-toestemming, allow, "grondslag"',
      ['jeugdboa jpp-screening halt halt-afdoening bevragen-met-toestemming'],
      [],
    ],
    [
      'an allow rule for a role group: every member',
      'p, W01, ketenprofessional, jpp-screening, halt, halt-afdoening, bevragen-met-toestemming, allow, "grondslag"',
      ketenprofessionals.map((r) => `${r} jpp-screening halt halt-afdoening bevragen-met-toestemming`).sort(),
      [],
    ],
    [
      'a deny rule that overrides allowed decisions',
      'p, W01, voorzitter, jpp-screening, politie, zorgsignaal, bevragen, deny, "grondslag"',
      [],
      ['voorzitter jpp-screening politie zorgsignaal bevragen', 'voorzitter jpp-screening politie zorgsignaal bevragen-met-toestemming'],
    ],
    ['an allow rule for what is allowed already', 'p, W01, voorzitter, jpp-screening, halt, halt-afdoening, bevragen, allow, "andere grondslag"', [], []],
    ['an allow rule for a category the partner does not hold', 'p, W01, jeugdboa, jpp-screening, halt, politie-registratie, bevragen, allow, "grondslag"', [], []],
    ['an allow rule that a deny rule cancels', 'p, W01, jeugdboa, jpp-monitoring, halt, halt-afdoening, bevragen, allow, "grondslag"', [], []],
  ];
  it.each(rows)('%s', async (_what, extra, allowed, denied) => {
    const impact = exactImpact(seed, await table(extra), platform);
    expect(impact.newlyAllowed.map(short).sort()).toEqual(allowed);
    expect(impact.newlyDenied.map(short).sort()).toEqual(denied);
    expect(impact.decisions).toBe(decisionSpace(platform).length);
  });

  it('names the rule on both sides', async () => {
    const opened = exactImpact(seed, await table('p, W01, jeugdboa, jpp-screening, halt, halt-afdoening, bevragen, allow, "Sr art. 77e"'), platform);
    expect(opened.newlyAllowed[0]).toMatchObject({ before: null, after: { rule: 'W01', effect: 'allow', grondslag: 'Sr art. 77e' } });
    const closed = exactImpact(seed, await table('p, W01, voorzitter, jpp-screening, politie, zorgsignaal, bevragen, deny, "protocol"'), platform);
    expect(closed.newlyDenied[0]).toMatchObject({ before: { rule: 'S02', effect: 'allow' }, after: { rule: 'W01', effect: 'deny' } });
    // Removing a rule: the decision falls back to no rule at all.
    const withoutS08 = seedText.split('\n').filter((l) => !l.startsWith('p, S08,')).join('\n');
    const removed = exactImpact(seed, await compilePolicy(modelText, withoutS08, platform), platform);
    expect(removed.newlyDenied.map(short)).toEqual(['voorzitter jpp-screening halt halt-afdoening bevragen', 'voorzitter jpp-screening halt halt-afdoening bevragen-met-toestemming']);
    expect(removed.newlyDenied[0]).toMatchObject({ before: { rule: 'S08' }, after: null });
  });

  it('is symmetric: what one direction allows, the other denies', async () => {
    const changed = await table('p, W01, ketenprofessional, jpp-screening, halt, justitieel, bevragen, allow, "g"');
    const forward = exactImpact(seed, changed, platform);
    const back = exactImpact(changed, seed, platform);
    expect(back.newlyDenied.map(tupleKey)).toEqual(forward.newlyAllowed.map(tupleKey));
    expect(back.newlyAllowed).toEqual([]);
  });

  it('against nothing (a platform\'s first version), every allowed decision is new', () => {
    const first = exactImpact(null, seed, platform);
    const allowed = decisionSpace(platform).filter((t) => seed.decide(t.role, t.doel, t.partner, t.category, t.action).allowed);
    expect(first.newlyAllowed.map(tupleKey)).toEqual(allowed.map(tupleKey));
    expect(first.newlyAllowed.every((t) => t.before === null && t.after?.effect === 'allow')).toBe(true);
    expect(first.newlyDenied).toEqual([]);
    expect(exactImpact(seed, seed, platform)).toMatchObject({ newlyAllowed: [], newlyDenied: [], newAccessDigest: newAccessDigest([]) });
  });
});

describe('newAccessDigest', () => {
  const a: DecisionTuple = { role: 'jeugdboa', doel: 'jpp-screening', partner: 'halt', category: 'halt-afdoening', action: 'bevragen' };
  const b: DecisionTuple = { ...a, action: 'bevragen-met-toestemming' };
  it.each([
    ['the same set in another order', [a, b], [b, a], true],
    ['the same set with a repeat', [a, b], [a, b, a], true],
    ['a set with one decision less', [a, b], [a], false],
    ['another decision', [a], [b], false],
    ['the empty set and one decision', [], [a], false],
  ])('%s', (_what, x, y, same) => {
    expect(newAccessDigest(x) === newAccessDigest(y)).toBe(same);
    expect(newAccessDigest(x)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
  it('round-trips keys, and refuses what is not one', () => {
    expect(tupleOfKey(tupleKey(b))).toEqual(b);
    for (const bad of ['', 'a|b|c|d', 'a|b|c|d|e', 'a||c|d|bevragen', 'a|b|c|d|bevragen|f']) expect(tupleOfKey(bad)).toBeNull();
  });
});

describe('createImpactReplay', () => {
  const logged = (role: string, doel: string, partner: string, consent: boolean, outcome: string): LoggedDecision => ({ role, doel, partner, consent, outcome });
  // [what was logged, the new version's extra rules, newly allowed, newly denied, unchanged]
  const rows: Array<[string, LoggedDecision, string, number, number, number]> = [
    ['a refusal the new rule turns into an answer', logged('jeugdboa', 'jpp-screening', 'halt', false, 'not-permitted'), 'p, W01, jeugdboa, jpp-screening, halt, halt-afdoening, bevragen, allow, "g"', 1, 0, 0],
    ['an answer that stays', logged('voorzitter', 'jpp-screening', 'halt', false, 'no-hit'), '', 0, 0, 1],
    ['a hit that a deny rule would refuse', logged('voorzitter', 'jpp-screening', 'halt', false, 'hit'), 'p, W01, voorzitter, jpp-screening, halt, halt-afdoening, bevragen, deny, "g"', 0, 1, 0],
    ['a question with consent, matched by a consent rule', logged('voorzitter', 'jpp-screening', 'jongerenwerk', true, 'not-permitted'), '', 1, 0, 0],
    ['a question without consent, not matched by a consent rule', logged('voorzitter', 'jpp-screening', 'jongerenwerk', false, 'not-permitted'), '', 0, 0, 1],
  ];
  it.each(rows)('%s', async (_what, d, extra, allowed, denied, unchanged) => {
    const replay = createImpactReplay(await table(extra));
    replay.add(d);
    replay.add(d);
    const r = replay.result();
    expect(r).toMatchObject({ replayed: 2, unchanged: 2 * unchanged, newlyAllowed: { total: 2 * allowed }, newlyDenied: { total: 2 * denied } });
    expect(r.changes).toHaveLength(allowed + denied);
    if (r.changes[0]) expect(r.changes[0]).toMatchObject({ role: d.role, partner: d.partner, count: 2 });
  });
});
