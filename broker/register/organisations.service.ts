/**
 * Organisations in the register, for the functioneel beheerder (capability `administer`): those of
 * the platform file, and those registered here (e.g. a school, or a second ZVH team whose people
 * log in but who hold no signals). A person works for one organisation.
 *
 * Invariants:
 * - An organisation of the platform file is the policy's vocabulary: it can be deactivated (its
 *   people lose access at once) but its name and existence follow the platform file.
 * - Every change is a `register-change` logboek entry in its transaction. Nothing is deleted.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import { findOrganisation, insertOrganisation, listOrganisations, setOrganisationActive, type OrganisationRow } from './organisation.repository.js';
import type { OrganisationView } from './register-types.js';

export interface OrganisationsService {
  list(principal: Principal): Promise<{ items: OrganisationView[] }>;
  register(principal: Principal, body: unknown, traceId: string): Promise<OrganisationView>;
  deactivate(principal: Principal, organisationId: string, traceId: string): Promise<OrganisationView>;
  reactivate(principal: Principal, organisationId: string, traceId: string): Promise<OrganisationView>;
}

export function createOrganisationsService(deps: { uow: UnitOfWork; platform: Pick<Platform, 'partners'>; schemas: SchemaRegistry }): OrganisationsService {
  const partnerOrgs = new Set(deps.platform.partners.map((p) => p.organisation));
  const admin = { capability: 'administer' } as const;
  const view = (o: OrganisationRow): OrganisationView => ({ organisationId: o.id, name: o.name, source: o.source, active: o.active, partner: partnerOrgs.has(o.id) });

  const setActive = (active: boolean) => (principal: Principal, organisationId: string, traceId: string) =>
    deps.uow.asPerson(principal, admin, traceId, async (w: Work & { person: { organisation: string } }) => {
      const o = await findOrganisation(w.trx, organisationId, true);
      if (!o) throw new AppError('not-found', 'no such organisation in the register');
      if (o.active === active) throw new AppError('conflict', active ? 'this organisation is active already' : 'this organisation is deactivated already');
      if (!active && o.id === w.person.organisation) throw new AppError('conflict', "a beheerder cannot deactivate their own organisation; ask a second beheerder");
      await setOrganisationActive(w.trx, o.id, active);
      w.log({ action: 'register-change', outcome: active ? 'organisation-reactivated' : 'organisation-deactivated', details: { organisation: o.id } });
      return view({ ...o, active });
    });

  return {
    list: (principal) => deps.uow.asPerson(principal, admin, '', async (w) => ({ items: (await listOrganisations(w.trx)).map(view) })),

    register: (principal, body, traceId) =>
      deps.uow.asPerson(principal, admin, traceId, async (w) => {
        const errors = deps.schemas.validate('register#/$defs/organisationRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const req = body as { organisationId: string; name: string };
        if (!(await insertOrganisation(w.trx, { id: req.organisationId, name: req.name, createdBy: w.person.id }))) {
          throw new AppError('conflict', 'an organisation with this id exists already', [{ pointer: '/organisationId', code: 'in-use', detail: 'is in use' }]);
        }
        w.log({ action: 'register-change', outcome: 'organisation-registered', details: { organisation: req.organisationId } });
        return view((await findOrganisation(w.trx, req.organisationId))!);
      }),

    deactivate: setActive(false),
    reactivate: setActive(true),
  };
}
