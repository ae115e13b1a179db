/**
 * The register of verzoeken van betrokkenen (issue 19 item 2): every request of a youth or a
 * parent under AVG arts. 12–22, received at the samenwerkingsverband's contact point (WGS).
 *
 * - `verzoeken`: the type, the day received, who asked (the youth, a parent or guardian, an
 *   authorised representative), how the requester's identity was checked (the method only,
 *   never a copy of an ID), the deadline (one month, art. 12(3)), an extension by two months with
 *   its reason, and the answer: decision, grondslag, answered on.
 * - `verzoek_subject_hashes`: whom the request is about, as hashes under each key epoch, as
 *   for bezwaren and legal holds.
 *
 * An answered request cannot change its answer; an extension can happen once, before the deadline.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('verzoeken')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('inzage', 'rectificatie', 'wissing', 'beperking', 'bezwaar', 'informatie')`))
    .addColumn('requester', 'text', (c) => c.notNull().check(sql`requester in ('betrokkene', 'ouder-of-voogd', 'gemachtigde')`))
    .addColumn('identity_check', 'text', (c) => c.notNull())
    .addColumn('received_on', 'date', (c) => c.notNull())
    .addColumn('deadline', 'date', (c) => c.notNull())
    .addColumn('extended_until', 'date')
    .addColumn('extension_reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'answered')`))
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('granted', 'partly-granted', 'refused')`))
    .addColumn('grondslag', 'text')
    .addColumn('answered_on', 'date')
    .addColumn('answered_by', 'text')
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`alter table verzoeken add constraint verzoeken_extension_ck check ((extended_until is null) = (extension_reason is null))`.execute(db);
  await sql`alter table verzoeken add constraint verzoeken_answer_ck check ((status = 'answered') = (decision is not null and grondslag is not null and answered_on is not null and answered_by is not null))`.execute(db);
  await db.schema.createIndex('verzoeken_open_ix').on('verzoeken').columns(['status', 'deadline']).execute();
  await db.schema
    .createTable('verzoek_subject_hashes')
    .addColumn('verzoek_id', 'uuid', (c) => c.notNull().references('verzoeken.id').onDelete('cascade'))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull().check(sql`octet_length(subject_hash) = 32`))
    .addPrimaryKeyConstraint('verzoek_subject_hashes_pk', ['verzoek_id', 'subject_hash'])
    .execute();
  await db.schema.createIndex('verzoek_subject_hashes_hash_ix').on('verzoek_subject_hashes').columns(['subject_hash']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('verzoek_subject_hashes').execute();
  await db.schema.dropTable('verzoeken').execute();
}
