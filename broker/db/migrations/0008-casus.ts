/**
 * The casus workflow (issue 7): a casus has a kind (person or group), a route in, a status
 * with its history, one or more subjects (as subject hashes, never pseudonyms), the
 * notificatie state per subject, and vervolgacties (partner, kind, due date: no narrative).
 * Bezwaren (AVG art. 21) that were upheld block a subject for named doelen.
 *
 * Cases that existed before (opened implicitly by a query) become person cases in status
 * `aangemeld` with route in `overig`; their subject is not known, so they cannot be queried
 * until a voorzitter opens them anew.
 */
import { sql, type Kysely } from 'kysely';

export const CASE_STATUSES = ['aangemeld', 'in-screening', 'besproken', 'vervolg', 'opgeschaald', 'afgeschaald', 'afgesloten'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const statuses = sql.join(CASE_STATUSES.map((s) => sql.lit(s)));
  await db.schema
    .alterTable('cases')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('person').check(sql`kind in ('person', 'group')`))
    .addColumn('route_in', 'text', (c) => c.notNull().defaultTo('overig'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('aangemeld').check(sql`status in (${statuses})`))
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .execute();
  await sql`update cases set status_changed_at = opened_at`.execute(db);
  await db.schema.createIndex('cases_opened_by_ix').on('cases').columns(['opened_by', 'opened_at']).execute();
  await db.schema.createIndex('cases_closed_ix').on('cases').columns(['closed_at']).execute();

  await db.schema
    .createTable('case_subjects')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('notification_state', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`notification_state in ('pending', 'informed', 'deferred')`),
    )
    .addColumn('informed_at', 'timestamptz')
    .addColumn('defer_reason', 'text')
    .addColumn('deferred_until', 'timestamptz')
    .addColumn('notification_changed_at', 'timestamptz')
    .addUniqueConstraint('case_subjects_position_uq', ['case_id', 'position'])
    .execute();
  // A subject's hash under each key epoch it was given in (more than one only during a rotation's overlap).
  await db.schema
    .createTable('case_subject_hashes')
    .addColumn('subject_id', 'uuid', (c) => c.notNull().references('case_subjects.id').onDelete('cascade'))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addPrimaryKeyConstraint('case_subject_hashes_pk', ['subject_id', 'subject_hash'])
    .execute();
  await db.schema.createIndex('case_subject_hashes_hash_ix').on('case_subject_hashes').columns(['subject_hash']).execute();

  await db.schema
    .createTable('case_status_changes')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('outcome', 'text')
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_status_changes_case_ix').on('case_status_changes').columns(['case_id', 'id']).execute();
  await sql`insert into case_status_changes (case_id, from_status, to_status, changed_by, changed_at)
            select id, null, 'aangemeld', opened_by, opened_at from cases`.execute(db);

  await db.schema
    .createTable('case_vervolgacties')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_date', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addColumn('completed_by', 'text')
    .execute();
  await db.schema.createIndex('case_vervolgacties_case_ix').on('case_vervolgacties').columns(['case_id', 'created_at']).execute();

  // Queries of a casus go when the casus goes (retention).
  await sql`alter table queries drop constraint if exists queries_case_id_fkey`.execute(db);
  await sql`alter table queries add constraint queries_case_id_fkey foreign key (case_id) references cases(id) on delete cascade`.execute(db);

  await db.schema
    .createTable('bezwaren')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('doelen', 'jsonb', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('upheld', 'rejected')`))
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addColumn('lifted_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('bezwaar_subject_hashes')
    .addColumn('bezwaar_id', 'uuid', (c) => c.notNull().references('bezwaren.id').onDelete('cascade'))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addPrimaryKeyConstraint('bezwaar_subject_hashes_pk', ['bezwaar_id', 'subject_hash'])
    .execute();
  await db.schema.createIndex('bezwaar_subject_hashes_hash_ix').on('bezwaar_subject_hashes').columns(['subject_hash']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['bezwaar_subject_hashes', 'bezwaren', 'case_vervolgacties', 'case_status_changes', 'case_subject_hashes', 'case_subjects']) {
    await db.schema.dropTable(t).execute();
  }
  for (const c of ['kind', 'route_in', 'status', 'status_changed_at', 'closed_at', 'outcome']) {
    await db.schema.alterTable('cases').dropColumn(c).execute();
  }
}
