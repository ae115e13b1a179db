/**
 * The database: one kysely code path over two engines.
 * - PostgreSQL (node-postgres) when DATABASE_URL is set.
 * - Embedded PGlite otherwise, with its data in DATA_DIR/pgdata, guarded by a lock file so
 *   that a second process cannot open (and corrupt) the same directory (data-dir-lock.ts).
 *
 * Invariants:
 * - Only repositories import kysely query builders; services pass `db` or a transaction.
 * - Both engines return the same JS types: int8 as number, timestamptz as Date, json as objects.
 * - Every pooled PostgreSQL connection has an error listener for its whole life, so that a
 *   connection PostgreSQL terminates never crashes the process.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect, type LogEvent, type Transaction } from 'kysely';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { lockDataDir, type LockOwner } from './data-dir-lock.js';
import type { OrganisationTable } from './tables/organisation.table.js';
import type { PartnerTable } from './tables/partner.table.js';
import type { RoleTable } from './tables/role.table.js';
import type { PersonRoleTable, PersonTable } from './tables/person.table.js';
import type { SignalBatchTable, SignalTable } from './tables/signal.table.js';
import type { CaseConsentTable, CaseStatusChangeTable, CaseSubjectHashTable, CaseSubjectTable, CaseTable, CaseVervolgactieTable } from './tables/case.table.js';
import type { LegalHoldSubjectHashTable, LegalHoldTable } from './tables/legal-hold.table.js';
import type { BezwaarSubjectHashTable, BezwaarTable } from './tables/bezwaar.table.js';
import type { VerzoekSubjectHashTable, VerzoekTable } from './tables/verzoek.table.js';
import type { SignalErasureTable, VerzoekTaakTable } from './tables/verzoek-taak.table.js';
import type { QueryTable } from './tables/query.table.js';
import type { LogboekCheckpointTable, LogboekCosignatureTable, LogboekEntryTable, LogboekLeafTable, LogboekDisclosureTable, LogboekIntakeRecordTable, LogboekNodeTable, LogboekSubjectAliasTable } from './tables/logboek.table.js';
import type { PolicyPreviewTable, PolicyRuleTable, PolicyVersionTable } from './tables/policy-version.table.js';
import type { CustodianUsageTable } from './tables/custodian-usage.table.js';
import type { RateLimitUsageTable } from './tables/rate-limit-usage.table.js';
import type { PartnerKeyTable, SignalBatchSignatureTable } from './tables/partner-key.table.js';
import type { WebSessionTable } from './tables/web-session.table.js';
import type { AdapterTable } from './tables/adapter.table.js';
import type { CasusoverlegAgendaTable, CasusoverlegInvitationTable, CasusoverlegMeetingTable } from './tables/casusoverleg.table.js';

export interface Database {
  organisations: OrganisationTable;
  partners: PartnerTable;
  roles: RoleTable;
  people: PersonTable;
  person_roles: PersonRoleTable;
  adapters: AdapterTable;
  signals: SignalTable;
  signal_batches: SignalBatchTable;
  cases: CaseTable;
  case_subjects: CaseSubjectTable;
  case_subject_hashes: CaseSubjectHashTable;
  case_status_changes: CaseStatusChangeTable;
  case_vervolgacties: CaseVervolgactieTable;
  case_consents: CaseConsentTable;
  casusoverleg_meetings: CasusoverlegMeetingTable;
  casusoverleg_agenda: CasusoverlegAgendaTable;
  casusoverleg_invitations: CasusoverlegInvitationTable;
  bezwaren: BezwaarTable;
  bezwaar_subject_hashes: BezwaarSubjectHashTable;
  verzoeken: VerzoekTable;
  verzoek_subject_hashes: VerzoekSubjectHashTable;
  verzoek_taken: VerzoekTaakTable;
  signal_erasures: SignalErasureTable;
  legal_holds: LegalHoldTable;
  legal_hold_subject_hashes: LegalHoldSubjectHashTable;
  queries: QueryTable;
  logboek_entries: LogboekEntryTable;
  logboek_leaves: LogboekLeafTable;
  logboek_nodes: LogboekNodeTable;
  logboek_checkpoints: LogboekCheckpointTable;
  logboek_subject_aliases: LogboekSubjectAliasTable;
  logboek_disclosures: LogboekDisclosureTable;
  logboek_intake_records: LogboekIntakeRecordTable;
  logboek_cosignatures: LogboekCosignatureTable;
  policy_versions: PolicyVersionTable;
  policy_rules: PolicyRuleTable;
  policy_previews: PolicyPreviewTable;
  custodian_usage: CustodianUsageTable;
  rate_limit_usage: RateLimitUsageTable;
  partner_keys: PartnerKeyTable;
  signal_batch_signatures: SignalBatchSignatureTable;
  web_sessions: WebSessionTable;
}

/** The database or an open transaction: what every repository function takes first. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number }
  | {
      readonly kind: 'pglite';
      readonly dataDir: string;
      /** A backup (`jpp-broker restore`): loaded into DATA_DIR/pgdata, which must be empty. */
      readonly loadDataDir?: Blob;
    }
  | { readonly kind: 'pglite-memory'; readonly loadDataDir?: Blob };

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: 'postgres' | 'pglite';
  /** Closes the connection(s) and releases the data-directory lock. */
  close(): Promise<void>;
  /**
   * PGlite only: a tarball of the data directory (tests load a migrated template from it;
   * `jpp-broker backup` writes it gzipped). Consistent: PGlite runs one statement at a time.
   */
  dumpDataDir?: () => Promise<Blob>;
  /** PostgreSQL only: the pool's connections now (metrics). */
  pool?: () => { readonly total: number; readonly idle: number; readonly waiting: number };
}

