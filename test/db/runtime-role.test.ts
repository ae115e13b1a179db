/**
 * The least-privilege database role (issue 17 item 5, migration 0110), on PostgreSQL: a fresh
 * database is migrated by `jpp-broker db migrate` as the owner; the broker then runs as a login
 * role that is a member of jpp_broker_runtime and does its work end to end (signals, a casus,
 * a question, the logboek, the sequencer and its checkpoint, a status change, a retention run
 * that deletes a closed casus and an answered verzoek with its task, and redacts log content), while that role cannot disable or drop
 * the logboek's triggers, change or delete log rows, truncate, or become someone else.
 * On the embedded database (one user, a superuser) the migration's role and grants exist but
 * nothing connects as the role: that part checks the grants only, and the PostgreSQL part is
 * skipped (visibly) without DATABASE_URL.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { submitSignals, answersOf } from '../support/signals.js';
import { openCase } from '../support/casus.js';
import { randomPseudonym } from '../support/synthetic.js';
import { dbMigrateCommand } from '../../broker/commands/db.js';
import { verifyCommand, type AuditIo } from '../../broker/commands/audit.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { witnessOnce } from '../../broker/logboek/witness.js';
import { openDatabase, type Database } from '../../broker/db/database.js';
import { canDisableGuards, describeDatabaseRole } from '../../broker/db/database-role.js';
import { amsterdamDay } from '../../broker/rights/verzoek-fns.js';

const adminUrl = process.env['DATABASE_URL'];
const DAY = 86_400_000;

/** What the broker's repositories update and delete: the grants must be exactly these. */
const EXPECTED_UPDATES: Record<string, string[]> = {
  adapters: ['active', 'deactivated_at', 'deactivated_by'],
  bezwaren: ['lifted_at'],
  case_subjects: ['defer_reason', 'deferred_until', 'informed_at', 'notification_changed_at', 'notification_changed_by', 'notification_state'], // _by: migration 0180
  case_vervolgacties: ['completed_at', 'completed_by'],
  case_consents: ['withdrawn_at', 'withdrawn_by'], // withdrawn_by: migration 0180
  cases: ['closed_at', 'outcome', 'regiehouder', 'regiehouder_set_by', 'regiehouder_since', 'status', 'status_changed_at'], // _set_by: migration 0180
  custodian_usage: ['elements'],
  rate_limit_usage: ['count'],
  verzoeken: ['answered_by', 'answered_on', 'decision', 'extended_until', 'extension_reason', 'grondslag', 'status'],
  verzoek_taken: ['answered_at', 'answered_by', 'reason', 'status'], // migration 0130
  legal_holds: ['released_at', 'released_by'],
  logboek_entries: ['case_ref', 'content', 'query_id', 'subject_hash'],
  organisations: ['active', 'name'],
  partner_keys: ['revoked_at'],
  partners: ['name', 'organisation_id'],
  people: ['active', 'deactivated_at', 'deactivated_by', 'display_name', 'valid_until'],
  person_roles: ['approved_at', 'approved_by', 'granted_at', 'granted_by', 'revoked_at', 'revoked_by', 'valid_from', 'valid_until'],
  policy_versions: [
    'activated_at', 'approval_preview_id', 'confirmed_new_access', 'content_hash', 'note', 'reviewed_at', 'reviewer_id',
    'reviewer_organisation', 'reviewer_role', 'state', 'submitted_at', 'tests', 'updated_at',
  ],
  roles: ['name', 'privileged'],
  web_sessions: ['data', 'expires_at'],
};
// verzoeken: retention of answered verzoeken (migration 0160); their tasks and hashes go by ON DELETE CASCADE (owner's rights).
const EXPECTED_DELETES = ['bezwaren', 'cases', 'custodian_usage', 'logboek_intake_records', 'logboek_subject_aliases', 'policy_rules', 'rate_limit_usage', 'signals', 'verzoeken', 'web_sessions']; // intake records: migration 0240
const LOG_TABLES = ['logboek_entries', 'logboek_leaves', 'logboek_nodes', 'logboek_checkpoints', 'logboek_cosignatures', 'logboek_subject_aliases', 'logboek_disclosures', 'logboek_intake_records'];

/** The runtime role's privileges as the catalog states them. */
async function grantsOf(db: Kysely<Database>) {
  const tables = (
    await sql<{ table_name: string; privilege_type: string }>`
      select table_name::text, privilege_type::text from information_schema.role_table_grants
       where grantee = 'jpp_broker_runtime' and table_schema = current_schema()`.execute(db)
  ).rows;
  const columns = (
    await sql<{ table_name: string; column_name: string }>`
      select table_name::text, column_name::text from information_schema.column_privileges
       where grantee = 'jpp_broker_runtime' and table_schema = current_schema() and privilege_type = 'UPDATE'
       order by table_name, column_name`.execute(db)
  ).rows;
  const all = (
    await sql<{ t: string }>`select tablename::text as t from pg_tables where schemaname = current_schema() order by 1`.execute(db)
  ).rows.map((r) => r.t);
  const has = (t: string, p: string) => tables.some((g) => g.table_name === t && g.privilege_type === p);
  const updates: Record<string, string[]> = {};
  for (const c of columns) (updates[c.table_name] ??= []).push(c.column_name);
  return { tables, updates, all, has };
}

