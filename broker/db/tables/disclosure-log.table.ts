import type { ColumnType, Generated } from 'kysely';

/** A rule reference as stored in the log. */
export interface LoggedRule {
  rule: string;
  effect: 'allow' | 'deny';
  grondslag: string;
}

/**
 * The disclosure log (Wpg art. 32 protocolplicht): one entry per partner answer,
 * `not-permitted` included. Append-only: no column is updatable in the type, and the
 * database refuses UPDATE, DELETE and TRUNCATE through triggers.
 */
export interface DisclosureLogTable {
  id: Generated<number>;
  query_id: ColumnType<string, string, never>;
  logged_at: ColumnType<Date, Date, never>;
  user_id: ColumnType<string, string, never>;
  organisation_id: ColumnType<string, string, never>;
  role_id: ColumnType<string, string, never>;
  doel: ColumnType<string, string, never>;
  case_ref: ColumnType<string, string, never>;
  consent: ColumnType<boolean, boolean, never>;
  subject_hash: ColumnType<Uint8Array, Uint8Array, never>;
  partner_id: ColumnType<string, string, never>;
  outcome: ColumnType<'hit' | 'no-hit' | 'not-permitted', 'hit' | 'no-hit' | 'not-permitted', never>;
  categories_counted: ColumnType<string[], string, never>;
  rules: ColumnType<LoggedRule[], string, never>;
  policy_version_id: ColumnType<number, number, never>;
  policy_hash: ColumnType<string, string, never>;
  trace_id: ColumnType<string, string, never>;
}
