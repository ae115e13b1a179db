/**
 * Forwarding verzoeken van betrokkenen to partners (issue 19 items 3 and 4). Under the WGS a
 * request to the samenwerkingsverband counts as a request to every joint controller; when it
 * concerns a partner's signals, it becomes a task (taak) for that partner.
 *
 * - `verzoek_taken`: one task per (verzoek, partner): the partner's OWN signal refs it concerns
 *   (never a subject), its status (open, corrected, withdrawn, refused), the partner's reason
 *   when it refuses, and who forwarded and answered it when. An answered task does not change.
 * - `signal_erasures`: the (partner, ref) pairs erased at a data subject's request (AVG art. 17):
 *   the partner must not send them again, and intake refuses them. Opaque refs only, no subject.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('verzoek_taken')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('verzoek_id', 'uuid', (c) => c.notNull().references('verzoeken.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('refs', sql`text[]`, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'corrected', 'withdrawn', 'refused')`))
    .addColumn('reason', 'text')
    .addColumn('forwarded_by', 'text', (c) => c.notNull())
    .addColumn('forwarded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_by', 'text')
    .addColumn('answered_at', 'timestamptz')
    .addUniqueConstraint('verzoek_taken_partner_uq', ['verzoek_id', 'partner_id'])
    .execute();
  await sql`alter table verzoek_taken add constraint verzoek_taken_answer_ck check ((status = 'open') = (answered_at is null) and (answered_at is null) = (answered_by is null) and (status <> 'refused' or reason is not null))`.execute(db);
  await sql`alter table verzoek_taken add constraint verzoek_taken_refs_ck check (cardinality(refs) > 0)`.execute(db);
  await db.schema.createIndex('verzoek_taken_partner_ix').on('verzoek_taken').columns(['partner_id', 'status']).execute();
  await db.schema
    .createTable('signal_erasures')
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('verzoek_id', 'uuid', (c) => c.notNull())
    .addColumn('taak_id', 'uuid', (c) => c.notNull())
    .addColumn('erased_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('signal_erasures_pk', ['partner_id', 'ref'])
    .execute();
  // The broker answers a task once: only these columns change, from open to answered.
  // Migration 0110 made the runtime role; a table added later grants its own UPDATE columns.
  await sql`grant update (status, reason, answered_by, answered_at) on verzoek_taken to jpp_broker_runtime`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signal_erasures').execute();
  await db.schema.dropTable('verzoek_taken').execute();
}
