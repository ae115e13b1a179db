/**
 * Retention (issue 7): legal holds, which suspend removal for one casus or one subject.
 * (The logboek guard's redaction transition is added here once the leaf hashes live in
 * their own insert-only table.)
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('case', 'subject')`))
    .addColumn('case_id', 'uuid', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('placed_by', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('released_by', 'text')
    .addColumn('released_at', 'timestamptz')
    .addCheckConstraint('legal_holds_scope_ck', sql`(scope = 'case') = (case_id is not null)`)
    .execute();
  await db.schema
    .createTable('legal_hold_subject_hashes')
    .addColumn('hold_id', 'uuid', (c) => c.notNull().references('legal_holds.id'))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addPrimaryKeyConstraint('legal_hold_subject_hashes_pk', ['hold_id', 'subject_hash'])
    .execute();
  await db.schema.createIndex('legal_hold_subject_hashes_hash_ix').on('legal_hold_subject_hashes').columns(['subject_hash']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('legal_hold_subject_hashes').execute();
  await db.schema.dropTable('legal_holds').execute();
}