function expectExactGrants(g: Awaited<ReturnType<typeof grantsOf>>): void {
  for (const t of g.all) {
    expect(g.has(t, 'SELECT'), `SELECT on ${t}`).toBe(true);
    expect(g.has(t, 'INSERT'), `INSERT on ${t}`).toBe(!t.startsWith('kysely_'));
  }
  expect(g.tables.filter((x) => x.privilege_type === 'UPDATE')).toEqual([]); // column-level only
  expect(g.tables.filter((x) => ['TRUNCATE', 'TRIGGER', 'REFERENCES'].includes(x.privilege_type))).toEqual([]);
  expect(g.tables.filter((x) => x.privilege_type === 'DELETE').map((x) => x.table_name).sort()).toEqual(EXPECTED_DELETES);
  for (const [table, columns] of Object.entries(EXPECTED_UPDATES)) expect(g.updates[table] ?? [], `UPDATE columns of ${table}`).toEqual(columns);
  expect(Object.keys(g.updates).filter((t) => !(t in EXPECTED_UPDATES))).toEqual([]);
}

/**
 * The question's functions (migration 0210; 0220 replaced `jpp_ask` and `jpp_ask_entry` by the
 * one-entry `jpp_ask` and `jpp_question_entry`): the runtime role may execute them, PUBLIC may not,
 * and they run with the caller's rights (SECURITY INVOKER), so they can do nothing the role cannot.
 */
async function expectQuestionFunctions(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ name: string; definer: boolean; runtime: boolean; public: boolean }>`
    select p.proname::text as name, p.prosecdef as definer,
           has_function_privilege('jpp_broker_runtime', p.oid, 'execute') as runtime,
           coalesce((select bool_or(a.grantee = 0) from aclexplode(p.proacl) as a where a.privilege_type = 'EXECUTE'), true) as public
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = current_schema() and p.proname in ('jpp_ask', 'jpp_ask_entry', 'jpp_person_confirmed', 'jpp_question_entry')
     order by 1`.execute(db);
  expect(rows).toEqual(['jpp_ask', 'jpp_person_confirmed', 'jpp_question_entry'].map((name) => ({ name, definer: false, runtime: true, public: false })));
}

