/**
 * The database: one kysely code path over two engines.
 * - PostgreSQL (node-postgres) when DATABASE_URL is set.
 * - Embedded PGlite otherwise, with its data in DATA_DIR/pgdata, guarded by a lock file so
 *   that a second process cannot open (and corrupt) the same directory.
 *
 * Invariants:
 * - Only repositories import kysely query builders; services pass `db` or a transaction.
 * - Both engines return the same JS types: int8 as number, timestamptz as Date, json as objects.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect, type LogEvent, type Transaction } from 'kysely';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import type { OrganisationTable } from './tables/organisation.table.js';
import type { PartnerTable } from './tables/partner.table.js';
import type { RoleTable } from './tables/role.table.js';
import type { PersonRoleTable, PersonTable } from './tables/person.table.js';
import type { SignalBatchTable, SignalTable } from './tables/signal.table.js';
import type { CaseStatusChangeTable, CaseSubjectHashTable, CaseSubjectTable, CaseTable, CaseVervolgactieTable } from './tables/case.table.js';
import type { LegalHoldSubjectHashTable, LegalHoldTable } from './tables/legal-hold.table.js';
import type { BezwaarSubjectHashTable, BezwaarTable } from './tables/bezwaar.table.js';
import type { QueryTable } from './tables/query.table.js';
import type { LogboekCheckpointTable, LogboekCosignatureTable, LogboekEntryTable, LogboekLeafTable, LogboekNodeTable, LogboekSubjectAliasTable } from './tables/logboek.table.js';
import type { PolicyPreviewTable, PolicyRuleTable, PolicyVersionTable } from './tables/policy-version.table.js';
import type { CustodianUsageTable } from './tables/custodian-usage.table.js';
import type { PartnerKeyTable, SignalBatchSignatureTable } from './tables/partner-key.table.js';
import type { WebSessionTable } from './tables/web-session.table.js';

export interface Database {
  organisations: OrganisationTable;
  partners: PartnerTable;
  roles: RoleTable;
  people: PersonTable;
  person_roles: PersonRoleTable;
  signals: SignalTable;
  signal_batches: SignalBatchTable;
  cases: CaseTable;
  case_subjects: CaseSubjectTable;
  case_subject_hashes: CaseSubjectHashTable;
  case_status_changes: CaseStatusChangeTable;
  case_vervolgacties: CaseVervolgactieTable;
  bezwaren: BezwaarTable;
  bezwaar_subject_hashes: BezwaarSubjectHashTable;
  legal_holds: LegalHoldTable;
  legal_hold_subject_hashes: LegalHoldSubjectHashTable;
  queries: QueryTable;
  logboek_entries: LogboekEntryTable;
  logboek_leaves: LogboekLeafTable;
  logboek_nodes: LogboekNodeTable;
  logboek_checkpoints: LogboekCheckpointTable;
  logboek_subject_aliases: LogboekSubjectAliasTable;
  logboek_cosignatures: LogboekCosignatureTable;
  policy_versions: PolicyVersionTable;
  policy_rules: PolicyRuleTable;
  policy_previews: PolicyPreviewTable;
  custodian_usage: CustodianUsageTable;
  partner_keys: PartnerKeyTable;
  signal_batch_signatures: SignalBatchSignatureTable;
  web_sessions: WebSessionTable;
}

/** The database or an open transaction: what every repository function takes first. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number }
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'pglite-memory'; readonly loadDataDir?: Blob };

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: 'postgres' | 'pglite';
  /** Closes the connection(s) and releases the data-directory lock. */
  close(): Promise<void>;
  /** PGlite only: a tarball of the data directory (tests load a migrated template from it). */
  dumpDataDir?: () => Promise<Blob>;
}

const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

export interface OpenOptions {
  /**
   * Errors of idle pooled connections (e.g. the server restarted). node-postgres emits them
   * on the pool; without a listener they would crash the process.
   */
  readonly onPoolError?: (err: Error) => void;
  /** Kysely's query log: sees every statement and its parameters (tests use it to prove what is read). */
  readonly log?: (event: LogEvent) => void;
}

/** Opens the database described by `target`. Throws if an embedded data directory is in use. */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const log = options.log ? { log: options.log } : {};
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    pool.on('error', (err) => options.onPoolError?.(err));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...log });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const parsers = { [pgliteTypes.INT8]: parseInt8 };
  if (target.kind === 'pglite-memory') {
    const pglite = await PGlite.create({ parsers, ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}) });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), ...log });
    return { db, engine: 'pglite', close: () => db.destroy(), dumpDataDir: async () => pglite.dumpDataDir('none') };
  }
  const dir = join(target.dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  let release: () => Promise<void>;
  const inUse = (cause?: unknown): Error =>
    new Error(`the embedded database in ${dir} is in use by another process; stop it first (two processes would corrupt it)`, { cause });
  // PGlite runs on the event loop, so a busy owner can miss the lock's refreshes for a while;
  // the owner's pid, still alive, keeps the lock from being taken over as stale meanwhile.
  const pidFile = `${dir}.owner-pid`;
  const owner = readOwnerPid(pidFile);
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw inUse();
  try {
    release = await lockfile.lock(dir, { stale: 60_000, update: 10_000, realpath: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw inUse(err);
    throw err;
  }
  writeFileSync(pidFile, String(process.pid));
  const unlock = release;
  release = async () => {
    rmSync(pidFile, { force: true });
    await unlock();
  };
  try {
    const pglite = await PGlite.create(dir, { parsers });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), ...log });
    return {
      db,
      engine: 'pglite',
      async close() {
        try {
          await db.destroy();
        } finally {
          await release();
        }
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}

function readOwnerPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs on this machine (signal 0 only checks). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
