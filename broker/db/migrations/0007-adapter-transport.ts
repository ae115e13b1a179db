/**
 * Adapter transport (issue 6):
 * - `partner_keys`: the public JWS keys registered to each partner. A signed batch is
 *   verified against these; keys are never deleted (a stored JWS must stay verifiable),
 *   only marked revoked.
 * - `signal_batch_signatures`: the compact JWS of every accepted signed batch, kept for
 *   non-repudiation; the `signal-batch` logboek entry names its SHA-256.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('partner_keys')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addPrimaryKeyConstraint('partner_keys_pk', ['partner_id', 'kid'])
    .execute();
  await db.schema
    .createTable('signal_batch_signatures')
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('jws', 'text', (c) => c.notNull())
    .addColumn('jws_sha256', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('signal_batch_signatures_pk', ['partner_id', 'batch_id'])
    .addForeignKeyConstraint('signal_batch_signatures_batch_fk', ['partner_id', 'batch_id'], 'signal_batches', ['partner_id', 'batch_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signal_batch_signatures').execute();
  await db.schema.dropTable('partner_keys').execute();
}
