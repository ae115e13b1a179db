/** The health check's one statement: the database answers (`select 1`). */
import { sql, type Kysely } from 'kysely';

export async function pingDatabase(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}
