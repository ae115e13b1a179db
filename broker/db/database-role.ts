/**
 * Which PostgreSQL role the process runs as, compared with the least-privilege role of migration
 * 0110: the broker should run as a member of `jpp_broker_runtime`, not as the owner of its tables
 * or a superuser, who could switch the logboek's append-only triggers off (issue 17 item 5).
 *
 * Invariants:
 * - Read-only: it reads the catalog, never changes a role or a grant.
 * - On the embedded database (PGlite) the one user is a superuser; nothing else can connect.
 */
import { sql, type Kysely } from 'kysely';

/** The NOLOGIN group role migration 0110 grants to; the broker's login role is a member of it. */
export const RUNTIME_ROLE = 'jpp_broker_runtime';

export interface DatabaseRole {
  /** The role the connection runs as (`current_user`). */
  readonly user: string;
  readonly superuser: boolean;
  /** Owns the logboek's table (or is a member of its owner): could alter or disable its triggers. */
  readonly ownsTables: boolean;
  /** A member of the runtime role. */
  readonly runtimeMember: boolean;
}

export async function describeDatabaseRole(db: Kysely<any>): Promise<DatabaseRole> {
  const r = await sql<{ user: string; superuser: boolean; owns: boolean; member: boolean }>`
    select current_user::text as user,
           coalesce((select rolsuper from pg_roles where rolname = current_user), false) as superuser,
           coalesce((select pg_has_role(current_user, c.relowner, 'USAGE') from pg_class c where c.oid = to_regclass('logboek_entries')), false) as owns,
           exists (select 1 from pg_roles g where g.rolname = ${RUNTIME_ROLE} and pg_has_role(current_user, g.oid, 'MEMBER')) as member`.execute(db);
  const row = r.rows[0]!;
  return { user: row.user, superuser: row.superuser, ownsTables: row.owns, runtimeMember: row.member };
}

/** Whether a role could switch the logboek's guards off: a superuser or the tables' owner. */
export const canDisableGuards = (role: DatabaseRole): boolean => role.superuser || role.ownsTables;
