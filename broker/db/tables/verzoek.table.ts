import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;
// Calendar dates (`date`) are written as YYYY-MM-DD and read back as text (`::text`), so that both engines agree.

/**
 * A verzoek van een betrokkene (AVG arts. 12–22): a request of a youth or parent, registered by
 * a jurist or privacy officer. The identity check is the method only, never a copy of an ID.
 */
export interface VerzoekTable {
  id: Generated<string>;
  type: Immutable<'inzage' | 'rectificatie' | 'wissing' | 'beperking' | 'bezwaar' | 'informatie'>;
  requester: Immutable<'betrokkene' | 'ouder-of-voogd' | 'gemachtigde'>;
  identity_check: Immutable<string>;
  received_on: ColumnType<string, string, never>;
  deadline: ColumnType<string, string, never>;
  extended_until: ColumnType<string | null, undefined, string>;
  extension_reason: ColumnType<string | null, undefined, string>;
  status: ColumnType<'open' | 'answered', undefined, 'answered'>;
  decision: ColumnType<'granted' | 'partly-granted' | 'refused' | null, undefined, 'granted' | 'partly-granted' | 'refused'>;
  grondslag: ColumnType<string | null, undefined, string>;
  answered_on: ColumnType<string | null, undefined, string>;
  answered_by: ColumnType<string | null, undefined, string>;
  registered_by: Immutable<string>;
  registered_at: Immutable<Date>;
}

/** The subject of a verzoek, as its hash under each key epoch it was given in. */
export interface VerzoekSubjectHashTable {
  verzoek_id: Immutable<string>;
  subject_hash: Immutable<Uint8Array>;
}
