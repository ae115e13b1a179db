/**
 * The broker's least-privilege database role (issue 17 item 5). Migrations run as the owner of
 * the tables; the broker process runs as a login role that is a member of `jpp_broker_runtime`,
 * which this migration creates (NOLOGIN) if it is missing and grants exactly what the broker's
 * repositories do:
 * - SELECT and INSERT on every table of the schema, now and later (default privileges for the
 *   tables the migrating role creates): the broker reads and appends;
 * - UPDATE only on the columns that change (status moves, revocations, the session's expiry,
 *   retention's redaction of a logboek entry's content) and DELETE only where something is
 *   removed (retention, a withdrawn signal, a draft's rules, a session);
 * - nothing on the logboek's leaves, nodes, checkpoints or cosignatures but SELECT and INSERT;
 *   no UPDATE of an entry's action, actor, time or outcome, no DELETE of an entry;
 * - SELECT only on the migrator's own tables (the broker checks that it is migrated).
 * The role owns nothing, so it cannot ALTER a table, DISABLE a trigger or TRUNCATE: the
 * append-only guards (migrations 0002, 0005, 0009, 0011) hold against the broker's own
 * credentials. Rows removed by ON DELETE CASCADE (a casus's subjects, history and questions)
 * are removed with the owner's rights (PostgreSQL runs referential actions as the table owner).
 * A table added later that needs UPDATE or DELETE grants it in its own migration.
 *
 * Roles belong to the server, not to one database: the role is created once and granted in
 * every database migrated on that server (docs/operations.md, "Database roles"). Creating it
 * needs CREATEROLE; a migrating role without it finds the role created by an administrator, or
 * stops with what to do. On the embedded database (PGlite) there is one connection as its only
 * user; the role and grants exist there too but nothing connects as it.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'jpp_broker_runtime';

/** Columns the broker updates, per table (read from broker/**\/*.repository.ts). */
const UPDATES: Record<string, readonly string[]> = {
  organisations: ['name', 'active'],
  partners: ['name', 'organisation_id'],
  roles: ['name', 'privileged'],
  people: ['display_name', 'valid_until', 'active', 'deactivated_at', 'deactivated_by'],
  person_roles: ['granted_at', 'granted_by', 'valid_from', 'valid_until', 'approved_at', 'approved_by', 'revoked_at', 'revoked_by'],
  adapters: ['active', 'deactivated_at', 'deactivated_by'],
  cases: ['status', 'status_changed_at', 'outcome', 'closed_at', 'regiehouder', 'regiehouder_since'], // the regiehouder: migration 0062
  case_consents: ['withdrawn_at'], // a withdrawal (migration 0061; its trigger refuses every other change)
  case_subjects: ['notification_state', 'informed_at', 'defer_reason', 'deferred_until', 'notification_changed_at'],
  case_vervolgacties: ['completed_at', 'completed_by'],
  bezwaren: ['lifted_at'],
  legal_holds: ['released_by', 'released_at'],
  policy_versions: [
    'content_hash', 'tests', 'note', 'state', 'updated_at', 'submitted_at', 'reviewer_id', 'reviewer_organisation',
    'reviewer_role', 'reviewed_at', 'approval_preview_id', 'confirmed_new_access', 'activated_at',
  ],
  partner_keys: ['revoked_at'],
  custodian_usage: ['elements'],
  rate_limit_usage: ['count'],
  verzoeken: ['extended_until', 'extension_reason', 'status', 'decision', 'grondslag', 'answered_on', 'answered_by'], // migration 0070 // the per-minute counters (migration 0100), counted by upsert
  web_sessions: ['data', 'expires_at'],
  // Retention's redaction only: the guard (migration 0009) refuses every other change.
  logboek_entries: ['content', 'subject_hash', 'case_ref', 'query_id'],
};

/** Tables the broker deletes rows from. */
const DELETES: readonly string[] = [
  'signals', // retention, a partner's withdrawal
  'cases', // retention of closed casussen
  'bezwaren', // retention of ended bezwaren
  'custodian_usage', // retention of old quota counts
  'rate_limit_usage', // counters older than the day window, pruned as they are counted
  'web_sessions', // logout, expiry
  'policy_rules', // a draft's rules replaced (the guard refuses it for other states)
  'logboek_subject_aliases', // a redacted entry's other hashes (the guard allows only that)
];

const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = 'jpp_broker_runtime') then
        begin
          create role jpp_broker_runtime nologin;
        exception
          -- another database on this server created it at the same moment
          when duplicate_object or unique_violation then null;
          when insufficient_privilege then
            raise exception 'the role jpp_broker_runtime does not exist and % may not create roles', current_user
              using hint = 'as an administrator: CREATE ROLE jpp_broker_runtime NOLOGIN; then migrate again (docs/operations.md, "Database roles")';
        end;
      end if;
    end
    $$`.execute(db);
  const role = sql.id(RUNTIME_ROLE);
  const schema = sql`${sql.id((await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s)}`;
  await sql`grant select, insert on all tables in schema ${schema} to ${role}`.execute(db);
  await sql`alter default privileges in schema ${schema} grant select, insert on tables to ${role}`.execute(db);
  for (const t of MIGRATOR_TABLES) await sql`revoke insert on ${sql.table(t)} from ${role}`.execute(db);
  for (const [table, columns] of Object.entries(UPDATES)) {
    await sql`grant update (${sql.join(columns.map((c) => sql.id(c)))}) on ${sql.table(table)} to ${role}`.execute(db);
  }
  for (const table of DELETES) await sql`grant delete on ${sql.table(table)} to ${role}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The role stays: other databases on the server may use it.
  const role = sql.id(RUNTIME_ROLE);
  const schema = sql`${sql.id((await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s)}`;
  await sql`alter default privileges in schema ${schema} revoke select, insert on tables from ${role}`.execute(db);
  // Revoking a table's privileges revokes its column privileges too.
  await sql`revoke all on all tables in schema ${schema} from ${role}`.execute(db);
}
