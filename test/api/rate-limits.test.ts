/**
 * Rate limits on questions and casus creation (issue 17 item 6), per person and per organisation,
 * configured in the platform file: past a limit the broker answers 429 problem+json with
 * Retry-After, does nothing (rows counted before and after), and logs a `rate-limit` refusal
 * that names no subject, pseudonym or casus; another person is still served, and once the window
 * has passed (the broker's injected clock) the same person is served again. The web screening
 * says it in Dutch.
 */
import { aanmelding } from '../support/casus.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { platformFileWith } from '../support/platform-file.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { csrfOf, webLogin } from '../support/web-client.js';

const LIMITS = {
  questions: { person: { perMinute: 3, perDay: 5 }, organisation: { perMinute: 4, perDay: 1000 } },
  casusCreation: { person: { perMinute: 2, perDay: 100 }, organisation: { perMinute: 100, perDay: 1000 } },
};

let b: TestBroker;
let base: number;
const at = (minute: number, second = 1): void => {
  b.clock.now = new Date(base + minute * 60_000 + second * 1000);
};
const token = (user: string): Promise<string> => (user === 'tweede-voorzitter' ? b.sign({ org: 'zvh-limburg-noord', role: 'voorzitter' }, user) : b.token(user));
const count = async (table: 'cases' | 'queries' | 'logboek_entries'): Promise<number> =>
  Number((await b.broker.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const counts = async () => ({ cases: await count('cases'), queries: await count('queries'), log: await count('logboek_entries') });
const refusals = async () =>
  (await sql<{ content: string; subject_hash: unknown; case_ref: string | null; actor_id: string }>`
    select content, subject_hash, case_ref, actor_id from logboek_entries where action = 'rate-limit' order by id`.execute(b.broker.db)).rows;

const subjects: Record<string, string> = {};
const caseRefs: Record<string, string> = {};
const openCase = async (user: string, name: string, doel = 'jpp-screening') => {
  subjects[name] ??= randomPseudonym();
  caseRefs[name] ??= opaqueRef('case');
  return b.call('POST', '/v1/cases', { token: await token(user), body: { caseRef: caseRefs[name], doel, routeIn: 'politie', kind: 'person', subjects: [subjects[name]], ...aanmelding(1) } });
};
const ask = async (user: string, name: string, doel = 'jpp-screening') =>
  b.call('POST', '/v1/queries', { token: await token(user), body: { subject: subjects[name], doel, caseRef: caseRefs[name], consent: false } });

/** A refusal as the caller and the logboek see it: 429 problem+json, Retry-After, nothing done, one entry without a subject. */
async function expectRefused(call: () => Promise<{ status: number; headers: Headers; body: any }>, expected: { retryAfter: number; details: Record<string, unknown> }): Promise<void> {
  const before = await counts();
  const entriesBefore = (await refusals()).length;
  const res = await call();
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: 'tag:jpp-broker,2026:problem:too-many-requests', status: 429 });
  expect(res.headers.get('retry-after')).toBe(String(expected.retryAfter));
  const after = await counts();
  expect(after).toEqual({ ...before, log: before.log + 1 });
  const entries = await refusals();
  expect(entries).toHaveLength(entriesBefore + 1);
  const entry = entries.at(-1)!;
  const content = JSON.parse(entry.content);
  expect(content).toMatchObject({ action: 'rate-limit', outcome: 'refused', subject: null, caseRef: null, details: { ...expected.details, retryAfterSeconds: expected.retryAfter } });
  expect(entry.subject_hash).toBeNull();
  for (const value of [...Object.values(subjects), ...Object.values(caseRefs)]) expect(entry.content).not.toContain(value);
}

