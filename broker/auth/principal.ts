/**
 * Who is calling, as established from a verified bearer token or a web session.
 * - A person acts for an organisation in one role (NEN 7513: who, in which role).
 * - An adapter acts for exactly one partner and may only touch that partner's signals.
 *
 * A principal is only what the caller claims. Whether they may act is decided by the access
 * gate (broker/access/access-gate.ts): the role's capability and the register's confirmation.
 */
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
