/**
 * The decision table agrees with casbin's enforceEx on every decision of the whole domain
 * (roles × doelen × partners × their categories × actions), decision and named rule alike,
 * for the seed policy as a file and for stored versions read through the kysely adapter
 * (the seed version and an edited draft), on the test's database engine.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { loadPlatform, type Platform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { compilePolicyWith, createLinesAdapter, type CompiledPolicy } from '../../broker/policy/compiled-policy.js';
import { createKyselyAdapter } from '../../broker/policy/kysely-adapter.js';
import { linesFromText } from '../../broker/policy/policy-content.js';
import { ACTIONS } from '../../broker/policy/policy-actions.js';
import { findVersion } from '../../broker/policy/policy-version.repository.js';

const file = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const platform = loadPlatform(file('policies/jpp-sittard-geleen.platform.json'), createSchemaRegistry());
const modelText = readFileSync(file('policies/model.conf'), 'utf8');

function disagreements(c: CompiledPolicy, p: Platform): { checked: number; wrong: string[] } {
  let checked = 0;
  const wrong: string[] = [];
  for (const role of p.roles) for (const doel of p.doelen) for (const partner of p.partners) for (const cat of partner.categories) for (const act of ACTIONS) {
    const [allowed, explain] = c.enforcer.enforceExSync(role.id, doel.id, partner.id, cat, act);
    const d = c.table.decide(role.id, doel.id, partner.id, cat, act);
    checked++;
    const rule = explain.length >= 8 ? explain[0] : null;
    const grondslag = explain.length >= 8 ? explain[7] : null;
    if (d.allowed !== allowed || (d.rule?.rule ?? null) !== rule || (d.rule?.grondslag ?? null) !== grondslag) wrong.push([role.id, doel.id, partner.id, cat, act].join(' | '));
  }
  return { checked, wrong };
}

it('agrees on the seed policy file', async () => {
  const c = await compilePolicyWith(modelText, createLinesAdapter(linesFromText(readFileSync(platform.policyFile, 'utf8'))), platform);
  const r = disagreements(c, platform);
  expect(r.checked).toBe(platform.roles.length * platform.doelen.length * platform.partners.flatMap((p) => p.categories).length * ACTIONS.length);
  expect(r.wrong).toEqual([]);
});

it('shares a built table only between compilations of exactly the same model, lines and platform', async () => {
  const lines = linesFromText(readFileSync(platform.policyFile, 'utf8'));
  const a = await compilePolicyWith(modelText, createLinesAdapter(lines), platform);
  const b = await compilePolicyWith(modelText, createLinesAdapter(lines), platform);
  expect(b.table).toBe(a.table);
  // One grondslag changed: another table, and it names the new grondslag.
  const i = lines.findIndex((l) => l.ptype === 'p');
  const changed = lines.map((l, j) => (j === i ? { ...l, values: l.values.map((v, k) => (k === 7 ? `${v} (gewijzigd)` : v)) } : l));
  const c = await compilePolicyWith(modelText, createLinesAdapter(changed), platform);
  expect(c.table).not.toBe(a.table);
  expect(disagreements(c, platform).wrong).toEqual([]);
  const named = (t: CompiledPolicy['table']): number => {
    let n = 0;
    for (const role of platform.roles) for (const doel of platform.doelen) for (const partner of platform.partners) for (const cat of partner.categories) for (const act of ACTIONS) {
      if (t.decide(role.id, doel.id, partner.id, cat, act).rule?.grondslag?.endsWith('(gewijzigd)')) n++;
    }
    return n;
  };
  expect(named(c.table)).toBeGreaterThan(0);
  expect(named(a.table)).toBe(0);
  // Another platform vocabulary (one partner fewer): another table.
  const fewer = { ...platform, partners: platform.partners.slice(1) } as Platform;
  const d = await compilePolicyWith(modelText, createLinesAdapter(lines), fewer);
  expect(d.table).not.toBe(a.table);
  expect(disagreements(d, fewer).wrong).toEqual([]);
});

describe('stored versions', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(async () => b?.close());

  it('agrees on the seed version and on an edited draft, read through the kysely adapter', async () => {
    const fg = await b.token('demo-fg');
    const active = b.broker.policy.active().versionId;
    const draft = (await b.call('POST', '/v1/policies', { token: fg, body: { copyOf: active, note: 'vergelijking' } })).body;
    const rules = [
      ...draft.rules.filter((r: any) => r.id !== 'C01'),
      { id: 'C08', role: 'ketenprofessional', doel: 'jpp-casusoverleg', partner: 'alle-partners', category: 'justitieel', action: 'bevragen', effect: 'allow', grondslag: 'test' },
      { id: 'D01', role: 'jongerenwerker', doel: 'jpp-casusoverleg', partner: 'politie', category: 'alle-categorieen', action: 'bevragen', effect: 'deny', grondslag: 'test' },
    ];
    expect((await b.call('PUT', `/v1/policies/${draft.id}/rules`, { token: fg, body: { rules, groupings: draft.groupings } })).status).toBe(200);
    for (const id of [active, draft.id]) {
      const v = (await findVersion(b.broker.db, id))!;
      const c = await compilePolicyWith(v.modelText, createKyselyAdapter(b.broker.db, id), platform);
      expect(disagreements(c, platform).wrong, `version ${id}`).toEqual([]);
    }
    // The edit shows in what the draft decides.
    const v = (await findVersion(b.broker.db, draft.id))!;
    const c = await compilePolicyWith(v.modelText, createKyselyAdapter(b.broker.db, draft.id), platform);
    expect(c.table.decide('jongerenwerker', 'jpp-casusoverleg', 'politie', 'politie-registratie', 'bevragen')).toMatchObject({ allowed: false, rule: { rule: 'D01' } });
    expect(c.table.decide('jeugdboa', 'jpp-casusoverleg', 'rvdk', 'rvdk-onderzoek', 'bevragen')).toMatchObject({ allowed: true, rule: { rule: 'C08' } });
  });
});
