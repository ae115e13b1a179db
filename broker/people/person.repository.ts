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
