/**
 * Both forms of the store step's per-subject records read the same (issue 21, item 3, migration
 * 0240): batches stored the new way, one `signal-intake` entry per chunk of up to 200 records, and
 * the same records logged the old way, one `signal-intake` entry per signal (written here through
 * the log writer, as the broker wrote them before), give the same records about each subject
 * through the intake reader and its independent count, keep the same under a legal hold, are
 * redacted alike by retention (a chunk's index rows with it), and verify. Each record is one
 * Logboek Dataverwerkingen record: its subject, its own span id, named by entry and index. The
 * index is insert-only; a failure to write it stores nothing ("no log, no answer"); the largest
 * chunk fits a tlog-tiles entry bundle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { submitSignals } from '../support/signals.js';
import { day, opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { createLogWriter } from '../../broker/logboek/log-writer.js';
import { activityOf } from '../../broker/platform/platform.js';
import { leafData, newSpanId, type LogContent, type LogEntryInput } from '../../broker/logboek/log-entry.js';
import { INTAKE_CHUNK, intakeRecordsOf, type IntakeRecordContent } from '../../broker/logboek/intake-fns.js';
import { countIntakeRecordsAbout, insertIntakeRecords, intakeRecordsAbout } from '../../broker/logboek/intake-records.repository.js';
import { MAX_BUNDLE_ENTRY } from '../../broker/logboek/tiles.js';
import { webLogin } from '../support/web-client.js';
import { verifyCommand, type AuditIo } from '../../broker/commands/audit.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { witnessOnce } from '../../broker/logboek/witness.js';
import { exportLog } from '../../broker/logboek/export-log.js';

const DAY = 86_400_000;
const schemas = createSchemaRegistry();
let b: TestBroker;
const held = randomPseudonym();
const free = [randomPseudonym(), randomPseudonym()];
/** The chunks the broker wrote for the two batches (the held subject's, the free subjects'). */
let chunks: Array<{ id: number; content: LogContent }>;
let hashOf: Map<string, Buffer>;
let dir: string;

const rows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(b.broker.db)).rows;
const writer = () => createLogWriter({ activityOf: (a) => activityOf(b.broker.platform, a), schemas, onCommitted: () => undefined });
const intakeChunks = async (batchIds: readonly string[]) =>
  (await rows(sql<{ id: number; content: string }>`select id, content from logboek_entries where action = 'signal-intake' and subject_hash is null and content is not null order by id`))
    .map((r) => ({ id: r.id, content: JSON.parse(r.content) as LogContent }))
    .filter((c) => batchIds.includes(String(c.content.details['batchId'])));
/** A record without what differs between the two loggings of one signal: its entry, place and span id. */
const same = (records: ReadonlyArray<object>) =>
  (records as Array<Record<string, unknown>>).map(({ entryId: _e, record: _r, spanId: _s, loggedAt: _l, ...rest }) => rest).sort((x, y) => String(x['ref']).localeCompare(String(y['ref'])));

/** The same records logged the old way: one per-signal entry each, through the log writer, as the broker did before 0240. */
async function logTheOldWay(): Promise<void> {
  const entries = chunks.flatMap(({ content: c }) =>
    intakeRecordsOf(c).map((r): LogEntryInput => ({
      action: 'signal-intake',
      outcome: 'stored',
      actor: c.actor,
      traceId: c.traceId,
      startedAt: new Date(c.startedAt),
      endedAt: new Date(c.endedAt),
      subjectHash: Buffer.from(r.subject, 'base64url'),
      partner: c.partner!,
      details: { batchId: r.batchId, ref: r.ref, category: r.category, ...(r.epoch === undefined ? {} : { epoch: r.epoch }) },
    })),
  );
  await b.broker.db.transaction().execute((trx) => writer().append(trx, entries));
}

