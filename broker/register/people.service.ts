/**
 * The register of people, for the functioneel beheerder (capability `administer`, docs/register.md):
 * register a person with their identity provider's subject, name, organisation, roles and
 * validity period; change them; grant, approve and revoke roles; deactivate and reactivate.
 *
 * Invariants:
 * - Every change is one `register-change` logboek entry per thing changed, in its transaction:
 *   who changed what, when. Display names are not logged (free text); ids and roles are.
 * - Four eyes: a privileged role (logboek, rights, policy, register) counts only once a second
 *   beheerder approved it (register-fns.ts; also a database trigger). Nobody approves their own grant.
 * - Deactivation ends access at once: the access gate reads the register on every request, and
 *   the person's web sessions are deleted in the same transaction.
 * - Nothing is deleted: a person and their grants stay on record, revoked or deactivated.
 * - A beheerder cannot deactivate themselves or revoke their own `administer` role, so that the
 *   register never loses its last keeper by accident.
 */
import type { RegisterDetails, RegisterOutcome } from '../logboek/log-vocabulary.js';
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import { roleHas, type Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { PersonWork, UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import { deleteSessionsOf } from '../web/web-session.repository.js';
import { findOrganisation } from './organisation.repository.js';
import {
  approveGrant,
  findGrant,
  findPerson,
  grantsOf,
  insertPerson,
  listPeople,
  pendingGrants,
  revokeGrant,
  updatePerson,
  upsertGrant,
} from './person.repository.js';
import { approvalOnGrant, approvalProblem, grantView, periodOf, personView } from './register-fns.js';
import type { PendingGrantView, PersonView } from './register-types.js';

export interface PeopleService {
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: PersonView[]; nextCursor: string | null }>;
  get(principal: Principal, personId: string): Promise<PersonView>;
  register(principal: Principal, body: unknown, traceId: string): Promise<PersonView>;
  update(principal: Principal, personId: string, body: unknown, traceId: string): Promise<PersonView>;
  deactivate(principal: Principal, personId: string, traceId: string): Promise<PersonView>;
  reactivate(principal: Principal, personId: string, traceId: string): Promise<PersonView>;
  grant(principal: Principal, personId: string, body: unknown, traceId: string): Promise<PersonView>;
  approve(principal: Principal, personId: string, role: string, traceId: string): Promise<PersonView>;
  revoke(principal: Principal, personId: string, role: string, traceId: string): Promise<PersonView>;
  /** Grants awaiting a second beheerder's approval. */
  pending(principal: Principal): Promise<{ items: PendingGrantView[] }>;
}

/** What the bootstrap of an empty register and the demo seed register, through the same steps as the API. */
export interface PersonToRegister {
  readonly personId: string;
  readonly displayName: string;
  readonly organisation: string;
  readonly roles: readonly string[];
}

export interface PeopleSteps {
  /** Registers a person in `w` (the bootstrap's system unit, or a beheerder's). */
  registerIn(w: Work, body: unknown): Promise<PersonView>;
  /** Approves a pending grant in a beheerder's unit `w`. */
  approveIn(w: PersonWork, personId: string, role: string): Promise<PersonView>;
}

const ADMINISTER = 'administer';

export function createPeopleService(deps: { uow: UnitOfWork; platform: Platform; schemas: SchemaRegistry; querySchemas: SchemaRegistry }): PeopleService & PeopleSteps {
  const { platform } = deps;
  const roles = new Set(platform.roles.map((r) => r.id));
  const admin = { capability: 'administer' } as const;

  const check = (name: Parameters<SchemaRegistry['validate']>[0], body: unknown): void => {
    const errors = deps.schemas.validate(name, body);
    if (errors.length > 0) throw validationError(errors);
  };
  const read = async (w: Work, personId: string): Promise<PersonView> => {
    const p = await findPerson(w.trx, personId);
    if (!p) throw new AppError('not-found', 'no such person in the register');
    return personView(platform, p, await grantsOf(w.trx, [p.id]), w.now());
  };
  const mustFind = async (w: Work, personId: string) => {
    const p = await findPerson(w.trx, personId, true);
    if (!p) throw new AppError('not-found', 'no such person in the register');
    return p;
  };
  const logChange = (w: Work, outcome: RegisterOutcome, details: RegisterDetails): void => {
    w.log({ action: 'register-change', outcome, details });
  };

  /** Grants `role` to `personId` in `w`; pending approval where four eyes apply. */
  const grantIn = async (w: Work, personId: string, g: { role: string; validFrom?: string; validUntil?: string }, pointer: string): Promise<void> => {
    if (!roles.has(g.role)) throw validationError([{ pointer: `${pointer}/role`, code: 'not-in-list', detail: 'is not a role of this platform' }]);
    const period = periodOf(g, w.now());
    if (Array.isArray(period)) throw validationError(period.map((e) => ({ ...e, pointer: `${pointer}${e.pointer}` })));
    const existing = await findGrant(w.trx, personId, g.role, true);
    if (existing && !existing.revokedAt) throw new AppError('conflict', 'this person holds that role already; revoke it first to grant it anew', [{ pointer: `${pointer}/role`, code: 'in-use', detail: 'is held already' }]);
    const at = w.now();
    const approved = approvalOnGrant(platform, g.role, w.actor.id, at);
    await upsertGrant(w.trx, { personId, roleId: g.role, by: w.actor.id, at, validFrom: period.validFrom, validUntil: period.validUntil, approved });
    logChange(w, 'role-granted', {
      personId,
      role: g.role,
      validFrom: period.validFrom.toISOString(),
      validUntil: period.validUntil?.toISOString() ?? null,
      pendingApproval: approved === null,
    });
  };

  const registerIn: PeopleSteps['registerIn'] = async (w, body) => {
    check('register#/$defs/personRequest', body);
    const req = body as { personId: string; displayName: string; organisation: string; roles: Array<{ role: string; validFrom?: string; validUntil?: string }>; validFrom?: string; validUntil?: string };
    const org = await findOrganisation(w.trx, req.organisation);
    if (!org) throw validationError([{ pointer: '/organisation', code: 'not-found', detail: 'is not an organisation in the register' }]);
    if (!org.active) throw validationError([{ pointer: '/organisation', code: 'not-applicable', detail: 'is deactivated' }]);
    const dup = req.roles.findIndex((g, i) => req.roles.findIndex((h) => h.role === g.role) !== i);
    if (dup >= 0) throw validationError([{ pointer: `/roles/${dup}/role`, code: 'duplicate', detail: 'is listed twice' }]);
    const period = periodOf(req, w.now());
    if (Array.isArray(period)) throw validationError(period);
    const created = await insertPerson(w.trx, { id: req.personId, displayName: req.displayName, organisationId: req.organisation, validFrom: period.validFrom, validUntil: period.validUntil, createdBy: w.actor.id, at: w.now() });
    if (!created) throw new AppError('conflict', 'a person with this subject is registered already', [{ pointer: '/personId', code: 'in-use', detail: 'is in the register' }]);
    logChange(w, 'person-registered', {
      personId: req.personId,
      organisation: req.organisation,
      validFrom: period.validFrom.toISOString(),
      validUntil: period.validUntil?.toISOString() ?? null,
    });
    for (const [i, g] of req.roles.entries()) await grantIn(w, req.personId, g, `/roles/${i}`);
    return read(w, req.personId);
  };

  const approveIn: PeopleSteps['approveIn'] = async (w, personId, role) => {
    const grant = await findGrant(w.trx, personId, role, true);
    if (!grant) throw new AppError('not-found', 'this person holds no such role');
    const problem = approvalProblem(grant, w.person.id);
    if (problem) throw new AppError(grant.grantedBy === w.person.id || grant.personId === w.person.id ? 'forbidden' : 'conflict', problem);
    await approveGrant(w.trx, personId, role, w.person.id, w.now());
    logChange(w, 'role-approved', { personId, role, grantedBy: grant.grantedBy });
    return read(w, personId);
  };

  const setActive = (active: boolean) => (principal: Principal, personId: string, traceId: string) =>
    deps.uow.asPerson(principal, admin, traceId, async (w) => {
      const p = await mustFind(w, personId);
      if (!active && p.id === w.person.id) throw new AppError('conflict', 'a beheerder cannot deactivate themselves; ask a second beheerder');
      if (p.active === active) throw new AppError('conflict', active ? 'this person is active already' : 'this person is deactivated already');
      await updatePerson(w.trx, p.id, active ? { active, deactivatedAt: null, deactivatedBy: null } : { active, deactivatedAt: w.now(), deactivatedBy: w.person.id });
      // Access ends at once: the gate refuses the next request; open web sessions end now too.
      const sessions = active ? 0 : await deleteSessionsOf(w.trx, p.id);
      logChange(w, active ? 'person-reactivated' : 'person-deactivated', { personId: p.id, ...(active ? {} : { sessionsEnded: sessions > 0 }) });
      return read(w, p.id);
    });

  return {
    registerIn,
    approveIn,

    list: (principal, query) =>
      deps.uow.asPerson(principal, admin, '', async (w) => {
        const params: Record<string, unknown> = { ...query };
        const errors = deps.querySchemas.validate('register#/$defs/peopleQuery', params);
        if (errors.length > 0) throw validationError(errors);
        const p = params as { organisation?: string; role?: string; active?: boolean; limit: number; cursor?: string };
        const rows = await listPeople(w.trx, {
          limit: p.limit,
          ...(p.organisation ? { organisationId: p.organisation } : {}),
          ...(p.role ? { roleId: p.role } : {}),
          ...(p.active !== undefined ? { active: p.active } : {}),
          ...(p.cursor ? { afterId: p.cursor } : {}),
        });
        const page = rows.slice(0, p.limit);
        const grants = await grantsOf(w.trx, page.map((r) => r.id));
        const now = w.now();
        return { items: page.map((r) => personView(platform, r, grants, now)), nextCursor: rows.length > p.limit ? page[page.length - 1]!.id : null };
      }),

    get: (principal, personId) => deps.uow.asPerson(principal, admin, '', (w) => read(w, personId)),

    register: (principal, body, traceId) => deps.uow.asPerson(principal, admin, traceId, (w) => registerIn(w, body)),

    update: (principal, personId, body, traceId) =>
      deps.uow.asPerson(principal, admin, traceId, async (w) => {
        check('register#/$defs/personUpdate', body);
        const req = body as { displayName?: string; validUntil?: string | null };
        const p = await mustFind(w, personId);
        let validUntil: Date | null | undefined;
        if (req.validUntil !== undefined) {
          const period = periodOf({ validFrom: p.validFrom.toISOString(), validUntil: req.validUntil }, w.now());
          if (Array.isArray(period)) throw validationError(period.filter((e) => e.pointer === '/validUntil'));
          validUntil = period.validUntil;
        }
        await updatePerson(w.trx, p.id, { ...(req.displayName !== undefined ? { displayName: req.displayName } : {}), ...(validUntil !== undefined ? { validUntil } : {}) });
        logChange(w, 'person-updated', {
          personId: p.id,
          ...(req.displayName !== undefined ? { displayNameChanged: true } : {}),
          ...(validUntil !== undefined ? { validUntil: validUntil?.toISOString() ?? null } : {}),
        });
        return read(w, p.id);
      }),

    deactivate: setActive(false),
    reactivate: setActive(true),

    grant: (principal, personId, body, traceId) =>
      deps.uow.asPerson(principal, admin, traceId, async (w) => {
        check('register#/$defs/grant', body);
        const p = await mustFind(w, personId);
        await grantIn(w, p.id, body as { role: string; validFrom?: string; validUntil?: string }, '');
        return read(w, p.id);
      }),

    approve: (principal, personId, role, traceId) => deps.uow.asPerson(principal, admin, traceId, (w) => approveIn(w, personId, role)),

    revoke: (principal, personId, role, traceId) =>
      deps.uow.asPerson(principal, admin, traceId, async (w) => {
        const grant = await findGrant(w.trx, personId, role, true);
        if (!grant || grant.revokedAt) throw new AppError('not-found', 'this person holds no such role');
        if (personId === w.person.id && roleHas(platform, role, ADMINISTER)) {
          throw new AppError('conflict', 'a beheerder cannot revoke their own beheer role; ask a second beheerder');
        }
        await revokeGrant(w.trx, personId, role, w.person.id, w.now());
        logChange(w, 'role-revoked', { personId, role });
        return read(w, personId);
      }),

    pending: (principal) =>
      deps.uow.asPerson(principal, admin, '', async (w) => {
        const grants = await pendingGrants(w.trx);
        const now = w.now();
        const items: PendingGrantView[] = [];
        for (const g of grants) {
          const p = await findPerson(w.trx, g.personId);
          if (p) items.push({ ...grantView(platform, g, now), personId: p.id, displayName: p.displayName, organisation: p.organisationId });
        }
        return { items };
      }),
  };
}
