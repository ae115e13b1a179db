/**
 * A casbin adapter over kysely: loads one stored policy version's rule rows
 * (`policy_rules`, in order) into a casbin model. The existing casbin database adapters
 * (TypeORM, Sequelize, Prisma …) each bring their own ORM and one mutable rule table; the
 * broker's versions are immutable rows of a version, read through the same kysely code
 * path on PostgreSQL and PGlite.
 *
 * Invariants:
 * - Read-only: a version changes only as a draft, through the lifecycle service, never
 *   through casbin's management API; every write method refuses.
 * - An unknown policy type is an error naming the version and position, not a skip.
 *
 * https://casbin.org/docs/adapters
 */
import type { Adapter, Model } from 'casbin';
import type { Executor } from '../db/database.js';
import { readLines } from './policy-version.repository.js';

export function createKyselyAdapter(ex: Executor, versionId: number): Adapter {
  const readOnly = async (): Promise<never> => {
    throw new Error('policy versions are changed through the policy lifecycle, not through casbin');
  };
  return {
    async loadPolicy(model: Model): Promise<void> {
      const lines = await readLines(ex, versionId);
      lines.forEach(({ ptype, values }, position) => {
        const sec = ptype.charAt(0);
        if (!model.model.get(sec)?.get(ptype)) {
          throw new Error(`policy version ${versionId}, line ${position + 1}: unknown policy type "${ptype}"`);
        }
        model.addPolicy(sec, ptype, [...values]);
      });
    },
    savePolicy: readOnly,
    addPolicy: readOnly,
    removePolicy: readOnly,
    removeFilteredPolicy: readOnly,
  };
}
