/**
 * `jpp-broker db migrate`: brings the database's schema up to date, as the owner of its tables.
 * On PostgreSQL the broker runs as a least-privilege role (migration 0110, docs/operations.md,
 * "Database roles") that may not change the schema; the operator runs this command with
 * DATABASE_URL naming the owner before starting (or upgrading) the broker. Prints what it ran
 * and which role it ran as, as JSON.
 *
 * Invariants:
 * - Only migrations: no platform vocabulary, no seed, no logboek entry (the broker writes those
 *   when it starts, as its own role).
 * - On the embedded database (DATA_DIR) the broker migrates at start-up itself; this command
 *   works there too, with the broker stopped (one process per data directory).
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { describeDatabaseRole, RUNTIME_ROLE } from '../db/database-role.js';
import { commandEnv } from '../config/platforms-config.js';

export interface MigrateReport {
  readonly database: 'postgres' | 'embedded';
  /** The role the migrations ran as (the owner of the tables). */
  readonly ranAs: string;
  /** Migrations run now, in order; empty when the schema was up to date. */
  readonly applied: readonly string[];
  /** The group role the broker's login role must be a member of (PostgreSQL). */
  readonly runtimeRole: string;
}

export async function dbMigrateCommand(env: Record<string, string | undefined>, opts: { platform?: string } = {}): Promise<MigrateReport> {
  const platformEnv = commandEnv(env, opts.platform);
  const url = platformEnv['DATABASE_URL'];
  const handle = await openDatabase(url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: resolve(platformEnv['DATA_DIR'] || './data') });
  try {
    const applied = await migrateToLatest(handle.db);
    const role = await describeDatabaseRole(handle.db);
    return { database: url ? 'postgres' : 'embedded', ranAs: role.user, applied, runtimeRole: RUNTIME_ROLE };
  } finally {
    await handle.close();
  }
}

export function dbCommand(): Command {
  const db = new Command('db').description('the database (docs/operations.md, "Database roles")');
  db.command('migrate')
    .description('migrate the schema as the owner of its tables (DATABASE_URL naming the owner); the broker then runs as a member of jpp_broker_runtime')
    .option('--platform <id>', 'with JPP_PLATFORMS: the platform whose database to migrate (its DATABASE_URL__<ID>)')
    .action(async (opts: { platform?: string }) => {
      process.stdout.write(`${JSON.stringify(await dbMigrateCommand(process.env, opts), null, 2)}\n`);
    });
  return db;
}
