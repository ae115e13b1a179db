/**
 * The logboek's leaves move out of the entries into an insert-only table of their own,
 * `logboek_leaves (seq, entry_id, leaf_hash)`, so that no entry is ever updated.
 *
 * Why: sequencing used to UPDATE every entry once (seq and leaf_hash from NULL). That
 * update could never be HOT (seq is indexed), so every entry was written twice, with every
 * index of the entries table maintained twice; it was most of the Merkle maintenance cost
 * in the query path (docs/performance.md). Now the sequencer only inserts.
 *
 * Finding what is pending without an UPDATE: each entry records the id of the transaction
 * that wrote it (`tx`, a `pg_current_xact_id()`). The sequencer takes entries in (tx, id)
 * order, and only those whose transaction is older than every transaction still running
 * (`tx < pg_snapshot_xmin(pg_current_snapshot())`): no entry can appear before such an
 * entry any more, so the last leaf's (tx, id) is a safe cursor. (The technique is that of
 * transactional outboxes read in commit order.)
 *
 * Existing rows: sequenced entries get tx 1 and pending ones tx 2, below any real
 * transaction id, so that the cursor after the last existing leaf still finds every
 * pending one.
 *
 * The database enforces, from here on:
 * - entries: no UPDATE, DELETE or TRUNCATE at all;
 * - leaves, nodes and checkpoints: append-only.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('logboek_leaves')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().check(sql`seq >= 0`))
    .addColumn('entry_id', 'bigint', (c) => c.notNull().unique().references('logboek_entries.id'))
    .addColumn('leaf_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(leaf_hash) = 32`))
    .execute();
  await sql`insert into logboek_leaves (seq, entry_id, leaf_hash) select seq, id, leaf_hash from logboek_entries where seq is not null`.execute(db);

  await sql`alter table logboek_entries disable trigger logboek_entries_guard`.execute(db);
  await sql`alter table logboek_entries add column tx xid8 not null default '1'::xid8`.execute(db);
  await sql`update logboek_entries set tx = '2'::xid8 where seq is null`.execute(db);
  await sql`alter table logboek_entries alter column tx set default pg_current_xact_id()`.execute(db);
  await sql`drop index logboek_pending_ix`.execute(db);
  await sql`alter table logboek_entries drop constraint logboek_sequenced_ck`.execute(db);
  await sql`alter table logboek_entries drop column seq`.execute(db);
  await sql`alter table logboek_entries drop column leaf_hash`.execute(db);
  await db.schema.createIndex('logboek_tx_ix').on('logboek_entries').columns(['tx', 'id']).execute();

  await sql`drop trigger logboek_entries_guard on logboek_entries`.execute(db);
  await sql`drop function jpp_logboek_guard()`.execute(db);
  await sql`create trigger logboek_entries_append_only before update or delete on logboek_entries for each row execute function jpp_refuse_log_change()`.execute(db);
  await sql`create trigger logboek_leaves_append_only before update or delete on logboek_leaves for each row execute function jpp_refuse_log_change()`.execute(db);
  await sql`create trigger logboek_leaves_no_truncate before truncate on logboek_leaves for each statement execute function jpp_refuse_log_change()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the logboek migration cannot be reverted: the log must not be dropped');
}
