/**
 * The access gate: the one function that decides whether a caller may act, for every API route,
 * every web page and form, the key custodian and the command line (issue 15). Services reach it
 * only through the unit of work (unit-of-work.ts), so no route can do half of it.
 *
 * In one call, inside the caller's transaction, it decides:
 * - the kind of caller: a person or an adapter;
 * - for a person: what the role may do (the platform definition's capabilities, or the doelen
 *   the role may act under) AND the register's confirmation: the person is active and within
 *   their validity period, works for the token's organisation, that organisation is active, and
 *   holds the token's role by a grant that is approved, not revoked and within its validity
 *   period — all at the broker's clock;
 * - for an adapter: a partner of this platform, and the register's confirmation that an active
 *   adapter with the token's subject is registered for that partner.
 *
 * Invariants:
 * - The register decides, not the token: a token's claims are only a request to act in a role.
 * - A denial is `forbidden` and says which of the two failed (capability or register), never
 *   what the register holds about whom.
 * - Deactivation acts on the next request: nothing is cached.
 * - The register's conditions are written twice: in `findConfirmation` (register/person.repository.ts)
 *   and in `jpp_person_confirmed` (migrations 0210 and 0250), which the question's one statement calls;
 *   test/db/question-statement.test.ts runs the register states of the gate through both.
 *
 * After Medplum's one access check below the routes (https://www.medplum.com/docs/access).
 */
import type { Executor } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { AdapterPrincipal, PersonPrincipal, Principal } from '../auth/principal.js';
import { roleHas, roleMayUseDoel, type Capability, type Platform } from '../platform/platform.js';
import { findConfirmation } from '../register/person.repository.js';
import { findAdapterConfirmation } from '../register/adapter.repository.js';

/** What a person must be allowed: a capability of their role, a doel their role may act under, or only to be confirmed by the register (a web session). */
export type Requirement = { readonly capability: Capability } | { readonly doel: string } | { readonly registered: true };

export interface AccessGate {
  /** Admits a person for `need`, or throws `forbidden`. */
  person(ex: Executor, principal: Principal, need: Requirement): Promise<PersonPrincipal>;
  /**
   * The gate's first half, by the platform definition alone: a person whose role may do what
   * `need` asks, or `forbidden`. Only for work whose one statement reads the register's
   * confirmation itself (`jpp_person_confirmed`, the question: unit-of-work.ts `asPersonAtOnce`);
   * `notConfirmed()` is then its refusal.
   */
  personByPlatform(principal: Principal, need: Requirement): PersonPrincipal;
  /** Admits an adapter of a partner of this platform that the register knows, or throws `forbidden`. */
  adapter(ex: Executor, principal: Principal): Promise<AdapterPrincipal & { readonly adapterId: string; readonly certificateSubject: string | null }>;
}

const WHAT: Record<Capability, string> = {
  query: 'ask questions',
  'read-disclosures': 'read the disclosure log',
  'manage-cases': 'manage casussen',
  rights: 'handle data-subject rights (inzage, bezwaar, legal hold, retention)',
  monitoring: 'read monitoring aggregates',
  'read-policy': 'read policy versions',
  'manage-policy': 'author or approve policy versions',
  administer: 'keep the register of people, organisations and adapters',
};

/** Whether the role may do what is asked, by the platform definition alone (no register). Pure; the web uses it to choose what to offer. */
export function roleAllows(platform: Platform, role: string, need: Requirement): boolean {
  if ('capability' in need) return roleHas(platform, role, need.capability);
  if ('doel' in need) return roleMayUseDoel(platform, role, need.doel);
  return platform.roles.some((r) => r.id === role);
}

/** The gate's refusal when the register does not confirm the person (the same whichever statement read it). */
export function notConfirmed(): AppError {
  return new AppError('forbidden', "the broker's register does not confirm this person in that role for that organisation now");
}

export function createAccessGate(deps: { platform: Platform; now: () => Date }): AccessGate {
  const { platform } = deps;
  const partners = new Set(platform.partners.map((p) => p.id));
  const personByPlatform = (principal: Principal, need: Requirement): PersonPrincipal => {
    if (principal.kind !== 'person') throw new AppError('forbidden', 'this operation is for people, not adapters');
    if (!roleAllows(platform, principal.role, need)) {
      const why =
        'capability' in need ? `role ${principal.role} may not ${WHAT[need.capability]}`
        : 'doel' in need ? `role ${principal.role} may not act under doel ${need.doel}`
        : `role ${principal.role} is not a role of this platform`;
      throw new AppError('forbidden', why);
    }
    return principal;
  };
  return {
    personByPlatform,
    async person(ex, principal, need) {
      const person = personByPlatform(principal, need);
      const confirmed = await findConfirmation(ex, { personId: person.id, organisationId: person.organisation, roleId: person.role, now: deps.now() });
      if (!confirmed) throw notConfirmed();
      return person;
    },
    async adapter(ex, principal) {
      if (principal.kind !== 'adapter') throw new AppError('forbidden', 'this operation is for partner adapters');
      if (!partners.has(principal.partner)) throw new AppError('forbidden', 'unknown partner');
      const confirmed = await findAdapterConfirmation(ex, { clientId: principal.id, partnerId: principal.partner, now: deps.now() });
      if (!confirmed) throw new AppError('forbidden', "the broker's register does not confirm this adapter for that partner now");
      return { ...principal, adapterId: confirmed.id, certificateSubject: confirmed.certificateSubject };
    },
  };
}