beforeAll(async () => {
  b = await startTestBroker();
  dir = mkdtempSync(join(tmpdir(), 'jpp-intake-forms-'));
  const heldRefs = await submitSignals(b, 'halt', [{ subject: held, category: 'halt-afdoening' }]);
  const freeRefs = await submitSignals(b, 'politie', free.map((subject) => ({ subject, category: 'politie-registratie' })));
  const batches = (await rows(sql<{ batch_id: string }>`select batch_id from signals where ref in (${sql.join([...heldRefs, ...freeRefs])})`)).map((r) => r.batch_id);
  chunks = await intakeChunks([...new Set(batches)]);
  expect(chunks).toHaveLength(2);
  hashOf = new Map(
    (await rows(sql<{ ref: string; subject_hash: Uint8Array }>`select ref, subject_hash from signals where ref in (${sql.join([...heldRefs, ...freeRefs])})`)).map((r) => [
      r.ref,
      Buffer.from(r.subject_hash),
    ]),
  );
  await logTheOldWay();
}, 120_000);
afterAll(async () => {
  await b?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hashes = () => ({ held: hashOf.get(String(intakeRecordsOf(chunks[0]!.content)[0]!.ref))!, free: intakeRecordsOf(chunks[1]!.content).map((r) => hashOf.get(r.ref)!) });

describe('a batch logged as chunks of records', () => {
  it('holds one record per stored signal, with its subject, ref, category, epoch and a span id of its own, indexed under its subject', async () => {
    const [h, f] = chunks;
    expect(h!.content).toMatchObject({ action: 'signal-intake', outcome: 'stored', subject: null, subjectIdType: 'urn:jpp-broker:data-subject-id:hmac-sha256-voprf-pseudonym', partner: 'halt' });
    expect(intakeRecordsOf(f!.content).map((r) => r.subject)).toEqual(hashes().free.map((x) => x.toString('base64url')));
    for (const r of [...intakeRecordsOf(h!.content), ...intakeRecordsOf(f!.content)]) {
      expect(r).toMatchObject({ spanId: expect.stringMatching(/^[0-9a-f]{16}$/), epoch: 1 });
    }
    const index = await rows(sql<{ entry_id: number; record: number; subject_hash: Uint8Array }>`
      select entry_id, record, subject_hash from logboek_intake_records where entry_id in (${h!.id}, ${f!.id}) order by entry_id, record`);
    expect(index.map((r) => [Number(r.entry_id), r.record, Buffer.from(r.subject_hash).toString('base64url')])).toEqual(
      [h!, f!].flatMap((c) => intakeRecordsOf(c.content).map((r, i) => [c.id, i, r.subject])),
    );
  });

  it(`splits a batch into chunks of ${INTAKE_CHUNK}, in the batch's order, every stored signal once`, async () => {
    const n = 2 * INTAKE_CHUNK + 17;
    const refs = await submitSignals(b, 'halt', Array.from({ length: n }, () => ({ subject: randomPseudonym(), category: 'halt-afdoening' })));
    const batch = (await rows(sql<{ batch_id: string }>`select batch_id from signals where ref = ${refs[0]!}`))[0]!.batch_id;
    const big = await intakeChunks([batch]);
    expect(big.map((c) => intakeRecordsOf(c.content).length)).toEqual([INTAKE_CHUNK, INTAKE_CHUNK, 17]);
    expect(big.flatMap((c) => intakeRecordsOf(c.content).map((r) => r.ref))).toEqual(refs);
    const spans = big.flatMap((c) => intakeRecordsOf(c.content).map((r) => r.spanId));
    expect(new Set(spans).size).toBe(n);
    expect((await rows(sql<{ n: number }>`select count(*)::int as n from logboek_intake_records where entry_id in (${sql.join(big.map((c) => c.id))})`))[0]!.n).toBe(n);
  });
});

describe('old and new records read the same', () => {
  it('through the intake reader and its independent count: each subject has its record in each form, the same record', async () => {
    for (const h of [hashes().held, ...hashes().free]) {
      const records = await intakeRecordsAbout(b.broker.db, [h]);
      expect(records).toHaveLength(2);
      const [fresh, old] = [records.filter((r) => r.record !== undefined), records.filter((r) => r.record === undefined)];
      expect(fresh).toHaveLength(1);
      expect(same(old)).toEqual(same(fresh));
      expect(fresh[0]!.subject).toBe(h.toString('base64url'));
      expect(await countIntakeRecordsAbout(b.broker.db, [h])).toBe(2);
    }
    // Another subject's records are never read.
    expect(await intakeRecordsAbout(b.broker.db, [Buffer.alloc(32, 7)])).toEqual([]);
  });

  it("on the entry page: a chunk's every record in a table, a per-signal entry's subject as before", async () => {
    await b.broker.sequencer.drain();
    const { c } = await webLogin(b.url, 'demo-jurist');
    const seqOf = async (id: number) => Number((await rows(sql<{ seq: number }>`select seq from logboek_leaves where entry_id = ${id}`))[0]!.seq);
    const chunk = await c.req('GET', `/logboek/regel/${await seqOf(chunks[1]!.id)}`);
    expect(chunk.status, chunk.text).toBe(200);
    const table = /<table class="utrecht-table" data-records>[\s\S]*?<\/table>/.exec(chunk.text)?.[0] ?? '';
    for (const r of intakeRecordsOf(chunks[1]!.content)) expect(table).toContain(r.subject);
    expect(table.match(/<tr>/g)).toHaveLength(1 + intakeRecordsOf(chunks[1]!.content).length);
    const oldId = (await rows(sql<{ id: number }>`select id from logboek_entries where action = 'signal-intake' and subject_hash = ${hashes().free[0]!}`))[0]!.id;
    const old = await c.req('GET', `/logboek/regel/${await seqOf(Number(oldId))}`);
    expect(old.status).toBe(200);
    expect(old.text).toContain(hashes().free[0]!.toString('base64url'));
    expect(old.text).not.toContain('data-records');
  });

  describe('retention two years ahead, one subject on hold', () => {
    let run: { removed: { logContent: { count: number } } };
    beforeAll(async () => {
      const fg = await b.token('demo-fg');
      expect((await b.call('POST', '/v1/legal-holds', { token: fg, body: { subject: held, reason: 'klacht-ap' } })).status).toBe(201);
      await b.broker.sequencer.drain({ forceCheckpoint: true });
      // A witness that held a checkpoint from before the run: the log after redaction must extend it.
      await witnessOnce({ client: createLogClient(b.url), store: join(dir, 'witness') });
      b.clock.now = new Date(b.clock.now.getTime() + 2 * 365 * DAY + DAY);
      const res = await b.call('POST', '/v1/retention/runs', { token: fg });
      expect(res.status, res.text).toBe(201);
      run = res.body;
      await b.broker.sequencer.drain({ forceCheckpoint: true });
    }, 60_000);

    it("keeps the held subject's records in both forms, and redacts the others' in both, with the chunk's index rows", async () => {
      expect(run.removed.logContent.count).toBeGreaterThan(0);
      expect(await intakeRecordsAbout(b.broker.db, [hashes().held])).toHaveLength(2);
      expect(await countIntakeRecordsAbout(b.broker.db, [hashes().held])).toBe(2);
      for (const h of hashes().free) {
        expect(await intakeRecordsAbout(b.broker.db, [h])).toEqual([]);
        expect(await countIntakeRecordsAbout(b.broker.db, [h])).toBe(0);
      }
      const [h, f] = chunks;
      const left = await rows(sql<{ id: number; content: string | null; n: number }>`
        select e.id, e.content, (select count(*)::int from logboek_intake_records r where r.entry_id = e.id) as n from logboek_entries e where e.id in (${h!.id}, ${f!.id}) order by e.id`);
      expect(left.map((r) => [r.content !== null, r.n])).toEqual([[true, 1], [false, 0]]);
      expect((await rows(sql<{ n: number }>`select count(*)::int as n from logboek_intake_records r join logboek_entries e on e.id = r.entry_id where e.content is null`))[0]!.n).toBe(0);
    });

    it('still verifies, from the database and from both export formats (tlog-tiles bundles hold chunks of 200): a redacted chunk by its leaf hash', async () => {
      const witnessStore = join(dir, 'witness');
      await witnessOnce({ client: createLogClient(b.url), store: witnessStore });
      for (const how of ['database', 'jsonl', 'tlog-tiles'] as const) {
        let text = '';
        const io: AuditIo = { out: (l) => void (text += `${l}\n`), err: (l) => void (text += `${l}\n`) };
        const out = join(dir, `export-${how}`);
        if (how !== 'database') await exportLog(createLogClient(b.url, { token: await b.token('demo-jurist') }), out, { format: how });
        const code = how === 'database' ? await verifyCommand({ database: true, json: true, witnessStore }, io, { db: b.broker.db }) : await verifyCommand({ export: out, json: true, witnessStore }, io);
        expect(code, text).toBe(0);
        expect(JSON.parse(text).redacted).toBeGreaterThan(0);
      }
    });
  });
});

describe('the index is insert-only, and part of the batch', () => {
  it("refuses to change or delete an unredacted chunk's index rows, or to truncate them", async () => {
    const id = chunks[0]!.id;
    for (const statement of [sql`update logboek_intake_records set record = record where entry_id = ${id}`, sql`delete from logboek_intake_records where entry_id = ${id}`, sql`truncate logboek_intake_records`]) {
      await expect(statement.execute(b.broker.db)).rejects.toThrow(/append-only/);
    }
  });

  it('refuses an index row that names no signal-intake entry (the table has no foreign key: the insert checks)', async () => {
    const subject = Buffer.alloc(32, 1).toString('base64url');
    const other = (await rows(sql<{ id: number }>`select id from logboek_entries where action = 'signal-batch' order by id limit 1`))[0]!.id;
    for (const entryId of [Number(other), 1e12]) {
      await expect(b.broker.db.transaction().execute((trx) => insertIntakeRecords(trx, [{ entryId, subjects: [subject] }]))).rejects.toThrow(/names no signal-intake entry/);
    }
    expect((await rows(sql<{ n: number }>`select count(*)::int as n from logboek_intake_records where subject_hash = ${Buffer.from(subject, 'base64url')}`))[0]!.n).toBe(0);
  });

  it('stores nothing when the index cannot be written: no signal, no batch record, no entry (no log, no answer)', async () => {
    const before = (await rows(sql<{ n: number }>`select (select count(*) from signals)::int + (select count(*) from signal_batches)::int + (select count(*) from logboek_entries)::int as n`))[0]!.n;
    await sql`create function jpp_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`.execute(b.broker.db);
    await sql`create trigger jpp_test_refuse before insert on logboek_intake_records for each statement execute function jpp_test_refuse()`.execute(b.broker.db);
    try {
      const now = b.clock.now;
      const res = await b.call('POST', '/v1/signals', {
        token: await b.adapterToken('halt'),
        body: { batchId: opaqueRef('batch'), signals: [{ subject: randomPseudonym(), category: 'halt-afdoening', registeredAt: day(now, -1), expiresAt: day(now, 30), ref: opaqueRef('halt') }] },
      });
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      await sql`drop trigger jpp_test_refuse on logboek_intake_records`.execute(b.broker.db);
      await sql`drop function jpp_test_refuse()`.execute(b.broker.db);
    }
    expect((await rows(sql<{ n: number }>`select (select count(*) from signals)::int + (select count(*) from signal_batches)::int + (select count(*) from logboek_entries)::int as n`))[0]!.n).toBe(before);
  });
});

describe('the largest chunk', () => {
  const longest = (n: number): IntakeRecordContent[] =>
    Array.from({ length: n }, (_, i) => ({
      subject: Buffer.alloc(32, i).toString('base64url'),
      ref: `R${String(i).padStart(79, 'x')}`,
      category: 'jeugdreclassering-toezicht',
      epoch: Number.MAX_SAFE_INTEGER,
      spanId: newSpanId(),
    }));
  const entry = (records: IntakeRecordContent[]): LogEntryInput => ({
    action: 'signal-intake',
    outcome: 'stored',
    actor: { kind: 'adapter', id: `adapter:${'a'.repeat(72)}`, partner: 'jeugdreclassering' },
    traceId: 'f'.repeat(32),
    startedAt: new Date(),
    endedAt: new Date(),
    partner: 'jeugdreclassering',
    details: { batchId: `B${'y'.repeat(79)}`, records },
  });

  it('fits a tlog-tiles entry bundle with the longest values the schemas allow, at the largest seq', () => {
    const [row] = writer().rows([entry(longest(INTAKE_CHUNK))]);
    expect(leafData(row!.content, Number.MAX_SAFE_INTEGER).length).toBeLessThanOrEqual(MAX_BUNDLE_ENTRY);
  });

  it('is refused by the vocabulary past its size, or with a record that is not one', () => {
    expect(() => writer().rows([entry(longest(INTAKE_CHUNK + 1))])).toThrow(/does not match its vocabulary/);
    expect(() => writer().rows([entry([{ ...longest(1)[0]!, subject: 'not-a-hash' }])])).toThrow(/does not match its vocabulary/);
    expect(() => writer().rows([entry([{ ...longest(1)[0]!, name: 'Jan' } as IntakeRecordContent])])).toThrow(/does not match its vocabulary/);
  });
});
