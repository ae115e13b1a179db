/**
 * The logboek: every processing step as an entry of a Merkle tree (RFC 9162) with signed
 * checkpoints. Replaces the core loop's flat disclosure_log, whose rows move into the
 * logboek unchanged in meaning (action `disclosure`), to be sequenced like any new entry.
 *
 * The database enforces:
 * - entries: no DELETE or TRUNCATE; the only UPDATE sets seq and leaf_hash from NULL, once,
 *   with every other column unchanged;
 * - nodes and checkpoints: append-only.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('logboek_entries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('seq', 'bigint', (c) => c.unique())
    .addColumn('leaf_hash', 'bytea')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('logged_at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text')
    .addColumn('role_id', 'text')
    .addColumn('partner_id', 'text')
    .addColumn('doel', 'text')
    .addColumn('case_ref', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('subject_hash', 'bytea')
    .addColumn('query_id', 'uuid')
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addCheckConstraint('logboek_sequenced_ck', sql`(seq is null) = (leaf_hash is null)`)
    .execute();
  await sql`create index logboek_pending_ix on logboek_entries (id) where seq is null`.execute(db);
  await db.schema.createIndex('logboek_action_ix').on('logboek_entries').columns(['action', 'id']).execute();
  await db.schema.createIndex('logboek_case_ix').on('logboek_entries').columns(['case_ref', 'id']).execute();
  await db.schema.createIndex('logboek_time_ix').on('logboek_entries').columns(['logged_at', 'id']).execute();
  await db.schema.createIndex('logboek_subject_ix').on('logboek_entries').columns(['subject_hash']).execute();

  await db.schema
    .createTable('logboek_nodes')
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('logboek_nodes_pk', ['level', 'idx'])
    .execute();
  await db.schema
    .createTable('logboek_checkpoints')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('tree_size', 'bigint', (c) => c.notNull())
    .addColumn('root_hash', 'bytea', (c) => c.notNull())
    .addColumn('jws', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await sql`
    create function jpp_logboek_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE'
         and old.seq is null and new.seq is not null
         and old.leaf_hash is null and new.leaf_hash is not null
         and (new.id, new.content, new.action, new.logged_at, new.actor_id, new.organisation_id, new.role_id,
              new.partner_id, new.doel, new.case_ref, new.outcome, new.subject_hash, new.query_id, new.trace_id)
             is not distinct from
             (old.id, old.content, old.action, old.logged_at, old.actor_id, old.organisation_id, old.role_id,
              old.partner_id, old.doel, old.case_ref, old.outcome, old.subject_hash, old.query_id, old.trace_id)
      then
        return new;
      end if;
      raise exception 'the logboek is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`create trigger logboek_entries_guard before update or delete on logboek_entries for each row execute function jpp_logboek_guard()`.execute(db);
  for (const table of ['logboek_entries', 'logboek_nodes', 'logboek_checkpoints']) {
    if (table !== 'logboek_entries') {
      await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function jpp_refuse_log_change()`.execute(db);
    }
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function jpp_refuse_log_change()`.execute(db);
  }
  await sql`
    create or replace function jpp_refuse_log_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the logboek is append-only: % on % refused', tg_op, tg_table_name using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);

  // Move the core loop's disclosure log into the logboek, in its original order.
  await sql`
    insert into logboek_entries (content, action, logged_at, actor_id, organisation_id, role_id, partner_id, doel,
                                 case_ref, outcome, subject_hash, query_id, trace_id)
    select jsonb_build_object(
             'v', 1, 'action', 'disclosure', 'activity', 'jpp-bevraging',
             'actor', jsonb_build_object('kind', 'person', 'id', user_id, 'organisation', organisation_id, 'role', role_id),
             'subject', translate(rtrim(encode(subject_hash, 'base64'), '='), '+/', '-_'),
             'doel', doel, 'caseRef', case_ref, 'partner', partner_id, 'outcome', outcome, 'queryId', query_id::text,
             'rules', rules,
             'details', jsonb_build_object('consent', consent, 'categoriesCounted', categories_counted),
             'policy', jsonb_build_object('version', policy_version_id, 'hash', policy_hash),
             'traceId', trace_id,
             'startedAt', to_char(logged_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'endedAt', to_char(logged_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           )::text,
           'disclosure', logged_at, user_id, organisation_id, role_id, partner_id, doel, case_ref, outcome, subject_hash, query_id, trace_id
      from disclosure_log order by id`.execute(db);
  await db.schema.dropTable('disclosure_log').execute();
}

export async function down(): Promise<void> {
  throw new Error('the logboek migration cannot be reverted: the log must not be dropped');
}
