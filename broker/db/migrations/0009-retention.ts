/**
 * Retention (issue 7): legal holds, which suspend removal for one casus or one subject, and
 * the one change the logboek admits besides appending: redaction.
 *
 * Redaction sets an entry's `content`, `subject_hash`, `case_ref` and `query_id` to NULL,
 * once, and changes nothing else. The entry's leaf hash lives in the insert-only
 * `logboek_leaves` (0005), so proofs still verify: verification takes a redacted entry by
 * its leaf hash alone. The database guard refuses every other UPDATE, every DELETE and
 * TRUNCATE, as before, and refuses to redact an entry that has no leaf yet.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('case', 'subject')`))
    .addColumn('case_id', 'uuid', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('placed_by', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('released_by', 'text')
    .addColumn('released_at', 'timestamptz')
    .addCheckConstraint('legal_holds_scope_ck', sql`(scope = 'case') = (case_id is not null)`)
    .execute();
  await db.schema
    .createTable('legal_hold_subject_hashes')
    .addColumn('hold_id', 'uuid', (c) => c.notNull().references('legal_holds.id'))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addPrimaryKeyConstraint('legal_hold_subject_hashes_pk', ['hold_id', 'subject_hash'])
    .execute();
  await db.schema.createIndex('legal_hold_subject_hashes_hash_ix').on('legal_hold_subject_hashes').columns(['subject_hash']).execute();

  await sql`alter table logboek_entries alter column content drop not null`.execute(db);
  await sql`
    create function jpp_logboek_redaction_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE'
         and old.content is not null and new.content is null
         and new.subject_hash is null and new.case_ref is null and new.query_id is null
         and (new.id, new.tx, new.action, new.logged_at, new.actor_id, new.organisation_id, new.role_id,
              new.partner_id, new.doel, new.outcome, new.trace_id)
             is not distinct from
             (old.id, old.tx, old.action, old.logged_at, old.actor_id, old.organisation_id, old.role_id,
              old.partner_id, old.doel, old.outcome, old.trace_id)
         and exists (select 1 from logboek_leaves l where l.entry_id = old.id)
      then
        return new;
      end if;
      raise exception 'the logboek is append-only (only sequenced entries may be redacted, and only that): % refused', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`drop trigger logboek_entries_append_only on logboek_entries`.execute(db);
  await sql`create trigger logboek_entries_guard before update or delete on logboek_entries for each row execute function jpp_logboek_redaction_guard()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the retention migration cannot be reverted: redacted logboek entries cannot be restored');
}
