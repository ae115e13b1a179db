import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;

/** A casusoverleg the voorzitter planned (migration 0120): a date, who planned it and when. No personal data. */
export interface CasusoverlegMeetingTable {
  id: Generated<string>;
  /** The day of the meeting, as midnight UTC. */
  meeting_date: Immutable<Date>;
  planned_by: Immutable<string>;
  planned_at: Immutable<Date>;
}

/** A casus on a meeting's agenda; once per meeting. */
export interface CasusoverlegAgendaTable {
  meeting_id: Immutable<string>;
  case_id: Immutable<string>;
  added_by: Immutable<string>;
  added_at: Immutable<Date>;
}

/**
 * A partner decided for a casus on a meeting's agenda: invited (the policy permits it, under the
 * rules named), or not (the rules that refused it, or none). Never updated.
 */
export interface CasusoverlegInvitationTable {
  id: Generated<string>;
  meeting_id: Immutable<string>;
  case_id: Immutable<string>;
  partner_id: Immutable<string>;
  invited: Immutable<boolean>;
  /** JSON array: hit, aanmelder, regiehouder, toegevoegd. */
  grounds: ColumnType<string[], string, never>;
  /** JSON array: the partner's categories that made its hit (to find its own refs). */
  categories: ColumnType<string[], string, never>;
  added_reason: ColumnType<string | null, string | null, never>;
  consent: Immutable<boolean>;
  /** Why a partner was not invited (toestemming-nodig, geweigerd, geen-regel); null when invited. */
  exclusion_reason: ColumnType<string | null, string | null, never>;
  /** JSON array of { rule, effect, grondslag }. */
  rules: ColumnType<Array<{ rule: string; effect: 'allow' | 'deny'; grondslag: string }>, string, never>;
  decided_by: Immutable<string>;
  decided_at: Immutable<Date>;
}