describe('the runtime role on the embedded database', () => {
  it.skipIf(Boolean(adminUrl))('exists with its grants, and the one user is a superuser (nothing connects as the role)', async () => {
    const handle = await openDatabase({ kind: 'pglite-memory', loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    try {
      expectExactGrants(await grantsOf(handle.db));
      await expectQuestionFunctions(handle.db);
      const role = await describeDatabaseRole(handle.db);
      expect(role.superuser).toBe(true);
      expect(canDisableGuards(role)).toBe(true);
    } finally {
      await handle.close();
    }
  });
});

describe.skipIf(!adminUrl)('the broker as a least-privilege role on PostgreSQL', () => {
  let database: TestDatabase;
  let owner: { db: Kysely<Database>; close(): Promise<void> };
  const login = `jpp_rt_${process.pid}_${randomBytes(3).toString('hex')}`;
  let runtimeUrl: string;
  let b: TestBroker | undefined;
  let client: pg.Client;
  const s = {} as { refusedStart: string; migrated: Awaited<ReturnType<typeof dbMigrateCommand>>; question: any; run: any; closedCase: string; verzoek: string; entries: number };

  const ownerRows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(owner.db)).rows;
  const count = async (table: string) => (await ownerRows(sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`))[0]!.n;

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!, 'jpp_role');
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // The operator's login role: no rights of its own, a member of the group role (created
      // here first, as an administrator would; the migration finds it).
      await admin.query(`do $$ begin create role jpp_broker_runtime nologin; exception when duplicate_object or unique_violation then null; end $$`);
      await admin.query(`create role ${login} login in role jpp_broker_runtime`);
    } finally {
      await admin.end();
    }
    const url = new URL(database.url);
    url.username = login;
    runtimeUrl = url.toString();
    const h = await openDatabase({ kind: 'postgres', url: database.url });
    owner = { db: h.db, close: () => h.close() };

    // Before the schema exists the runtime role cannot create it: the broker says what to do.
    s.refusedStart = await startTestBroker({ databaseUrl: runtimeUrl }).then(
      async (started) => {
        await started.close();
        return 'started';
      },
      (err: Error) => err.message,
    );
    s.migrated = await dbMigrateCommand({ DATABASE_URL: database.url });

    b = await startTestBroker({ databaseUrl: runtimeUrl });
    const voorzitter = await b.token('demo-voorzitter');
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const c = await openCase(b, [subject]);
    s.question = await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject, doel: 'jpp-screening', caseId: c.caseId } });
    const closed = await b.call('POST', `/v1/cases/${c.caseId}/transitions`, { token: voorzitter, body: { to: 'afgesloten', outcome: 'geen-zorgen' } });
    expect(closed.status, closed.text).toBe(200);
    s.closedCase = c.caseId;
    // A wissing forwarded to Halt, withdrawn by Halt and answered: retention removes it with its
    // task later, by the grant on verzoeken alone (the task goes by ON DELETE CASCADE).
    const jurist = await b.token('demo-jurist');
    const erased = randomPseudonym();
    const [erasedRef] = await submitSignals(b, 'halt', [{ subject: erased, category: 'halt-afdoening' }]);
    const v = await b.call('POST', '/v1/verzoeken', { token: jurist, body: { subject: erased, type: 'wissing', receivedOn: amsterdamDay(b.clock.now), requester: 'betrokkene', identityCheck: 'digid' } });
    expect(v.status, v.text).toBe(201);
    expect((await b.call('POST', `/v1/verzoeken/${v.body.verzoekId}/taken`, { token: jurist, body: { partners: ['halt'] } })).status).toBe(201);
    const halt = await b.adapterToken('halt');
    const [task] = (await b.call('GET', '/v1/verzoektaken', { token: halt })).body.items.filter((t: { refs: string[] }) => t.refs.includes(erasedRef!));
    expect((await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: halt, body: { outcome: 'withdrawn' } })).status).toBe(200);
    expect((await b.call('POST', `/v1/verzoeken/${v.body.verzoekId}/answer`, { token: jurist, body: { decision: 'granted', grondslag: 'AVG art. 17: gewist' } })).status).toBe(200);
    s.verzoek = v.body.verzoekId;
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    b.clock.now = new Date(b.clock.now.getTime() + 2 * 365 * DAY + DAY);
    const run = await b.call('POST', '/v1/retention/runs', { token: await b.token('demo-fg') });
    expect(run.status, run.text).toBe(201);
    s.run = run.body;
    await b.broker.sequencer.drain({ forceCheckpoint: true });
    s.entries = await count('logboek_entries');

    client = new pg.Client({ connectionString: runtimeUrl });
    await client.connect();
  }, 120_000);

  afterAll(async () => {
    await client?.end().catch(() => undefined);
    await b?.close();
    await owner?.close();
    await database?.drop();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop role if exists ${login}`).finally(() => admin.end());
  });

  it('refuses to start on an unmigrated database, naming the command the owner runs', () => {
    expect(s.refusedStart).toMatch(/may not change its schema.*jpp-broker db migrate/s);
  });

  it('is migrated by `jpp-broker db migrate` as the owner, with exactly the grants the repositories need', async () => {
    expect(s.migrated.database).toBe('postgres');
    expect(s.migrated.applied).toContain('0110-runtime-role');
    expect(s.migrated.runtimeRole).toBe('jpp_broker_runtime');
    expectExactGrants(await grantsOf(owner.db));
    await expectQuestionFunctions(owner.db);
  });

  it('runs as the login role, a member of the runtime role that owns nothing', async () => {
    const role = await describeDatabaseRole(b!.broker.db);
    expect(role).toEqual({ user: login, superuser: false, ownsTables: false, runtimeMember: true });
    expect(canDisableGuards(role)).toBe(false);
  });

  it('answers a question, logs it, sequences and checkpoints the log', async () => {
    expect(s.question.status, s.question.text).toBe(200);
    expect(answersOf(s.question.body)['halt']).toBe('hit');
    const pending = await ownerRows(sql<{ n: number }>`
      select count(*)::int as n from logboek_entries e where not exists (select 1 from logboek_leaves l where l.entry_id = e.id)`);
    expect(pending[0]!.n).toBe(0);
    expect(await count('logboek_checkpoints')).toBeGreaterThan(0);
  });

  it('keeps a log that verifies after the redaction, read as the runtime role', async () => {
    let text = '';
    const io: AuditIo = { out: (l) => void (text += `${l}\n`), err: (l) => void (text += `${l}\n`) };
    const witnessStore = mkdtempSync(join(tmpdir(), 'jpp-role-witness-'));
    try {
      await witnessOnce({ client: createLogClient(b!.url), store: witnessStore });
      expect(await verifyCommand({ database: true, json: true, witnessStore }, io, { db: b!.broker.db }), text).toBe(0);
    } finally {
      rmSync(witnessStore, { recursive: true, force: true });
    }
    const report = JSON.parse(text);
    expect(report.redacted).toBe(s.run.removed.logContent.count);
  });

  it("runs retention: deletes the closed casus (with its subjects and questions) and redacts log content", async () => {
    expect(s.run.removed.cases.count).toBeGreaterThanOrEqual(1);
    expect(s.run.removed.logContent.count).toBeGreaterThan(0);
    expect((await ownerRows(sql<{ n: number }>`select count(*)::int as n from queries where case_id = ${s.closedCase}`))[0]!.n).toBe(0);
    expect((await ownerRows(sql<{ n: number }>`select count(*)::int as n from logboek_entries where content is null`))[0]!.n).toBe(s.run.removed.logContent.count);
  });

  it('runs retention: deletes the answered verzoek with its task, and keeps the erasure record', async () => {
    expect(s.run.removed.verzoeken.count).toBe(1);
    expect((await ownerRows(sql<{ n: number }>`select count(*)::int as n from verzoeken where id = ${s.verzoek}`))[0]!.n).toBe(0);
    expect((await ownerRows(sql<{ n: number }>`select count(*)::int as n from verzoek_taken where verzoek_id = ${s.verzoek}`))[0]!.n).toBe(0);
    expect((await ownerRows(sql<{ n: number }>`select count(*)::int as n from signal_erasures where verzoek_id = ${s.verzoek}`))[0]!.n).toBe(1);
  });

  const refused = async (statement: string): Promise<{ code: string; message: string }> => {
    try {
      await client.query(statement);
    } catch (err) {
      return { code: (err as { code: string }).code, message: (err as Error).message };
    }
    throw new Error(`not refused: ${statement}`);
  };

  it("cannot disable, drop or bypass the logboek's triggers", async () => {
    for (const statement of [
      'alter table logboek_entries disable trigger logboek_entries_guard',
      'alter table logboek_entries disable trigger all',
      'alter table logboek_leaves disable trigger user',
      'drop trigger logboek_entries_guard on logboek_entries',
      'alter table logboek_entries owner to current_user',
      'drop table logboek_checkpoints',
    ]) {
      const r = await refused(statement);
      expect([r.code, r.message], statement).toEqual(['42501', expect.stringMatching(/must be owner/)]);
    }
    // Replication mode would skip ordinary triggers: only a superuser may set it.
    expect((await refused('set session_replication_role = replica')).code).toBe('42501');
    expect((await refused('set role postgres')).code).toBe('42501');
    expect((await refused(`alter role ${login} superuser`)).code).toBe('42501');
  });

  it('cannot change what an entry says, nor delete or truncate the log', async () => {
    const entries = await ownerRows(sql<{ id: number; content: string; action: string }>`select id, content, action from logboek_entries where content is not null order by id limit 1`);
    const id = entries[0]!.id;
    // Columns it may not update at all:
    for (const statement of [`update logboek_entries set action = 'x' where id = ${id}`, `update logboek_entries set logged_at = now() where id = ${id}`]) {
      const r = await refused(statement);
      expect([r.code, r.message], statement).toEqual(['42501', expect.stringMatching(/permission denied/)]);
    }
    // The redaction columns: only redaction, and the guard (which it cannot switch off) refuses the rest.
    const forged = await refused(`update logboek_entries set content = '{"forged":true}' where id = ${id}`);
    expect(forged.message).toMatch(/append-only/);
    const guarded = ['logboek_subject_aliases', 'logboek_intake_records']; // DELETE granted for redaction; the guard refuses the rest
    for (const table of LOG_TABLES.filter((t) => !guarded.includes(t))) {
      const r = await refused(`delete from ${table}`);
      expect([r.code, r.message], table).toEqual(['42501', expect.stringMatching(/permission denied/)]);
    }
    for (const table of LOG_TABLES) expect((await refused(`truncate ${table}`)).code, table).toBe('42501');
    for (const [table, column] of [['logboek_leaves', 'leaf_hash'], ['logboek_nodes', 'hash'], ['logboek_checkpoints', 'jws']]) {
      expect((await refused(`update ${table} set ${column} = ${column}`)).code, table).toBe('42501');
    }
    expect(await count('logboek_entries')).toBe(s.entries);
    expect(await ownerRows(sql<{ id: number; content: string; action: string }>`select id, content, action from logboek_entries where id = ${id}`)).toEqual(entries);
  });

  it('cannot create objects of its own in the schema (PostgreSQL 15 and later)', async () => {
    const version = Number((await client.query('show server_version_num')).rows[0].server_version_num);
    if (version < 150000) return; // before 15, PUBLIC may create in schema public unless the operator revokes it (docs/operations.md)
    expect((await refused('create table jpp_own (a int)')).code).toBe('42501');
  });
});
