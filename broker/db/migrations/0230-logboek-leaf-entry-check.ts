/**
 * A leaf must name a real entry: checked once per INSERT statement instead of by the foreign key
 * `logboek_leaves.entry_id → logboek_entries.id` (migration 0005), which is dropped.
 *
 * Why: the key's check runs per leaf (a `SELECT … FOR KEY SHARE` of the entry through SPI), and the
 * row lock it takes writes the entry's tuple header, so placing an entry cost PostgreSQL about 25 µs
 * more than the leaf itself (docs/performance.md, scenario 8): with it, one PostgreSQL backend could
 * not place 50,000 entries a second. What the key guarded:
 * - on insert, that the leaf's entry exists: the statement trigger below refuses, with the key's
 *   SQLSTATE (23503, foreign_key_violation), any INSERT into `logboek_leaves` of which a row names
 *   no entry, whoever inserts (the broker's runtime role cannot disable it: it owns no table,
 *   migration 0110). It reads the statement's new rows as a transition table and looks each entry
 *   up by its primary key, one anti-join per statement: no lock, no per-row SPI call;
 * - on the entries' side, that an entry with a leaf is not deleted and does not change its id: the
 *   entries' guard (migration 0009) already refuses every DELETE and every change of `id`, and
 *   TRUNCATE (migration 0002), so the key's restriction there had nothing left to do.
 * Both hold against the same writers as the key did: an owner who disables triggers (or runs with
 * `session_replication_role = replica`) switched the key's own triggers off as well.
 *
 * The check is run with EXECUTE, so that it is planned for each statement with that statement's
 * number of rows and the entries table as it is then (a plan cached by the function would keep the
 * shape chosen when the log was small, e.g. a hash join over every entry).
 *
 * Frozen: imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The key's name is PostgreSQL's default for migration 0005's inline reference; found, not assumed.
  await sql`
    do $$
    declare k name;
    begin
      for k in
        select c.conname from pg_constraint c
         where c.conrelid = 'logboek_leaves'::regclass and c.contype = 'f' and c.confrelid = 'logboek_entries'::regclass
      loop
        execute format('alter table logboek_leaves drop constraint %I', k);
      end loop;
    end
    $$`.execute(db);
  await sql`
    create function jpp_logboek_leaf_entries_check() returns trigger language plpgsql as $$
    declare missing bigint;
    begin
      execute 'select n.entry_id from jpp_new_leaves n
                where not exists (select 1 from logboek_entries e where e.id = n.entry_id) limit 1'
        into missing;
      if missing is not null then
        raise exception 'a logboek leaf names entry %, which does not exist', missing
          using errcode = 'foreign_key_violation';
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger logboek_leaves_entry_check after insert on logboek_leaves
      referencing new table as jpp_new_leaves
      for each statement execute function jpp_logboek_leaf_entries_check()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the logboek migrations cannot be reverted');
}
