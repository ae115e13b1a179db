/**
 * Lint, one finding per line of a small policy: what it finds, at which severity, and
 * which rule and pointer it names.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { linesFromText } from '../../broker/policy/policy-content.js';
import { lintPolicy, lintTests } from '../../broker/policy/policy-lint-fns.js';
import type { PolicyTest, Rule } from '../../broker/policy/policy-content.js';

const file = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const platform = loadPlatform(file('policies/jpp-sittard-geleen.platform.json'), createSchemaRegistry());
const modelText = readFileSync(file('policies/model.conf'), 'utf8');
const groupings = readFileSync(platform.policyFile, 'utf8').split('\n').filter((l) => /^g\d?,/.test(l)).join('\n');
const lint = (rules: string) => lintPolicy(modelText, linesFromText(`${groupings}\n${rules}`), platform);
const codes = async (rules: string) => (await lint(rules)).map((f) => `${f.severity} ${f.code} ${f.rule ?? '-'}`);

describe('lint', () => {
  it('finds nothing wrong with the seed set (infos: monitoring and the rights doel allow no question)', async () => {
    const findings = await lintPolicy(modelText, linesFromText(readFileSync(platform.policyFile, 'utf8')), platform);
    // jpp-rechten-betrokkenen is the doel under which a privacy officer or jurist pseudonymises for inzage
    // and bezwaar (docs/casus.md); no question is ever asked under it.
    expect(findings.map((f) => f.code)).toEqual(['doel-without-allow', 'doel-without-allow']);
    expect(JSON.stringify(findings)).toMatch(/jpp-monitoring/);
    expect(JSON.stringify(findings)).toMatch(/jpp-rechten-betrokkenen/);
  });

  it.each([
    ['a rule without a grondslag', 'p, A1, voorzitter, jpp-screening, politie, justitieel, bevragen, allow, ""', 'error missing-grondslag A1'],
    ['an unknown role', 'p, A1, burgemeester, jpp-screening, politie, justitieel, bevragen, allow, "x"', 'error unknown-role A1'],
    ['an unknown doel', 'p, A1, voorzitter, vrij-zoeken, politie, justitieel, bevragen, allow, "x"', 'error unknown-doel A1'],
    ['an unknown partner', 'p, A1, voorzitter, jpp-screening, kinderopvang, justitieel, bevragen, allow, "x"', 'error unknown-partner A1'],
    ['an unknown category', 'p, A1, voorzitter, jpp-screening, politie, schoolcijfers, bevragen, allow, "x"', 'error unknown-category A1'],
    ['a wildcard', 'p, A1, voorzitter, jpp-screening, *, justitieel, bevragen, allow, "x"', 'error wildcard A1'],
    ['a regex', 'p, A1, voorzitter, jpp-screening, politie, .*, bevragen, allow, "x"', 'error wildcard A1'],
    ['a bad effect', 'p, A1, voorzitter, jpp-screening, politie, justitieel, bevragen, maybe, "x"', 'error invalid-effect A1'],
    ['a rule with too few fields', 'p, A1, voorzitter, jpp-screening', 'error malformed-rule A1'],
  ])('finds %s', async (_what, rule, expected) => {
    expect(await codes(rule)).toContain(expected);
  });

  it('finds a duplicate id, pointing at the second', async () => {
    const findings = await lint('p, A1, voorzitter, jpp-screening, politie, justitieel, bevragen, allow, "x"\np, A1, voorzitter, jpp-screening, halt, justitieel, bevragen, allow, "x"');
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'error', code: 'duplicate-id', rule: 'A1', pointer: '/rules/1/id', field: 'id', value: 'A1' }));
  });

  it('finds a rule shadowed by a broader one of the same effect', async () => {
    const found = await codes('p, A1, voorzitter, jpp-screening, alle-partners, justitieel, bevragen, allow, "x"\np, A2, voorzitter, jpp-screening, politie, politie-registratie, bevragen, allow, "x"');
    expect(found).toContain('warning shadowed A2');
    expect(found).not.toContain('warning shadowed A1');
  });

  it('finds allow and deny rules in conflict, and an allow that a deny cancels everywhere', async () => {
    const partly = await lint('p, A1, ketenprofessional, jpp-casusoverleg, politie, alle-categorieen, bevragen, allow, "x"\np, D1, ketenprofessional, jpp-casusoverleg, politie, zorgsignaal, bevragen, deny, "y"');
    expect(partly).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'conflict', rule: 'A1', message: expect.stringContaining('deny wins there') }));
    const fully = await lint('p, A1, halt-medewerker, jpp-casusoverleg, politie, zorgsignaal, bevragen, allow, "x"\np, D1, ketenprofessional, jpp-casusoverleg, politie, zorg, bevragen, deny, "y"');
    expect(fully).toContainEqual(expect.objectContaining({ code: 'conflict', rule: 'A1', message: expect.stringContaining('never allows') }));
    // The facts a page words in Dutch: which deny rules, and whether everywhere.
    expect(partly.find((f) => f.code === 'conflict')).toMatchObject({ related: ['D1'], everywhere: false });
    expect(fully.find((f) => f.code === 'conflict')).toMatchObject({ related: ['D1'], everywhere: true });
  });

  it('finds a doel without any rule, and a rule that matches nothing', async () => {
    const found = await codes('p, A1, voorzitter, jpp-screening, politie, onderwijs, bevragen, allow, "x"');
    expect(found).toContain('warning doel-without-rule -');
    expect(found).toContain('warning matches-nothing A1');
  });

  it('finds a grouping with an unknown member', async () => {
    const findings = await lintPolicy(modelText, linesFromText(`g, stagiair, ketenprofessional\n${readFileSync(platform.policyFile, 'utf8')}`), platform);
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'grouping-unknown-member', rule: 'g:stagiair>ketenprofessional', pointer: '/groupings/0/member' }));
  });
});

describe('lint of the tests', () => {
  const rules: Rule[] = [
    { id: 'S08', role: 'voorzitter', doel: 'jpp-screening', partner: 'halt', category: 'justitieel', action: 'bevragen', effect: 'allow', grondslag: 'x' },
    { id: 'M01', role: 'iedereen', doel: 'jpp-monitoring', partner: 'alle-partners', category: 'alle-categorieen', action: 'bevragen', effect: 'deny', grondslag: 'y' },
  ];
  const good: PolicyTest = { role: 'voorzitter', doel: 'jpp-screening', partner: 'halt', category: 'halt-afdoening', action: 'bevragen', expect: 'allow', rule: 'S08' };
  // [what, the test, the finding expected ('' = none): severity code field]
  it.each<[string, PolicyTest, string]>([
    ['a test that can pass or fail', good, ''],
    ['a denial by no rule', { ...good, role: 'jeugdboa', expect: 'deny', rule: '' }, ''],
    ['a denial by a deny rule', { ...good, doel: 'jpp-monitoring', expect: 'deny', rule: 'M01' }, ''],
    ['a role group instead of a role', { ...good, role: 'ketenprofessional' }, 'warning test-unknown-role role'],
    ['an unknown doel', { ...good, doel: 'vrij-zoeken' }, 'warning test-unknown-doel doel'],
    ['a partner group', { ...good, partner: 'gemeente' }, 'warning test-unknown-partner partner'],
    ['a category group', { ...good, category: 'justitieel' }, 'warning test-unknown-category category'],
    ['an unknown action', { ...good, action: 'inzien' }, 'warning test-unknown-action action'],
    ['a category the partner does not hold', { ...good, category: 'politie-registratie' }, 'warning test-category-not-held category'],
    ['a rule the version lacks', { ...good, rule: 'X99' }, 'error test-unknown-rule rule'],
    ['allow by no rule', { ...good, rule: '' }, 'error test-allow-without-rule rule'],
    ['deny by an allow rule', { ...good, expect: 'deny' }, 'error test-rule-effect rule'],
    ['allow by a deny rule', { ...good, doel: 'jpp-monitoring', rule: 'M01' }, 'error test-rule-effect rule'],
  ])('%s', (_what, test, expected) => {
    const findings = lintTests([test], rules, platform).map((f) => `${f.severity} ${f.code} ${f.field}`);
    expect(findings).toEqual(expected ? [expected] : []);
  });

  it('points at the test and its field, and warns about a test asked twice', () => {
    const findings = lintTests([good, { ...good, role: 'burgemeester' }, good], rules, platform);
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'test-unknown-role', rule: null, pointer: '/tests/1/role', value: 'burgemeester' }),
      expect.objectContaining({ severity: 'warning', code: 'test-duplicate', pointer: '/tests/2', related: ['1'] }),
    ]);
  });
});
