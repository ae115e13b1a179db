/**
 * Rate-limit counters (issue 17 item 6): how many questions and casus creations each person and
 * each organisation had in one minute, so that limits per minute and per 24 hours hold across
 * replicas, restarts and both engines. A counter names a person or an organisation of the
 * register, never a subject. Frozen: imports no domain code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_usage')
    .addColumn('counter', 'text', (c) => c.notNull())
    .addColumn('minute', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count > 0`))
    .addPrimaryKeyConstraint('rate_limit_usage_pk', ['counter', 'minute'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_usage').execute();
}
