/**
 * What the benchmark asks, in the broker's own terms: the seeded platform, the asker
 * (demo-voorzitter), the doel, and the (partner, category) pairs that the active policy
 * lets that asker count. The pairs come from the broker's own policy compiler, and the
 * SQL statement from the broker's own repository function (run against a dummy driver
 * that records what it would send), so the baseline issues exactly the broker's lookup.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { loadPlatform, type Platform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { compilePolicy } from '../../broker/policy/policy.service.js';
import { actionFor } from '../../broker/policy/policy-actions.js';
import { DEMO_PEOPLE } from '../../broker/demo/demo-platform.js';
import type { Database } from '../../broker/db/database.js';
import { findCurrentSignalPairs } from '../../broker/signals/signal.repository.js';

export const PLATFORM_FILE = fileURLToPath(new URL('../../policies/jpp-sittard-geleen.platform.json', import.meta.url));
export const MODEL_FILE = fileURLToPath(new URL('../../policies/model.conf', import.meta.url));

/** The demo user who asks, the doel, and the consent flag of every benchmark query. */
export const ASKER = 'demo-voorzitter';
export const DOEL = 'jpp-screening';
export const CONSENT = false;

export type LookupPair = readonly [partnerId: string, category: string];

export interface BenchScope {
  readonly platform: Platform;
  /** The pairs the broker reads for ASKER, DOEL and CONSENT (in the broker's order). */
  readonly pairs: readonly LookupPair[];
  /** Partners the policy does not let ASKER ask (answered not-permitted, never read). */
  readonly notPermitted: readonly string[];
  /** The SQL text the broker's lookup sends: $1 subject hash, the pairs, then now twice. */
  readonly lookupSql: string;
}

export async function loadBenchScope(): Promise<BenchScope> {
  const platform = loadPlatform(PLATFORM_FILE, createSchemaRegistry());
  const table = await compilePolicy(readFileSync(MODEL_FILE, 'utf8'), readFileSync(platform.policyFile, 'utf8'), platform);
  const asker = DEMO_PEOPLE.find((p) => p.id === ASKER);
  if (!asker) throw new Error(`no demo user ${ASKER}`);
  const scopes = table.scopes(asker.role, DOEL, actionFor(CONSENT));
  const pairs = scopes.filter((s) => s.permitted).flatMap((s) => s.categories.map((c): LookupPair => [s.partner, c]));
  if (pairs.length === 0) throw new Error(`the policy lets ${ASKER} count nothing for ${DOEL}: nothing to measure`);
  const lookupSql = await captureLookupSql(scopes.filter((s) => s.permitted).map((s) => ({ partnerId: s.partner, categories: s.categories })));
  return { platform, pairs, notPermitted: scopes.filter((s) => !s.permitted).map((s) => s.partner), lookupSql };
}

/** Runs the broker's `findCurrentSignalPairs` against a driver that sends nothing, and returns its SQL. */
async function captureLookupSql(scopes: Parameters<typeof findCurrentSignalPairs>[2]): Promise<string> {
  let captured: { sql: string; parameters: readonly unknown[] } | undefined;
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      captured = { sql: event.query.sql, parameters: event.query.parameters };
    },
  });
  const now = new Date();
  await findCurrentSignalPairs(db, [Buffer.alloc(32)], scopes, now);
  await db.destroy();
  const pairCount = scopes.reduce((n, s) => n + s.categories.length, 0);
  const p = captured?.parameters;
  // The baseline binds [hash, ...pairs, now, now]: check that the broker's statement takes them in that order.
  if (!captured || !p || p.length !== 3 + 2 * pairCount || !Buffer.isBuffer(p[0]) || p[p.length - 1] !== now || p[p.length - 2] !== now) {
    throw new Error('the broker\'s lookup statement no longer takes (hash, pairs..., now, now): update the baseline');
  }
  return captured.sql;
}
