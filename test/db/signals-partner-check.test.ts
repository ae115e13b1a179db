/**
 * Migration 0260: `signals.partner_id` has no foreign key any more (it was checked per row, a
 * thousand times per batch); two triggers keep the key's guarantee. A statement that stores a
 * signal of a partner that is not in `partners` fails whole with SQLSTATE 23503, as the key made
 * it fail, and stores nothing; a partner that still has signals can be neither deleted nor
 * renamed (its id), and one without signals can. On both engines; on PostgreSQL also the race the
 * key's lock closed: a partner deleted while a batch of its signals is being stored.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import pg from 'pg';
import { createMigratedTestDatabase, openEngineDatabase, type TestDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> };
let db: Kysely<Database>;

beforeAll(async () => {
  opened = await openEngineDatabase('jpp_partner_check');
  db = opened.db;
  await migrateToLatest(db);
  await sql`insert into organisations (id, name) values ('org-pc', 'Org')`.execute(db);
  await sql`insert into partners (id, name, organisation_id) values ('p-with', 'With signals', 'org-pc'), ('p-without', 'Without signals', 'org-pc'), ('p-other', 'Other', 'org-pc')`.execute(db);
});
afterAll(async () => {
  await opened?.close();
});

/** Inserts signals as the repository does: one statement over column arrays. */
const insert = (partners: string[], tag: string) =>
  sql`
    insert into signals (partner_id, subject_hash, category, registered_at, expires_at, ref, batch_id, epoch)
    select * from unnest(${partners}::text[], ${partners.map(() => randomBytes(32))}::bytea[], ${partners.map(() => 'c')}::text[],
      ${partners.map(() => '2026-01-01T00:00:00Z')}::timestamptz[], ${partners.map(() => '2027-01-01T00:00:00Z')}::timestamptz[],
      ${partners.map((_, i) => `${tag}-${i}`)}::text[], ${partners.map(() => tag)}::text[], ${partners.map(() => 1)}::int[])`.execute(db);

const count = async (where: string) =>
  Number((await sql<{ n: string }>`select count(*)::text as n from signals where batch_id = ${where}`.execute(db)).rows[0]!.n);

const sqlState = async (work: Promise<unknown>): Promise<string | undefined> => {
  try {
    await work;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('the signals partner check (migration 0260)', () => {
  it('has no foreign key from signals to partners any more', async () => {
    const keys = await sql`select 1 from pg_constraint where conrelid = 'signals'::regclass and contype = 'f'`.execute(db);
    expect(keys.rows).toHaveLength(0);
  });

  it('stores the signals of partners that exist, several partners in one statement too', async () => {
    await insert(['p-with', 'p-with', 'p-with'], 'ok-1');
    await insert(['p-with', 'p-other'], 'ok-2');
    expect(await count('ok-1')).toBe(3);
    expect(await count('ok-2')).toBe(2);
  });

  it('refuses a statement with a partner that is not in partners (23503) and stores none of its rows', async () => {
    expect(await sqlState(insert(['p-nobody'], 'bad-1'))).toBe('23503');
    expect(await sqlState(insert(['p-with', 'p-nobody', 'p-with'], 'bad-2'))).toBe('23503');
    expect(await count('bad-1')).toBe(0);
    expect(await count('bad-2')).toBe(0);
  });

  it('refuses to move a signal to a partner that is not in partners', async () => {
    expect(await sqlState(sql`update signals set partner_id = 'p-nobody' where batch_id = 'ok-2'`.execute(db))).toBe('23503');
    expect(await count('ok-2')).toBe(2);
  });

  it('refuses to delete, or change the id of, a partner that still has signals (23503), and leaves it', async () => {
    expect(await sqlState(sql`delete from partners where id = 'p-with'`.execute(db))).toBe('23503');
    expect(await sqlState(sql`update partners set id = 'p-renamed' where id = 'p-with'`.execute(db))).toBe('23503');
    const left = await sql`select id from partners where id = 'p-with'`.execute(db);
    expect(left.rows).toHaveLength(1);
    expect(await count('ok-1')).toBe(3);
  });

  it('lets a partner without signals go, and a partner with signals change its name', async () => {
    await sql`update partners set name = 'Renamed' where id = 'p-with'`.execute(db);
    await sql`update partners set id = 'p-without-2' where id = 'p-without'`.execute(db);
    await sql`delete from partners where id = 'p-without-2'`.execute(db);
    const left = await sql`select id from partners where id like 'p-without%'`.execute(db);
    expect(left.rows).toHaveLength(0);
  });

  it('lets a partner go once its signals are gone', async () => {
    await sql`delete from signals where partner_id = 'p-other'`.execute(db);
    await sql`delete from partners where id = 'p-other'`.execute(db);
    expect((await sql`select id from partners where id = 'p-other'`.execute(db)).rows).toHaveLength(0);
  });
});

const adminUrl = process.env['DATABASE_URL'];

describe.skipIf(!adminUrl)('the partner check under concurrency (PostgreSQL)', () => {
  let database: TestDatabase;
  const clients: pg.Client[] = [];
  const client = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    database = await createMigratedTestDatabase(adminUrl!, 'jpp_partner_race');
    const setup = await client();
    await setup.query(`insert into organisations (id, name) values ('org-r', 'Org')`);
    await setup.query(`insert into partners (id, name, organisation_id) values ('p-race', 'Race', 'org-r'), ('p-race-2', 'Race 2', 'org-r')`);
  });
  afterAll(async () => {
    for (const c of clients) await c.end();
    await database?.drop();
  });

  const insertOne = (c: pg.Client, partner: string, ref: string) =>
    c.query(
      `insert into signals (partner_id, subject_hash, category, registered_at, expires_at, ref, batch_id, epoch)
       values ($1, $2, 'c', '2026-01-01', '2027-01-01', $3, 'race', 1)`,
      [partner, randomBytes(32), ref],
    );

  it('a delete of the partner waits for a batch being stored, then is refused', async () => {
    const batch = await client();
    const admin = await client();
    await batch.query('begin');
    await insertOne(batch, 'p-race', 'race-1');
    let settled = false;
    const deletion = sqlState(admin.query(`delete from partners where id = 'p-race'`)).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await batch.query('commit');
    expect(await deletion).toBe('23503');
    expect((await admin.query(`select 1 from partners where id = 'p-race'`)).rowCount).toBe(1);
  });

  it('a batch for a partner whose delete is under way waits, then is refused and stores nothing', async () => {
    const batch = await client();
    const admin = await client();
    await admin.query('begin');
    await admin.query(`delete from partners where id = 'p-race-2'`);
    let settled = false;
    const storing = sqlState(insertOne(batch, 'p-race-2', 'race-2')).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await admin.query('commit');
    expect(await storing).toBe('23503');
    expect((await admin.query(`select 1 from signals where ref = 'race-2'`)).rowCount).toBe(0);
  });
});

