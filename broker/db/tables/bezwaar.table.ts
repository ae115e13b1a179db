import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;

/**
 * A decided bezwaar (objection, AVG art. 21). An upheld one blocks its subject for the
 * named doelen until it is lifted: the subject's signals then produce no hits for them.
 */
export interface BezwaarTable {
  id: Generated<string>;
  doelen: ColumnType<string[], string, never>;
  decision: Immutable<'upheld' | 'rejected'>;
  decided_by: Immutable<string>;
  decided_at: Immutable<Date>;
  lifted_at: ColumnType<Date | null, undefined, Date>;
  /** `beperking`: a restriction of processing (AVG art. 18), blocking every doel like an upheld bezwaar. */
  kind: ColumnType<'bezwaar' | 'beperking', 'bezwaar' | 'beperking' | undefined, never>;
}

/** The subject of a bezwaar, as its hash under each key epoch it was given in. */
export interface BezwaarSubjectHashTable {
  bezwaar_id: Immutable<string>;
  subject_hash: Immutable<Uint8Array>;
}
