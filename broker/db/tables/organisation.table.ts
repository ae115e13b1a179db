import type { ColumnType } from 'kysely';

/**
 * An organisation that people work for: a partner's organisation or the ZVH, from the platform
 * file (`source = 'platform'`, upserted at every start), or one the functioneel beheerder
 * registered (`source = 'register'`). A deactivated organisation's people have no access.
 */
export interface OrganisationTable {
  id: ColumnType<string, string, never>;
  name: string;
  source: ColumnType<'platform' | 'register', 'platform' | 'register' | undefined, never>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: ColumnType<string | null, string | null | undefined, never>;
}
