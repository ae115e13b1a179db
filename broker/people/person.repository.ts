/** People and their roles. */
import type { Executor } from '../db/database.js';

/** Whether an active person works for `organisationId` and holds `roleId`. */
export async function personHoldsRole(ex: Executor, personId: string, organisationId: string, roleId: string): Promise<boolean> {
  const row = await ex
    .selectFrom('people')
    .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
    .select('people.id')
    .where('people.id', '=', personId)
    .where('people.organisation_id', '=', organisationId)
    .where('people.active', '=', true)
    .where('person_roles.role_id', '=', roleId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts or updates a person with exactly the given roles. */
export async function upsertPerson(
  ex: Executor,
  person: { id: string; displayName: string; organisationId: string; roles: readonly string[] },
): Promise<void> {
  await ex
    .insertInto('people')
    .values({ id: person.id, display_name: person.displayName, organisation_id: person.organisationId, active: true })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        display_name: eb.ref('excluded.display_name'),
        organisation_id: eb.ref('excluded.organisation_id'),
      })),
    )
    .execute();
  await ex
    .insertInto('person_roles')
    .values(person.roles.map((role_id) => ({ person_id: person.id, role_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** An active person's organisation and roles, or undefined (CLI commands that act as a person). */
export async function findActivePerson(ex: Executor, personId: string): Promise<{ organisation: string; roles: string[] } | undefined> {
  const rows = await ex
    .selectFrom('people')
    .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
    .select(['people.organisation_id', 'person_roles.role_id'])
    .where('people.id', '=', personId)
    .where('people.active', '=', true)
    .execute();
  return rows.length === 0 ? undefined : { organisation: rows[0]!.organisation_id, roles: rows.map((r) => r.role_id) };
}
