/**
 * The disclosure log: one logboek entry per question holding every partner's answer (issue 21
 * step B), listed as one disclosure per answer, written in the answer's transaction, append-only in
 * the database, readable by juristen and privacy officers only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { submitSignals } from '../support/signals.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { lockSequencer } from '../../broker/logboek/logboek.repository.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const count = async (table: 'logboek_entries' | 'queries' | 'cases') =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(b.broker.db)).rows[0]!.n;

/** Asks about the subject in casus `caseRef`, which a voorzitter opens first if it is new. */
const opened = new Set<string>();
async function ask(subject: string, caseRef: string, doel = 'jpp-screening') {
  const token = await b.token('demo-voorzitter');
  if (!opened.has(caseRef)) await withCase(b.call, token, { subject, doel, caseRef });
  opened.add(caseRef);
  return b.call('POST', '/v1/queries', { token, body: { subject, doel, caseRef } });
}
async function read(query: string, user = 'demo-jurist') {
  return b.call('GET', `/v1/disclosures${query}`, { token: await b.token(user) });
}

describe('what is logged', () => {
  it('logs one entry per question and lists one disclosure per partner, not-permitted included, with who, why, what and on which basis', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const caseRef = opaqueRef('case');
    const answer = await ask(subject, caseRef);
    expect(answer.status).toBe(200);
    const res = await read(`?caseRef=${caseRef}`);
    expect(res.status).toBe(200);
    expect(schemas.validate('disclosure-page', res.body)).toEqual([]);
    const entries = res.body.items as any[];
    expect(entries).toHaveLength(b.broker.platform.partners.length);
    expect(new Set(entries.map((e) => e.queryId))).toEqual(new Set([answer.body.queryId]));
    const byPartner = Object.fromEntries(entries.map((e) => [e.partner, e]));
    expect(byPartner['halt']).toMatchObject({
      user: 'demo-voorzitter',
      organisation: 'zvh-limburg-noord',
      role: 'voorzitter',
      doel: 'jpp-screening',
      caseRef,
      outcome: 'hit',
      categoriesCounted: ['halt-afdoening'],
      rules: [expect.objectContaining({ rule: 'S08', grondslag: expect.stringContaining('77e') })],
      policyVersion: answer.body.policyVersion,
      policyHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(byPartner['politie']).toMatchObject({ outcome: 'no-hit', categoriesCounted: [] });
    expect(byPartner['jongerenwerk']).toMatchObject({ outcome: 'not-permitted', categoriesCounted: [], rules: [] });
    // One entry holds them all: one leaf, one record for this subject and this question.
    const logged = (await sql<{ id: number; action: string }>`select id, action from logboek_entries where query_id = ${answer.body.queryId}`.execute(b.broker.db)).rows;
    expect(logged.map((e) => e.action)).toEqual(['question']);
    expect(new Set(entries.map((e) => e.id))).toEqual(new Set([Number(logged[0]!.id)]));
    expect(entries.map((e) => e.answer).sort((x, y) => x - y)).toEqual([...Array(b.broker.platform.partners.length).keys()]);
    // The log never hands out the subject or its hash.
    expect(res.text).not.toContain(subject);
    expect(Object.keys(byPartner['halt'])).not.toContain('subjectHash');
  });

  it("keeps the caller's W3C trace id", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const caseRef = opaqueRef('case');
    const token = await b.token('demo-voorzitter');
    const res = await b.call('POST', '/v1/queries', {
      token,
      body: await withCase(b.call, token, { subject: randomPseudonym(), doel: 'jpp-screening', caseRef }),
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const log = await read(`?caseRef=${caseRef}`);
    expect(log.body.items.every((e: { traceId: string }) => e.traceId === traceId)).toBe(true);
  });
});

describe('no log, no answer', () => {
  const index = async () => (await sql<{ n: number }>`select count(*)::int as n from logboek_disclosures`.execute(b.broker.db)).rows[0]!.n;

  it.each([
    { what: 'the log write', table: 'logboek_entries' },
    { what: "the answers' index write", table: 'logboek_disclosures' },
  ])('answers with an error, and stores no query, entry or index row, when $what fails', async ({ table }) => {
    const [subject, caseRef] = [randomPseudonym(), opaqueRef('case')];
    await withCase(b.call, await b.token('demo-voorzitter'), { subject, doel: 'jpp-screening', caseRef });
    opened.add(caseRef);
    const rows = async () => ({ log: await count('logboek_entries'), queries: await count('queries'), cases: await count('cases'), index: await index() });
    const before = await rows();
    await sql`create or replace function jpp_test_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`.execute(b.broker.db);
    await sql`create trigger jpp_test_fail before insert on ${sql.table(table)} for each row execute function jpp_test_fail()`.execute(b.broker.db);
    let res;
    try {
      res = await ask(subject, caseRef);
    } finally {
      await sql`drop trigger jpp_test_fail on ${sql.table(table)}`.execute(b.broker.db);
    }
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body.answers).toBeUndefined();
    expect(res.text).not.toMatch(/hit|injected/);
    expect(await rows()).toEqual(before);
  });
});

describe('append-only', () => {
  it.each([
    ['UPDATE of content', sql`update logboek_entries set outcome = 'no-hit'`],
    [
      'UPDATE of a pending entry',
      // One statement: a fresh pending entry, then an update of it.
      sql`do $$ begin
            insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
              values ('{}', 'log-read', now(), 'test', 'read', 'trace');
            update logboek_entries set outcome = 'hit' where action = 'log-read';
          end $$`,
    ],
    ['DELETE', sql`delete from logboek_entries`],
    ['TRUNCATE', sql`truncate logboek_entries cascade`],
    ['UPDATE of a leaf\'s place', sql`update logboek_leaves set seq = seq + 1000000`],
    ['UPDATE of a leaf hash', sql`update logboek_leaves set leaf_hash = leaf_hash`],
    ['DELETE of a leaf', sql`delete from logboek_leaves`],
    ['TRUNCATE of the leaves', sql`truncate logboek_leaves`],
    ['UPDATE of a node', sql`update logboek_nodes set hash = '\\x00'`],
    ['DELETE of a node', sql`delete from logboek_nodes`],
    ['DELETE of a checkpoint', sql`delete from logboek_checkpoints`],
  ])('the database refuses %s', async (_op, statement) => {
    await ask(randomPseudonym(), opaqueRef('case'));
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    const state = sql`select e.id, e.outcome, l.seq, l.leaf_hash from logboek_entries e left join logboek_leaves l on l.entry_id = e.id order by e.id`;
    const before = (await state.execute(b.broker.db)).rows;
    expect(before.some((r) => (r as { seq: unknown }).seq !== null)).toBe(true);
    // With the sequencer's lock held, as an attacker racing it would not bother to: a run kicked
    // meanwhile waits, instead of taking its table locks in the other order than TRUNCATE … CASCADE
    // (PostgreSQL would then end one of the two as a deadlock, not as the refusal under test).
    await expect(
      b.broker.db.transaction().execute(async (trx) => {
        await lockSequencer(trx);
        await statement.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    expect((await state.execute(b.broker.db)).rows).toEqual(before);
  });
});

describe('reading the log', () => {
  it('pages newest first without silent truncation', async () => {
    const [subject, caseRef] = [randomPseudonym(), opaqueRef('case')];
    await ask(subject, caseRef);
    await ask(subject, caseRef);
    const all: number[] = [];
    const keys: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const res = await read(`?caseRef=${caseRef}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      all.push(...res.body.items.map((e: { id: number }) => e.id));
      // A question's answers share its entry (issue 21 step B): a disclosure is its entry and its answer.
      keys.push(...res.body.items.map((e: { id: number; answer?: number }) => `${e.id}.${e.answer}`));
      cursor = res.body.nextCursor;
      pages++;
    }
    expect(all).toHaveLength(2 * b.broker.platform.partners.length);
    expect(new Set(keys).size).toBe(all.length);
    expect(new Set(all).size).toBe(2);
    // Newest question first, each question's answers in the platform's order.
    expect([...all].sort((x, y) => y - x)).toEqual(all);
    expect(keys.map((k) => Number(k.split('.')[1]))).toEqual([0, 1].flatMap(() => [...Array(b.broker.platform.partners.length).keys()]));
    expect(pages).toBe(Math.ceil(all.length / 4));

    // Every page knows the total; prevCursor (as after) pages back to exactly the page before.
    const first = await read(`?caseRef=${caseRef}&limit=4`);
    expect(first.body).toMatchObject({ total: all.length, prevCursor: null });
    const second = await read(`?caseRef=${caseRef}&limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.total).toBe(all.length);
    expect(second.body.prevCursor).not.toBeNull();
    const back = await read(`?caseRef=${caseRef}&limit=4&after=${second.body.prevCursor}`);
    expect(back.status).toBe(200);
    const keyOf = (e: { id: number; answer?: number }) => `${e.id}.${e.answer}`;
    expect(back.body.items.map(keyOf)).toEqual(first.body.items.map(keyOf));
    expect(back.body).toMatchObject({ prevCursor: null, nextCursor: first.body.nextCursor, total: all.length });
    const both = await read(`?caseRef=${caseRef}&cursor=${first.body.nextCursor}&after=${second.body.prevCursor}`);
    expect(both.status).toBe(422);
    expect(both.body.errors).toEqual([{ pointer: '/after', code: 'not-applicable', detail: expect.any(String) }]);
  });

  it('filters by partner, doel, outcome and time', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const caseRef = opaqueRef('case');
    await ask(subject, caseRef);
    const hits = await read(`?caseRef=${caseRef}&outcome=hit`);
    expect(hits.body.items.map((e: { partner: string }) => e.partner)).toEqual(['halt']);
    const halt = await read(`?caseRef=${caseRef}&partner=halt&doel=jpp-screening`);
    expect(halt.body.items).toHaveLength(1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await read(`?caseRef=${caseRef}&from=${encodeURIComponent(future)}`)).body.items).toHaveLength(0);
    expect((await read(`?caseRef=${caseRef}&to=${encodeURIComponent(future)}`)).body.items).toHaveLength(b.broker.platform.partners.length);
  });

  it('refuses bad filters, naming the parameter', async () => {
    const res = await read('?limit=100000&outcome=maybe&colour=red');
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/colour', '/limit', '/outcome']);
  });

  it.each(['demo-voorzitter', 'demo-halt'])('refuses %s', async (user) => {
    expect((await read('', user)).status).toBe(403);
  });

  it('lets a privacy officer read', async () => {
    expect((await read('?limit=1', 'demo-fg')).status).toBe(200);
  });
});
