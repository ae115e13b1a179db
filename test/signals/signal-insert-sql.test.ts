/**
 * The store step's statements on the suite's engine (broker/signals/signal.repository.ts,
 * migration 0290):
 * - insertSignals sends its columns as one binary bytea, JSON arrays and comma-separated text:
 *   every column of every row comes back as it went in, texts with quotes, backslashes, commas,
 *   braces, escapes and non-ASCII included, rows of several partners and batches in one call, and
 *   a (partner, ref) already present is left alone and not returned;
 * - erasedRefs finds exactly the erased refs among such texts;
 * - the batch's large values are stored with lz4 on a server that has it (PostgreSQL here), and
 *   stay pglz where it has not (PGlite).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { erasedRefs, insertSignals, recordErasures, type NewSignal } from '../../broker/signals/signal.repository.js';
import { openEngineDatabase } from '../support/test-database.js';

let db: Kysely<Database>;
let close: () => Promise<void>;
const PARTNERS = ['p-one', 'p-two'];
beforeAll(async () => {
  ({ db, close } = await openEngineDatabase('jpp_signal_sql'));
  await migrateToLatest(db);
  await sql`insert into organisations (id, name) values ('org', 'Org')`.execute(db);
  for (const p of PARTNERS) await sql`insert into partners (id, name, organisation_id) values (${p}, ${p}, 'org')`.execute(db);
}, 120_000);
afterAll(async () => close?.());

const awkward = ['a"b', 'a\\b', 'a,b', '{a}', 'a b', "it's", 'NULL', '', 'é€😀', 'tab\there', 'line\nbreak', '\\x00', '[1,2]', '"'];
/** Dates at midnight (as intake sends them) and at any millisecond, before 1970 and far after. */
const day = (d: number): Date => new Date(Date.UTC(2026, 0, 1) + (d % 3 === 0 ? -1 : 1) * d * 86_400_000 + (d % 2) * (d % 7) * 1_234_567);

const signal = (i: number, over: Partial<NewSignal> = {}): NewSignal => ({
  partnerId: PARTNERS[i % 2]!,
  subjectHash: randomBytes(32),
  category: `cat-${awkward[i % awkward.length]}`,
  registeredAt: day(i),
  expiresAt: new Date(day(i).getTime() + 400 * 86_400_000 + (i % 5) * 1_001),
  ref: `r-${i}-${awkward[i % awkward.length]}`,
  batchId: `b-${awkward[(i + 3) % awkward.length]}`,
  epoch: 1 + (i % 3),
  ...over,
});

type Row = { partner_id: string; subject_hash: Uint8Array; category: string; registered_at: Date; expires_at: Date; ref: string; batch_id: string; epoch: number };
const stored = async (refs: string[]): Promise<Map<string, Row>> => {
  const r = await sql<Row>`select partner_id, subject_hash, category, registered_at, expires_at, ref, batch_id, epoch from signals
                            where ref in (select json_array_elements_text(${JSON.stringify(refs)}::json))`.execute(db);
  return new Map(r.rows.map((x) => [`${x.partner_id} ${x.ref}`, x]));
};

describe('insertSignals', () => {
  it('stores every column of every row as given, in one call of 1,001 rows of two partners', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => signal(i));
    const inserted = await insertSignals(db, rows);
    expect(inserted).toEqual(new Set(rows.map((r) => r.ref)));
    const back = await stored(rows.map((r) => r.ref));
    expect(back.size).toBe(rows.length);
    for (const r of rows) {
      const b = back.get(`${r.partnerId} ${r.ref}`)!;
      expect(Buffer.from(b.subject_hash).equals(r.subjectHash)).toBe(true);
      expect([b.category, b.batch_id, Number(b.epoch)]).toEqual([r.category, r.batchId, r.epoch]);
      expect([new Date(b.registered_at).getTime(), new Date(b.expires_at).getTime()]).toEqual([r.registeredAt.getTime(), r.expiresAt.getTime()]);
    }
  });

  it('leaves a (partner, ref) already present as it is and returns only the new refs', async () => {
    const first = signal(5000, { ref: 'dup,"1"', category: 'first' });
    await insertSignals(db, [first]);
    const again = [signal(5001, { ref: 'dup,"1"', partnerId: first.partnerId, category: 'second' }), signal(5002, { ref: 'new\\"2' })];
    expect(await insertSignals(db, again)).toEqual(new Set(['new\\"2']));
    expect((await stored(['dup,"1"'])).get(`${first.partnerId} dup,"1"`)!.category).toBe('first');
  });

  it('takes any text PostgreSQL can hold, in order (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\u0000')), { minLength: 1, maxLength: 30 }), async (texts) => {
        const rows = [...new Set(texts)].map((t, i) => signal(i, { ref: `p${n}-${t}`, category: t, batchId: t }));
        n++;
        expect(await insertSignals(db, rows)).toEqual(new Set(rows.map((r) => r.ref)));
        const back = await stored(rows.map((r) => r.ref));
        for (const r of rows) expect([back.get(`${r.partnerId} ${r.ref}`)?.category, back.get(`${r.partnerId} ${r.ref}`)?.batch_id]).toEqual([r.category, r.batchId]);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a subject hash that is not 32 bytes, and stores nothing', async () => {
    await expect(insertSignals(db, [signal(9000), signal(9001, { subjectHash: randomBytes(31) })])).rejects.toThrow(/32 bytes/);
    expect((await stored([signal(9000).ref])).size).toBe(0);
  });
});

describe('erasedRefs', () => {
  it('names exactly the erased refs among awkward texts', async () => {
    const at = new Date();
    const erased = awkward.map((a) => `e-${a}`);
    await recordErasures(db, erased.map((ref) => ({ partnerId: 'p-one', ref, verzoekId: '00000000-0000-0000-0000-000000000001', taakId: '00000000-0000-0000-0000-000000000002', at })).slice(0, 7));
    const asked = [...erased, 'e-other', 'e-"x"'];
    expect(await erasedRefs(db, 'p-one', asked)).toEqual(new Set(erased.slice(0, 7)));
    expect(await erasedRefs(db, 'p-two', asked)).toEqual(new Set());
  });
});

describe('migration 0290', () => {
  it('stores the JWS and the logboek content with lz4 where the server has it, pglz (the default) where not', async () => {
    const r = await sql<{ attname: string; attcompression: string }>`
      select attname, attcompression::text as attcompression from pg_attribute
       where (attrelid, attname) in (('signal_batch_signatures'::regclass, 'jws'), ('logboek_entries'::regclass, 'content'))`.execute(db);
    // Whether this server has lz4: a probe table made with it, or refused (feature_not_supported).
    const lz4 = await db.transaction().execute(async (trx) => {
      await sql`do $$ begin create temp table lz4_probe (x text compression lz4) on commit drop;
                exception when feature_not_supported then create temp table lz4_absent (x int) on commit drop; end $$`.execute(trx);
      const r2 = await sql<{ absent: boolean }>`select to_regclass('pg_temp.lz4_absent') is not null as absent`.execute(trx);
      return !r2.rows[0]!.absent;
    });
    expect(r.rows.map((x) => [x.attname, x.attcompression]).sort()).toEqual([['content', lz4 ? 'l' : ''], ['jws', lz4 ? 'l' : '']]);
    if (process.env['DATABASE_URL']) expect(lz4).toBe(true); // this machine's PostgreSQL is built with lz4
  });
});