const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

/** How long a request waits for a new PostgreSQL connection before it fails as unavailable (503). */
const CONNECT_TIMEOUT_MS = 5_000;

export interface OpenOptions {
  /**
   * A pooled connection failed: idle (the server restarted) or checked out by a request or a
   * transaction (PostgreSQL terminated it, code 57P01). node-postgres emits these as `error`
   * events; without a listener they would crash the process. The pool replaces the connection;
   * the statement that was running fails (database-faults.ts makes that a 503).
   */
  readonly onPoolError?: (err: Error) => void;
  /** Kysely's query log: sees every statement and its parameters (tests use it to prove what is read). */
  readonly log?: (event: LogEvent) => void;
  /** The embedded database: told when a dead process's lock is taken over (data-dir-lock.ts). */
  readonly onLockTakeover?: (owner: LockOwner) => void;
}

/** Opens the database described by `target`. Throws if an embedded data directory is in use. */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const log = options.log ? { log: options.log } : {};
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // pg-pool listens on a client only while it is idle and removes that listener when the client
    // is checked out; so every client gets one of its own for its whole life, in and out of a
    // transaction (docs/operations.md, "database faults"). The pool's own event then adds nothing.
    pool.on('connect', (client) => {
      client.on('error', (err) => options.onPoolError?.(err));
    });
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...log });
    return {
      db,
      engine: 'postgres',
      close: () => db.destroy(),
      pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  const parsers = { [pgliteTypes.INT8]: parseInt8 };
  if (target.kind === 'pglite-memory') {
    const pglite = await PGlite.create({ parsers, ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}) });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), ...log });
    return { db, engine: 'pglite', close: () => db.destroy(), dumpDataDir: async () => pglite.dumpDataDir('none') };
  }
  const dir = join(target.dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const lock = await lockDataDir(dir, options.onLockTakeover ? { onTakeover: options.onLockTakeover } : {});
  try {
    if (target.loadDataDir && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty; a backup is restored into an empty directory only`);
    const pglite = await PGlite.create(dir, { parsers, ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}) });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), ...log });
    return {
      db,
      engine: 'pglite',
      async close() {
        try {
          await db.destroy();
        } finally {
          await lock.release();
        }
      },
      dumpDataDir: async () => pglite.dumpDataDir('gzip'),
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}
