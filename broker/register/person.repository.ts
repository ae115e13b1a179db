/**
 * People and their role grants (tables `people`, `person_roles`). Only this file speaks SQL
 * about them.
 *
 * Invariants:
 * - A grant counts (`effectiveGrants`, `findConfirmation`) only when the person is active and
 *   within their validity period, their organisation is active, and the grant is approved, not
 *   revoked and within its own validity period, all at the caller's clock `now`.
 * - Nothing is deleted: deactivation and revocation are recorded, so the register's history is
 *   readable next to the logboek's register-change entries.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { precompile } from '../db/precompiled.js';

export interface PersonRow {
  readonly id: string;
  readonly displayName: string;
  readonly organisationId: string;
  readonly active: boolean;
  readonly validFrom: Date;
  readonly validUntil: Date | null;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly deactivatedAt: Date | null;
  readonly deactivatedBy: string | null;
}

export interface GrantRow {
  readonly personId: string;
  readonly roleId: string;
  readonly grantedAt: Date;
  readonly grantedBy: string;
  readonly validFrom: Date;
  readonly validUntil: Date | null;
  readonly approvedAt: Date | null;
  readonly approvedBy: string | null;
  readonly revokedAt: Date | null;
  readonly revokedBy: string | null;
}

const PERSON_COLUMNS = [
  'people.id as id',
  'people.display_name as displayName',
  'people.organisation_id as organisationId',
  'people.active as active',
  'people.valid_from as validFrom',
  'people.valid_until as validUntil',
  'people.created_at as createdAt',
  'people.created_by as createdBy',
  'people.deactivated_at as deactivatedAt',
  'people.deactivated_by as deactivatedBy',
] as const;

const GRANT_COLUMNS = [
  'person_roles.person_id as personId',
  'person_roles.role_id as roleId',
  'person_roles.granted_at as grantedAt',
  'person_roles.granted_by as grantedBy',
  'person_roles.valid_from as validFrom',
  'person_roles.valid_until as validUntil',
  'person_roles.approved_at as approvedAt',
  'person_roles.approved_by as approvedBy',
  'person_roles.revoked_at as revokedAt',
  'person_roles.revoked_by as revokedBy',
] as const;

/**
 * The register's confirmation that a person may act now for `organisationId` in `roleId`: the
 * access gate's one read. Undefined when any condition fails; the caller does not learn which.
 */
export async function findConfirmation(
  ex: Executor,
  q: { personId: string; organisationId: string; roleId: string; now: Date },
): Promise<{ displayName: string } | undefined> {
  const { rows } = await confirmationQuery.execute(ex, q);
  return rows[0];
}

/** The gate's read runs for every request: compiled once (precompiled.ts). */
const confirmationQuery = precompile<{ personId: string; organisationId: string; roleId: string; now: Date }, { displayName: string }>((ex, q) =>
  ex
    .selectFrom('people')
    .innerJoin('organisations', 'organisations.id', 'people.organisation_id')
    .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
    .select('people.display_name as displayName')
    .where('people.id', '=', q.personId)
    .where('people.organisation_id', '=', q.organisationId)
    .where('people.active', '=', true)
    .where('people.valid_from', '<=', q.now)
    .where((eb) => eb.or([eb('people.valid_until', 'is', null), eb('people.valid_until', '>', q.now)]))
    .where('organisations.active', '=', true)
    .where('person_roles.role_id', '=', q.roleId)
    .where('person_roles.approved_at', 'is not', null)
    .where('person_roles.revoked_at', 'is', null)
    .where('person_roles.valid_from', '<=', q.now)
    .where((eb) => eb.or([eb('person_roles.valid_until', 'is', null), eb('person_roles.valid_until', '>', q.now)]))
    .limit(1),
);

/**
 * A person who may log in now, with the roles they may act in now (login, CLI commands that act
 * as a person). Undefined when the person is unknown, deactivated, outside their validity
 * period, their organisation is deactivated, or they hold no role that counts now.
 */
export async function findActivePerson(
  ex: Executor,
  personId: string,
  now: Date = new Date(),
): Promise<{ displayName: string; organisation: string; roles: string[] } | undefined> {
  const rows = await ex
    .selectFrom('people')
    .innerJoin('organisations', 'organisations.id', 'people.organisation_id')
    .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
    .select(['people.display_name as displayName', 'people.organisation_id as organisation', 'person_roles.role_id as role'])
    .where('people.id', '=', personId)
    .where('people.active', '=', true)
    .where('people.valid_from', '<=', now)
    .where((eb) => eb.or([eb('people.valid_until', 'is', null), eb('people.valid_until', '>', now)]))
    .where('organisations.active', '=', true)
    .where('person_roles.approved_at', 'is not', null)
    .where('person_roles.revoked_at', 'is', null)
    .where('person_roles.valid_from', '<=', now)
    .where((eb) => eb.or([eb('person_roles.valid_until', 'is', null), eb('person_roles.valid_until', '>', now)]))
    .orderBy('person_roles.role_id')
    .execute();
  if (rows.length === 0) return undefined;
  return { displayName: rows[0]!.displayName, organisation: rows[0]!.organisation, roles: rows.map((r) => r.role) };
}

