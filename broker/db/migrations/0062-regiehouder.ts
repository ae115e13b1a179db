/**
 * Regie (issue 18 item 3): a casus records its regiehouder, the partner that holds the regie after
 * the bespreking (null until recorded; casussen from before stay null). An index finds open
 * vervolgacties by due date for the overdue list.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('regiehouder', 'text', (c) => c.references('partners.id'))
    .addColumn('regiehouder_since', 'timestamptz')
    .execute();
  await sql`alter table cases add constraint cases_regiehouder_since check ((regiehouder is null) = (regiehouder_since is null))`.execute(db);
  await sql`create index case_vervolgacties_open_due_ix on case_vervolgacties (due_date) where completed_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index case_vervolgacties_open_due_ix`.execute(db);
  await sql`alter table cases drop constraint cases_regiehouder_since`.execute(db);
  await db.schema.alterTable('cases').dropColumn('regiehouder').dropColumn('regiehouder_since').execute();
}
