/**
 * What the register services answer: people with their role grants, organisations and adapters.
 * Types only. Times are ISO 8601 strings; a person is named by the subject their identity
 * provider gives them.
 */

/** Where a grant stands now (register-fns.ts `grantState`). */
export type GrantState = 'active' | 'pending-approval' | 'not-yet-valid' | 'expired' | 'revoked';

/** Where a person stands now (register-fns.ts `personState`). */
export type PersonState = 'active' | 'deactivated' | 'not-yet-valid' | 'expired';

export interface GrantView {
  role: string;
  state: GrantState;
  /** Whether granting this role needs a second beheerder's approval (four eyes). */
  privileged: boolean;
  grantedBy: string;
  grantedAt: string;
  validFrom: string;
  validUntil: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
}

export interface PersonView {
  personId: string;
  displayName: string;
  organisation: string;
  state: PersonState;
  active: boolean;
  validFrom: string;
  validUntil: string | null;
  createdBy: string | null;
  createdAt: string;
  deactivatedBy: string | null;
  deactivatedAt: string | null;
  roles: GrantView[];
}

export interface PendingGrantView extends GrantView {
  personId: string;
  displayName: string;
  organisation: string;
}

export interface OrganisationView {
  organisationId: string;
  name: string;
  /** `platform`: from the platform file (its name and existence follow the file); `register`: registered here. */
  source: 'platform' | 'register';
  active: boolean;
  /** Whether the organisation is a partner of the platform (it then has signals and policy rules). */
  partner: boolean;
}

export interface AdapterView {
  adapterId: string;
  partner: string;
  clientId: string;
  certificateSubject: string | null;
  state: PersonState;
  active: boolean;
  validFrom: string;
  validUntil: string | null;
  createdBy: string;
  createdAt: string;
  deactivatedBy: string | null;
  deactivatedAt: string | null;
  /** The partner's signing keys (signed signal batches); revoked keys stay listed. */
  keys: Array<{ kid: string; addedAt: string; revokedAt: string | null }>;
}
