/**
 * The signals' partner, checked once per statement instead of once per row (issue 21, item 3,
 * scenario 7). `signals.partner_id` had a foreign key to `partners` (migration 0001): PostgreSQL
 * checked it for every row, a query and a `FOR KEY SHARE` lock on the same partners row per
 * signal, a thousand per batch, by every concurrent batch of the same partner (docs/performance.md,
 * scenario 7, "The signals' partner checked once per batch"). The key goes; the same guarantee
 * stays, in two triggers:
 *
 * - On `signals`, after each INSERT or UPDATE statement: the statement's new rows name only
 *   partners that exist. Each distinct partner of the statement (one for an adapter's batch) is
 *   locked `FOR KEY SHARE` once, as the key locked it per row, so that a concurrent delete of
 *   that partner waits for this transaction and then finds its signals; a partner that is not
 *   there fails the statement with SQLSTATE 23503 (foreign_key_violation), as the key did.
 * - On `partners`, before a row is deleted or its id changed: refused with 23503 while any signal
 *   names it. A delete or id change locks the partners row first (it conflicts with the insert's
 *   `FOR KEY SHARE`), so a concurrent insert is either seen (it committed) or fails its own check
 *   (the row went). The key's NO ACTION had no cascade, and neither has this.
 *
 * TRUNCATE of partners stays refused by the other tables' keys to it (signal_batches, adapters…).
 * The runtime role (migration 0110) may update some partners columns, which is what a
 * `FOR KEY SHARE` lock asks; the functions run with the caller's rights.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const fk = await sql<{ conname: string }>`
    select conname::text from pg_constraint
     where conrelid = 'signals'::regclass and contype = 'f' and confrelid = 'partners'::regclass`.execute(db);
  for (const { conname } of fk.rows) await sql`alter table signals drop constraint ${sql.id(conname)}`.execute(db);

  await sql`
    create function jpp_signals_partner_check() returns trigger language plpgsql as $$
    declare
      wanted text[];
      present integer;
    begin
      select array_agg(distinct partner_id) into wanted from jpp_new_signals;
      if wanted is null then
        return null;
      end if;
      select count(*) into present from (select 1 from partners p where p.id = any (wanted) for key share of p) locked;
      if present <> cardinality(wanted) then
        raise exception 'insert or update on table "signals" names a partner that is not in "partners"'
          using errcode = 'foreign_key_violation';
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger signals_partner_check_insert after insert on signals referencing new table as jpp_new_signals for each statement execute function jpp_signals_partner_check()`.execute(db);
  await sql`create trigger signals_partner_check_update after update on signals referencing new table as jpp_new_signals for each statement execute function jpp_signals_partner_check()`.execute(db);

  await sql`
    create function jpp_partners_signals_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.id = old.id then
        return new;
      end if;
      if exists (select 1 from signals s where s.partner_id = old.id) then
        raise exception 'partner still has signals: % on table "partners" refused', tg_op
          using errcode = 'foreign_key_violation';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end
    $$`.execute(db);
  await sql`create trigger partners_signals_guard before delete or update of id on partners for each row execute function jpp_partners_signals_guard()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger partners_signals_guard on partners`.execute(db);
  await sql`drop function jpp_partners_signals_guard()`.execute(db);
  await sql`drop trigger signals_partner_check_update on signals`.execute(db);
  await sql`drop trigger signals_partner_check_insert on signals`.execute(db);
  await sql`drop function jpp_signals_partner_check()`.execute(db);
  await sql`alter table signals add constraint signals_partner_id_fkey foreign key (partner_id) references partners (id)`.execute(db);
}
