/** Forwarding a verzoek to partners and checking a partner's answer (issue 19 items 3-4), table-tested. */
import { describe, expect, it } from 'vitest';
import { correctionErrors, forwardRefusal, outcomeRefusal, refsPerPartner } from '../../broker/rights/verzoek-taak-fns.js';

const NOW = new Date('2026-12-05T12:00:00Z');
const d = (s: string) => new Date(`${s}T00:00:00Z`);
const held = new Map([
  ['h-1', { category: 'halt-afdoening', registeredAt: d('2026-11-01'), expiresAt: d('2027-06-01') }],
  ['h-2', { category: 'halt-afdoening', registeredAt: d('2026-10-01'), expiresAt: d('2027-03-01') }],
]);
const ctx = { taakRefs: ['h-1', 'h-2', 'h-gone'], held, categories: new Set(['halt-afdoening', 'halt-tweede']), now: NOW, maxValidityDays: 730 };

describe('forwarding', () => {
  it('groups refs per partner, sorted, narrowed to the partners asked', () => {
    const signals = [
      { partnerId: 'politie', ref: 'p-2' },
      { partnerId: 'halt', ref: 'h-9' },
      { partnerId: 'politie', ref: 'p-1' },
      { partnerId: 'halt', ref: 'h-1' },
    ];
    expect([...refsPerPartner(signals)]).toEqual([['halt', ['h-1', 'h-9']], ['politie', ['p-1', 'p-2']]]);
    expect([...refsPerPartner(signals, ['politie', 'rvdk'])]).toEqual([['politie', ['p-1', 'p-2']]]);
    expect([...refsPerPartner([])]).toEqual([]);
  });

  it.each([
    ['wissing', 'open', null],
    ['rectificatie', 'open', null],
    ['wissing', 'answered', 'the verzoek is answered already'],
    ['inzage', 'open', expect.stringContaining('not forwarded')],
    ['bezwaar', 'open', expect.stringContaining('not forwarded')],
    ['informatie', 'open', expect.stringContaining('not forwarded')],
  ] as const)('a %s that is %s: %s', (type, status, expected) => {
    expect(forwardRefusal({ type, status })).toEqual(expected);
  });

  it.each([
    ['rectificatie', 'corrected', true],
    ['rectificatie', 'withdrawn', true],
    ['rectificatie', 'refused', true],
    ['wissing', 'withdrawn', true],
    ['wissing', 'refused', true],
    ['wissing', 'corrected', false],
  ] as const)('a %s answered %s is allowed: %s', (type, outcome, allowed) => {
    expect(outcomeRefusal(type, outcome) === null).toBe(allowed);
  });
});

describe('corrections', () => {
  it.each([
    [[{ ref: 'h-1', category: 'halt-tweede' }], []],
    [[{ ref: 'h-1', expiresAt: '2027-01-01' }, { ref: 'h-2', registeredAt: '2026-09-01' }], []],
    [[{ ref: 'p-1', category: 'halt-afdoening' }], [['/corrections/0/ref', 'not-found']]],
    [[{ ref: 'h-gone', category: 'halt-afdoening' }], [['/corrections/0/ref', 'not-found']]],
    [[{ ref: 'h-1', category: 'x' }, { ref: 'h-1', category: 'halt-tweede' }], [['/corrections/0/category', 'not-in-list'], ['/corrections/1/ref', 'duplicate']]],
    [[{ ref: 'h-1', category: 'politie-registratie' }], [['/corrections/0/category', 'not-in-list']]],
    [[{ ref: 'h-1', registeredAt: '2026-12-24' }], [['/corrections/0/registeredAt', 'in-future']]],
    [[{ ref: 'h-1', expiresAt: '2026-10-01' }], [['/corrections/0/expiresAt', 'before-start']]],
    [[{ ref: 'h-2', registeredAt: '2027-04-01' }], [['/corrections/0/registeredAt', 'in-future']]],
    [[{ ref: 'h-1', registeredAt: '2026-01-01', expiresAt: '2026-12-01' }], [['/corrections/0/expiresAt', 'in-past']]],
    [[{ ref: 'h-1', expiresAt: '2029-01-01' }], [['/corrections/0/expiresAt', 'too-large']]],
  ] as const)('%o gives %o', (corrections, expected) => {
    expect(correctionErrors(corrections, ctx).map((e) => [e.pointer, e.code])).toEqual(expected);
  });
});
