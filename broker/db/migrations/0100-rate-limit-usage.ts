/**
 * Rate-limit counters (issue 17 item 6): how many questions and casus creations each person and
 * each organisation had in one minute, so that limits per minute and per 24 hours hold across
 * replicas, restarts and both engines. A counter names a person or an organisation of the
 * register, never a subject. Each counter's minute is spread over a few shards (rows), so that
 * concurrent requests of one organisation do not all queue on one row lock. Frozen: imports no
 * domain code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_usage')
    .addColumn('counter', 'text', (c) => c.notNull())
    .addColumn('minute', 'timestamptz', (c) => c.notNull())
    .addColumn('shard', 'smallint', (c) => c.notNull().defaultTo(0).check(sql`shard >= 0 and shard < 64`))
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count > 0`))
    .addPrimaryKeyConstraint('rate_limit_usage_pk', ['counter', 'minute', 'shard'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_usage').execute();
}