/** Why a known person cannot log in now, for the operational log of a refused login (never shown with a claim value). */
export async function personStanding(ex: Executor, personId: string, now: Date): Promise<'unknown' | 'deactivated' | 'outside-validity' | 'organisation-deactivated' | 'no-role' | 'ok'> {
  const p = await ex
    .selectFrom('people')
    .innerJoin('organisations', 'organisations.id', 'people.organisation_id')
    .select(['people.active', 'people.valid_from', 'people.valid_until', 'organisations.active as orgActive'])
    .where('people.id', '=', personId)
    .executeTakeFirst();
  if (!p) return 'unknown';
  if (!p.active) return 'deactivated';
  if (p.valid_from > now || (p.valid_until !== null && p.valid_until <= now)) return 'outside-validity';
  if (!p.orgActive) return 'organisation-deactivated';
  return (await findActivePerson(ex, personId, now)) ? 'ok' : 'no-role';
}

export async function findPerson(ex: Executor, personId: string, forUpdate = false): Promise<PersonRow | undefined> {
  let q = ex.selectFrom('people').select(PERSON_COLUMNS).where('people.id', '=', personId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The register's display names of people by id, for pages that say who did what; ids not in the register are left out. */
export async function displayNamesOf(ex: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex.selectFrom('people').select(['id', 'display_name as displayName']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.displayName]));
}

export async function listPeople(
  ex: Executor,
  filter: { organisationId?: string; roleId?: string; active?: boolean; limit: number; afterId?: string },
): Promise<PersonRow[]> {
  let q = ex.selectFrom('people').select(PERSON_COLUMNS).orderBy('people.id').limit(filter.limit + 1);
  if (filter.organisationId) q = q.where('people.organisation_id', '=', filter.organisationId);
  if (filter.active !== undefined) q = q.where('people.active', '=', filter.active);
  if (filter.afterId) q = q.where('people.id', '>', filter.afterId);
  if (filter.roleId) {
    const roleId = filter.roleId;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('person_roles').select(sql`1`.as('one')).whereRef('person_roles.person_id', '=', 'people.id').where('person_roles.role_id', '=', roleId).where('person_roles.revoked_at', 'is', null)),
    );
  }
  return q.execute();
}

