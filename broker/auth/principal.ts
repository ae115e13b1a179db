/**
 * Who is calling, as established from a verified bearer token.
 * - A person acts for an organisation in one role (NEN 7513: who, in which role).
 * - An adapter acts for exactly one partner and may only touch that partner's signals.
 */
import { AppError } from '../errors/app-error.js';
import { roleHas, type Capability, type Platform } from '../platform/platform.js';

export interface PersonPrincipal {
  readonly kind: 'person';
  readonly id: string;
  readonly organisation: string;
  readonly role: string;
}

export interface AdapterPrincipal {
  readonly kind: 'adapter';
  readonly id: string;
  readonly partner: string;
}

export type Principal = PersonPrincipal | AdapterPrincipal;

const WHAT: Record<Capability, string> = {
  query: 'ask questions',
  'read-disclosures': 'read the disclosure log',
  'manage-cases': 'manage casussen',
  rights: 'handle data-subject rights (inzage, bezwaar, legal hold, retention)',
  monitoring: 'read monitoring aggregates',
  'read-policy': 'read policy versions',
  'manage-policy': 'author or approve policy versions',
};

/**
 * Access check for people: the role must carry the capability in the platform definition.
 * Services call this first, so that no route can skip it.
 */
export function requirePerson(principal: Principal, platform: Platform, capability: Capability): PersonPrincipal {
  if (principal.kind !== 'person') throw new AppError('forbidden', 'this operation is for people, not adapters');
  if (!roleHas(platform, principal.role, capability)) {
    throw new AppError('forbidden', `role ${principal.role} may not ${WHAT[capability]}`);
  }
  return principal;
}

/** Access check for people who may act under any of several capabilities (e.g. pseudonymising for a query or for inzage). */
export function requirePersonWithAny(principal: Principal, platform: Platform, capabilities: readonly Capability[]): PersonPrincipal {
  const held = capabilities.find((c) => principal.kind === 'person' && roleHas(platform, principal.role, c));
  return requirePerson(principal, platform, held ?? capabilities[0]!);
}

/** Access check for adapters: only an adapter of a known partner. */
export function requireAdapter(principal: Principal, platform: Platform): AdapterPrincipal {
  if (principal.kind !== 'adapter') throw new AppError('forbidden', 'this operation is for partner adapters');
  if (!platform.partners.some((p) => p.id === principal.partner)) throw new AppError('forbidden', 'unknown partner');
  return principal;
}
