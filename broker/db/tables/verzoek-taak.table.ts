import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;

/**
 * A verzoek forwarded to a partner (WGS: one contact point for every joint controller): the
 * partner's own signal refs it concerns, and the partner's answer. Never a subject.
 */
export interface VerzoekTaakTable {
  id: Generated<string>;
  verzoek_id: Immutable<string>;
  partner_id: Immutable<string>;
  refs: Immutable<string[]>;
  status: ColumnType<'open' | 'corrected' | 'withdrawn' | 'refused', undefined, 'corrected' | 'withdrawn' | 'refused'>;
  reason: ColumnType<string | null, undefined, string | null>;
  forwarded_by: Immutable<string>;
  forwarded_at: Immutable<Date>;
  answered_by: ColumnType<string | null, undefined, string>;
  answered_at: ColumnType<Date | null, undefined, Date>;
}

/** A (partner, ref) erased at a data subject's request (AVG art. 17): intake refuses it from then on. */
export interface SignalErasureTable {
  partner_id: Immutable<string>;
  ref: Immutable<string>;
  verzoek_id: Immutable<string>;
  taak_id: Immutable<string>;
  erased_at: Immutable<Date>;
}
