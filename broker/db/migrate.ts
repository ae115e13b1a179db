/**
 * Runs the schema migrations (kysely Migrator) at start-up. Migrations are imported
 * statically, so that the set that runs is the set that was reviewed and type-checked.
 */
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Kysely } from 'kysely';
import * as coreLoop from './migrations/0001-core-loop.js';
import * as logboek from './migrations/0002-logboek.js';
import * as custodian from './migrations/0003-custodian.js';
import * as keyEpochs from './migrations/0004-key-epochs.js';
import * as logboekLeaves from './migrations/0005-logboek-leaves.js';
import * as casus from './migrations/0008-casus.js';
import * as retention from './migrations/0009-retention.js';
import * as policyLifecycle from './migrations/0006-policy-lifecycle.js';
import * as adapterTransport from './migrations/0007-adapter-transport.js';
import * as webSessions from './migrations/0010-web-sessions.js';
import * as subjectAliases from './migrations/0011-logboek-subject-aliases.js';
import * as register from './migrations/0012-register.js';
import * as checkpointNotes from './migrations/0030-checkpoint-notes.js';
import * as policyExactImpact from './migrations/0050-policy-exact-impact.js';
import * as aanmeldcriteria from './migrations/0060-aanmeldcriteria.js';
import * as consent from './migrations/0061-consent.js';
import * as regiehouder from './migrations/0062-regiehouder.js';
import * as verzoeken from './migrations/0070-verzoeken.js';
import * as beperking from './migrations/0071-beperking.js';
import * as rateLimitUsage from './migrations/0100-rate-limit-usage.js';
import * as runtimeRole from './migrations/0110-runtime-role.js';
import * as casusoverleg from './migrations/0120-casusoverleg.js';
import * as verzoekTaken from './migrations/0130-verzoek-taken.js';
import * as verzoekRetention from './migrations/0160-verzoek-retention.js';
import * as historyActors from './migrations/0180-history-actors.js';
import * as questionInOneStatement from './migrations/0210-question-in-one-statement.js';
import * as oneEntryPerQuestion from './migrations/0220-one-entry-per-question.js';
import * as logboekLeafEntryCheck from './migrations/0230-logboek-leaf-entry-check.js';
import * as intakeRecords from './migrations/0240-intake-records.js';
import * as questionPlans from './migrations/0250-question-plans.js';
import * as batchValuesLz4 from './migrations/0290-batch-values-lz4.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-core-loop': coreLoop,
  '0002-logboek': logboek,
  '0003-custodian': custodian,
  '0004-key-epochs': keyEpochs,
  '0005-logboek-leaves': logboekLeaves,
  '0008-casus': casus,
  '0009-retention': retention,
  '0006-policy-lifecycle': policyLifecycle,
  '0007-adapter-transport': adapterTransport,
  '0010-web-sessions': webSessions,
  '0011-logboek-subject-aliases': subjectAliases,
  '0012-register': register,
  '0030-checkpoint-notes': checkpointNotes,
  '0050-policy-exact-impact': policyExactImpact,
  '0060-aanmeldcriteria': aanmeldcriteria,
  '0061-consent': consent,
  '0062-regiehouder': regiehouder,
  '0070-verzoeken': verzoeken,
  '0071-beperking': beperking,
  '0100-rate-limit-usage': rateLimitUsage,
  '0110-runtime-role': runtimeRole,
  '0120-casusoverleg': casusoverleg,
  '0130-verzoek-taken': verzoekTaken,
  '0160-verzoek-retention': verzoekRetention,
  '0180-history-actors': historyActors,
  '0210-question-in-one-statement': questionInOneStatement,
  '0220-one-entry-per-question': oneEntryPerQuestion,
  '0230-logboek-leaf-entry-check': logboekLeafEntryCheck,
  '0240-intake-records': intakeRecords,
  '0250-question-plans': questionPlans,
  '0290-batch-values-lz4': batchValuesLz4,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Migrates to the latest version and returns the names of the migrations it ran (none when the
 * database is up to date: then it only reads, so a least-privilege role may call it). Throws with
 * the failing migration's name; when the role may not change the schema (SQLSTATE 42501, not the
 * owner: migration 0110), with what to do instead.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const message = String((error as Error).message ?? error);
    if ((error as { code?: unknown }).code === INSUFFICIENT_PRIVILEGE) {
      throw new Error(
        `the database needs migrating and this role may not change its schema (${message}): ` +
          'run `jpp-broker db migrate` with DATABASE_URL naming the owner of the tables (docs/operations.md, "Database roles")',
        { cause: error },
      );
    }
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** PostgreSQL's SQLSTATE for "permission denied" (and "must be owner"). */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Checks that the database is migrated to at least this code's latest migration, for a
 * process that must not change the schema (the key custodian). Throws naming what to do.
 */
export async function requireSchema(db: Kysely<any>): Promise<void> {
  const migrations = await new Migrator({ db, provider }).getMigrations();
  const pending = migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
  if (pending.length > 0) {
    throw new Error(`the database lacks migrations ${pending.join(', ')}: run "jpp-broker db migrate" (or start the broker on it as the owner of the tables) first; the custodian does not migrate`);
  }
}

/** Migrates up or down to the named migration (tests of an upgrade start from an older schema). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw new Error(`migration to ${name} failed: ${String((error as Error).message ?? error)}`, { cause: error });
}
