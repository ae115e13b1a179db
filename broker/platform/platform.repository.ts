/** Writes the platform's vocabulary (organisations, partners, roles) into the database, so that foreign keys hold. */
import type { Executor } from '../db/database.js';
import { isPrivilegedRole, type Platform } from './platform.js';

/** Inserts or updates every organisation, partner and role of the platform. Idempotent. */
export async function syncPlatform(ex: Executor, platform: Platform): Promise<void> {
  await ex
    .insertInto('organisations')
    .values(platform.organisations.map((o) => ({ id: o.id, name: o.name, source: 'platform' as const })))
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
    .execute();
  await ex
    .insertInto('partners')
    .values(platform.partners.map((p) => ({ id: p.id, name: p.name, organisation_id: p.organisation })))
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), organisation_id: eb.ref('excluded.organisation_id') })),
    )
    .execute();
  await ex
    .insertInto('roles')
    .values(platform.roles.map((r) => ({ id: r.id, name: r.name, privileged: isPrivilegedRole(platform, r.id) })))
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), privileged: eb.ref('excluded.privileged') })))
    .execute();
}
