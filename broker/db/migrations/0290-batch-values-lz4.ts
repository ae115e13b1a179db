/**
 * The two large values a signal batch writes are compressed with lz4 instead of pglz, where the
 * server has lz4 (issue 21, item 3; docs/performance.md, scenario 7):
 * - `signal_batch_signatures.jws`, the batch's compact JWS kept for non-repudiation (about 230 KB
 *   for 1,000 signals);
 * - `logboek_entries.content`, whose `signal-intake` chunks are about 30 KB of canonical JSON each.
 * PostgreSQL compresses both when it stores them out of line; pglz was 5–7 % of the PostgreSQL
 * backends' CPU in the store step (perf), and lz4 compresses this text as well (a batch's JWS: 74
 * KB with pglz, 71 KB with lz4) with about a quarter less CPU per stored batch.
 *
 * Only how new values are stored changes: values already stored keep their compression, a value
 * reads back the same either way, and nothing that reads them (export, verification, inzage)
 * knows the difference. A server built without lz4 (PGlite) refuses the method
 * (feature_not_supported): the columns then stay as they were, pglz.
 *
 * Frozen: imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      alter table signal_batch_signatures alter column jws set compression lz4;
      alter table logboek_entries alter column content set compression lz4;
    exception when feature_not_supported then
      null; -- no lz4 in this server: pglz stays
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table signal_batch_signatures alter column jws set compression default`.execute(db);
  await sql`alter table logboek_entries alter column content set compression default`.execute(db);
}
