/** The rule-by-rule diff as table tests: one row per kind of difference. */
import { describe, expect, it } from 'vitest';
import { diffPolicies } from '../../broker/policy/policy-diff-fns.js';
import type { Grouping, PolicyTest, Rule } from '../../broker/policy/policy-content.js';

const S01: Rule = { id: 'S01', role: 'voorzitter', doel: 'jpp-screening', partner: 'politie', category: 'justitieel', action: 'bevragen', effect: 'allow', grondslag: 'Wpg art. 20' };
const S02: Rule = { ...S01, id: 'S02', category: 'zorgsignaal' };
const G: Grouping = { type: 'g', member: 'jeugdboa', group: 'ketenprofessional' };
const T: PolicyTest = { role: 'voorzitter', doel: 'jpp-screening', partner: 'politie', category: 'zorgsignaal', action: 'bevragen', expect: 'allow', rule: 'S02' };
const side = (rules: Rule[], groupings: Grouping[] = [G], tests: PolicyTest[] = [T]) => ({ rules, groupings, tests });

describe('diffPolicies', () => {
  const rows: Array<[string, ReturnType<typeof side>, ReturnType<typeof side>, { added: string[]; removed: string[]; changed: Array<[string, string[]]>; unchanged: number }]> = [
    ['nothing', side([S01, S02]), side([S01, S02]), { added: [], removed: [], changed: [], unchanged: 2 }],
    ['a rule added', side([S01]), side([S01, S02]), { added: ['S02'], removed: [], changed: [], unchanged: 1 }],
    ['a rule removed', side([S01, S02]), side([S01]), { added: [], removed: ['S02'], changed: [], unchanged: 1 }],
    ['a grondslag changed', side([S01]), side([{ ...S01, grondslag: 'Wpg art. 19' }]), { added: [], removed: [], changed: [['S01', ['grondslag']]], unchanged: 0 }],
    ['effect and action changed', side([S01]), side([{ ...S01, effect: 'deny', action: 'bevragen-met-toestemming' }]), { added: [], removed: [], changed: [['S01', ['action', 'effect']]], unchanged: 0 }],
    ['a rule renamed (removed and added)', side([S01]), side([{ ...S01, id: 'S09' }]), { added: ['S09'], removed: ['S01'], changed: [], unchanged: 0 }],
    ['order only', side([S01, S02]), side([S02, S01]), { added: [], removed: [], changed: [], unchanged: 2 }],
  ];
  it.each(rows)('%s', (_what, from, to, expected) => {
    const d = diffPolicies(from, to);
    expect(d.added.map((r) => r.id)).toEqual(expected.added);
    expect(d.removed.map((r) => r.id)).toEqual(expected.removed);
    expect(d.changed.map((c) => [c.id, c.fields])).toEqual(expected.changed);
    expect(d.unchanged).toBe(expected.unchanged);
  });

  it('compares groupings as triples and counts changed tests', () => {
    const d = diffPolicies(side([S01], [G], [T]), side([S01], [{ ...G, group: 'iedereen' }], [T, { ...T, expect: 'deny', rule: '' }]));
    expect(d.groupings).toEqual({ added: [{ ...G, group: 'iedereen' }], removed: [G] });
    expect(d.tests).toEqual({ added: 1, removed: 0 });
    const changedTest = diffPolicies(side([S01]), side([S01], [G], [{ ...T, rule: 'S01' }]));
    expect(changedTest.tests).toEqual({ added: 1, removed: 1 });
  });
});
