/**
 * Web sessions (issue 8): the server side of the browser's session cookie. A row holds who is
 * logged in (person id, organisation, role), the CSRF token and, during an OpenID Connect
 * login, the PKCE verifier, state and nonce. Never an identity, pseudonym or subject hash.
 * Kept in the database so that every broker process on it knows the session, and so that
 * logging out ends the session everywhere at once.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('web_sessions_expires_ix').on('web_sessions').columns(['expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('web_sessions').execute();
}
