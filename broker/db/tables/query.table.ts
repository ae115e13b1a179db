import type { ColumnType } from 'kysely';

/** One "bekend?" question. Its answers are in the disclosure log, written in the same transaction. */
export interface QueryTable {
  id: ColumnType<string, string, never>;
  case_id: ColumnType<string, string, never>;
  asked_by: ColumnType<string, string, never>;
  organisation_id: ColumnType<string, string, never>;
  role_id: ColumnType<string, string, never>;
  doel: ColumnType<string, string, never>;
  subject_hash: ColumnType<Uint8Array, Uint8Array, never>;
  consent: ColumnType<boolean, boolean, never>;
  policy_version_id: ColumnType<number, number, never>;
  trace_id: ColumnType<string, string, never>;
  asked_at: ColumnType<Date, Date, never>;
}
