/**
 * Both forms of a disclosure read the same (issue 21, item 1, step B): a question logged the old way,
 * one `disclosure` entry per partner (written here through the log writer, as the broker wrote them
 * before), and the same question logged the new way, one `question` entry with every answer, give
 * the same disclosures through the disclosure list (filters, count, paging), monitoring, inzage,
 * the impact replay, the casusoverleg's hits and the FHIR export: each answer is one disclosure,
 * whichever entry holds it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { submitSignals } from '../support/signals.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { createLogWriter } from '../../broker/logboek/log-writer.js';
import { activityOf } from '../../broker/platform/platform.js';
import type { LogContent, LogEntryInput } from '../../broker/logboek/log-entry.js';
import { answersIn } from '../../broker/monitoring/monitoring.repository.js';
import type { QuestionAnswer } from '../../broker/logboek/disclosure-fns.js';
import { hitsOfCase } from '../../broker/casusoverleg/casusoverleg.repository.js';
import { auditEventOf } from '../../broker/web/fhir-audit-event.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
let subject: string;
let caseRef: string;
let newQuery: string;
let oldQuery: string;
let question: LogContent;
let window: { from: Date; to: Date };

type Row = Record<string, unknown> & { id: number; answer?: number; queryId: string; partner: string; outcome: string };

const jurist = async () => b.token('demo-jurist');
const list = async (query: string) => {
  const res = await b.call('GET', `/v1/disclosures${query}`, { token: await jurist() });
  expect(res.status, res.text).toBe(200);
  expect(schemas.validate('disclosure-page', res.body)).toEqual([]);
  return res.body as { items: Row[]; total: number; nextCursor: string | null; prevCursor: string | null };
};
/** A disclosure without what differs between the two loggings of one question: its entry, place, query and trace. */
const same = (rows: readonly Row[]) =>
  rows.map(({ id: _id, answer: _answer, seq: _seq, queryId: _q, traceId: _t, entryId: _e, ...rest }) => rest).sort((a, c) => String(a['partner']).localeCompare(String(c['partner'])));
const impact = async () => {
  const { active } = (await b.call('GET', '/v1/policies', { token: await b.token('demo-fg') })).body as { active: number };
  const res = await b.call('GET', `/v1/policies/${active}/impact?days=7`, { token: await b.token('demo-fg') });
  expect(res.status, res.text).toBe(200);
  return res.body as { replayed: number; unchanged: number };
};
const inzage = async () => {
  const res = await b.call('POST', '/v1/inzage', { token: await jurist(), body: { subject } });
  expect(res.status, res.text).toBe(200);
  return res.body as { total: number; disclosures: Row[]; sections: Array<{ source: string; listed: number; counted: number }>; completeness: { complete: boolean } };
};

beforeAll(async () => {
  b = await startTestBroker();
  subject = randomPseudonym();
  await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
  caseRef = opaqueRef('case');
  const token = await b.token('demo-voorzitter');
  const asked = await b.call('POST', '/v1/queries', { token, body: await withCase(b.call, token, { subject, doel: 'jpp-screening', caseRef }) });
  expect(asked.status, asked.text).toBe(200);
  newQuery = asked.body.queryId;
  const rows = (await sql<{ content: string }>`select content from logboek_entries where query_id = ${newQuery}`.execute(b.broker.db)).rows;
  expect(rows).toHaveLength(1);
  question = JSON.parse(rows[0]!.content) as LogContent;
  window = { from: new Date(new Date(question.endedAt).getTime() - 1000), to: new Date(new Date(question.endedAt).getTime() + 1000) };
}, 120_000);
afterAll(async () => b?.close());

/** The same question logged the old way: one disclosure entry per partner, through the log writer, with another query id. */
async function logTheOldWay(): Promise<void> {
  const writer = createLogWriter({ activityOf: (a) => activityOf(b.broker.platform, a), schemas, onCommitted: () => undefined });
  oldQuery = randomUUID();
  const actor = question.actor as Extract<LogContent['actor'], { kind: 'person' }>;
  const answers = question.details['answers'] as QuestionAnswer[];
  const entries = answers.map((a): LogEntryInput => ({
    action: 'disclosure',
    outcome: a.outcome,
    actor,
    traceId: question.traceId,
    startedAt: new Date(question.startedAt),
    endedAt: new Date(question.endedAt),
    subjectHash: Buffer.from(question.subject!, 'base64url'),
    doel: question.doel!,
    partner: a.partner,
    caseRef: question.caseRef!,
    queryId: oldQuery,
    rules: a.rules,
    policy: question.policy!,
    details: { consent: question.details['consent'] as boolean, categoriesCounted: a.categoriesCounted, caseId: question.details['caseId'] as string },
  }));
  await b.broker.db.transaction().execute((trx) => writer.append(trx, entries));
}

describe('a question logged as one entry', () => {
  it('holds every partner answer, in the platform order, with its outcome, rules and categories', () => {
    const answers = question.details['answers'] as QuestionAnswer[];
    expect(question).toMatchObject({ action: 'question', outcome: 'answered', partner: null, rules: [], queryId: newQuery, caseRef });
    expect(answers.map((a) => a.partner)).toEqual(b.broker.platform.partners.map((p) => p.id));
    expect(answers.find((a) => a.partner === 'halt')).toMatchObject({ outcome: 'hit', categoriesCounted: ['halt-afdoening'], rules: [expect.objectContaining({ rule: 'S08' })] });
    expect(answers.find((a) => a.partner === 'politie')).toMatchObject({ outcome: 'no-hit', categoriesCounted: [] });
    expect(answers.find((a) => a.partner === 'jongerenwerk')).toMatchObject({ outcome: 'not-permitted', categoriesCounted: [], rules: [] });
  });
});

