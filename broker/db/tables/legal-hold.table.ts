import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;

/**
 * A legal hold (e.g. a pending complaint at the Autoriteit Persoonsgegevens): while it is
 * active, retention removes nothing of its casus or its subject. Released, never deleted.
 * A casus under an active hold is never removed; a released hold goes with its casus.
 */
export interface LegalHoldTable {
  id: Generated<string>;
  scope: Immutable<'case' | 'subject'>;
  case_id: ColumnType<string | null, string | null, never>;
  reason: Immutable<string>;
  placed_by: Immutable<string>;
  placed_at: Immutable<Date>;
  released_by: ColumnType<string | null, undefined, string>;
  released_at: ColumnType<Date | null, undefined, Date>;
}

/** The subject of a subject hold, under each key epoch it was given in. */
export interface LegalHoldSubjectHashTable {
  hold_id: Immutable<string>;
  subject_hash: Immutable<Uint8Array>;
}
