/**
 * Every platform's example policy (policies/<platform>.csv), decided line by line from its
 * decision table (policies/tests/<platform>.decisions.csv), and the promises every platform's
 * policy keeps: no lint errors, a grondslag on every rule, nothing asked under the monitoring
 * and the rights doel, and nothing outside the platform's own vocabulary.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../broker/policy/policy.service.js';
import { linesFromText, splitLines, testsFromText } from '../../broker/policy/policy-content.js';
import { lintPolicy, lintTests, countFindings } from '../../broker/policy/policy-lint-fns.js';
import { parsePolicyLines } from '../../broker/policy/rules-text.js';
import { loadPlatform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { Action } from '../../broker/policy/policy-actions.js';

const dir = fileURLToPath(new URL('../../policies/', import.meta.url));
const modelText = readFileSync(`${dir}model.conf`, 'utf8');
const platformFiles = readdirSync(dir).filter((f) => f.endsWith('.platform.json')).sort();
const RIGHTS_DOEL = 'jpp-rechten-betrokkenen';

it('ships the two example platforms', () => {
  expect(platformFiles).toEqual(['jpp-sittard-geleen.platform.json', 'jpt-hollands-midden.platform.json']);
});

describe.each(platformFiles)('%s', (file) => {
  const platform = loadPlatform(`${dir}${file}`, createSchemaRegistry());
  const rulesText = readFileSync(platform.policyFile, 'utf8');
  const decisions = parse(readFileSync(`${dir}tests/${basename(platform.policyFile, '.csv')}.decisions.csv`, 'utf8'), {
    columns: true,
    comment: '#',
    skip_empty_lines: true,
    trim: true,
  }) as Array<{ role: string; doel: string; partner: string; category: string; action: Action; expect: string; rule: string }>;
  const table = compilePolicy(modelText, rulesText, platform);
  const monitoringDoel = platform.doelen.find((d) => d.id.endsWith('-monitoring'))!.id;

  it('has a decision table that covers every doel of the platform', () => {
    expect(decisions.length).toBeGreaterThan(10);
    for (const d of platform.doelen) expect(decisions.some((r) => r.doel === d.id), d.id).toBe(true);
  });

  it.each(decisions)('$role | $doel | $partner | $category | $action -> $expect $rule', async (r) => {
    const d = (await table).decide(r.role, r.doel, r.partner, r.category, r.action);
    expect({ effect: d.allowed ? 'allow' : 'deny', rule: d.rule?.rule ?? '' }).toEqual({ effect: r.expect, rule: r.rule });
  });

  it('lints without errors, and gives every rule an id, a doel of the platform and a grondslag', async () => {
    expect(countFindings(await lintPolicy(modelText, linesFromText(rulesText), platform)).errors).toBe(0);
    // Every test of its decision table can pass or fail: it names rules of the set, with their effect.
    const tests = testsFromText(readFileSync(`${dir}tests/${basename(platform.policyFile, '.csv')}.decisions.csv`, 'utf8'));
    expect(countFindings(lintTests(tests, splitLines(linesFromText(rulesText)).rules, platform)).errors).toBe(0);
    const doelen = new Set(platform.doelen.map((d) => d.id));
    const rules = parsePolicyLines(rulesText).filter((l) => l.ptype === 'p');
    expect(new Set(rules.map((r) => r.values[0])).size).toBe(rules.length);
    for (const r of rules) {
      expect(doelen.has(r.values[2]!), `line ${r.line}`).toBe(true);
      expect(r.values[7]?.length ?? 0, `line ${r.line}`).toBeGreaterThan(10);
    }
  });

  it('says it is an example for the privacy officer to adapt, not legal advice', () => {
    expect(rulesText.split('\n').slice(0, 3).join(' ')).toMatch(/Not legal advice[\s\S]*privacy officer \(FG\)[\s\S]*adapts/);
  });

  it.each([['monitoring', monitoringDoel], ['rights', RIGHTS_DOEL]])('asks no partner anything under the %s doel, for any role or action', async (_what, doel) => {
    for (const role of platform.roles) {
      for (const action of ['bevragen', 'bevragen-met-toestemming'] as const) {
        expect((await table).scopes(role.id, doel, action).every((s) => !s.permitted)).toBe(true);
      }
    }
  });

  it('answers only for its own partners, and denies what lies outside its vocabulary', async () => {
    const t = await table;
    expect(t.scopes('voorzitter', platform.doelen[0]!.id, 'bevragen').map((s) => s.partner)).toEqual(platform.partners.map((p) => p.id));
    expect(t.decide('voorzitter', 'vrij-zoeken', 'politie', 'politie-registratie', 'bevragen')).toEqual({ allowed: false, rule: null });
  });
});
