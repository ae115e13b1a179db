import type { ColumnType } from 'kysely';

/**
 * A partner's adapter as the register knows it (docs/register.md). Its bearer tokens carry
 * `sub` = `client_id` and `partner` = `partner_id`; over mTLS its certificate's subject must be
 * `certificate_subject` when one is registered. `active = false` ends its access at once.
 */
export interface AdapterTable {
  id: ColumnType<string, string, never>;
  partner_id: ColumnType<string, string, never>;
  client_id: ColumnType<string, string, never>;
  certificate_subject: string | null;
  active: boolean;
  valid_from: Date;
  valid_until: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  created_by: ColumnType<string, string, never>;
  deactivated_at: Date | null;
  deactivated_by: string | null;
}
