/**
 * The register of people, organisations and adapters, kept by the functioneel beheerder
 * (issue 15, docs/register.md).
 *
 * - `people`: a validity period (`valid_from`, `valid_until`) and who registered and who
 *   deactivated them. `active` stays: false ends access at once.
 * - `person_roles`: a grant per (person, role) with its own validity period, who granted it,
 *   and — for a role that may read the logboek, handle rights, change the policy or keep the
 *   register (`roles.privileged`) — who approved it. A grant counts only once approved and
 *   while not revoked. Existing rows predate four eyes and count as approved by the migration.
 * - `organisations`: where an organisation comes from (the platform file, or the register) and
 *   whether it is active; a deactivated organisation's people have no access.
 * - `adapters`: a partner's adapter as the broker knows it: its token subject (client id), the
 *   subject of its mTLS certificate, a validity period, and deactivation.
 *
 * Four eyes in the database itself: a privileged grant can only be approved by someone other
 * than its granter (trigger `person_roles_four_eyes`). The one exception is a `system:` actor,
 * which only the bootstrap of an empty register (`jpp-broker register bootstrap`) and this
 * migration use.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('roles').addColumn('privileged', 'boolean', (c) => c.notNull().defaultTo(false)).execute();

  await db.schema.alterTable('organisations').addColumn('source', 'text', (c) => c.notNull().defaultTo('platform')).execute();
  await db.schema.alterTable('organisations').addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
  await db.schema.alterTable('organisations').addColumn('created_by', 'text').execute();
  await sql`alter table organisations add constraint organisations_source_ck check (source in ('platform', 'register'))`.execute(db);

  await db.schema.alterTable('people').addColumn('valid_from', 'timestamptz').execute();
  await sql`update people set valid_from = created_at`.execute(db);
  await sql`alter table people alter column valid_from set not null, alter column valid_from set default now()`.execute(db);
  await db.schema.alterTable('people').addColumn('valid_until', 'timestamptz').execute();
  await db.schema.alterTable('people').addColumn('created_by', 'text').execute();
  await db.schema.alterTable('people').addColumn('deactivated_at', 'timestamptz').execute();
  await db.schema.alterTable('people').addColumn('deactivated_by', 'text').execute();
  await sql`alter table people add constraint people_validity_ck check (valid_until is null or valid_until > valid_from)`.execute(db);

  await db.schema.alterTable('person_roles').addColumn('granted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`)).execute();
  await db.schema.alterTable('person_roles').addColumn('granted_by', 'text', (c) => c.notNull().defaultTo('system:migration')).execute();
  await sql`alter table person_roles alter column granted_by drop default`.execute(db);
  await db.schema.alterTable('person_roles').addColumn('valid_from', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`)).execute();
  await db.schema.alterTable('person_roles').addColumn('valid_until', 'timestamptz').execute();
  await db.schema.alterTable('person_roles').addColumn('approved_at', 'timestamptz').execute();
  await db.schema.alterTable('person_roles').addColumn('approved_by', 'text').execute();
  await db.schema.alterTable('person_roles').addColumn('revoked_at', 'timestamptz').execute();
  await db.schema.alterTable('person_roles').addColumn('revoked_by', 'text').execute();
  // Grants made before the register existed count as approved (they came from the demo seed or by hand).
  await sql`update person_roles set approved_at = granted_at, approved_by = 'system:migration', valid_from = '1970-01-01T00:00:00Z'`.execute(db);
  await sql`alter table person_roles add constraint person_roles_validity_ck check (valid_until is null or valid_until > valid_from)`.execute(db);
  await sql`alter table person_roles add constraint person_roles_approval_ck check ((approved_at is null) = (approved_by is null))`.execute(db);

  await sql`
    create function jpp_person_role_four_eyes() returns trigger language plpgsql as $$
    begin
      if new.approved_at is not null and exists (select 1 from roles where id = new.role_id and privileged) then
        if new.approved_by = new.granted_by and new.granted_by not like 'system:%' then
          raise exception 'four eyes: a privileged role (%) must be approved by someone other than its granter', new.role_id
            using errcode = 'check_violation';
        end if;
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`create trigger person_roles_four_eyes before insert or update on person_roles for each row execute function jpp_person_role_four_eyes()`.execute(db);

  await db.schema
    .createTable('adapters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('certificate_subject', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('valid_from', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('valid_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('deactivated_at', 'timestamptz')
    .addColumn('deactivated_by', 'text')
    .addCheckConstraint('adapters_validity_ck', sql`valid_until is null or valid_until > valid_from`)
    .execute();
  await db.schema.createIndex('adapters_partner_ix').on('adapters').columns(['partner_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('the register migration cannot be undone: it would lose who registered and approved whom');
}
