/**
 * The core loop's schema: platform vocabulary, people, signals, cases, queries, policy
 * versions and the append-only disclosure log.
 *
 * The log's append-only rule is enforced by the database itself (triggers refuse UPDATE,
 * DELETE and TRUNCATE), so that no code path, and no operator with a SQL prompt and the
 * application's role, can change history silently.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .execute();
  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('person_roles')
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id'))
    .addPrimaryKeyConstraint('person_roles_pk', ['person_id', 'role_id'])
    .execute();

  await db.schema
    .createTable('signals')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('signals_partner_ref_uq', ['partner_id', 'ref'])
    .addCheckConstraint('signals_dates_ck', sql`expires_at > registered_at`)
    .execute();
  // The hot path: one subject, some (partner, category) pairs, still current.
  await db.schema
    .createIndex('signals_lookup_ix')
    .on('signals')
    .columns(['subject_hash', 'partner_id', 'category', 'expires_at'])
    .execute();
  await db.schema
    .createTable('signal_batches')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('signal_batches_pk', ['partner_id', 'batch_id'])
    .execute();

  await db.schema
    .createTable('policy_versions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('content_hash', 'text', (c) => c.notNull().unique())
    .addColumn('model_text', 'text', (c) => c.notNull())
    .addColumn('rules_text', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('activated_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('case_ref', 'text', (c) => c.notNull().unique())
    .addColumn('doel', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('queries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('asked_by', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('role_id', 'text', (c) => c.notNull())
    .addColumn('doel', 'text', (c) => c.notNull())
    .addColumn('subject_hash', 'bytea', (c) => c.notNull())
    .addColumn('consent', 'boolean', (c) => c.notNull())
    .addColumn('policy_version_id', 'integer', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('disclosure_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('query_id', 'uuid', (c) => c.notNull().references('queries.id'))
    .addColumn('logged_at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('role_id', 'text', (c) => c.notNull())
    .addColumn('doel', 'text', (c) => c.notNull())
    .addColumn('case_ref', 'text', (c) => c.notNull())
    .addColumn('consent', 'boolean', (c) => c.notNull())
    .addColumn('subject_hash', 'bytea', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('hit', 'no-hit', 'not-permitted')`))
    .addColumn('categories_counted', 'jsonb', (c) => c.notNull())
    .addColumn('rules', 'jsonb', (c) => c.notNull())
    .addColumn('policy_version_id', 'integer', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('policy_hash', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('disclosure_log_time_ix').on('disclosure_log').columns(['logged_at', 'id']).execute();
  await db.schema.createIndex('disclosure_log_case_ix').on('disclosure_log').columns(['case_ref', 'id']).execute();

  await sql`
    create function jpp_refuse_log_change() returns trigger language plpgsql as $$
    begin
      raise exception 'disclosure_log is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger disclosure_log_append_only
      before update or delete on disclosure_log
      for each row execute function jpp_refuse_log_change()`.execute(db);
  await sql`
    create trigger disclosure_log_no_truncate
      before truncate on disclosure_log
      for each statement execute function jpp_refuse_log_change()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the core-loop migration cannot be reverted: the disclosure log must not be dropped');
}
