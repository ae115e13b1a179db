/**
 * Beperking van de verwerking (AVG art. 18; issue 19 item 4): a restriction is kept beside the
 * bezwaren, as a bezwaar-like block of its subject for every doel until it is lifted, so that the
 * question path (which reads the block in the same round-trip as its casus) blocks it as it
 * blocks an upheld bezwaar, and retention ends it on the bezwaren's terms.
 *
 * - `bezwaren.kind`: `bezwaar` (existing rows) or `beperking`; a beperking is always upheld.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bezwaren').addColumn('kind', 'text', (c) => c.notNull().defaultTo('bezwaar')).execute();
  await sql`alter table bezwaren add constraint bezwaren_kind_ck check (kind in ('bezwaar', 'beperking') and (kind = 'bezwaar' or decision = 'upheld'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bezwaren').dropColumn('kind').execute();
}
