import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;

/**
 * A casus, known by the ZVH's own case reference and opened for one doel. Its status moves
 * along the workflow (casus-workflow.ts); every move is also a row of `case_status_changes`
 * and a logboek entry.
 */
export interface CaseTable {
  id: Generated<string>;
  case_ref: Immutable<string>;
  doel: Immutable<string>;
  opened_by: Immutable<string>;
  opened_at: ColumnType<Date, Date | undefined, never>;
  kind: ColumnType<'person' | 'group', 'person' | 'group' | undefined, never>;
  route_in: ColumnType<string, string | undefined, never>;
  status: ColumnType<string, string | undefined, string>;
  status_changed_at: ColumnType<Date, Date | undefined, Date>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
  /** The platform's aanmeldcriteria recorded at aanmelding (JSON array of ids; empty before migration 0060). */
  aanmeldcriteria: ColumnType<string[], string | undefined, never>;
  /** The partner that holds the regie (migration 0062); null until recorded. */
  regiehouder: ColumnType<string | null, undefined, string>;
  regiehouder_since: ColumnType<Date | null, undefined, Date>;
  /** Who recorded the regiehouder (migration 0180); null before it. */
  regiehouder_set_by: ColumnType<string | null, undefined, string>;
}

/** One subject of a casus (a youth; a group casus has several), with its notificatie state. */
export interface CaseSubjectTable {
  id: Generated<string>;
  case_id: Immutable<string>;
  position: Immutable<number>;
  notification_state: ColumnType<'pending' | 'informed' | 'deferred', undefined, 'pending' | 'informed' | 'deferred'>;
  informed_at: ColumnType<Date | null, undefined, Date | null>;
  defer_reason: ColumnType<string | null, undefined, string | null>;
  deferred_until: ColumnType<Date | null, undefined, Date | null>;
  notification_changed_at: ColumnType<Date | null, undefined, Date | null>;
  /** Who recorded the current notificatie (migration 0180); null before it or while pending. */
  notification_changed_by: ColumnType<string | null, undefined, string | null>;
  /** The band of the age at aanmelding (never the age itself); null before migration 0060. */
  age_band: ColumnType<string | null, string | null | undefined, never>;
  parent_consent_needed: ColumnType<boolean, boolean | undefined, never>;
}

/** A subject's HMAC-SHA256(k_db, pseudonym), under each key epoch it was given in. */
export interface CaseSubjectHashTable {
  subject_id: Immutable<string>;
  subject_hash: Immutable<Uint8Array>;
}

/** One step of a casus's status history: who moved it, when, and why (a code, never text). */
export interface CaseStatusChangeTable {
  id: Generated<number>;
  case_id: Immutable<string>;
  from_status: ColumnType<string | null, string | null, never>;
  to_status: Immutable<string>;
  reason: ColumnType<string | null, string | null, never>;
  outcome: ColumnType<string | null, string | null, never>;
  changed_by: Immutable<string>;
  changed_at: Immutable<Date>;
}

/** A vervolgactie: which partner acts, what kind of action (a code), by when. No narrative. */
export interface CaseVervolgactieTable {
  id: Generated<string>;
  case_id: Immutable<string>;
  partner_id: Immutable<string>;
  kind: Immutable<string>;
  due_date: Immutable<Date>;
  created_by: Immutable<string>;
  created_at: Immutable<Date>;
  completed_at: ColumnType<Date | null, undefined, Date>;
  completed_by: ColumnType<string | null, undefined, string>;
  /** A warme overdracht's receiving partner (migration 0120); null for every other kind. */
  to_partner_id: ColumnType<string | null, string | null | undefined, never>;
}

/** A consent record (AVG art. 6(1)(a), 7): who consented, to which partners and doel, for how long. */
export interface CaseConsentTable {
  id: Generated<string>;
  case_id: Immutable<string>;
  subject_id: Immutable<string>;
  given_by: Immutable<'jongere' | 'ouder' | 'beiden'>;
  doel: Immutable<string>;
  /** JSON array of partner ids. */
  partners: ColumnType<string[], string, never>;
  given_on: Immutable<Date>;
  valid_until: Immutable<Date>;
  withdrawn_at: ColumnType<Date | null, undefined, Date>;
  /** Who recorded the withdrawal (migration 0180); null before it. */
  withdrawn_by: ColumnType<string | null, undefined, string>;
  recorded_by: Immutable<string>;
  recorded_at: Immutable<Date>;
}