beforeAll(async () => {
  b = await startTestBroker({ env: { JPP_PLATFORM_FILE: platformFileWith({ rateLimits: LIMITS }) } });
  base = Math.floor(Date.now() / 60_000) * 60_000 + 3_600_000;
  at(0);
  const registered = await b.call('POST', '/v1/register/people', {
    token: await b.token('demo-beheerder'),
    body: { personId: 'tweede-voorzitter', displayName: 'Tweede voorzitter', organisation: 'zvh-limburg-noord', roles: [{ role: 'voorzitter' }] },
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
});
afterAll(async () => b?.close());

describe('rate limits', () => {
  it('limits opening casussen per person per minute; another person may still, and the next minute the same person may', async () => {
    at(0);
    expect((await openCase('demo-voorzitter', 'a')).status).toBe(201);
    expect((await openCase('demo-voorzitter', 'b', 'jpp-casusoverleg')).status).toBe(201);
    await expectRefused(() => openCase('demo-voorzitter', 'c'), { retryAfter: 59, details: { limited: 'casusCreation', scope: 'person', window: 'minute', max: 2 } });
    expect((await openCase('tweede-voorzitter', 'd')).status).toBe(201);
    at(1);
    expect((await openCase('demo-voorzitter', 'c')).status).toBe(201);
  });

  it('limits questions per person per minute, without counting the refused one; another person is still answered', async () => {
    at(2, 30);
    for (let i = 0; i < 3; i++) expect((await ask('demo-voorzitter', 'a')).status).toBe(200);
    await expectRefused(() => ask('demo-voorzitter', 'a'), { retryAfter: 30, details: { limited: 'questions', scope: 'person', window: 'minute', max: 3 } });
    // The minute's count over its shards: the three answered, not the refused one.
    const bucket = await b.broker.db.selectFrom('rate_limit_usage').select(['minute', 'count']).where('counter', '=', 'questions:person:demo-voorzitter').execute();
    expect(new Set(bucket.map((r) => new Date(r.minute).getTime())).size).toBe(1);
    expect(bucket.reduce((n, r) => n + r.count, 0)).toBe(3);
    // Another person, of another organisation, asks about the casusoverleg casus.
    expect((await ask('demo-jeugdboa', 'b', 'jpp-casusoverleg')).status).toBe(200);
  });

  it('limits questions per organisation: a colleague is refused once the organisation used its minute', async () => {
    at(2, 40);
    // The ZVH asked 3 times this minute (the voorzitter); its limit is 4.
    expect((await ask('tweede-voorzitter', 'd')).status).toBe(200);
    await expectRefused(() => ask('tweede-voorzitter', 'd'), { retryAfter: 20, details: { limited: 'questions', scope: 'organisation', window: 'minute', max: 4 } });
    expect((await ask('demo-jeugdboa', 'b', 'jpp-casusoverleg')).status).toBe(200);
  });

  it('limits questions per person per 24 hours, and serves again once the oldest questions left the window', async () => {
    at(3);
    for (let i = 0; i < 2; i++) expect((await ask('demo-voorzitter', 'a')).status).toBe(200);
    // 5 in 24 hours: the sixth waits until the 3 of minute 2 are 24 hours old.
    await expectRefused(() => ask('demo-voorzitter', 'a'), { retryAfter: 86_400 - 61, details: { limited: 'questions', scope: 'person', window: 'day', max: 5 } });
    at(2 + 1440);
    expect((await ask('demo-voorzitter', 'a')).status).toBe(200);
  });

  it('refuses the web screening past the limit with a Dutch message and status 429', async () => {
    at(1500);
    const { c } = await webLogin(b.url, 'demo-voorzitter', '/screening');
    const screen = async () => {
      const page = await c.req('GET', '/screening');
      return c.req('POST', '/screening', { _csrf: csrfOf(page.text), caseRef: caseRefs['a']!, doel: 'jpp-screening', subject: subjects['a']! });
    };
    for (let i = 0; i < 3; i++) expect((await screen()).status).toBe(200);
    const before = await counts();
    const refused = await screen();
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('U heeft het maximum voor nu bereikt');
    expect(refused.text).toContain('Probeer het over 1 minuut opnieuw');
    expect(await counts()).toEqual({ ...before, log: before.log + 1 });
  });
});
