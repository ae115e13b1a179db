/**
 * The register's rules as pure functions, table-tested (test/unit/register-fns.test.ts).
 *
 * - A grant counts only when approved, not revoked, and within its validity period.
 * - A privileged role (one that may read the logboek, handle rights, change the policy or keep
 *   the register: platform.ts PRIVILEGED_CAPABILITIES) needs a second person's approval: four
 *   eyes, as the AVG's accountability (art. 5(2), art. 32) asks for access to personal data.
 *   The granter never approves their own grant, and nobody approves a grant to themselves.
 * - Validity periods are half-open: from `validFrom` (inclusive) until `validUntil` (exclusive).
 */
import type { FieldError } from '../../protocol/schemas/schema-registry.js';
import { isPrivilegedRole, type Platform } from '../platform/platform.js';
import type { GrantRow, PersonRow } from './person.repository.js';
import type { GrantState, GrantView, PersonState, PersonView } from './register-types.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Where a validity period stands at `now`. */
export function periodState(p: { validFrom: Date; validUntil: Date | null }, now: Date): 'active' | 'not-yet-valid' | 'expired' {
  if (p.validFrom.getTime() > now.getTime()) return 'not-yet-valid';
  if (p.validUntil !== null && p.validUntil.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export function grantState(g: Pick<GrantRow, 'approvedAt' | 'revokedAt' | 'validFrom' | 'validUntil'>, now: Date): GrantState {
  if (g.revokedAt) return 'revoked';
  if (!g.approvedAt) return 'pending-approval';
  return periodState(g, now);
}

export function personState(p: Pick<PersonRow, 'active' | 'validFrom' | 'validUntil'>, now: Date): PersonState {
  if (!p.active) return 'deactivated';
  return periodState(p, now);
}

/**
 * The approval a new grant carries: itself at once for an ordinary role, none (pending) for a
 * privileged one. `system:` actors (the bootstrap of an empty register) approve their own grants.
 */
export function approvalOnGrant(platform: Platform, role: string, by: string, at: Date): { by: string; at: Date } | null {
  if (isPrivilegedRole(platform, role) && !by.startsWith('system:')) return null;
  return { by, at };
}

/** Why `approver` may not approve `grant`, or null when they may. */
export function approvalProblem(grant: Pick<GrantRow, 'personId' | 'grantedBy' | 'approvedAt' | 'revokedAt'>, approver: string): string | null {
  if (grant.revokedAt) return 'this grant was revoked';
  if (grant.approvedAt) return 'this grant is approved already';
  if (grant.grantedBy === approver) return 'four eyes: a grant is approved by someone other than the beheerder who made it';
  if (grant.personId === approver) return 'four eyes: nobody approves a role granted to themselves';
  return null;
}

/**
 * A validity period from a request's `validFrom` and `validUntil` (dates `YYYY-MM-DD`, start of
 * the day in UTC, or full timestamps), defaulting to from `now`, open-ended. Field errors name
 * the field and never echo the value.
 */
export function periodOf(body: { validFrom?: string; validUntil?: string | null }, now: Date): { validFrom: Date; validUntil: Date | null } | FieldError[] {
  const parse = (v: string): Date => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  const validFrom = body.validFrom ? parse(body.validFrom) : now;
  const validUntil = body.validUntil ? parse(body.validUntil) : null;
  const errors: FieldError[] = [];
  if (Number.isNaN(validFrom.getTime())) errors.push({ pointer: '/validFrom', code: 'invalid-format', detail: 'is not a date' });
  if (validUntil && Number.isNaN(validUntil.getTime())) errors.push({ pointer: '/validUntil', code: 'invalid-format', detail: 'is not a date' });
  if (errors.length === 0 && validUntil && validUntil.getTime() <= validFrom.getTime()) errors.push({ pointer: '/validUntil', code: 'before-start', detail: 'must lie after validFrom' });
  if (errors.length === 0 && validUntil && validUntil.getTime() <= now.getTime()) errors.push({ pointer: '/validUntil', code: 'in-past', detail: 'lies in the past' });
  return errors.length > 0 ? errors : { validFrom, validUntil };
}

export function grantView(platform: Platform, g: GrantRow, now: Date): GrantView {
  return {
    role: g.roleId,
    state: grantState(g, now),
    privileged: isPrivilegedRole(platform, g.roleId),
    grantedBy: g.grantedBy,
    grantedAt: g.grantedAt.toISOString(),
    validFrom: g.validFrom.toISOString(),
    validUntil: iso(g.validUntil),
    approvedBy: g.approvedBy,
    approvedAt: iso(g.approvedAt),
    revokedBy: g.revokedBy,
    revokedAt: iso(g.revokedAt),
  };
}

export function personView(platform: Platform, p: PersonRow, grants: readonly GrantRow[], now: Date): PersonView {
  return {
    personId: p.id,
    displayName: p.displayName,
    organisation: p.organisationId,
    state: personState(p, now),
    active: p.active,
    validFrom: p.validFrom.toISOString(),
    validUntil: iso(p.validUntil),
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    deactivatedBy: p.deactivatedBy,
    deactivatedAt: iso(p.deactivatedAt),
    roles: grants.filter((g) => g.personId === p.id).map((g) => grantView(platform, g, now)),
  };
}
