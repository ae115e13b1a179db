/**
 * The policy pages' Dutch, without a browser: every lint finding that lint can produce, the
 * simulator's mismatches, test outcomes and the service's refusals become Dutch sentences with
 * names instead of ids, and never the API's English, a JSON Pointer or the fallback sentence.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { linesFromText, splitLines, type PolicyTest } from '../../broker/policy/policy-content.js';
import { lintPolicy, lintTests } from '../../broker/policy/policy-lint-fns.js';
import { AppError } from '../../broker/errors/app-error.js';
import { lintSentence, mismatchSentence, policyWords, refusalSentences, testOutcomeSentence } from '../../broker/web/pages/policy-texts.js';

const file = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const platform = loadPlatform(file('policies/jpp-sittard-geleen.platform.json'), createSchemaRegistry());
const modelText = readFileSync(file('policies/model.conf'), 'utf8');
const seedText = readFileSync(platform.policyFile, 'utf8');
const groupings = splitLines(linesFromText(seedText)).groupings;
const w = policyWords(platform, groupings);
const FALLBACK = 'Deze regel heeft een probleem dat deze pagina niet kan omschrijven';
const ENGLISH = /\b(the|must|rule|allow|deny|draft|expected|got|version|lint|is not|group|partner holds)\b/i;
const RAW = /\b(jpp-screening|jpp-casusoverleg|gemeente-leerplicht|halt-medewerker|politie-registratie|alle-partners|bevragen-met-toestemming)\b|\/(rules|tests|groupings)\//;

describe('lint findings in Dutch', () => {
  it('words every finding lint produces, naming things by their names', async () => {
    const bad = [
      'p, A1, voorzitter, jpp-screening, politie, justitieel, bevragen, allow, ""',
      'p, A2, burgemeester, jpp-screening, politie, justitieel, bevragen, allow, "x"',
      'p, A3, voorzitter, vrij-zoeken, politie, justitieel, bevragen, allow, "x"',
      'p, A4, voorzitter, jpp-screening, kinderopvang, justitieel, bevragen, allow, "x"',
      'p, A5, voorzitter, jpp-screening, politie, schoolcijfers, bevragen, allow, "x"',
      'p, A6, voorzitter, jpp-screening, politie, justitieel, inzien, allow, "x"',
      'p, A7, voorzitter, jpp-screening, *, justitieel, bevragen, allow, "x"',
      'p, A8, voorzitter, jpp-screening, politie, justitieel, bevragen, maybe, "x"',
      'p, A9, voorzitter, jpp-screening',
      'p, A1, voorzitter, jpp-screening, halt, justitieel, bevragen, allow, "x"',
      'p, , voorzitter, jpp-screening, halt, justitieel, bevragen, allow, "x"',
      'p, B1, voorzitter, jpp-screening, alle-partners, justitieel, bevragen, allow, "x"',
      'p, B2, voorzitter, jpp-screening, politie, politie-registratie, bevragen, allow, "x"',
      'p, B3, ketenprofessional, jpp-casusoverleg, politie, alle-categorieen, bevragen, allow, "x"',
      'p, B4, ketenprofessional, jpp-casusoverleg, politie, zorgsignaal, bevragen, deny, "y"',
      'p, B5, halt-medewerker, jpp-casusoverleg, politie, zorgsignaal, bevragen, allow, "x"',
      'p, B6, voorzitter, jpp-screening, politie, onderwijs, bevragen, allow, "x"',
      'g, stagiair, ketenprofessional',
      'g, jeugdboa, voorzitter',
      'g, a*, ketenprofessional',
      'g, alleen-een-lid',
      'x, onbekend, soort',
    ].join('\n');
    const groupingLines = seedText.split('\n').filter((l) => /^g\d?,/.test(l)).join('\n');
    const findings = await lintPolicy(modelText, linesFromText(`${groupingLines}\n${bad}`), platform);
    const rules = splitLines(linesFromText(`${groupingLines}\n${bad}`)).rules;
    const t: PolicyTest = { role: 'voorzitter', doel: 'jpp-screening', partner: 'halt', category: 'halt-afdoening', action: 'bevragen', expect: 'allow', rule: 'B1' };
    const testFindings = lintTests(
      [t, { ...t, role: 'ketenprofessional' }, { ...t, category: 'politie-registratie' }, { ...t, rule: 'X9' }, { ...t, rule: '' }, { ...t, expect: 'deny' }, t],
      rules,
      platform,
    );
    const all = [...findings, ...testFindings];
    const codes = new Set(all.map((f) => f.code));
    // Every code lint has, so that a new one cannot slip by without a Dutch sentence.
    for (const c of ['missing-grondslag', 'unknown-role', 'unknown-doel', 'unknown-partner', 'unknown-category', 'unknown-action', 'wildcard', 'invalid-effect',
      'malformed-rule', 'duplicate-id', 'missing-id', 'shadowed', 'conflict', 'matches-nothing', 'doel-without-rule', 'grouping-unknown-member',
      'grouping-onto-value', 'malformed-grouping', 'unknown-ptype', 'test-unknown-role', 'test-category-not-held', 'test-unknown-rule', 'test-allow-without-rule',
      'test-rule-effect', 'test-duplicate']) {
      expect(codes, c).toContain(c);
    }
    for (const f of all) {
      const s = lintSentence(f, w);
      expect(s, f.code).not.toContain(FALLBACK);
      expect(s, `${f.code}: ${s}`).not.toMatch(ENGLISH);
      expect(s, `${f.code}: ${s}`).not.toMatch(RAW);
    }
  });

  it.each([
    [{ severity: 'error', code: 'missing-grondslag', rule: 'A1', pointer: '/rules/0/grondslag', message: '', field: 'grondslag' }, 'Deze regel heeft geen grondslag'],
    [{ severity: 'warning', code: 'conflict', rule: 'A1', pointer: '/rules/0', message: '', related: ['C07'], everywhere: true }, 'weigerregel C07 gaat bij elke vraag voor'],
    [{ severity: 'info', code: 'doel-without-allow', rule: null, pointer: '/rules', message: '', value: 'jpp-monitoring' }, 'Doel „Monitoring voor het partneroverleg (alleen geaggregeerd)” staat niets toe'],
    [{ severity: 'warning', code: 'test-unknown-role', rule: null, pointer: '/tests/4/role', message: '', field: 'role', value: 'ketenprofessional' }, 'Test 5: rol Ketenprofessional (groep) is geen enkele rol'],
    [{ severity: 'warning', code: 'test-category-not-held', rule: null, pointer: '/tests/0/category', message: '', field: 'category', value: 'politie-registratie' }, 'categorie Politieregistratie'],
  ] as const)('%j', (finding, expected) => {
    expect(lintSentence(finding, w)).toContain(expected);
  });
});

describe('names instead of ids', () => {
  it.each([
    ['role', 'halt-medewerker', 'Halt-medewerker'],
    ['role', 'ketenprofessional', 'Ketenprofessional (groep)'],
    ['doel', 'jpp-screening', 'Screening voor het casusoverleg ("is deze jongere bij u bekend?")'],
    ['partner', 'gemeente-leerplicht', 'Gemeente – Leren & Jongeren (leerplicht)'],
    ['partner', 'alle-partners', 'Alle partners (groep)'],
    ['category', 'rvdk-onderzoek', 'Onderzoek Raad voor de Kinderbescherming'],
    ['category', 'justitieel', 'Justitieel (groep)'],
    ['action', 'bevragen-met-toestemming', 'Alleen met toestemming'],
    ['role', 'burgemeester', '„burgemeester” (onbekend)'],
  ] as const)('%s %s → %s', (kind, id, name) => {
    expect(w.value(kind, id)).toBe(name);
  });
  it('names people and origins', () => {
    expect(w.person({ id: 'system:seed', organisation: null, role: null })).toBe('Het systeem (startbeleid)');
    expect(w.person({ id: 'demo-fg', organisation: 'zvh', role: 'privacy-officer', name: 'Demo FG' })).toBe('Demo FG');
    expect(w.person({ id: 'x-1', organisation: null, role: null, name: null })).not.toContain('x-1');
    expect(w.source('copy:3')).toBe('Kopie van versie 3');
    expect(w.source('rollback:1')).toBe('Terugdraaien naar versie 1');
    expect(w.note('seed set from the platform file')).toBe('Startbeleid uit het platformbestand');
  });
});

describe('the simulator and test outcomes in Dutch', () => {
  it.each([
    [{ field: 'role', expected: 'ketenprofessional', actual: 'voorzitter', reason: '' }, 'Rol: de regel geldt voor Ketenprofessional (groep); Voorzitter casusoverleg (ZVH) valt daar niet onder.'],
    [{ field: 'action', expected: 'bevragen-met-toestemming', actual: 'bevragen', reason: '' }, 'Toestemming: de regel geldt alleen met toestemming; deze vraag is zonder toestemming.'],
    [{ field: 'category', expected: 'politie-registratie', actual: 'politie-registratie', reason: '', notHeld: true }, 'Halt heeft geen signalen van de categorie Politieregistratie'],
  ] as const)('%j', (m, expected) => {
    expect(mismatchSentence(m, w, 'halt')).toContain(expected);
  });
  it.each([
    [{ pass: true, expect: 'allow', expectRule: 'S01', actual: 'allow', actualRule: 'S01' }, 'Geslaagd: toegestaan door regel S01.'],
    [{ pass: false, expect: 'allow', expectRule: 'C05', actual: 'deny', actualRule: null }, 'Mislukt: verwacht toegestaan door regel C05, maar deze versie beslist niet toegestaan zonder regel (standaard geweigerd).'],
  ] as const)('%j', (r, expected) => {
    expect(testOutcomeSentence(r)).toBe(expected);
  });
});

describe('refusals in Dutch', () => {
  it.each([
    [new AppError('validation', 'x', [{ pointer: '/note', code: 'required', detail: 'must NOT have fewer than 1 characters' }]), 'Vul een toelichting in'],
    [new AppError('validation', 'x', [{ pointer: '/confirmNewAccess', code: 'not-confirmed', detail: 'must be' }]), 'Bevestig elke nieuwe toegang'],
    [new AppError('validation', 'x', [{ pointer: '/previewId', code: 'outdated', detail: 'is older than 24 hours' }]), 'ouder dan 24 uur'],
    [new AppError('validation', 'x', [{ pointer: '/tests/30/role', code: 'too-short', detail: 'must NOT have fewer than 1 characters' }]), 'Test 31, Rol: vul dit in.'],
    [new AppError('conflict', 'x', [{ pointer: '/expectedHash', code: 'outdated', detail: 'does not match' }]), 'Iemand heeft dit concept intussen opgeslagen'],
    [new AppError('conflict', 'x', [{ pointer: '/confirmNewAccess', code: 'not-confirmed', detail: 'not confirmed' }]), 'niet heeft bevestigd'],
    [new AppError('identity-detected', 'x', [{ pointer: '/rules/3/grondslag', code: 'identity', detail: 'looks like a BSN' }]), 'Grondslag: haal het persoonsgegeven weg.'],
    [new AppError('not-found', 'there is no policy version 9'), 'bestaat niet'],
  ])('%s', (err, expected) => {
    const sentences = refusalSentences(err).join(' ');
    expect(sentences).toContain(expected);
    expect(sentences).not.toMatch(ENGLISH);
    expect(sentences).not.toMatch(/\/(note|tests|rules|previewId|confirmNewAccess|expectedHash)\b/);
  });
});
