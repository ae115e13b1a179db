/**
 * POST /v1/queries: hit / no-hit / not-permitted per partner, as the policy allows.
 * Signals go in through the adapter API; every assertion is on what a client sees or on
 * what the database was asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledQuery, LogEvent } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { answersOf, submitSignals } from '../support/signals.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { openCase, aanmelding } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
const statements: CompiledQuery[] = [];

beforeAll(async () => {
  b = await startTestBroker({ queryLog: (e: LogEvent) => void statements.push(e.query) });
});
afterAll(async () => b?.close());

/**
 * Asks as `user`. Unless the caller names a casus, a voorzitter first opens one for the
 * subject and doel (what a casusoverleg does before screening); if that is refused (an
 * invalid doel or subject), the question goes ahead and meets its own refusal.
 */
async function ask(user: string, subject: string, doel: string, extra: Record<string, unknown> = {}) {
  let casus: Record<string, unknown> = {};
  if (extra['caseRef'] === undefined && extra['caseId'] === undefined) {
    const caseRef = opaqueRef(`case-${doel}`);
    await b.call('POST', '/v1/cases', {
      token: await b.token('demo-voorzitter'),
      body: { caseRef, doel, routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) },
    });
    casus = { caseRef };
  }
  const res = await b.call('POST', '/v1/queries', {
    token: await b.token(user),
    body: { subject, doel, ...casus, ...extra },
  });
  return res;
}

describe('answers per partner', () => {
  it('gives one answer per platform partner, valid against the response schema', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const res = await ask('demo-voorzitter', subject, 'jpp-screening');
    expect(res.status, res.text).toBe(200);
    expect(schemas.validate('query-response', res.body)).toEqual([]);
    expect(res.body.answers.map((a: { partner: string }) => a.partner)).toEqual(b.broker.platform.partners.map((p) => p.id));
    expect(answersOf(res.body)).toEqual({
      politie: 'no-hit',
      'gemeente-jeugdboa': 'no-hit',
      'gemeente-team-jeugd': 'no-hit',
      'gemeente-leerplicht': 'no-hit',
      jeugdreclassering: 'no-hit',
      rvdk: 'no-hit',
      halt: 'hit',
      jongerenwerk: 'not-permitted',
      'pre-forensisch-jeugdwerk': 'not-permitted',
    });
  });

  it('names the rule and grondslag behind each permitted answer, the same for hit and no-hit', async () => {
    const known = randomPseudonym();
    await submitSignals(b, 'politie', [{ subject: known, category: 'politie-registratie' }]);
    const hit = (await ask('demo-voorzitter', known, 'jpp-screening')).body;
    const miss = (await ask('demo-voorzitter', randomPseudonym(), 'jpp-screening')).body;
    const politie = (body: any) => body.answers.find((a: any) => a.partner === 'politie');
    expect(politie(hit).answer).toBe('hit');
    expect(politie(miss).answer).toBe('no-hit');
    expect(politie(hit).basis.map((r: any) => r.rule)).toEqual(['S01', 'S02']);
    expect(politie(hit).basis).toEqual(politie(miss).basis);
    expect(politie(hit).basis[0].grondslag).toMatch(/Wpg art\. 20/);
  });

  it('lets consent unlock a consent-only partner', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'jongerenwerk', [{ subject, category: 'jongerenwerk-contact' }]);
    expect(answersOf((await ask('demo-voorzitter', subject, 'jpp-screening')).body).jongerenwerk).toBe('not-permitted');
    const c = await openCase(b, [subject]);
    const consent = await b.call('POST', `/v1/cases/${c.caseId}/consents`, {
      token: await b.token('demo-voorzitter'),
      body: { subjectId: c.subjectIds[0], givenBy: 'ouder', partners: ['jongerenwerk'], doel: 'jpp-screening', givenOn: '2026-01-01', validUntil: '2999-01-01' },
    });
    expect(consent.status, consent.text).toBe(201);
    const withConsent = await ask('demo-voorzitter', subject, 'jpp-screening', { caseId: c.caseId, consent: true, consentId: consent.body.consents[0].consentId });
    expect(answersOf(withConsent.body).jongerenwerk).toBe('hit');
    expect(withConsent.body.answers.find((a: any) => a.partner === 'jongerenwerk').basis[0]).toMatchObject({
      rule: 'S09',
      grondslag: expect.stringContaining('toestemming'),
    });
  });

  it('answers not-permitted for every partner under the monitoring doel, naming the deny rule', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const res = await ask('demo-voorzitter', subject, 'jpp-monitoring');
    expect(res.status).toBe(200);
    for (const a of res.body.answers) {
      expect(a.answer).toBe('not-permitted');
      expect(a.basis).toEqual([expect.objectContaining({ rule: 'M01', effect: 'deny' })]);
    }
  });

  it('does not count expired or withdrawn signals', async () => {
    const expired = randomPseudonym();
    const withdrawn = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject: expired, category: 'halt-afdoening', registeredDaysAgo: 30, validDays: 60 }]);
    const [ref] = await submitSignals(b, 'halt', [{ subject: withdrawn, category: 'halt-afdoening' }]);
    expect(answersOf((await ask('demo-voorzitter', expired, 'jpp-screening')).body).halt).toBe('hit');
    expect(answersOf((await ask('demo-voorzitter', withdrawn, 'jpp-screening')).body).halt).toBe('hit');

    const del = await b.call('DELETE', `/v1/signals/${ref}`, { token: await b.adapterToken('halt') });
    expect(del.status).toBe(204);
    const before = b.clock.now;
    b.clock.now = new Date(before.getTime() + 31 * 86_400_000);
    try {
      expect(answersOf((await ask('demo-voorzitter', expired, 'jpp-screening')).body).halt).toBe('no-hit');
      expect(answersOf((await ask('demo-voorzitter', withdrawn, 'jpp-screening')).body).halt).toBe('no-hit');
    } finally {
      b.clock.now = before;
    }
  });
});

