/**
 * Organisations (table `organisations`): those of the platform file, upserted at every start
 * (platform.repository.ts), and those the functioneel beheerder registered. Only this file and
 * the platform sync speak SQL about them. Nothing is deleted.
 */
import type { Executor } from '../db/database.js';

export interface OrganisationRow {
  readonly id: string;
  readonly name: string;
  readonly source: 'platform' | 'register';
  readonly active: boolean;
  readonly createdBy: string | null;
}

const COLUMNS = ['id', 'name', 'source', 'active', 'created_by as createdBy'] as const;

export async function listOrganisations(ex: Executor): Promise<OrganisationRow[]> {
  return ex.selectFrom('organisations').select(COLUMNS).orderBy('name').execute();
}

export async function findOrganisation(ex: Executor, id: string, forUpdate = false): Promise<OrganisationRow | undefined> {
  let q = ex.selectFrom('organisations').select(COLUMNS).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Registers an organisation; false when the id is taken. */
export async function insertOrganisation(ex: Executor, o: { id: string; name: string; createdBy: string }): Promise<boolean> {
  const rows = await ex
    .insertInto('organisations')
    .values({ id: o.id, name: o.name, source: 'register', active: true, created_by: o.createdBy })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

export async function setOrganisationActive(ex: Executor, id: string, active: boolean): Promise<void> {
  await ex.updateTable('organisations').set({ active }).where('id', '=', id).execute();
}

export async function renameOrganisation(ex: Executor, id: string, name: string): Promise<void> {
  await ex.updateTable('organisations').set({ name }).where('id', '=', id).execute();
}
