/**
 * Retention of verzoeken van betrokkenen (issue 19): retention deletes an answered verzoek
 * `bewaartermijnen.verzoekDays` after it was answered, once nothing of its subject is left
 * (docs/casus.md, "Retention"). The broker's runtime role (migration 0110) gets DELETE on
 * `verzoeken` only: its subject hashes (migration 0070) and its tasks (`verzoek_taken`, migration
 * 0130) go by ON DELETE CASCADE, which PostgreSQL runs with the table owner's rights, as for a
 * casus's subjects and a bezwaar's hashes. `signal_erasures` gets no DELETE: an erasure record
 * stays after its verzoek (it names a partner and an opaque ref only).
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`grant delete on verzoeken to jpp_broker_runtime`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`revoke delete on verzoeken from jpp_broker_runtime`.execute(db);
}
