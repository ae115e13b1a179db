/**
 * The broker's own check on a person, beyond their token: they must be active, work for
 * the token's organisation and hold the token's role in the register. Shared by every
 * service a person acts through (queries, the key custodian), so the rule and its answer
 * are the same everywhere.
 */
import type { Executor } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { PersonPrincipal } from '../auth/principal.js';
import { personHoldsRole } from './person.repository.js';

export async function requireRegistered(ex: Executor, person: PersonPrincipal): Promise<void> {
  if (!(await personHoldsRole(ex, person.id, person.organisation, person.role))) {
    throw new AppError('forbidden', "this person does not hold that role for that organisation in the broker's register");
  }
}
