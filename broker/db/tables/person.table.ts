import type { ColumnType } from 'kysely';

/** A professional who may log in. Their identity provider vouches for them; the broker keeps who may act in which role. */
export interface PersonTable {
  id: string;
  display_name: string;
  organisation_id: string;
  active: boolean;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** Which roles a person holds. A token's role claim must be one of them. */
export interface PersonRoleTable {
  person_id: string;
  role_id: string;
}
