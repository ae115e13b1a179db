/**
 * The logboek's other subject hashes, as an index: during a key rotation's overlap a question
 * names one youth by a pseudonym under each active key epoch, and the entry keeps the extra
 * hashes in its content (`details.alsoSubjects`). Inzage (AVG art. 15) and legal holds must
 * find the entry under any of them. Until now that was a text search over the content of
 * every disclosure, which read the whole log for each inzageverzoek.
 *
 * `logboek_subject_aliases` holds (subject_hash, entry_id) for each extra hash. It is derived
 * from the content, which the Merkle tree covers; the rows themselves are not in the tree. So
 * the database guards them as it guards the entry's copied columns: inserted once, never
 * updated, and deleted only for an entry whose content retention has redacted (as the entry's
 * subject_hash is then set to NULL). Existing entries are backfilled from their content.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('logboek_subject_aliases')
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('logboek_entries.id'))
    .addPrimaryKeyConstraint('logboek_subject_aliases_pk', ['subject_hash', 'entry_id'])
    .execute();
  await db.schema.createIndex('logboek_subject_aliases_entry_ix').on('logboek_subject_aliases').columns(['entry_id']).execute();
  await sql`
    create function jpp_logboek_alias_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and exists (select 1 from logboek_entries e where e.id = old.entry_id and e.content is null) then
        return old;
      end if;
      raise exception 'the logboek is append-only (a subject alias goes only with its redacted entry): % refused', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`create trigger logboek_subject_aliases_guard before update or delete on logboek_subject_aliases for each row execute function jpp_logboek_alias_guard()`.execute(db);
  await sql`create trigger logboek_subject_aliases_no_truncate before truncate on logboek_subject_aliases for each statement execute function jpp_refuse_log_change()`.execute(db);

  // Backfill: every extra hash an unredacted entry names (base64url, 43 characters, in its content).
  await sql`
    insert into logboek_subject_aliases (subject_hash, entry_id)
    select distinct decode(translate(a.alias, '-_', '+/') || '=', 'base64'), e.id
      from logboek_entries e
      cross join lateral jsonb_array_elements_text(
        case when jsonb_typeof(e.content::jsonb -> 'details' -> 'alsoSubjects') = 'array'
             then e.content::jsonb -> 'details' -> 'alsoSubjects' else '[]'::jsonb end) as a(alias)
     where e.content is not null
       and position('"alsoSubjects"' in e.content) > 0
       and length(a.alias) = 43`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the logboek migrations cannot be reverted');
}
