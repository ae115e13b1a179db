/**
 * The structural promises of the seeded policy of JPP Sittard-Geleen. Its decision table
 * (policies/tests/jpp-sittard-geleen.decisions.csv) is checked line by line, with every other
 * platform's, in platform-policies.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../broker/policy/policy.service.js';
import { parsePolicyLines } from '../../broker/policy/rules-text.js';
import type { DecisionTable } from '../../broker/policy/decision-table.js';
import { loadPlatform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const file = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const platform = loadPlatform(file('policies/jpp-sittard-geleen.platform.json'), createSchemaRegistry());
const modelText = readFileSync(file('policies/model.conf'), 'utf8');
const rulesText = readFileSync(platform.policyFile, 'utf8');

let table: DecisionTable;
beforeAll(async () => {
  table = await compilePolicy(modelText, rulesText, platform);
});

describe('the seeded policy', () => {
  const rules = parsePolicyLines(rulesText).filter((l) => l.ptype === 'p');

  it('gives every rule an id, a doel of the platform and a grondslag', () => {
    const doelen = new Set(platform.doelen.map((d) => d.id));
    const ids = rules.map((r) => r.values[0]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) {
      expect(doelen.has(r.values[2]!), `line ${r.line}`).toBe(true);
      expect(r.values[7]?.length ?? 0, `line ${r.line}`).toBeGreaterThan(10);
    }
    for (const doel of ['jpp-screening', 'jpp-casusoverleg']) expect(rules.some((r) => r.values[2] === doel)).toBe(true);
  });

  it('keeps a grondslag with commas and brackets whole', () => {
    const s01 = rules.find((r) => r.values[0] === 'S01')!;
    expect(s01.values).toHaveLength(8);
    expect(s01.values[7]).toBe('Wpg art. 20 jo. art. 4:3 Besluit politiegegevens (samenwerkingsverband, zwaarwegend algemeen belang)');
  });

  it('denies every partner and category under the monitoring doel, for every role and action', () => {
    for (const role of platform.roles) {
      for (const action of ['bevragen', 'bevragen-met-toestemming'] as const) {
        expect(table.scopes(role.id, 'jpp-monitoring', action).every((s) => !s.permitted)).toBe(true);
      }
    }
  });

  it('has a partner reachable only with consent', () => {
    const plain = table.scopes('voorzitter', 'jpp-screening', 'bevragen').find((s) => s.partner === 'jongerenwerk')!;
    const consent = table.scopes('voorzitter', 'jpp-screening', 'bevragen-met-toestemming').find((s) => s.partner === 'jongerenwerk')!;
    expect(plain.permitted).toBe(false);
    expect(consent.permitted).toBe(true);
  });

  it('denies what lies outside the platform vocabulary', () => {
    expect(table.decide('voorzitter', 'vrij-zoeken', 'politie', 'politie-registratie', 'bevragen')).toEqual({ allowed: false, rule: null });
    expect(table.scopes('onbekend', 'jpp-screening', 'bevragen').every((s) => !s.permitted && s.basis.length === 0)).toBe(true);
  });
});
