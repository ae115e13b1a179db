/**
 * Checkpoints as C2SP signed notes, and witness cosignatures (issue 20).
 *
 * - `logboek_checkpoints.note`: the checkpoint as a tlog-checkpoint signed note, signed by the log
 *   (broker/logboek/checkpoint-note.ts). NULL for the checkpoints written before this migration,
 *   which exist as JWS only; from now on the sequencer writes both, so that witnesses and exports
 *   that know only the JWS keep working while they move to the note.
 * - `logboek_cosignatures`: per checkpoint and witness key, the tlog-cosignature line a witness
 *   answered to add-checkpoint, checked against the witness's configured key before it is stored;
 *   `cosigned_at` is the time inside the cosignature. Insert-only, like the rest of the logboek:
 *   UPDATE, DELETE and TRUNCATE are refused (jpp_refuse_log_change, migration 0002).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('logboek_checkpoints').addColumn('note', 'text').execute();
  await db.schema
    .createTable('logboek_cosignatures')
    .addColumn('checkpoint_id', 'bigint', (c) => c.notNull().references('logboek_checkpoints.id'))
    .addColumn('witness', 'text', (c) => c.notNull())
    .addColumn('key_id', 'bigint', (c) => c.notNull().check(sql`key_id >= 0 and key_id < 4294967296`))
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('cosigned_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('logboek_cosignatures_pk', ['checkpoint_id', 'witness', 'key_id'])
    .execute();
  await sql`create trigger logboek_cosignatures_append_only before update or delete on logboek_cosignatures for each row execute function jpp_refuse_log_change()`.execute(db);
  await sql`create trigger logboek_cosignatures_no_truncate before truncate on logboek_cosignatures for each statement execute function jpp_refuse_log_change()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the logboek migrations cannot be reverted');
}
