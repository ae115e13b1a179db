/**
 * Migration 0050 on a database that already holds policy versions and previews: they stay as
 * they are; a preview fetched before it has no exact impact and cannot back an approval; an
 * approval made before it is not rewritten, and its version can still be activated.
 * Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */
import { afterEach, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { migrateTo, migrateToLatest } from '../../broker/db/migrate.js';
import { findPreview, findVersion } from '../../broker/policy/policy-version.repository.js';
import { openEngineDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> } | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

it('keeps versions and previews from before it, and holds every later approval to the exact impact', async () => {
  opened = await openEngineDatabase('jpp_exact');
  const db = opened.db;
  await migrateTo(db, '0011-logboek-subject-aliases');
  const version = async (state: string, author: string, reviewer: string | null) =>
    Number(
      (await sql<{ id: number }>`insert into policy_versions (content_hash, model_text, source, created_at, updated_at, state, author_id, reviewer_id, note, tests)
        values (${`sha256:${state}`}, 'm', 'test', now(), now(), ${state}, ${author}, ${reviewer}, '', '[]') returning id`.execute(db)).rows[0]!.id,
    );
  const approvedBefore = await version('approved', 'fg-1', 'fg-2');
  const submitted = await version('submitted', 'fg-1', null);
  const preview = '00000000-0000-4000-8000-000000000001';
  await sql`insert into policy_previews (id, version_id, content_hash, person_id, days, replayed, newly_allowed, newly_denied, created_at)
    values (${preview}, ${submitted}, 'sha256:submitted', 'fg-2', 30, 0, 0, 0, now())`.execute(db);

  await migrateToLatest(db);

  expect(await findVersion(db, approvedBefore)).toMatchObject({ state: 'approved', approvalPreviewId: null, confirmedNewAccess: null });
  expect(await findPreview(db, preview)).toMatchObject({ versionId: submitted, exact: null });
  // An approval from before is not rewritten, and its version can still be activated.
  await sql`update policy_versions set activated_at = now() where id = ${approvedBefore}`.execute(db);
  // A preview from before cannot back an approval now.
  await expect(
    sql`update policy_versions set state = 'approved', reviewer_id = 'fg-2', approval_preview_id = ${preview} where id = ${submitted}`.execute(db),
  ).rejects.toThrow(/has no exact impact/);
  // Nor can a version start as anything but a draft.
  await expect(version('approved', 'fg-1', 'fg-2')).rejects.toThrow(/starts as a draft/);
  // A preview with an exact impact, half filled in, is refused whole.
  await expect(
    sql`insert into policy_previews (id, version_id, content_hash, person_id, days, replayed, newly_allowed, newly_denied, created_at, new_access_count)
      values ('00000000-0000-4000-8000-000000000002', ${submitted}, 'sha256:submitted', 'fg-2', 30, 0, 0, 0, now(), 1)`.execute(db),
  ).rejects.toThrow(/policy_previews_exact_whole/);
  await expect(sql`update policy_previews set days = 1 where id = ${preview}`.execute(db)).rejects.toThrow(/never changed/);
});
