/**
 * The casusoverleg's pure rules, one row per case: whom a casus's invitation list names, which of
 * them the policy lets the voorzitter invite (and why not), which partners consent covers for every
 * youth, the meeting's date, and what a warme overdracht needs.
 */
import { describe, expect, it } from 'vitest';
import { consentCoverage, decideInvitations, deriveCandidates, meetingDateErrors, overdrachtErrors } from '../../broker/casusoverleg/casusoverleg-fns.js';
import type { PartnerScope, RuleRef } from '../../broker/policy/decision-table.js';

const PARTNERS = ['politie', 'gemeente-leerplicht', 'halt', 'jongerenwerk'];
const rule = (id: string, effect: 'allow' | 'deny'): RuleRef => ({ rule: id, effect, grondslag: `grondslag ${id}` });
const allow = (partner: string): PartnerScope => ({ partner, permitted: true, categories: ['halt-afdoening'], basis: [rule(`U-${partner}`, 'allow')] });
const none = (partner: string): PartnerScope => ({ partner, permitted: false, categories: [], basis: [] });
const denied = (partner: string): PartnerScope => ({ partner, permitted: false, categories: [], basis: [rule(`D-${partner}`, 'deny')] });

describe('deriveCandidates', () => {
  it.each([
    ['nothing known, route in not a partner, no regiehouder: nobody', { hits: [], routeIn: 'school', regiehouder: null }, []],
    ['a hit', { hits: [{ partner: 'halt', categories: ['halt-afdoening'] }], routeIn: 'school', regiehouder: null }, [['halt', ['hit'], ['halt-afdoening'], null]]],
    ['the aanmelder (route in is a partner)', { hits: [], routeIn: 'politie', regiehouder: null }, [['politie', ['aanmelder'], [], null]]],
    ['the regiehouder', { hits: [], routeIn: 'overig', regiehouder: 'gemeente-leerplicht' }, [['gemeente-leerplicht', ['regiehouder'], [], null]]],
    [
      'one partner on every ground, hits of two questions merged and sorted, once',
      {
        hits: [{ partner: 'politie', categories: ['zorgsignaal'] }, { partner: 'politie', categories: ['politie-registratie', 'zorgsignaal'] }],
        routeIn: 'politie', regiehouder: 'politie', added: [{ partner: 'politie', reason: 'expertise' as const }],
      },
      [['politie', ['hit', 'aanmelder', 'regiehouder', 'toegevoegd'], ['politie-registratie', 'zorgsignaal'], 'expertise']],
    ],
    [
      'platform order, whatever order the grounds come in; an added partner with its reason',
      { hits: [{ partner: 'halt', categories: ['halt-afdoening'] }], routeIn: 'politie', regiehouder: null, added: [{ partner: 'jongerenwerk', reason: 'betrokken-bij-gezin' as const }] },
      [['politie', ['aanmelder'], [], null], ['halt', ['hit'], ['halt-afdoening'], null], ['jongerenwerk', ['toegevoegd'], [], 'betrokken-bij-gezin']],
    ],
    ['a hit of a partner outside the platform is ignored', { hits: [{ partner: 'buurtzorg', categories: ['x'] }], routeIn: 'school', regiehouder: null }, []],
  ] as const)('%s', (_what, input, expected) => {
    const got = deriveCandidates({ partners: PARTNERS, ...input });
    expect(got.map((c) => [c.partner, c.grounds, c.categories, c.addedReason])).toEqual(expected);
  });
});

describe('decideInvitations', () => {
  const candidate = (partner: string) => ({ partner, grounds: ['hit' as const], categories: [], addedReason: null });
  it.each([
    ['permitted without consent: invited on the plain rule', [allow('halt')], [allow('halt')], [], { invited: true, consent: false, rules: ['U-halt'] }],
    ['only with consent, and consent covers it: invited with consent', [none('jongerenwerk')], [allow('jongerenwerk')], ['jongerenwerk'], { invited: true, consent: true, rules: ['U-jongerenwerk'] }],
    ['only with consent, none in force for it: not invited, consent needed', [none('jongerenwerk')], [allow('jongerenwerk')], ['halt'], { invited: false, reason: 'toestemming-nodig', rules: [] }],
    ['a deny rule: not invited, refused, with the rule', [denied('politie')], [denied('politie')], ['politie'], { invited: false, reason: 'geweigerd', rules: ['D-politie'] }],
    ['no rule at all: not invited', [none('politie')], [none('politie')], ['politie'], { invited: false, reason: 'geen-regel', rules: [] }],
    ['a partner the scopes do not know: not invited', [], [], [], { invited: false, reason: 'geen-regel', rules: [] }],
  ] as const)('%s', (_what, plain, consented, covered, expected) => {
    const partner = plain[0]?.partner ?? 'onbekend';
    const [d] = decideInvitations([candidate(partner)], plain, consented, new Set<string>(covered));
    const { invited, consent, basis } = d!;
    expect({ invited, ...(invited ? { consent } : { reason: (d as { reason: string }).reason }), rules: basis.map((r) => r.rule) }).toEqual(expected);
  });
});

