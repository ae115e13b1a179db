/**
 * An append of more than 32 entries (a partner's batch: its record and a signal-intake entry per
 * stored signal) is one insert from column arrays, its contents sent as one JSON array
 * (logboek.repository.ts); a smaller one is the precompiled VALUES insert. Both must store the
 * same rows, byte for byte, and return the ids in the order given.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { insertLogRows, type NewLogRow } from '../../broker/logboek/logboek.repository.js';
import { canonicalJson } from '../../broker/logboek/log-entry.js';
import { openEngineDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> } | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

/** Contents with what JSON and array literals escape: quotes, backslashes, braces, commas, escaped control characters, non-ASCII. */
const awkward = ['"', '\\', '\\"', '{a,b}', 'NULL', '', ' ', '\u0000', '\n\t', '\u2028', 'é', '😀', '\ud800', '日本', "'"];

const rowsOf = (n: number, tag: string): NewLogRow[] =>
  Array.from({ length: n }, (_, i) => ({
    content: canonicalJson({ i, tag, text: awkward[i % awkward.length], nested: { q: `"${awkward[(i * 7) % awkward.length]}"` } }),
    action: i % 2 ? 'signal-intake' : 'signal-batch',
    loggedAt: new Date(Date.UTC(2026, 11, 5, 7, 0, 0, i)),
    actorId: 'adapter-"halt"',
    organisationId: i % 3 ? null : 'org,1',
    roleId: i % 4 ? null : 'rol "x"',
    partnerId: 'halt',
    doel: i % 5 ? null : 'jpp-screening',
    caseRef: i % 6 ? null : `case-${i}`,
    outcome: 'stored',
    subjectHash: i % 7 ? randomBytes(32) : null,
    queryId: i % 8 ? null : randomUUID(),
    traceId: `trace-${tag}`,
  }));

const stored = async (db: Kysely<Database>, traceId: string) =>
  (
    await sql<Record<string, unknown>>`
      select content, action, logged_at, actor_id, organisation_id, role_id, partner_id, doel, case_ref, outcome, subject_hash, query_id::text as query_id
        from logboek_entries where trace_id = ${traceId} order by id`.execute(db)
  ).rows.map((r) => ({ ...r, logged_at: new Date(r['logged_at'] as string).toISOString(), subject_hash: r['subject_hash'] ? Buffer.from(r['subject_hash'] as Uint8Array).toString('hex') : null }));

const expected = (rows: readonly NewLogRow[]) =>
  rows.map((r) => ({
    content: r.content,
    action: r.action,
    logged_at: r.loggedAt.toISOString(),
    actor_id: r.actorId,
    organisation_id: r.organisationId,
    role_id: r.roleId,
    partner_id: r.partnerId,
    doel: r.doel,
    case_ref: r.caseRef,
    outcome: r.outcome,
    subject_hash: r.subjectHash ? Buffer.from(r.subjectHash).toString('hex') : null,
    query_id: r.queryId,
  }));

it('stores a large append exactly as given, as the small appends store the same rows, and returns the ids in order', async () => {
  opened = await openEngineDatabase('jpp_log_insert');
  const db = opened.db;
  await migrateToLatest(db);
  const large = rowsOf(1001, 'large');
  const small = rowsOf(1001, 'small').map((r, i) => ({ ...r, content: large[i]!.content, subjectHash: large[i]!.subjectHash, queryId: large[i]!.queryId }));

  const ids = await db.transaction().execute((trx) => insertLogRows(trx, large, true));
  expect(ids).toHaveLength(1001);
  const byId = (await sql<{ id: number; content: string }>`select id, content from logboek_entries where trace_id = 'trace-large'`.execute(db)).rows;
  const contentOf = new Map(byId.map((r) => [Number(r.id), r.content]));
  expect(ids.map((id) => contentOf.get(Number(id)))).toEqual(large.map((r) => r.content));

  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < small.length; i += 32) await insertLogRows(trx, small.slice(i, i + 32));
  });
  const viaLarge = await stored(db, 'trace-large');
  expect(viaLarge).toEqual(expected(large));
  expect(await stored(db, 'trace-small')).toEqual(viaLarge);
  // Without RETURNING: stored all the same, no ids.
  expect(await db.transaction().execute((trx) => insertLogRows(trx, rowsOf(40, 'plain')))).toEqual([]);
  expect(await stored(db, 'trace-plain')).toEqual(expected(rowsOf(40, 'plain')).map((r, i) => ({ ...r, subject_hash: (i % 7 ? expect.any(String) : null) as string | null, query_id: (i % 8 ? null : expect.any(String)) as string | null })));
});