export async function insertPerson(
  ex: Executor,
  p: { id: string; displayName: string; organisationId: string; validFrom: Date; validUntil: Date | null; createdBy: string; at: Date },
): Promise<boolean> {
  const rows = await ex
    .insertInto('people')
    .values({
      id: p.id,
      display_name: p.displayName,
      organisation_id: p.organisationId,
      active: true,
      valid_from: p.validFrom,
      valid_until: p.validUntil,
      created_by: p.createdBy,
      created_at: p.at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

export async function updatePerson(
  ex: Executor,
  personId: string,
  set: { displayName?: string; validUntil?: Date | null; active?: boolean; deactivatedAt?: Date | null; deactivatedBy?: string | null },
): Promise<void> {
  await ex
    .updateTable('people')
    .set({
      ...(set.displayName !== undefined ? { display_name: set.displayName } : {}),
      ...(set.validUntil !== undefined ? { valid_until: set.validUntil } : {}),
      ...(set.active !== undefined ? { active: set.active } : {}),
      ...(set.deactivatedAt !== undefined ? { deactivated_at: set.deactivatedAt } : {}),
      ...(set.deactivatedBy !== undefined ? { deactivated_by: set.deactivatedBy } : {}),
    })
    .where('id', '=', personId)
    .execute();
}

export async function grantsOf(ex: Executor, personIds: readonly string[]): Promise<GrantRow[]> {
  if (personIds.length === 0) return [];
  return ex.selectFrom('person_roles').select(GRANT_COLUMNS).where('person_roles.person_id', 'in', personIds).orderBy('person_roles.role_id').execute();
}

export async function findGrant(ex: Executor, personId: string, roleId: string, forUpdate = false): Promise<GrantRow | undefined> {
  let q = ex.selectFrom('person_roles').select(GRANT_COLUMNS).where('person_roles.person_id', '=', personId).where('person_roles.role_id', '=', roleId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Grants awaiting a second beheerder's approval (four eyes), oldest first. */
export async function pendingGrants(ex: Executor): Promise<GrantRow[]> {
  return ex
    .selectFrom('person_roles')
    .select(GRANT_COLUMNS)
    .where('person_roles.approved_at', 'is', null)
    .where('person_roles.revoked_at', 'is', null)
    .orderBy('person_roles.granted_at')
    .execute();
}

/**
 * Grants a role, or grants it anew after a revocation (the row is the grant's current state;
 * the logboek keeps its history). `approved` is given for a grant that needs no second person.
 */
export async function upsertGrant(
  ex: Executor,
  g: { personId: string; roleId: string; by: string; at: Date; validFrom: Date; validUntil: Date | null; approved: { by: string; at: Date } | null },
): Promise<void> {
  const row = {
    granted_at: g.at,
    granted_by: g.by,
    valid_from: g.validFrom,
    valid_until: g.validUntil,
    approved_at: g.approved?.at ?? null,
    approved_by: g.approved?.by ?? null,
    revoked_at: null,
    revoked_by: null,
  };
  await ex
    .insertInto('person_roles')
    .values({ person_id: g.personId, role_id: g.roleId, ...row })
    .onConflict((oc) => oc.columns(['person_id', 'role_id']).doUpdateSet(row))
    .execute();
}

export async function approveGrant(ex: Executor, personId: string, roleId: string, by: string, at: Date): Promise<void> {
  await ex.updateTable('person_roles').set({ approved_at: at, approved_by: by }).where('person_id', '=', personId).where('role_id', '=', roleId).execute();
}

export async function revokeGrant(ex: Executor, personId: string, roleId: string, by: string, at: Date): Promise<void> {
  await ex.updateTable('person_roles').set({ revoked_at: at, revoked_by: by }).where('person_id', '=', personId).where('role_id', '=', roleId).execute();
}

/** Whether anyone may keep the register now: an active person with an effective grant of a role with `administer`. */
export async function anyConfirmedHolder(ex: Executor, roleIds: readonly string[], now: Date): Promise<boolean> {
  if (roleIds.length === 0) return false;
  const row = await ex
    .selectFrom('people')
    .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
    .select('people.id')
    .where('people.active', '=', true)
    .where('person_roles.role_id', 'in', roleIds)
    .where('person_roles.approved_at', 'is not', null)
    .where('person_roles.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('person_roles.valid_until', 'is', null), eb('person_roles.valid_until', '>', now)]))
    .executeTakeFirst();
  return row !== undefined;
}

/** Everyone who may log in now, with the roles they may act in now (the demo's login page lists them). */
export async function listActivePeople(ex: Executor, now: Date): Promise<Array<{ id: string; displayName: string; organisation: string; roles: string[] }>> {
  const rows = await ex
    .selectFrom('people')
    .innerJoin('organisations', 'organisations.id', 'people.organisation_id')
    .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
    .select(['people.id', 'people.display_name as displayName', 'people.organisation_id as organisation', 'person_roles.role_id as role'])
    .where('people.active', '=', true)
    .where('people.valid_from', '<=', now)
    .where((eb) => eb.or([eb('people.valid_until', 'is', null), eb('people.valid_until', '>', now)]))
    .where('organisations.active', '=', true)
    .where('person_roles.approved_at', 'is not', null)
    .where('person_roles.revoked_at', 'is', null)
    .where('person_roles.valid_from', '<=', now)
    .where((eb) => eb.or([eb('person_roles.valid_until', 'is', null), eb('person_roles.valid_until', '>', now)]))
    .orderBy('people.created_at')
    .orderBy('people.id')
    .orderBy('person_roles.role_id')
    .execute();
  const out: Array<{ id: string; displayName: string; organisation: string; roles: string[] }> = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last?.id === r.id) last.roles.push(r.role);
    else out.push({ id: r.id, displayName: r.displayName, organisation: r.organisation, roles: [r.role] });
  }
  return out;
}

/**
 * The organisation and role a person may act in now, when the register gives exactly one role
 * ('several' when it gives more; undefined when none or unknown): for a provider's own access
 * token, which names no role of this platform (token-verifier.ts).
 */
export async function registerRoleOf(ex: Executor, personId: string, now: Date): Promise<{ organisation: string; role: string } | 'several' | undefined> {
  const p = await findActivePerson(ex, personId, now);
  if (!p) return undefined;
  if (p.roles.length > 1) return 'several';
  return { organisation: p.organisation, role: p.roles[0]! };
}
