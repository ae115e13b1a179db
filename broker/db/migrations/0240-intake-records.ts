/**
 * The store step's per-subject records in chunks (issue 21, item 3, scenario 7): a partner's
 * batch writes its `signal-batch` entry and one `signal-intake` entry per chunk of up to 200
 * stored signals, whose `details.records` hold one record per data subject (subject hash, ref,
 * category, epoch, span id), instead of one `signal-intake` entry per stored signal.
 * docs/architecture.md ("Intake records in chunks") says why and what holds.
 *
 * - `logboek_intake_records(entry_id, record, subject_hash)`: one row per record of such an entry
 *   (`record` is its index in `details.records`), so that the readers by subject (retention's legal
 *   holds and redaction, the "anything left about this subject" test of bezwaren and verzoeken,
 *   inzage) find an entry under each of its subjects without opening the content. Derived from the
 *   content, which the Merkle tree covers; the rows themselves are not in the tree. The database
 *   guards them as it guards logboek_subject_aliases (migration 0011), which also name subjects:
 *   inserted once, never updated or truncated, and deleted only together with their entry's
 *   redaction (retention sets an entry's subject columns to NULL; these rows go the same way).
 *   Old `signal-intake` entries (one per signal, the subject in the entry's own column) have no
 *   rows here, and every reader reads both forms.
 * - No foreign key to logboek_entries: it checked each row (a thousand per batch) against an entry
 *   the same transaction had just inserted, and took a third of the rows' cost in PostgreSQL
 *   (docs/performance.md, scenario 7). The insert joins the entries instead, once per chunk, and
 *   fails the transaction unless every row names a `signal-intake` entry (intake-records.repository.ts);
 *   entries are never deleted (migration 0009's guard), so what was checked at insert stays true.
 * - The runtime role (migration 0110) gets SELECT and INSERT by default privileges, and DELETE
 *   here (retention's redaction; the guard allows nothing else).
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'jpp_broker_runtime';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('logboek_intake_records')
    .addColumn('entry_id', 'bigint', (c) => c.notNull())
    .addColumn('record', 'smallint', (c) => c.notNull().check(sql`record >= 0`))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addPrimaryKeyConstraint('logboek_intake_records_pk', ['entry_id', 'record'])
    .execute();
  await db.schema.createIndex('logboek_intake_records_subject_ix').on('logboek_intake_records').columns(['subject_hash']).execute();
  await sql`
    create function jpp_logboek_intake_record_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and exists (select 1 from logboek_entries e where e.id = old.entry_id and e.content is null) then
        return old;
      end if;
      raise exception 'the logboek is append-only (an intake record''s index row goes only with its redacted entry): % refused', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`create trigger logboek_intake_records_guard before update or delete on logboek_intake_records for each row execute function jpp_logboek_intake_record_guard()`.execute(db);
  await sql`create trigger logboek_intake_records_no_truncate before truncate on logboek_intake_records for each statement execute function jpp_refuse_log_change()`.execute(db);
  await sql`grant select, insert, delete on logboek_intake_records to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the logboek migrations cannot be reverted: chunked intake entries cannot be turned back into per-signal entries');
}
