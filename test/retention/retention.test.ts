/**
 * Retention with the clock two years ahead: expired signals and closed casussen go, log
 * content past its term is redacted (with the other subject hashes it was indexed under),
 * ended bezwaren and answered verzoeken (with their tasks) go once their subject has nothing left
 * (open and held verzoeken stay; erasure records stay),
 * stale custodian usage counts go, everything under a legal hold stays, the run is recorded
 * in the logboek without identities, and the log still verifies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { submitSignals } from '../support/signals.js';
import { randomPseudonym } from '../support/synthetic.js';
import { openCase, type OpenCase } from '../support/casus.js';
import { verifyCommand, type AuditIo } from '../../broker/commands/audit.js';
import { exportLog } from '../../broker/logboek/export-log.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { witnessOnce } from '../../broker/logboek/witness.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import { syntheticBsn } from '../support/synthetic.js';
import { amsterdamDay } from '../../broker/rights/verzoek-fns.js';

const DAY = 86_400_000;
const schemas = createSchemaRegistry();
let b: TestBroker;
let dir: string;
const s = {} as {
  free: string;
  held: string;
  freeRef: string;
  heldRef: string;
  closed: OpenCase;
  closedHeld: OpenCase;
  open: OpenCase;
  heldSubjectCase: OpenCase;
  run: any;
  before: { entries: number; redacted: number };
  bezwaren: { rejectedNoData: string; inForce: string; liftedHeld: string; dataLeft: string };
  usageAt: { old: Date; fresh: Date };
  verzoeken: { answered: string; open: string; held: string; taskOpen: string; erasedRef: string; answeredOn: string };
  /** Rows in the database just before the run, to check the record's counts against. */
  rowsBefore: { verzoeken: number; taken: number; takenOfAnswered: number; erasures: number };
  /** Asked about under two key epochs (a rotation's overlap): held by the second hash only, or not held. */
  overlap: { reportId: string; freeEntryIds: number[] };
};

