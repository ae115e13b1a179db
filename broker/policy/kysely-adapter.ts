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
 * - An unknown policy type is an error naming the version and line, not a skip.
 *
 * https://casbin.org/docs/adapters
 */
import type { Adapter } from 'casbin';
import type { Executor } from '../db/database.js';
import { createLinesAdapter } from './compiled-policy.js';
import { readLines } from './policy-version.repository.js';

export function createKyselyAdapter(ex: Executor, versionId: number): Adapter {
  const empty = createLinesAdapter([]);
  return {
    ...empty,
    async loadPolicy(model) {
      try {
        await createLinesAdapter(await readLines(ex, versionId)).loadPolicy(model);
      } catch (err) {
        throw new Error(`policy version ${versionId}: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}
