/**
 * An entry that names its subject under several key epochs is indexed under each of its
 * hashes (logboek_subject_aliases, migration 0011): written by the log writer in the step's
 * own transaction, and backfilled from the content of entries logged before the migration.
 */
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateTo, migrateToLatest } from '../../broker/db/migrate.js';
import { canonicalJson } from '../../broker/logboek/log-entry.js';
import { createLogWriter } from '../../broker/logboek/log-writer.js';
import { openEngineDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> } | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function open(): Promise<Kysely<Database>> {
  opened = await openEngineDatabase('jpp_aliases');
  return opened.db;
}

/** `entryId:hash` pairs, sorted, so that expectations need no order. */
const pairs = (xs: ReadonlyArray<readonly [number, Uint8Array]>): string[] => xs.map(([id, h]) => `${id}:${Buffer.from(h).toString('base64url')}`).sort();
const aliasesOf = async (db: Kysely<Database>) =>
  pairs((await sql<{ entry_id: number; subject_hash: Uint8Array }>`select entry_id, subject_hash from logboek_subject_aliases`.execute(db)).rows.map((r) => [Number(r.entry_id), r.subject_hash] as const));

it('the log writer indexes each entry under its other hashes, entry by entry, in the same transaction', async () => {
  const db = await open();
  await migrateToLatest(db);
  const writer = createLogWriter({ activityOf: () => ({ id: 'jpp-bevraging', uri: 'urn:jpp-broker:test:verwerkingsactiviteit:jpp-bevraging' }), schemas: createSchemaRegistry(), onCommitted: () => undefined });
  const [main, a1, a2, b1] = [randomBytes(32), randomBytes(32), randomBytes(32), randomBytes(32)];
  const at = new Date();
  const entry = (partner: string, also: Uint8Array[]) => ({
    action: 'disclosure' as const,
    actor: { kind: 'person' as const, id: 'demo-voorzitter', organisation: 'zvh', role: 'voorzitter' },
    outcome: 'no-hit' as const,
    details: { consent: false, categoriesCounted: [], caseId: '00000000-0000-4000-8000-000000000000' },
    traceId: 'trace',
    startedAt: at,
    endedAt: at,
    subjectHash: main,
    partner,
    ...(also.length ? { alsoSubjectHashes: also } : {}),
  });
  await db.transaction().execute((trx) => writer.append(trx, [entry('politie', []), entry('halt', [a1, a2]), entry('jongerenwerk', []), entry('rvdk', [b1])]));
  const rows = (await sql<{ id: number; partner_id: string; content: string }>`select id, partner_id, content from logboek_entries order by id`.execute(db)).rows;
  const id = (p: string) => Number(rows.find((r) => r.partner_id === p)!.id);
  expect(await aliasesOf(db)).toEqual(pairs([[id('halt'), a1], [id('halt'), a2], [id('rvdk'), b1]]));
  // The content holds the same other hashes, as the leaf covers them.
  expect(JSON.parse(rows.find((r) => r.partner_id === 'halt')!.content).details.alsoSubjects).toEqual([a1, a2].map((h) => h.toString('base64url')));
  expect(JSON.parse(rows.find((r) => r.partner_id === 'politie')!.content).details.alsoSubjects).toBeUndefined();
});

it('migration 0011 backfills the other hashes of entries logged before it, from content that lists them', async () => {
  const db = await open();
  await migrateTo(db, '0010-web-sessions');
  const [a1, a2] = [randomBytes(32), randomBytes(32)];
  const add = async (content: string) =>
    Number(
      (await sql<{ id: number }>`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
        values (${content}, 'disclosure', now(), 'test', 'no-hit', 'trace') returning id`.execute(db)).rows[0]!.id,
    );
  const withAliases = await add(canonicalJson({ v: 1, action: 'disclosure', details: { alsoSubjects: [a1, a2].map((h) => h.toString('base64url')), consent: false } }));
  await add(canonicalJson({ v: 1, action: 'disclosure', details: { consent: false } }));
  await add(canonicalJson({ v: 1, action: 'disclosure', details: { alsoSubjects: 'not a list' } }));
  await migrateToLatest(db);
  expect(await aliasesOf(db)).toEqual(pairs([[withAliases, a1], [withAliases, a2]]));
});
