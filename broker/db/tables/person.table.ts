import type { ColumnType } from 'kysely';

/**
 * A professional who may log in, as the functioneel beheerder registered them (docs/register.md).
 * `id` is the subject (`sub`) their identity provider gives them. Their identity provider vouches
 * for who they are; the register says for which organisation, in which roles, and from when
 * until when they may act. `active = false` ends their access at once.
 */
export interface PersonTable {
  id: ColumnType<string, string, never>;
  display_name: string;
  organisation_id: string;
  active: boolean;
  created_at: ColumnType<Date, Date | undefined, never>;
  valid_from: ColumnType<Date, Date | undefined, Date>;
  valid_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_by: ColumnType<string | null, string | null | undefined, never>;
  deactivated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  deactivated_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * A role granted to a person. It counts only once approved (for a privileged role by someone
 * other than its granter: four eyes, also a database trigger), while not revoked, and within
 * its validity period.
 */
export interface PersonRoleTable {
  person_id: ColumnType<string, string, never>;
  role_id: ColumnType<string, string, never>;
  granted_at: Date;
  granted_by: string;
  valid_from: Date;
  valid_until: Date | null;
  approved_at: Date | null;
  approved_by: string | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}
