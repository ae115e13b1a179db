/**
 * Key epochs: every signal records the custodian key epoch its pseudonym was computed
 * under, so that a retired epoch's signals can be found and removed without knowing who
 * they are about. (A partner re-submits under a new epoch with new refs, or withdraws the
 * old signal first: a known ref counts as a duplicate.) Existing signals were epoch 1.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('signals')
    .addColumn('epoch', 'integer', (c) => c.notNull().defaultTo(1).check(sql`epoch >= 1`))
    .execute();
  await db.schema.createIndex('signals_epoch_ix').on('signals').columns(['epoch']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('signals').dropColumn('epoch').execute();
}