const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(b.broker.db)).rows;
const countOf = async (table: string, where = sql`true`) =>
  (await one(sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`))[0]!.n;

async function verify(how: 'database' | 'export'): Promise<{ code: number; report: any }> {
  let text = '';
  const io: AuditIo = { out: (l) => void (text += `${l}\n`), err: (l) => void (text += `${l}\n`) };
  let code: number;
  // A witness that held the checkpoints from before the run: the log after redaction must extend them.
  await witnessOnce({ client: createLogClient(b.url), store: join(dir, 'witness') });
  const witnessStore = join(dir, 'witness');
  if (how === 'database') code = await verifyCommand({ database: true, json: true, witnessStore }, io, { db: b.broker.db });
  else {
    const out = join(dir, `export-${Date.now()}`);
    await exportLog(createLogClient(b.url, { token: await b.token('demo-jurist') }), out);
    code = await verifyCommand({ export: out, json: true, witnessStore }, io);
  }
  return { code, report: JSON.parse(text) };
}

beforeAll(async () => {
  b = await startTestBroker();
  dir = mkdtempSync(join(tmpdir(), 'jpp-retention-'));
  const voorzitter = await b.token('demo-voorzitter');
  const fg = await b.token('demo-fg');
  const move = (c: OpenCase, body: object) => b.call('POST', `/v1/cases/${c.caseId}/transitions`, { token: voorzitter, body });

  s.free = randomPseudonym();
  s.held = randomPseudonym();
  s.freeRef = (await submitSignals(b, 'halt', [{ subject: s.free, category: 'halt-afdoening' }]))[0]!;
  s.heldRef = (await submitSignals(b, 'politie', [{ subject: s.held, category: 'politie-registratie' }]))[0]!;
  s.open = await openCase(b, [s.free]);
  s.heldSubjectCase = await openCase(b, [s.held]);
  const closedSubject = randomPseudonym();
  s.closed = await openCase(b, [closedSubject]);
  s.closedHeld = await openCase(b, [randomPseudonym()]);
  for (const [subject, c] of [[s.free, s.open], [s.held, s.heldSubjectCase], [closedSubject, s.closed]] as const) {
    expect((await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject, doel: 'jpp-screening', caseId: c.caseId } })).status).toBe(200);
  }
  for (const c of [s.closed, s.closedHeld]) expect((await move(c, { to: 'afgesloten', outcome: 'geen-zorgen' })).status).toBe(200);
  // During a key rotation's overlap a youth is named by a pseudonym per epoch. One youth's
  // inzageverzoek is answered with both (its report entry is about no casus, and holds the second
  // pseudonym's hash as an other hash), and that youth is put on hold by the second pseudonym only.
  // Another youth is asked about with both, without a hold.
  const [heldMain, heldAlias, freeMain, freeAlias] = [randomPseudonym(), randomPseudonym(), randomPseudonym(), randomPseudonym()];
  const report = await b.call('POST', '/v1/inzage', { token: await b.token('demo-jurist'), body: { subject: [heldMain, heldAlias] } });
  expect(report.status, report.text).toBe(200);
  const freeCase = await openCase(b, [[freeMain, freeAlias]]);
  expect((await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject: [freeMain, freeAlias], doel: 'jpp-screening', caseId: freeCase.caseId } })).status).toBe(200);
  const freeEntryIds = (await one(sql<{ id: number }>`select id from logboek_entries where case_ref = ${freeCase.caseRef}`)).map((r) => r.id);
  s.overlap = { reportId: report.body.reportId, freeEntryIds };
  expect((await b.call('POST', '/v1/legal-holds', { token: fg, body: { subject: heldAlias, reason: 'klacht-ap' } })).status).toBe(201);
  expect((await b.call('POST', '/v1/legal-holds', { token: fg, body: { subject: s.held, reason: 'klacht-ap' } })).status).toBe(201);
  expect((await b.call('POST', '/v1/legal-holds', { token: fg, body: { caseId: s.closedHeld.caseId, reason: 'rechtszaak' } })).status).toBe(201);
  // Bezwaren: one whose subject has nothing in the broker, one in force, one lifted for a held
  // subject, one for a subject whose open casus is still there.
  const bezwaar = async (subject: string, decision: 'upheld' | 'rejected'): Promise<string> => {
    const res = await b.call('POST', '/v1/bezwaren', { token: fg, body: { subject, doelen: ['jpp-screening'], decision } });
    expect(res.status, res.text).toBe(201);
    return res.body.bezwaarId;
  };
  s.bezwaren = {
    rejectedNoData: await bezwaar(randomPseudonym(), 'rejected'),
    inForce: await bezwaar(randomPseudonym(), 'upheld'),
    liftedHeld: await bezwaar(s.held, 'upheld'),
    dataLeft: await bezwaar(s.free, 'rejected'),
  };
  expect((await b.call('POST', `/v1/bezwaren/${s.bezwaren.liftedHeld}/lift`, { token: fg })).status).toBe(200);
  // Verzoeken: a wissing forwarded to Halt, whose signal Halt withdraws, answered; one still open;
  // one answered for a subject on hold.
  const jurist = await b.token('demo-jurist');
  const verzoek = async (subject: string, type: string): Promise<string> => {
    const res = await b.call('POST', '/v1/verzoeken', {
      token: jurist,
      body: { subject, type, receivedOn: amsterdamDay(b.clock.now), requester: 'betrokkene', identityCheck: 'digid' },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.verzoekId;
  };
  const answer = async (id: string) => {
    const res = await b.call('POST', `/v1/verzoeken/${id}/answer`, { token: jurist, body: { decision: 'granted', grondslag: 'AVG art. 17: gewist' } });
    expect(res.status, res.text).toBe(200);
  };
  const erased = randomPseudonym();
  const [erasedRef] = await submitSignals(b, 'halt', [{ subject: erased, category: 'halt-afdoening' }]);
  const answered = await verzoek(erased, 'wissing');
  expect((await b.call('POST', `/v1/verzoeken/${answered}/taken`, { token: jurist, body: { partners: ['halt'] } })).status).toBe(201);
  const halt = await b.adapterToken('halt');
  const [task] = (await b.call('GET', '/v1/verzoektaken', { token: halt })).body.items.filter((t: { refs: string[] }) => t.refs.includes(erasedRef!));
  expect((await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: halt, body: { outcome: 'withdrawn' } })).status).toBe(200);
  await answer(answered);
  const heldVerzoekSubject = randomPseudonym();
  expect((await b.call('POST', '/v1/legal-holds', { token: fg, body: { subject: heldVerzoekSubject, reason: 'inzageverzoek' } })).status).toBe(201);
  const heldVerzoek = await verzoek(heldVerzoekSubject, 'inzage');
  await answer(heldVerzoek);
  // Answered while Halt has not yet answered its task.
  const pending = randomPseudonym();
  await submitSignals(b, 'halt', [{ subject: pending, category: 'halt-afdoening' }]);
  const taskOpen = await verzoek(pending, 'rectificatie');
  expect((await b.call('POST', `/v1/verzoeken/${taskOpen}/taken`, { token: jurist, body: { partners: ['halt'] } })).status).toBe(201);
  await answer(taskOpen);
  s.verzoeken = { answered, open: await verzoek(randomPseudonym(), 'inzage'), held: heldVerzoek, taskOpen, erasedRef: erasedRef!, answeredOn: amsterdamDay(b.clock.now) };
  // The custodian counts an adapter's evaluation for its quota, now ...
  const custodian = { baseUrl: `${b.url}/custodian/v1`, token: await b.adapterToken('halt') };
  await pseudonymise(custodian, [{ bsn: syntheticBsn() }]);
  s.usageAt = { old: b.clock.now, fresh: b.clock.now };
  await b.broker.sequencer.drain({ forceCheckpoint: true });
  const v = await verify('database');
  expect(v.code).toBe(0);
  s.before = { entries: v.report.entries, redacted: v.report.redacted };

  b.clock.now = new Date(b.clock.now.getTime() + 2 * 365 * DAY + DAY);
  // ... and two years later, just before the run.
  await pseudonymise(custodian, [{ bsn: syntheticBsn() }]);
  s.usageAt.fresh = b.clock.now;
  s.rowsBefore = {
    verzoeken: await countOf('verzoeken'),
    taken: await countOf('verzoek_taken'),
    takenOfAnswered: await countOf('verzoek_taken', sql`verzoek_id = ${s.verzoeken.answered}`),
    erasures: await countOf('signal_erasures'),
  };
  const res = await b.call('POST', '/v1/retention/runs', { token: await b.token('demo-fg') });
  expect(res.status, res.text).toBe(201);
  s.run = res.body;
  await b.broker.sequencer.drain({ forceCheckpoint: true });
});
afterAll(async () => {
  await b?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two years ahead', () => {
  it('removes expired signals, but keeps those of a subject on hold', async () => {
    expect(await countOf('signals', sql`ref = ${s.freeRef}`)).toBe(0);
    expect(await countOf('signals', sql`ref = ${s.heldRef}`)).toBe(1);
    expect(s.run.removed.signals.count).toBeGreaterThanOrEqual(1);
    expect(await countOf('signals', sql`expires_at <= ${b.clock.now} and ref <> ${s.heldRef}`)).toBe(0);
  });

  it('removes closed casussen past their bewaartermijn with their subjects and queries, and keeps held and open ones', async () => {
    expect(await countOf('cases', sql`id = ${s.closed.caseId}`)).toBe(0);
    expect(await countOf('case_subjects', sql`case_id = ${s.closed.caseId}`)).toBe(0);
    expect(await countOf('case_status_changes', sql`case_id = ${s.closed.caseId}`)).toBe(0);
    expect(await countOf('queries', sql`case_id = ${s.closed.caseId}`)).toBe(0);
    expect(await countOf('cases', sql`id = ${s.closedHeld.caseId}`)).toBe(1);
    expect(await countOf('cases', sql`id = ${s.open.caseId}`)).toBe(1);
    expect(await countOf('queries', sql`case_id = ${s.open.caseId}`)).toBe(1);
    expect(s.run.removed.cases.count).toBeGreaterThanOrEqual(1);
    expect(s.run.kept.onHold).toBeGreaterThanOrEqual(3); // the held signal, the held casus, the held subject's entries
  });

  it("redacts log content past its term, leaves held subjects' and casussen's entries whole", async () => {
    const aboutHeld = await one(sql<{ content: string | null }>`select content from logboek_entries where case_ref = ${s.heldSubjectCase.caseRef} or case_ref = ${s.closedHeld.caseRef}`);
    expect(aboutHeld.length).toBeGreaterThan(0);
    expect(aboutHeld.every((e) => e.content !== null)).toBe(true);
    const redacted = await one(sql<{ action: string; outcome: string; subject_hash: unknown; case_ref: unknown; query_id: unknown }>`
      select action, outcome, subject_hash, case_ref, query_id from logboek_entries where content is null`);
    expect(redacted.length).toBe(s.run.removed.logContent.count);
    expect(redacted.every((e) => e.subject_hash === null && e.case_ref === null && e.query_id === null)).toBe(true);
    // The free subject's question (issue 21 step B: one entry, every partner's answer inside) is redacted;
    // its answers' index rows stay, a partner and an answer each, as the entry's own partner and outcome columns would.
    expect(redacted.some((e) => e.action === 'question' && e.outcome === 'answered')).toBe(true);
    const indexed = await one(sql<{ n: number }>`select count(*)::int as n from logboek_disclosures d join logboek_entries e on e.id = d.entry_id where e.content is null group by d.entry_id`);
    expect(indexed.length).toBeGreaterThan(0);
    expect(indexed.every((r) => r.n === b.broker.platform.partners.length)).toBe(true);
    // The free subject's disclosures are gone from inzage; the held subject's are all there.
    const inzage = async (subject: string) => (await b.call('POST', '/v1/inzage', { token: await b.token('demo-jurist'), body: { subject } })).body;
    expect((await inzage(s.free)).total).toBe(0);
    expect((await inzage(s.held)).total).toBe(b.broker.platform.partners.length);
  });

  it("keeps the entries held by one of their other hashes (a key rotation's overlap), and removes a redacted entry's other hashes", async () => {
    const held = await one(sql<{ id: number }>`select id from logboek_entries where action = 'inzage-report' and position(${s.overlap.reportId} in content) > 0`);
    expect(held).toHaveLength(1);
    expect(await countOf('logboek_subject_aliases', sql`entry_id = ${held[0]!.id}`)).toBe(1);
    // The other youth's entries are redacted, and the other hashes they were indexed under are gone.
    const free = await one(sql<{ content: string | null }>`select content from logboek_entries where id in (${sql.join(s.overlap.freeEntryIds)})`);
    expect(free.length).toBe(s.overlap.freeEntryIds.length);
    expect(free.every((e) => e.content === null)).toBe(true);
    expect(await countOf('logboek_subject_aliases', sql`entry_id in (${sql.join(s.overlap.freeEntryIds)})`)).toBe(0);
    expect(await countOf('logboek_subject_aliases', sql`entry_id in (select id from logboek_entries where content is null)`)).toBe(0);
  });

  it('removes an ended bezwaar whose subject has nothing left, and keeps one in force, one on hold and one whose subject still has data', async () => {
    const present = async (id: string) => countOf('bezwaren', sql`id = ${id}`);
    expect(await present(s.bezwaren.rejectedNoData)).toBe(0);
    expect(await countOf('bezwaar_subject_hashes', sql`bezwaar_id = ${s.bezwaren.rejectedNoData}`)).toBe(0);
    for (const kept of [s.bezwaren.inForce, s.bezwaren.liftedHeld, s.bezwaren.dataLeft]) expect(await present(kept)).toBe(1);
    expect(s.run.removed.bezwaren.count).toBe(1);
    // Its term ran from its decision: bezwaarDays (730) later.
    expect(s.run.removed.bezwaren.to).toBe(s.run.removed.bezwaren.from);
    expect(Math.abs(new Date(s.run.removed.bezwaren.from).getTime() - (s.usageAt.old.getTime() + 730 * DAY))).toBeLessThan(60_000);
    // The held subject's lifted bezwaar counts among what holds kept.
    expect(s.run.kept.onHold).toBeGreaterThanOrEqual(4);
  });

  it('removes an answered verzoek past its term with its tasks, keeps an open one, one under a legal hold and one with an open task, and keeps the erasure record', async () => {
    const present = async (id: string) => countOf('verzoeken', sql`id = ${id}`);
    expect(await present(s.verzoeken.answered)).toBe(0);
    expect(await countOf('verzoek_taken', sql`verzoek_id = ${s.verzoeken.answered}`)).toBe(0);
    expect(await countOf('verzoek_subject_hashes', sql`verzoek_id = ${s.verzoeken.answered}`)).toBe(0);
    expect(await present(s.verzoeken.open)).toBe(1);
    expect(await present(s.verzoeken.held)).toBe(1);
    // A task still open at a partner keeps its answered verzoek, though its subject's signal is gone.
    expect(await present(s.verzoeken.taskOpen)).toBe(1);
    expect(await countOf('verzoek_taken', sql`verzoek_id = ${s.verzoeken.taskOpen} and status = 'open'`)).toBe(1);
    expect(await countOf('signals', sql`subject_hash in (select subject_hash from verzoek_subject_hashes where verzoek_id = ${s.verzoeken.taskOpen})`)).toBe(0);
    expect(await countOf('verzoek_subject_hashes', sql`verzoek_id in (${s.verzoeken.open}, ${s.verzoeken.held})`)).toBe(2);
    // The partner must still not send the erased signal again: its erasure record outlives the verzoek.
    expect(await countOf('signal_erasures', sql`partner_id = 'halt' and ref = ${s.verzoeken.erasedRef}`)).toBe(1);
    expect(await countOf('signal_erasures')).toBe(s.rowsBefore.erasures);
    // The record's count is the rows the database lost, and its tasks went with them.
    expect(s.run.removed.verzoeken.count).toBe(1);
    expect(s.rowsBefore.verzoeken - (await countOf('verzoeken'))).toBe(s.run.removed.verzoeken.count);
    expect(s.rowsBefore.taken - (await countOf('verzoek_taken'))).toBe(s.rowsBefore.takenOfAnswered);
    expect(s.rowsBefore.takenOfAnswered).toBe(1);
    // Its term ran from the day it was answered: verzoekDays (730) later.
    const term = b.broker.platform.bewaartermijnen.verzoekDays;
    expect(s.run.removed.verzoeken.to).toBe(s.run.removed.verzoeken.from);
    expect(Math.abs(new Date(s.run.removed.verzoeken.from).getTime() - (Date.parse(`${s.verzoeken.answeredOn}T00:00:00Z`) + term * DAY))).toBeLessThanOrEqual(DAY);
    // The held subject's answered verzoek counts among what holds kept.
    expect(s.run.kept.onHold).toBeGreaterThanOrEqual(5);
  });

  it("removes the custodian's usage counts older than the quotas' 24 hours, and keeps today's", async () => {
    expect(await countOf('custodian_usage', sql`minute <= ${new Date(s.usageAt.fresh.getTime() - DAY)}`)).toBe(0);
    expect(await countOf('custodian_usage', sql`caller_id = 'adapter:halt' and minute > ${new Date(s.usageAt.fresh.getTime() - DAY)}`)).toBe(1);
    expect(s.run.removed.custodianUsage.count).toBeGreaterThanOrEqual(1);
    expect(new Date(s.run.removed.custodianUsage.to).getTime()).toBeLessThanOrEqual(s.usageAt.fresh.getTime());
  });

  it('records the run in the logboek: counts and time ranges, no identities', async () => {
    expect(schemas.validate('retention#/$defs/run', s.run)).toEqual([]);
    const [entry] = await one(sql<{ content: string; actor_id: string; subject_hash: unknown; case_ref: unknown }>`
      select content, actor_id, subject_hash, case_ref from logboek_entries where action = 'retention-run' order by id desc limit 1`);
    expect(entry).toMatchObject({ actor_id: 'demo-fg', subject_hash: null, case_ref: null });
    const details = JSON.parse(entry!.content).details;
    expect(details).toMatchObject({
      runId: s.run.runId,
      signalsRemoved: s.run.removed.signals.count,
      casesRemoved: s.run.removed.cases.count,
      logContentRemoved: s.run.removed.logContent.count,
      bezwarenRemoved: s.run.removed.bezwaren.count,
      verzoekenRemoved: s.run.removed.verzoeken.count,
      custodianUsageRemoved: s.run.removed.custodianUsage.count,
    });
    for (const secret of [s.free, s.held, s.closed.caseRef, s.closedHeld.caseRef, s.freeRef]) expect(entry!.content).not.toContain(secret);
    const list = await b.call('GET', '/v1/retention/runs', { token: await b.token('demo-jurist') });
    expect(list.body.items[0]).toEqual({ ...s.run, logSeq: expect.any(Number) });
    // The record is placed in the tree: its seq names the entry itself.
    const placed = await b.call('GET', `/v1/log/entries?fromSeq=${list.body.items[0].logSeq}&limit=1`, { token: await b.token('demo-jurist') });
    expect(placed.body.entries[0].content).toMatchObject({ action: 'retention-run', details: { runId: s.run.runId } });
    expect((await b.call('GET', '/v1/retention/runs', { token: await b.token('demo-voorzitter') })).status).toBe(403);
  });

  it('leaves a log that still verifies, from the database and from an export, with the redacted entries counted', async () => {
    for (const how of ['database', 'export'] as const) {
      const { code, report } = await verify(how);
      expect(code, JSON.stringify(report)).toBe(0);
      expect(report.valid).toBe(true);
      expect(report.redacted).toBe(s.before.redacted + s.run.removed.logContent.count);
      expect(report.entries).toBeGreaterThan(s.before.entries);
    }
  });

  it('a second run removes nothing more', async () => {
    const again = await b.call('POST', '/v1/retention/runs', { token: await b.token('demo-fg') });
    expect(again.body.removed).toMatchObject({ signals: { count: 0 }, cases: { count: 0 }, bezwaren: { count: 0 }, verzoeken: { count: 0 }, custodianUsage: { count: 0 } });
  });
});

describe('the database guard', () => {
  it.each([
    ['a change of a redacted entry', sql`update logboek_entries set outcome = 'hit' where content is null`],
    ['redaction that changes more than it may', sql`update logboek_entries set content = null, subject_hash = null, case_ref = null, query_id = null, outcome = 'x' where content is not null`],
    ['redaction that keeps the subject', sql`update logboek_entries set content = null where content is not null and subject_hash is not null`],
    ['a DELETE', sql`delete from logboek_entries where content is null`],
    ["a DELETE of an unredacted entry's other subject hash", sql`delete from logboek_subject_aliases`],
    ['an UPDATE of an other subject hash', sql`update logboek_subject_aliases set subject_hash = subject_hash`],
    ['a TRUNCATE of the other subject hashes', sql`truncate logboek_subject_aliases`],
    ["a DELETE of a question's answer index rows", sql`delete from logboek_disclosures`],
    ["an UPDATE of a question's answer index row", sql`update logboek_disclosures set outcome = 'hit'`],
    ["a TRUNCATE of the questions' answer index", sql`truncate logboek_disclosures`],
  ])('refuses %s', async (_what, statement) => {
    const state = async () => [
      await one(sql`select id, content, outcome from logboek_entries order by id`),
      await one(sql`select * from logboek_subject_aliases order by entry_id, subject_hash`),
      await one(sql`select * from logboek_disclosures order by entry_id, answer`),
    ];
    const before = await state();
    expect(before[1]!.length).toBeGreaterThan(0);
    expect(before[2]!.length).toBeGreaterThan(0);
    await expect(statement.execute(b.broker.db)).rejects.toThrow(/append-only/);
    expect(await state()).toEqual(before);
  });

  it('refuses to redact an entry that is not in the tree yet', async () => {
    await expect(
      sql`do $$ begin
            insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id) values ('{}', 'log-read', now(), 'test', 'read', 'trace');
            update logboek_entries set content = null where id = (select max(id) from logboek_entries);
          end $$`.execute(b.broker.db),
    ).rejects.toThrow(/append-only/);
  });
});
