/** The question's pure rules, one row per decision: which casus may be asked about, and each partner's answer. */
import { describe, expect, it } from 'vitest';
import { casusRefusal, deriveAnswers, statementRefusal } from '../../broker/queries/query-fns.js';
import type { PartnerScope, RuleRef } from '../../broker/policy/decision-table.js';
import { AppError } from '../../broker/errors/app-error.js';

const rule = (id: string, effect: 'allow' | 'deny'): RuleRef => ({ rule: id, effect, grondslag: `grondslag ${id}` });
const allow = (partner: string, categories: string[]): PartnerScope => ({ partner, permitted: true, categories: categories as PartnerScope['categories'], basis: [rule(`allow-${partner}`, 'allow')] });
const deny = (partner: string): PartnerScope => ({ partner, permitted: false, categories: [], basis: [rule(`deny-${partner}`, 'deny')] });

describe('deriveAnswers', () => {
  it.each([
    ['a permitted partner with a signal of a counted category', [allow('halt', ['halt-afdoening'])], [['halt', 'halt-afdoening']], 'hit', ['halt-afdoening']],
    ['a permitted partner with nothing found', [allow('halt', ['halt-afdoening'])], [], 'no-hit', []],
    ['a permitted partner whose only signal is of a category the policy excludes (counts as absent)', [allow('politie', ['politie-registratie'])], [['politie', 'politie-zorgmelding']], 'no-hit', []],
    ['an excluded partner, even if a pair were found', [deny('jongerenwerk')], [['jongerenwerk', 'jongerenwerk-contact']], 'not-permitted', []],
    ["another partner's signal", [allow('halt', ['halt-afdoening'])], [['politie', 'halt-afdoening']], 'no-hit', []],
    ['two counted categories, found twice and out of order', [allow('politie', ['politie-zorgmelding', 'politie-registratie'])], [['politie', 'politie-zorgmelding'], ['politie', 'politie-registratie'], ['politie', 'politie-zorgmelding']], 'hit', ['politie-registratie', 'politie-zorgmelding']],
  ] as const)('%s', (_what, scopes, found, answer, counted) => {
    const [a] = deriveAnswers(scopes, found.map(([partnerId, category]) => ({ partnerId, category })));
    expect(a).toEqual({ partner: scopes[0]!.partner, answer, basis: scopes[0]!.basis, categoriesCounted: counted });
  });

  it('answers once per scope, in the order of the scopes, each with its own basis', () => {
    const answers = deriveAnswers([deny('rvdk'), allow('halt', ['halt-afdoening']), allow('politie', ['politie-registratie'])], [{ partnerId: 'politie', category: 'politie-registratie' }]);
    expect(answers.map((a) => [a.partner, a.answer, a.basis[0]!.rule])).toEqual([
      ['rvdk', 'not-permitted', 'deny-rvdk'],
      ['halt', 'no-hit', 'allow-halt'],
      ['politie', 'hit', 'allow-politie'],
    ]);
  });
});

describe('casusRefusal', () => {
  const open = { doel: 'jpp-screening', status: 'in-screening' as const, subjectId: 'subject-1' };
  it.each([
    ['an existing casus of the doel, in screening, holding the subject', open, { doel: 'jpp-screening' }, undefined],
    ['no casus, named by caseRef', undefined, { doel: 'jpp-screening' }, ['not-found', '/caseRef']],
    ['no casus, named by caseId', undefined, { doel: 'jpp-screening', caseId: 'x' }, ['not-found', '/caseId']],
    ['a casus opened for another doel', open, { doel: 'jpt-aanpak' }, ['conflict', undefined]],
    ['a closed casus', { ...open, status: 'afgesloten' as const }, { doel: 'jpp-screening' }, ['conflict', undefined]],
    ['a casus without the asked subject', { ...open, subjectId: null }, { doel: 'jpp-screening' }, ['validation', '/subject']],
  ] as const)('%s', (_what, casus, req, expected) => {
    const refusal = casusRefusal(casus, req);
    if (expected === undefined) return expect(refusal).toBeUndefined();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal!.code).toBe(expected[0]);
    expect(refusal!.errors[0]?.pointer).toBe(expected[1]);
  });
});

describe('statementRefusal: a refusal of the one statement gives the error casusRefusal gives for what it found', () => {
  it.each([
    ['no casus, named by caseRef', 'no-casus', undefined, { doel: 'jpp-screening' }, casusRefusal(undefined, { doel: 'jpp-screening' })],
    ['no casus, named by caseId', 'no-casus', undefined, { doel: 'jpp-screening', caseId: 'x' }, casusRefusal(undefined, { doel: 'jpp-screening', caseId: 'x' })],
    ['a casus opened for another doel', 'other-doel', 'jpt-aanpak', { doel: 'jpp-screening' }, casusRefusal({ doel: 'jpt-aanpak', status: 'aangemeld', subjectId: 's' }, { doel: 'jpp-screening' })],
    ['a closed casus', 'not-queryable', 'afgesloten', { doel: 'jpp-screening' }, casusRefusal({ doel: 'jpp-screening', status: 'afgesloten', subjectId: 's' }, { doel: 'jpp-screening' })],
    ['a casus without the asked subject', 'not-a-subject', undefined, { doel: 'jpp-screening' }, casusRefusal({ doel: 'jpp-screening', status: 'aangemeld', subjectId: null }, { doel: 'jpp-screening' })],
  ] as const)('%s', (_what, kind, fact, req, expected) => {
    const error = statementRefusal(kind, fact, req);
    expect(error).toBeInstanceOf(AppError);
    expect({ code: error.code, message: error.message, errors: error.errors }).toEqual({ code: expected!.code, message: expected!.message, errors: expected!.errors });
  });

  it('refuses a cited consent record that is not of this subject in this casus on /consentId', () => {
    const error = statementRefusal('consent-not-found', undefined, { doel: 'jpp-screening' });
    expect([error.code, error.errors[0]?.pointer, error.errors[0]?.code]).toEqual(['validation', '/consentId', 'not-found']);
  });

  it('throws when the statement refused what casusRefusal allows (the two disagree)', () => {
    expect(() => statementRefusal('not-queryable', 'in-screening', { doel: 'jpp-screening' })).toThrow(/casusRefusal allows/);
  });
});
