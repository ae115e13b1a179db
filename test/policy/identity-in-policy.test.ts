/**
 * Issue 17: the policy's free text takes no identity. A version's note, a rule's grondslag,
 * the rules and tests texts and a decision table's category are read by the identity detector
 * (notes and grondslagen as prose, vocabulary ids as identifiers); a refusal is 422
 * identity-detected naming the field, and no version, rule or logboek entry is written.
 * Legal prose with dates and case numbers is accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { syntheticBsn } from '../support/synthetic.js';

let b: TestBroker;
let fg: string;
let seedId: number;
let draft: any;
beforeAll(async () => {
  b = await startTestBroker();
  fg = await b.token('demo-fg');
  seedId = (await b.call('GET', '/v1/policies', { token: fg })).body.active;
  draft = (await b.call('POST', '/v1/policies', { token: fg, body: { copyOf: seedId, note: 'Kopie voor de test' } })).body;
});
afterAll(async () => b?.close());

async function counts(): Promise<number[]> {
  const n = async (t: 'policy_versions' | 'policy_rules' | 'logboek_entries' | 'policy_previews') =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(b.broker.db)).rows[0]!.n;
  return [await n('policy_versions'), await n('policy_rules'), await n('logboek_entries'), await n('policy_previews')];
}

async function expectRefused(method: string, path: string, body: unknown, pointer: string, value: string): Promise<void> {
  const before = await counts();
  const res = await b.call(method, path, { token: fg, body });
  expect(res.status, res.text).toBe(422);
  expect(res.body.type).toBe('tag:jpp-broker,2026:problem:identity-detected');
  expect(res.body.errors[0].pointer).toBe(pointer);
  expect(res.text).not.toContain(value);
  expect(await counts()).toEqual(before);
}

const bsn = syntheticBsn();
const IDENTITIES = [
  ['a BSN', `BSN ${bsn}`],
  ['a name beside a birth date', 'besproken: Jan Jansen 12-03-2011'],
  ['a date called a date of birth', 'geboren op 12 maart 2011'],
  ['an e-mail address', 'vragen aan j.jansen@example.nl'],
  ['a phone number', 'bel 06-12345678'],
  ['a postcode with house number', 'adres 6131 AB 12'],
  ['an IBAN', 'NL91 ABNA 0417 1643 00'],
] as const;

describe('identities in policy text', () => {
  it.each(IDENTITIES)("refuses a version's note holding %s", async (_label, value) => {
    await expectRefused('POST', '/v1/policies', { copyOf: seedId, note: value }, '/note', value);
  });

  it.each(IDENTITIES)("refuses a rule's grondslag holding %s", async (_label, value) => {
    const rules = draft.rules.map((r: any, i: number) => (i === 2 ? { ...r, grondslag: `Wpg art. 19; ${value}` } : r));
    await expectRefused('PUT', `/v1/policies/${draft.id}/rules`, { rules, groupings: draft.groupings }, '/rules/2/grondslag', value);
  });

  it('refuses the rules text holding an identity in a grondslag, and the tests text too', async () => {
    const value = `Jan Jansen ${bsn}`;
    await expectRefused('PUT', `/v1/policies/${draft.id}/rules`, { rulesText: `${draft.rulesText}p, X99, voorzitter, jpp-screening, politie, geweld, bevragen, allow, ${value}\n` }, '/rulesText', bsn);
    await expectRefused('POST', '/v1/policies', { rulesText: draft.rulesText, testsText: `role,doel,partner,category,action,expect,rule\nvoorzitter,jpp-screening,politie,${bsn},bevragen,deny,\n` }, '/testsText', bsn);
  });

  it("refuses a decision table's category that is an identity, and a reject note", async () => {
    const test = { role: 'voorzitter', doel: 'jpp-screening', partner: 'politie', action: 'bevragen', expect: 'deny', rule: '' };
    await expectRefused('PUT', `/v1/policies/${draft.id}/tests`, { tests: [{ ...test, category: '06-12345678' }] }, '/tests/0/category', '06-12345678');
    await expectRefused('PUT', `/v1/policies/${draft.id}/tests`, { tests: [{ ...test, category: '2011-03-12' }] }, '/tests/0/category', '2011-03-12');
    await expectRefused('POST', `/v1/policies/${draft.id}/reject`, { note: 'zie j.jansen@example.nl' }, '/note', 'j.jansen@example.nl');
  });

  it('accepts legal prose with dates, citations and case numbers', async () => {
    const note = 'Besluit van 12 maart 2025 (Stb. 2025, 80), in werking per 1-3-2025; zie parketnummer 09-173943-23 en ECLI:NL:RBMNE:2020:4507';
    const rules = draft.rules.map((r: any, i: number) => (i === 2 ? { ...r, grondslag: 'Wpg art. 19 lid 1 sub a, Kamerstukken II 2023/24, 36 000 VI, nr. 5' } : r));
    const res = await b.call('PUT', `/v1/policies/${draft.id}/rules`, { token: fg, body: { rules, groupings: draft.groupings, note } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.note).toBe(note);
    expect(res.body.rules[2].grondslag).toContain('36 000 VI');
  });
});
