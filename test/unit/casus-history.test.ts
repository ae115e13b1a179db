/**
 * The casus history (issue 23 item 4, broker/web/pages/casus-history.ts): every kind of step, in
 * Dutch, oldest first, with who did it; a step whose actor was not recorded (before migration
 * 0180) names nobody, and someone no longer in the register is not shown by id.
 */
import { describe, expect, it } from 'vitest';
import { historySteps, historyTable, peopleOf } from '../../broker/web/pages/casus-history.js';
import type { CasusDetail } from '../../broker/web/web-ports.js';

const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const notification = { informedAt: null, deferReason: null, deferredUntil: null, dueAt: null, overdue: false };
const casus: CasusDetail = {
  caseId: '33333333-3333-4333-8333-333333333333', caseRef: 'ZVH-1', doel: 'jpp-screening', routeIn: 'politie', aanmeldcriteria: [], kind: 'group',
  status: 'vervolg', openedBy: 'p-open', openedAt: '2026-11-01T09:00:00.000Z', statusChangedAt: '2026-11-03T09:00:00.000Z', closedAt: null, outcome: null,
  queryable: true, legalHold: false,
  subjects: [
    { subjectId: S1, position: 1, ageBand: '12-15', parentConsentNeeded: true, notification: { ...notification, state: 'informed', informedAt: '2026-11-09', changedAt: '2026-11-10T09:00:00.000Z', changedBy: 'p-notify' } },
    { subjectId: S2, position: 2, ageBand: '16-17', parentConsentNeeded: false, notification: { ...notification, state: 'deferred', deferReason: 'lopend-onderzoek', deferredUntil: '2027-01-01', changedAt: '2026-11-02T12:00:00.000Z', changedBy: null } },
  ],
  history: [
    { from: null, to: 'aangemeld', reason: null, outcome: null, by: 'p-open', at: '2026-11-01T09:00:00.000Z' },
    { from: 'besproken', to: 'vervolg', reason: null, outcome: null, by: 'p-status', at: '2026-11-03T09:00:00.000Z' },
  ],
  vervolgacties: [
    { actionId: 'a1', partner: 'halt', kind: 'warme-overdracht', toPartner: 'politie', dueDate: '2026-11-20', completedAt: '2026-11-12T09:00:00.000Z', completedBy: 'p-done', createdBy: 'p-add', createdAt: '2026-11-04T09:00:00.000Z' },
  ],
  regie: { partner: 'halt', since: '2026-11-05T09:00:00.000Z', setBy: 'p-regie' },
  consents: [
    { consentId: 'k1', subjectId: S2, givenBy: 'jongere', partners: ['jongerenwerk'], doel: 'jpp-screening', givenOn: '2026-11-06', validUntil: '2027-02-01', withdrawnAt: '2026-11-11T09:00:00.000Z', withdrawnBy: 'p-withdraw', status: 'withdrawn', recordedBy: 'p-consent', recordedAt: '2026-11-06T09:00:00.000Z' },
  ],
};
const partner = (id: string) => ({ halt: 'Halt', politie: 'Politie' })[id] ?? id;

describe('the casus history', () => {
  it('lists every kind of step, oldest first, with who took it', () => {
    expect(historySteps(casus, partner)).toEqual([
      { at: '2026-11-01T09:00:00.000Z', what: 'Aanmelding: casus geopend (Aangemeld)', by: 'p-open' },
      { at: '2026-11-02T12:00:00.000Z', what: 'Notificatie van jongere 2 uitgesteld tot 01-01-2027 (Lopend onderzoek)', by: null },
      { at: '2026-11-03T09:00:00.000Z', what: 'Status Besproken → Vervolg', by: 'p-status' },
      { at: '2026-11-04T09:00:00.000Z', what: 'Vervolgactie toegevoegd: Warme overdracht van Halt naar Politie, uiterlijk 20-11-2026', by: 'p-add' },
      { at: '2026-11-05T09:00:00.000Z', what: 'Regiehouder vastgelegd: Halt', by: 'p-regie' },
      { at: '2026-11-06T09:00:00.000Z', what: 'Toestemming vastgelegd: De jongere, voor jongere 2, gegeven op 06-11-2026', by: 'p-consent' },
      { at: '2026-11-10T09:00:00.000Z', what: 'Notificatie: jongere 1 geïnformeerd op 09-11-2026', by: 'p-notify' },
      { at: '2026-11-11T09:00:00.000Z', what: 'Toestemming ingetrokken (jongere 2)', by: 'p-withdraw' },
      { at: '2026-11-12T09:00:00.000Z', what: 'Vervolgactie afgerond: Warme overdracht van Halt naar Politie', by: 'p-done' },
    ]);
  });

  it('asks the register about everyone named, once', () => {
    expect(peopleOf(casus).sort()).toEqual(['p-add', 'p-consent', 'p-done', 'p-notify', 'p-open', 'p-regie', 'p-status', 'p-withdraw']);
  });

  it('shows names, never an id: "niet vastgelegd" for an unrecorded actor, and a phrase for someone left', () => {
    const names = new Map([['p-open', 'Anna Voorzitter'], ['p-done', 'Bram Halt']]);
    const text = String(historyTable(casus, names, partner));
    expect(text).toContain('Anna Voorzitter');
    expect(text).toContain('Bram Halt');
    expect(text).toContain('niet vastgelegd');
    expect(text).toContain('een gebruiker die niet meer in het register staat');
    expect(text).not.toMatch(/p-(open|status|add|done|regie|consent|withdraw|notify)/);
  });
});
