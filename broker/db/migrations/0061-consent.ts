/**
 * Consent as a record (issue 18 item 5): per subject of a casus, who consented (the youth, a
 * parent or guardian, or both), to what (partners and one doel), given on, valid until, and
 * withdrawn at. No scans, names or signatures: who recorded it and when is in the logboek.
 *
 * Database guards: valid_until lies after given_on; a withdrawal is set once and never undone
 * (trigger); the scope of a record never changes. Dates are kept as midnight UTC.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_consents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('subject_id', 'uuid', (c) => c.notNull().references('case_subjects.id').onDelete('cascade'))
    .addColumn('given_by', 'text', (c) => c.notNull().check(sql`given_by in ('jongere', 'ouder', 'beiden')`))
    .addColumn('doel', 'text', (c) => c.notNull())
    .addColumn('partners', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(partners) = 'array' and jsonb_array_length(partners) > 0`))
    .addColumn('given_on', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz', (c) => c.notNull())
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('case_consents_period', sql`valid_until > given_on`)
    .execute();
  await db.schema.createIndex('case_consents_case_ix').on('case_consents').columns(['case_id', 'recorded_at']).execute();
  await sql`
    create function jpp_consent_guard() returns trigger language plpgsql as $$
    begin
      if new.case_id <> old.case_id or new.subject_id <> old.subject_id or new.given_by <> old.given_by
         or new.doel <> old.doel or new.partners <> old.partners or new.given_on <> old.given_on
         or new.valid_until <> old.valid_until or new.recorded_by <> old.recorded_by or new.recorded_at <> old.recorded_at then
        raise exception 'a consent record is never rewritten; record a new one'
          using errcode = 'integrity_constraint_violation';
      end if;
      if old.withdrawn_at is not null and new.withdrawn_at is distinct from old.withdrawn_at then
        raise exception 'a withdrawal of consent is never undone'
          using errcode = 'integrity_constraint_violation';
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`create trigger case_consents_guard before update on case_consents for each row execute function jpp_consent_guard()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_consents').execute();
  await sql`drop function jpp_consent_guard()`.execute(db);
}
