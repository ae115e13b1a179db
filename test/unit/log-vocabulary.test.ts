/**
 * The logboek's typed vocabulary (issue 20 item 6): the outcome lists of the code and of
 * schemas/log-entry.schema.json are the same; one typed example per action passes the schema
 * (so types and schema agree on the details too); an unknown outcome, an unknown detail, a
 * missing required detail or free text where an enum stands is refused; and the writer refuses
 * such an entry before anything is written.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { LOG_ACTIONS, type LogAction } from '../../broker/logboek/log-actions.js';
import { ERROR_OUTCOMES, OUTCOMES, statusOf, type TypedStep } from '../../broker/logboek/log-vocabulary.js';
import { createLogWriter } from '../../broker/logboek/log-writer.js';
import { LOG_ACTION_LABEL, LOG_OUTCOME_LABEL } from '../../broker/web/log-action-labels.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/log-entry.schema.json', import.meta.url), 'utf8')) as {
  $defs: Record<string, { properties: { outcome: { enum: string[] } }; 'x-error-outcomes'?: string[] }>;
};
const schemas = createSchemaRegistry();
const check = (step: object) => schemas.validate('log-entry', structuredClone(step));
const ID = '00000000-0000-4000-8000-000000000001';
const casus = { caseId: ID, subjectId: ID };

/** One valid step per action, typed: the compiler checks it against the TypeScript vocabulary, the test against the schema. */
const EXAMPLES: { [A in LogAction]: Extract<TypedStep, { action: A }> } = {
  disclosure: { action: 'disclosure', outcome: 'hit', details: { consent: false, categoriesCounted: ['politie-registratie'], caseId: ID } },
  question: {
    action: 'question', outcome: 'answered',
    details: {
      consent: true, consentId: ID, caseId: ID, bezwaarBlock: true,
      answers: [
        { partner: 'politie', outcome: 'hit', rules: [{ rule: 'S01', effect: 'allow', grondslag: 'Wpg art. 20' }], categoriesCounted: ['politie-registratie'] },
        { partner: 'halt', outcome: 'not-permitted', rules: [], categoriesCounted: [] },
      ],
    },
  },
  'signal-batch': { action: 'signal-batch', outcome: 'processed', details: { batchId: 'b-1', accepted: 2, duplicate: 0, rejected: 1, signedWith: 'k1', jwsSha256: 'ab' } },
  'signal-intake': { action: 'signal-intake', outcome: 'stored', details: { batchId: 'b-1', ref: 'r-1', category: 'halt-afdoening', epoch: 1 } },
  'signal-withdrawal': { action: 'signal-withdrawal', outcome: 'withdrawn', details: { ref: 'r-1', category: 'halt-afdoening' } },
  'custodian-evaluation': { action: 'custodian-evaluation', outcome: 'refused', details: { epoch: 1, elements: 3, reason: 'quota' } },
  'policy-change': { action: 'policy-change', outcome: 'approved', details: { status: 'approved', previewId: ID, against: 1, newAccess: 2, newlyAllowed: 0, confirmNewAccess: true } },
  'log-read': { action: 'log-read', outcome: 'read', details: { resource: 'disclosures', filter: ['doel'], returned: 4 } },
  'log-export': { action: 'log-export', outcome: 'read', details: { resource: 'entries', fromSeq: 0, returned: 10 } },
  'log-verify': { action: 'log-verify', outcome: 'read', details: { resource: 'entry-bundle', fromSeq: 256, returned: 256 } },
  'casus-aanmelding': { action: 'casus-aanmelding', outcome: 'aangemeld', details: { ...casus, kind: 'person', routeIn: 'politie' } },
  'casus-status': { action: 'casus-status', outcome: 'opgeschaald', details: { ...casus, from: 'besproken', reason: 'veiligheidsrisico' } },
  'casus-vervolgactie': { action: 'casus-vervolgactie', outcome: 'recorded', details: { ...casus, actionId: ID, actionPartner: 'halt', actionKind: 'halt-interventie', dueDate: '2026-12-31' } },
  'casus-notificatie': { action: 'casus-notificatie', outcome: 'deferred', details: { ...casus, deferReason: 'lopend-onderzoek', deferredUntil: '2027-01-31' } },
  'inzage-report': { action: 'inzage-report', outcome: 'produced', details: { reportId: ID, disclosures: 7 } },
  bezwaar: { action: 'bezwaar', outcome: 'upheld', details: { bezwaarId: ID, doelen: ['jpp-screening'] } },
  'legal-hold': { action: 'legal-hold', outcome: 'placed', details: { holdId: ID, scope: 'case', reason: 'klacht-ap' } },
  'retention-run': { action: 'retention-run', outcome: 'completed', details: { runId: ID, trigger: 'schedule', keptOnHold: 0, signalsRemoved: 3, signalsFrom: null, signalsTo: null } },
  'monitoring-read': { action: 'monitoring-read', outcome: 'read', details: { from: '2026-01-01', to: '2026-12-31' } },
  'register-change': { action: 'register-change', outcome: 'role-granted', details: { personId: 'p-1', role: 'voorzitter', validFrom: '2026-12-04T00:00:00.000Z', validUntil: null, pendingApproval: false } },
  verzoek: { action: 'verzoek', outcome: 'answered', details: { verzoekId: ID, type: 'wissing', decision: 'granted', answeredOn: '2026-12-04', onTime: true } },
  beperking: { action: 'beperking', outcome: 'restricted', details: { bezwaarId: ID, doelen: ['jpp-screening'], verzoekId: null } },
  'casus-toestemming': { action: 'casus-toestemming', outcome: 'recorded', details: { ...casus, consentId: ID, givenBy: 'ouder', consentDoel: 'jpp-screening', consentPartners: ['jongerenwerk'], givenOn: '2026-12-01', validUntil: null } },
  casusoverleg: { action: 'casusoverleg', outcome: 'invited', details: { meetingId: ID, meetingDate: '2026-12-10', ...casus, grounds: ['hit', 'regiehouder'], consent: false } },
  'rate-limit': { action: 'rate-limit', outcome: 'refused', details: { limited: 'questions', scope: 'person', window: 'minute', max: 60, retryAfterSeconds: 12 } },
};

