/**
 * Custodian usage: how many elements each caller had evaluated, per minute, so that
 * quotas per minute and per day hold across restarts and across processes.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('custodian_usage')
    .addColumn('caller_id', 'text', (c) => c.notNull())
    .addColumn('minute', 'timestamptz', (c) => c.notNull())
    .addColumn('elements', 'integer', (c) => c.notNull().check(sql`elements > 0`))
    .addPrimaryKeyConstraint('custodian_usage_pk', ['caller_id', 'minute'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('custodian_usage').execute();
}
