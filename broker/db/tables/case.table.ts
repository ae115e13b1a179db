import type { ColumnType, Generated } from 'kysely';

/** A casus, known by the ZVH's own case reference. A casus is opened for one doel. */
export interface CaseTable {
  id: Generated<string>;
  case_ref: ColumnType<string, string, never>;
  doel: ColumnType<string, string, never>;
  opened_by: ColumnType<string, string, never>;
  opened_at: ColumnType<Date, Date | undefined, never>;
}