describe('a disallowed category counts as absent', () => {
  it('gives a ketenprofessional the same answers for a subject with only a denied category as for an unknown one', async () => {
    const zorgOnly = randomPseudonym();
    await submitSignals(b, 'politie', [{ subject: zorgOnly, category: 'zorgsignaal' }]);
    const strip = (body: any) => ({ ...body, queryId: undefined, caseRef: undefined, caseId: undefined, subjectId: undefined });
    const denied = await ask('demo-halt', zorgOnly, 'jpp-casusoverleg');
    const unknown = await ask('demo-halt', randomPseudonym(), 'jpp-casusoverleg');
    expect(denied.status).toBe(200);
    expect(answersOf(denied.body).politie).toBe('no-hit');
    expect(strip(denied.body)).toEqual(strip(unknown.body));
    // The voorzitter may count zorgsignalen: the signal is really there.
    expect(answersOf((await ask('demo-voorzitter', zorgOnly, 'jpp-screening')).body).politie).toBe('hit');
  });
});

describe('a not-permitted partner is never read', () => {
  /**
   * The statements that may read signals: a select from them, or the question's one statement
   * (`jpp_ask`, migration 0210), whose only read of signals names the pairs of its 17th and 18th
   * arguments (partners and categories) and nothing else.
   */
  const signalReads = () => statements.filter((q) => (/from "signals"/.test(q.sql) && /^select/i.test(q.sql)) || /from jpp_ask\(/.test(q.sql));
  const pairsOf = (q: CompiledQuery) =>
    /from jpp_ask\(/.test(q.sql) ? { partners: q.parameters[16] as string[], categories: q.parameters[17] as string[] } : undefined;

  it('names only permitted (partner, category) pairs in the lookup', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'jongerenwerk', [{ subject, category: 'jongerenwerk-contact' }]);
    statements.length = 0;
    const res = await ask('demo-voorzitter', subject, 'jpp-screening');
    expect(answersOf(res.body).jongerenwerk).toBe('not-permitted');
    const reads = signalReads();
    expect(reads).toHaveLength(1);
    // The lookup's parameters: the pairs of the one statement (its other arguments hold the entries, one per partner).
    const pairs = pairsOf(reads[0]!);
    expect(pairs?.partners).toHaveLength(pairs!.categories.length);
    const params = pairs ? [...pairs.partners, ...pairs.categories] : reads[0]!.parameters.filter((p): p is string => typeof p === 'string');
    expect(params).toContain('politie');
    expect(params).not.toContain('jongerenwerk');
    expect(params).not.toContain('pre-forensisch-jeugdwerk');
    expect(params).not.toContain('jongerenwerk-contact');
  });

  it('reads no signals at all when the doel permits nothing', async () => {
    statements.length = 0;
    const res = await ask('demo-voorzitter', randomPseudonym(), 'jpp-monitoring');
    expect(res.status).toBe(200);
    const reads = signalReads();
    expect(reads.filter((q) => !pairsOf(q))).toHaveLength(0);
    expect(reads.map(pairsOf)).toEqual([{ partners: [], categories: [] }]);
  });
});

describe('who may ask, and what', () => {
  it('refuses a role without the query capability', async () => {
    const res = await ask('demo-jurist', randomPseudonym(), 'jpp-screening');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('refuses an adapter', async () => {
    const res = await b.call('POST', '/v1/queries', {
      token: await b.adapterToken('halt'),
      body: { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('c') },
    });
    expect(res.status).toBe(403);
  });

  it('refuses a person who does not hold the claimed role in the register', async () => {
    const token = await b.sign({ org: 'zvh-limburg-noord', role: 'voorzitter' }, 'someone-unregistered');
    const res = await b.call('POST', '/v1/queries', { token, body: { subject: randomPseudonym(), doel: 'jpp-screening', caseRef: opaqueRef('c') } });
    expect(res.status).toBe(403);
  });

  it('refuses an unknown doel, naming the field', async () => {
    const res = await ask('demo-voorzitter', randomPseudonym(), 'vrij-zoeken');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ pointer: '/doel', code: 'not-in-list', detail: 'is not a doel of this platform' }]);
  });

  it('refuses a subject that is not a random-looking pseudonym', async () => {
    const padded = Buffer.alloc(32, 0);
    Buffer.from('123456782').copy(padded);
    const res = await ask('demo-voorzitter', padded.toString('base64url'), 'jpp-screening');
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/subject');
  });

  it('refuses a doel other than the casus was opened for', async () => {
    const subject = randomPseudonym();
    const { caseRef } = await openCase(b, [subject], { doel: 'jpp-screening' });
    const token = await b.token('demo-voorzitter');
    const first = await b.call('POST', '/v1/queries', { token, body: { subject, doel: 'jpp-screening', caseRef } });
    expect(first.status).toBe(200);
    const second = await b.call('POST', '/v1/queries', { token, body: { subject, doel: 'jpp-casusoverleg', caseRef } });
    expect(second.status).toBe(409);
    expect(second.body.detail).toMatch(/opened for doel jpp-screening/);
  });
});
