/**
 * The bootstrap of an empty register (`jpp-broker register bootstrap`, docs/register.md): the
 * first functioneel beheerders are registered by whoever runs the platform, with access to its
 * database, before anyone can log in. Everyone else is then registered by them, through the API,
 * the command line or the web pages.
 *
 * Invariants:
 * - Refused once the register has anyone who may keep it (a confirmed `administer` role): the
 *   bootstrap can never be used to add people behind the beheerders' backs.
 * - It runs the people service's own steps in one unit of work with the actor `system:bootstrap`,
 *   so every person and grant is logged like any other `register-change`.
 */
import { AppError } from '../errors/app-error.js';
import type { Platform } from '../platform/platform.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { anyConfirmedHolder } from './person.repository.js';
import type { PeopleSteps, PersonToRegister } from './people.service.js';
import type { PersonView } from './register-types.js';

export async function bootstrapRegister(
  deps: { uow: UnitOfWork; platform: Platform; people: Pick<PeopleSteps, 'registerIn'> },
  people: readonly PersonToRegister[],
  traceId: string,
): Promise<PersonView[]> {
  const keepers = deps.platform.roles.filter((r) => r.capabilities.includes('administer')).map((r) => r.id);
  if (keepers.length === 0) throw new AppError('validation', 'the platform file defines no role with the administer capability (e.g. functioneel-beheerder)');
  if (!people.some((p) => p.roles.some((r) => keepers.includes(r)))) {
    throw new AppError('validation', `the bootstrap must register at least one person with a role that keeps the register (${keepers.join(', ')})`);
  }
  return deps.uow.asSystem('system:bootstrap', traceId, async (w) => {
    if (await anyConfirmedHolder(w.trx, keepers, w.now())) {
      throw new AppError('conflict', 'the register has a functioneel beheerder already: they register everyone else');
    }
    const out: PersonView[] = [];
    for (const p of people) {
      out.push(await deps.people.registerIn(w, { personId: p.personId, displayName: p.displayName, organisation: p.organisation, roles: p.roles.map((role) => ({ role })) }));
    }
    return out;
  });
}
