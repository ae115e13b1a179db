/**
 * The casusoverleg (issue 18 items 1-3): meetings the voorzitter plans, the casussen on each
 * meeting's agenda, and per casus the invitations the broker derived and the policy decided (one
 * row per partner: invited, or not invited with the rule that refused it). A vervolgactie of kind
 * `warme-overdracht` names the partner it hands over to.
 *
 * Database guards: a casus is on a meeting's agenda once, a partner is decided once per casus on a
 * meeting; an invitation's grounds are a non-empty JSON array; a partner not invited has an exclusion
 * reason and an invited one none; only a warme overdracht names a
 * receiving partner, and it always does. Rows are never updated; agenda items and invitations go with
 * their casus (ON DELETE CASCADE, retention of closed casussen). Meetings hold no personal data.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('casusoverleg_meetings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('meeting_date', 'timestamptz', (c) => c.notNull())
    .addColumn('planned_by', 'text', (c) => c.notNull())
    .addColumn('planned_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('casusoverleg_meetings_date_ix').on('casusoverleg_meetings').column('meeting_date').execute();
  await db.schema
    .createTable('casusoverleg_agenda')
    .addColumn('meeting_id', 'uuid', (c) => c.notNull().references('casusoverleg_meetings.id'))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('casusoverleg_agenda_pk', ['meeting_id', 'case_id'])
    .execute();
  await db.schema.createIndex('casusoverleg_agenda_case_ix').on('casusoverleg_agenda').column('case_id').execute();
  await db.schema
    .createTable('casusoverleg_invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('meeting_id', 'uuid', (c) => c.notNull())
    .addColumn('case_id', 'uuid', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('invited', 'boolean', (c) => c.notNull())
    .addColumn('grounds', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(grounds) = 'array' and jsonb_array_length(grounds) > 0`))
    .addColumn('categories', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(categories) = 'array'`))
    .addColumn('added_reason', 'text')
    .addColumn('consent', 'boolean', (c) => c.notNull())
    .addColumn('exclusion_reason', 'text', (c) => c.check(sql`exclusion_reason in ('toestemming-nodig', 'geweigerd', 'geen-regel')`))
    .addColumn('rules', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(rules) = 'array'`))
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addForeignKeyConstraint('casusoverleg_invitations_agenda_fk', ['meeting_id', 'case_id'], 'casusoverleg_agenda', ['meeting_id', 'case_id'], (fk) => fk.onDelete('cascade'))
    .addUniqueConstraint('casusoverleg_invitations_once', ['meeting_id', 'case_id', 'partner_id'])
    .addCheckConstraint('casusoverleg_invitations_reason', sql`invited = (exclusion_reason is null)`)
    .execute();
  await db.schema.createIndex('casusoverleg_invitations_partner_ix').on('casusoverleg_invitations').columns(['partner_id', 'invited']).execute();
  await db.schema
    .alterTable('case_vervolgacties')
    .addColumn('to_partner_id', 'text', (c) => c.references('partners.id'))
    .execute();
  await sql`alter table case_vervolgacties add constraint case_vervolgacties_overdracht check ((kind = 'warme-overdracht') = (to_partner_id is not null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table case_vervolgacties drop constraint case_vervolgacties_overdracht`.execute(db);
  await db.schema.alterTable('case_vervolgacties').dropColumn('to_partner_id').execute();
  await db.schema.dropTable('casusoverleg_invitations').execute();
  await db.schema.dropTable('casusoverleg_agenda').execute();
  await db.schema.dropTable('casusoverleg_meetings').execute();
}
