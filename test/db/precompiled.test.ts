/**
 * Precompiled queries (broker/db/precompiled.ts): the text kysely compiles, once per shape, with
 * the arguments bound; on the suite's engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { precompile, whole } from '../../broker/db/precompiled.js';
import { openEngineDatabase } from '../support/test-database.js';

let db: Kysely<Database>;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await openEngineDatabase('jpp_precompiled'));
});
afterAll(async () => close?.());

describe('precompile', () => {
  it('compiles once per shape and binds each call\'s arguments, scalars, arrays, objects and repeats alike', async () => {
    let builds = 0;
    const q = precompile<{ a: string; list: number[]; o: { when: Date; flag: boolean | null } }, { a: string; n: number; when: Date; flag: boolean | null; inlist: boolean }>((ex, { a, list, o }) => {
      builds++;
      return {
        compile: () =>
          sql`select ${a}::text as a, ${a}::text || ${a}::text as aa, cardinality(array[${sql.join(list)}]::int[]) as n, ${o.when}::timestamptz as "when", ${o.flag}::boolean as flag, 2 in (${sql.join(list)}) as inlist`.compile(ex),
      };
    });
    const when = new Date(Date.UTC(2026, 0, 2));
    const r1 = (await q.execute(db, { a: 'x', list: [1, 2], o: { when, flag: true } })).rows[0];
    expect(r1).toMatchObject({ a: 'x', aa: 'xx', n: 2, flag: true, inlist: true });
    expect(new Date(r1!.when).getTime()).toBe(when.getTime());
    const r2 = (await q.execute(db, { a: 'y', list: [3, 4], o: { when, flag: null } })).rows[0];
    expect(r2).toMatchObject({ a: 'y', aa: 'yy', n: 2, flag: null, inlist: false });
    expect(builds).toBe(1);
    const r3 = (await q.execute(db, { a: 'z', list: [5, 2, 7], o: { when, flag: false } })).rows[0];
    expect(r3).toMatchObject({ n: 3, inlist: true, flag: false });
    expect(builds).toBe(2);
    expect(q.shapes).toBe(2);
  });

  it('gives the SQL and parameters kysely gives for the same arguments', async () => {
    let seen: { sql: string; parameters: readonly unknown[] } | undefined;
    const q = precompile<{ id: string; now: Date }>((ex, { id, now }) =>
      ex.selectFrom('kysely_probe' as never).select(sql`1`.as('one')).where(sql.ref('id'), '=', id).where(sql.ref('at'), '<=', now).where(sql.ref('on'), '=', true),
    );
    const now = new Date();
    const direct = db.selectFrom('kysely_probe' as never).select(sql`1`.as('one')).where(sql.ref('id'), '=', 'abc').where(sql.ref('at'), '<=', now).where(sql.ref('on'), '=', true).compile();
    // An executor that compiles with kysely and records what would be sent.
    const recorder = {
      selectFrom: db.selectFrom.bind(db),
      executeQuery: (c: { sql: string; parameters: readonly unknown[] }) => {
        seen = c;
        return Promise.resolve({ rows: [] });
      },
    };
    await q.execute(recorder as never, { id: 'abc', now });
    expect(seen?.sql).toBe(direct.sql);
    expect(seen?.parameters).toEqual(direct.parameters);
  });

  it('binds an array wrapped in whole as one array parameter, so that its length keeps the text', async () => {
    let builds = 0;
    const q = precompile<{ list: ReturnType<typeof whole>; tag: string }, { n: number; first: string | null; tag: string }>((ex, { list, tag }) => {
      builds++;
      return { compile: () => sql`select cardinality(${list}::text[]) as n, (${list}::text[])[1] as first, ${tag}::text as tag`.compile(ex) };
    });
    expect((await q.execute(db, { list: whole(['a', 'b"', 'c']), tag: 'x' })).rows[0]).toEqual({ n: 3, first: 'a', tag: 'x' });
    expect((await q.execute(db, { list: whole([]), tag: 'y' })).rows[0]).toEqual({ n: 0, first: null, tag: 'y' });
    expect((await q.execute(db, { list: whole(['z']), tag: 'z' })).rows[0]).toEqual({ n: 1, first: 'z', tag: 'z' });
    expect(builds).toBe(1);
    expect(q.shapes).toBe(1);
  });

  it('refuses a builder that transforms an argument instead of passing it on', async () => {
    const q = precompile<{ doel: string }>((ex, { doel }) => ({ compile: () => sql`select ${JSON.stringify([doel])}::jsonb as j`.compile(ex) }));
    await expect(q.execute(db, { doel: 'x' })).rejects.toThrow(/did not reach the parameters/);
  });
});