describe('the vocabulary', () => {
  it('lists the same outcomes, per action, in the code and in the schema, for every logged action', () => {
    expect(Object.keys(schema.$defs).sort()).toEqual([...LOG_ACTIONS].sort());
    for (const action of LOG_ACTIONS) expect(schema.$defs[action]!.properties.outcome.enum, action).toEqual([...OUTCOMES[action]]);
  });

  it('marks the same outcomes as errors (Logboek Dataverwerkingen status) in the code and in the schema', () => {
    for (const action of LOG_ACTIONS) {
      expect([...(ERROR_OUTCOMES[action] ?? [])], action).toEqual(schema.$defs[action]!['x-error-outcomes'] ?? []);
      for (const outcome of OUTCOMES[action]) {
        expect(statusOf(action, outcome)).toBe((ERROR_OUTCOMES[action] as readonly string[] | undefined)?.includes(outcome) ? 'error' : 'ok');
      }
    }
  });

  it.each(LOG_ACTIONS.map((a) => [a]))('accepts a typed %s step', (action) => {
    expect(check(EXAMPLES[action])).toEqual([]);
  });

  it.each([
    ['an outcome of another action', { ...EXAMPLES.disclosure, outcome: 'stored' }, '/outcome'],
    ['an unknown action', { action: 'lookup', outcome: 'hit', details: {} }, '/action'],
    ['a detail the action does not know', { ...EXAMPLES['signal-intake'], details: { ...EXAMPLES['signal-intake'].details, name: 'Jan' } }, '/details'],
    ['a missing required detail', { action: 'inzage-report', outcome: 'produced', details: { reportId: ID } }, '/details'],
    ['free text where an enumerated reason stands', { ...EXAMPLES['custodian-evaluation'], details: { epoch: 1, elements: 1, reason: 'because' } }, '/details/reason'],
    ['a count that is not a whole number', { ...EXAMPLES['signal-batch'], details: { ...EXAMPLES['signal-batch'].details, accepted: 1.5 } }, '/details/accepted'],
  ])('refuses %s', (_what, step, pointer) => {
    const errors = check(step);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.pointer).some((p) => p.startsWith(pointer))).toBe(true);
  });

  it('has the writer refuse an entry outside the vocabulary before it writes anything', async () => {
    let touched = false;
    const ex = new Proxy({}, { get: () => { touched = true; throw new Error('the database was used'); } });
    const writer = createLogWriter({ activityOf: () => ({ id: 'x', uri: 'urn:x' }), schemas, onCommitted: () => undefined });
    const at = new Date();
    const entry = { ...EXAMPLES['signal-intake'], details: { ...EXAMPLES['signal-intake'].details, bsn: 'x' }, actor: { kind: 'system' as const, id: 'system:test' }, traceId: 't', startedAt: at, endedAt: at };
    await expect(writer.append(ex as never, [entry as never])).rejects.toThrow(/signal-intake\/stored does not match its vocabulary/);
    expect(touched).toBe(false);
  });
});

describe('the vocabulary in Dutch (the entry page)', () => {
  it.each(LOG_ACTIONS.map((a) => [a] as const))('names %s and each of its outcomes in Dutch', (action) => {
    expect(LOG_ACTION_LABEL[action]).toMatch(/\S/);
    expect(OUTCOMES[action].filter((o) => LOG_OUTCOME_LABEL[o] === undefined)).toEqual([]);
  });
});
