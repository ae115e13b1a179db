import type { ColumnType } from 'kysely';

/** A browser session (migration 0010): who is logged in and the CSRF token; no identities. */
export interface WebSessionTable {
  sid: ColumnType<string, string, never>;
  /** The session's JSON (express-session's object, cookie included). */
  data: string;
  expires_at: Date;
  created_at: ColumnType<Date, Date | undefined, never>;
}