describe('consentCoverage', () => {
  const NOW = new Date('2026-12-05T10:00:00Z');
  const rec = (subjectId: string, partners: string[], over: Partial<{ doel: string; withdrawnAt: Date; validUntil: Date }> = {}) => ({
    subjectId, partners, doel: over.doel ?? 'jpp-screening', givenOn: new Date('2026-12-01T00:00:00Z'), validUntil: over.validUntil ?? new Date('2027-06-01T00:00:00Z'), withdrawnAt: over.withdrawnAt ?? null,
  });
  it.each([
    ['one youth, one record', ['a'], [rec('a', ['jongerenwerk', 'halt'])], ['halt', 'jongerenwerk']],
    ['two youths: only partners covered for both', ['a', 'b'], [rec('a', ['jongerenwerk', 'halt']), rec('b', ['halt'])], ['halt']],
    ['two youths, one without a record: nobody', ['a', 'b'], [rec('a', ['jongerenwerk'])], []],
    ['records of one youth add up', ['a'], [rec('a', ['jongerenwerk']), rec('a', ['halt'])], ['halt', 'jongerenwerk']],
    ['a withdrawn record covers nothing', ['a'], [rec('a', ['jongerenwerk'], { withdrawnAt: new Date('2026-12-04T00:00:00Z') })], []],
    ['an expired record covers nothing', ['a'], [rec('a', ['jongerenwerk'], { validUntil: new Date('2026-12-03T00:00:00Z') })], []],
    ['a record for another doel covers nothing', ['a'], [rec('a', ['jongerenwerk'], { doel: 'jpp-casusoverleg' })], []],
    ['no youths: nobody', [], [rec('a', ['jongerenwerk'])], []],
  ] as const)('%s', (_what, subjects, consents, expected) => {
    expect([...consentCoverage(subjects, consents, 'jpp-screening', NOW)].sort()).toEqual(expected);
  });
});

describe('meetingDateErrors', () => {
  const NOW = new Date('2026-12-05T23:00:00Z');
  it.each([
    ['today', '2026-12-05', []],
    ['later', '2027-01-10', []],
    ['yesterday', '2026-12-04', ['/date in-past']],
  ] as const)('%s', (_what, date, expected) => {
    expect(meetingDateErrors(new Date(`${date}T00:00:00Z`), NOW).map((e) => `${e.pointer} ${e.code}`)).toEqual(expected);
  });
});

describe('overdrachtErrors', () => {
  const covered = new Set(['jongerenwerk']);
  it.each([
    ['another kind without toPartner', { kind: 'halt-interventie', partner: 'halt' }, []],
    ['another kind with toPartner', { kind: 'halt-interventie', partner: 'halt', toPartner: 'jongerenwerk' }, ['/toPartner not-applicable']],
    ['a warme overdracht without toPartner', { kind: 'warme-overdracht', partner: 'halt' }, ['/toPartner required']],
    ['a warme overdracht to itself', { kind: 'warme-overdracht', partner: 'jongerenwerk', toPartner: 'jongerenwerk' }, ['/toPartner mismatch']],
    ['a warme overdracht without consent covering the receiver', { kind: 'warme-overdracht', partner: 'jongerenwerk', toPartner: 'halt' }, ['/toPartner no-consent']],
    ['a warme overdracht with consent covering the receiver', { kind: 'warme-overdracht', partner: 'halt', toPartner: 'jongerenwerk' }, []],
  ] as const)('%s', (_what, req, expected) => {
    expect(overdrachtErrors(req, covered).map((e) => `${e.pointer} ${e.code}`)).toEqual(expected);
  });
});
