/**
 * Who did each step of a casus (issue 23 item 4): the casus history names the person of every
 * step, read from the casus's own tables rather than the logboek. Three steps had no actor column:
 * - `case_subjects.notification_changed_by`: who recorded the subject's current notificatie
 *   (informed or deferred, AVG art. 13/14);
 * - `cases.regiehouder_set_by`: who recorded the current regiehouder;
 * - `case_consents.withdrawn_by`: who recorded the withdrawal of a consent.
 * All are person ids of the register, nullable: rows written before this migration have none and
 * the history shows no name for them. The runtime role (migration 0110) may UPDATE these columns,
 * as it updates the step they belong to. The consent guard (migration 0061) is extended so that a
 * withdrawal's recorder, like its time, is never rewritten once set.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

const guard = (withdrawer: boolean) => sql.raw(`
    create or replace function jpp_consent_guard() returns trigger language plpgsql as $$
    begin
      if new.case_id <> old.case_id or new.subject_id <> old.subject_id or new.given_by <> old.given_by
         or new.doel <> old.doel or new.partners <> old.partners or new.given_on <> old.given_on
         or new.valid_until <> old.valid_until or new.recorded_by <> old.recorded_by or new.recorded_at <> old.recorded_at then
        raise exception 'a consent record is never rewritten; record a new one'
          using errcode = 'integrity_constraint_violation';
      end if;
      if old.withdrawn_at is not null and (new.withdrawn_at is distinct from old.withdrawn_at${withdrawer ? ' or new.withdrawn_by is distinct from old.withdrawn_by' : ''}) then
        raise exception 'a withdrawal of consent is never undone'
          using errcode = 'integrity_constraint_violation';
      end if;
      return new;
    end
    $$`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_subjects').addColumn('notification_changed_by', 'text').execute();
  await db.schema.alterTable('cases').addColumn('regiehouder_set_by', 'text').execute();
  await db.schema.alterTable('case_consents').addColumn('withdrawn_by', 'text').execute();
  await guard(true).execute(db);
  await sql`grant update (notification_changed_by) on case_subjects to jpp_broker_runtime`.execute(db);
  await sql`grant update (regiehouder_set_by) on cases to jpp_broker_runtime`.execute(db);
  await sql`grant update (withdrawn_by) on case_consents to jpp_broker_runtime`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await guard(false).execute(db);
  await db.schema.alterTable('case_consents').dropColumn('withdrawn_by').execute();
  await db.schema.alterTable('cases').dropColumn('regiehouder_set_by').execute();
  await db.schema.alterTable('case_subjects').dropColumn('notification_changed_by').execute();
}