describe('old and new entries read the same', () => {
  let before: { list: Row[]; monitoring: unknown; inzage: Awaited<ReturnType<typeof inzage>>; impact: Awaited<ReturnType<typeof impact>> };
  beforeAll(async () => {
    before = { list: (await list(`?caseRef=${caseRef}`)).items, monitoring: await answersIn(b.broker.db, window.from, window.to), inzage: await inzage(), impact: await impact() };
    await logTheOldWay();
  }, 60_000);
  const partners = () => b.broker.platform.partners.length;

  it('through the disclosure list: one item per answer either way, the same items, filters and count', async () => {
    expect(before.list).toHaveLength(partners());
    const page = await list(`?caseRef=${caseRef}`);
    expect(page.total).toBe(2 * partners());
    const fresh = page.items.filter((r) => r.queryId === newQuery);
    const old = page.items.filter((r) => r.queryId === oldQuery);
    expect(fresh.map((r) => r.answer)).toEqual([...Array(partners()).keys()]);
    expect(old.every((r) => r.answer === undefined)).toBe(true);
    expect(same(old)).toEqual(same(fresh));
    for (const [filter, n] of [[`&partner=halt`, 1], [`&outcome=hit`, 1], [`&outcome=not-permitted`, fresh.filter((r) => r.outcome === 'not-permitted').length], [`&grondslag=${encodeURIComponent(String((fresh.find((r) => r.partner === 'halt')!['rules'] as Array<{ grondslag: string }>)[0]!.grondslag))}`, 1]] as const) {
      const filtered = await list(`?caseRef=${caseRef}${filter}`);
      expect({ filter, fresh: filtered.items.filter((r) => r.queryId === newQuery).length, old: filtered.items.filter((r) => r.queryId === oldQuery).length, total: filtered.total }).toEqual({ filter, fresh: n, old: n, total: 2 * n });
    }
  });

  it('pages through both forms, a question split over pages, forward and back, each disclosure once', async () => {
    const seen: string[] = [];
    const pages: Array<{ items: Row[]; prevCursor: string | null }> = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?caseRef=${caseRef}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page);
      seen.push(...page.items.map((r) => `${r.id}.${r.answer ?? '-'}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(2 * partners());
    expect(new Set(seen).size).toBe(2 * partners());
    // Back from the last page with its prevCursor: the page before it, as it was.
    const last = pages.at(-1)!;
    const back = await list(`?caseRef=${caseRef}&limit=4&after=${last.prevCursor}`);
    expect(back.items.map((r) => `${r.id}.${r.answer ?? '-'}`)).toEqual(pages.at(-2)!.items.map((r) => `${r.id}.${r.answer ?? '-'}`));
  });

  it('through monitoring: every partner and outcome counted twice', async () => {
    const after = await answersIn(b.broker.db, window.from, window.to);
    const doubled = (before.monitoring as Array<{ partner: string; outcome: string; n: number }>).map((r) => ({ ...r, n: 2 * r.n }));
    const key = (r: { partner: string; outcome: string }) => `${r.partner} ${r.outcome}`;
    expect(after.sort((x, y) => key(x).localeCompare(key(y)))).toEqual(doubled.sort((x, y) => key(x).localeCompare(key(y))));
    expect(doubled.reduce((n, r) => n + r.n, 0)).toBe(2 * partners());
  });

  it('through inzage: the same disclosures, listed and counted, the report complete', async () => {
    const after = await inzage();
    expect(before.inzage.total).toBe(partners());
    expect(after.total).toBe(2 * partners());
    const entryOfQuestion = after.disclosures.find((d) => d.queryId === newQuery)!.entryId;
    const fresh = after.disclosures.filter((d) => d.queryId === newQuery);
    expect(fresh.every((d) => d.entryId === entryOfQuestion)).toBe(true);
    expect(same(after.disclosures.filter((d) => d.queryId === oldQuery))).toEqual(same(fresh));
    const section = after.sections.find((s) => s.source === 'verstrekkingen')!;
    expect(section).toMatchObject({ listed: 2 * partners(), counted: 2 * partners() });
    expect(after.completeness.complete).toBe(true);
  });

  it("through the casusoverleg's hits and the FHIR export", async () => {
    const hits = await hitsOfCase(b.broker.db, { id: question.details['caseId'] as string, caseRef });
    expect(hits).toEqual([{ partner: 'halt', categories: ['halt-afdoening'] }, { partner: 'halt', categories: ['halt-afdoening'] }]);
    const { items } = await list(`?caseRef=${caseRef}&partner=halt`);
    const events = items.map((r) => auditEventOf(r as never) as { id: string; outcome: { detail: Array<{ coding: Array<{ code: string }> }> } });
    const fresh = items.find((r) => r.queryId === newQuery)!;
    const old = items.find((r) => r.queryId === oldQuery)!;
    expect(events.map((e) => e.id).sort()).toEqual([`disclosure-${fresh.id}.${fresh.answer}`, `disclosure-${old.id}`].sort());
    expect(events.map((e) => e.outcome.detail[0]!.coding[0]!.code)).toEqual(['hit', 'hit']);
  });

  it('through the impact replay: each answer replayed as one decision', async () => {
    const after = await impact();
    expect(after.replayed - before.impact.replayed).toBe(partners());
    expect(after.unchanged - before.impact.unchanged).toBe(partners());
  });
});
