/**
 * PostgreSQL terminates the broker's connections while questions are in flight (what a
 * failover, a restart or `pg_terminate_backend` does): the broker process stays up, the
 * questions that met the fault get 503 problem+json with Retry-After, questions answer 200
 * again within seconds, the policy listener and the sequencer reconnect, nothing is half
 * written, and the logboek verifies.
 * PostgreSQL only: the embedded database has no connections to lose.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { aanmelding } from '../support/casus.js';
import { BROKER_BIN } from '../support/spawn-service.js';
import { platformFileWith, UNLIMITED } from '../support/platform-file.js';
import { spawnBroker, type SpawnedBroker } from '../support/spawned-broker.js';

const adminUrl = process.env['DATABASE_URL'];
if (!adminUrl) console.warn('database-faults.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');
const run = promisify(execFile);

describe.skipIf(!adminUrl)('PostgreSQL drops the broker\'s connections under load', () => {
  let b: SpawnedBroker;
  let admin: pg.Client;

  beforeAll(async () => {
    // Load, not a search through youths: the platform's rate limits are set out of reach.
    b = await spawnBroker({ env: { JPP_CHECKPOINT_ENTRIES: '100', JPP_CHECKPOINT_SECONDS: '1', JPP_PLATFORM_FILE: platformFileWith({ rateLimits: UNLIMITED }) } });
    admin = new pg.Client({ connectionString: b.databaseUrl });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await b?.close();
  });

  const dbName = (): string => new URL(b.databaseUrl!).pathname.slice(1);
  /** Terminates every connection of the broker's database but the test's own. */
  const terminate = async (): Promise<number> =>
    (await admin.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName()])).rows[0].n;

  it('stays up, answers 503 with retry advice meanwhile, recovers by itself, and half-writes nothing', async () => {
    const voorzitter = await b.token('demo-voorzitter');
    // Casussen first: the broker answers only about a subject of a casus.
    const cases = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const subject = randomPseudonym();
        const caseRef = opaqueRef('case');
        const res = await b.call('POST', '/v1/cases', { token: voorzitter, body: { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) } });
        expect(res.status, res.text).toBe(201);
        return { subject, caseRef };
      }),
    );
    const listenersBefore = (await admin.query("select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'listen%'", [dbName()])).rows[0].n;
    expect(listenersBefore).toBe(1);

    const answered: string[] = [];
    const problems: Array<{ status: number; type: string; retryAfter: string | null; contentType: string | null }> = [];
    const failures: string[] = [];
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const c = cases[(w * 7 + i) % cases.length]!;
        try {
          const res = await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject: c.subject, doel: 'jpp-screening', caseRef: c.caseRef } });
          if (res.status === 200) answered.push(res.body.queryId);
          else problems.push({ status: res.status, type: res.body?.type, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type') });
        } catch (err) {
          failures.push(String((err as Error).cause ?? err));
        }
      }
    };
    const workers = Array.from({ length: 12 }, (_, w) => worker(w));
    let terminated = 0;
    for (let round = 0; round < 8; round++) {
      await new Promise((r) => setTimeout(r, 250));
      terminated += await terminate();
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(workers);

    // The faults were met, and the process is still there.
    expect(terminated).toBeGreaterThan(0);
    expect(b.service.child.exitCode).toBeNull();
    expect(b.service.child.signalCode).toBeNull();
    expect(failures).toEqual([]);
    expect(problems.length, 'no question met the fault: the test proved nothing').toBeGreaterThan(0);
    for (const p of problems) {
      expect(p).toEqual({ status: 503, type: 'tag:jpp-broker,2026:problem:unavailable', retryAfter: expect.stringMatching(/^\d+$/), contentType: expect.stringContaining('application/problem+json') });
    }

    // Within seconds a question answers again, without anyone restarting anything.
    const c = cases[0]!;
    let status = 0;
    const since = Date.now();
    while (status !== 200 && Date.now() - since < 10_000) {
      status = (await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject: c.subject, doel: 'jpp-screening', caseRef: c.caseRef } })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect(Date.now() - since).toBeLessThan(5_000);
    expect((await b.call('GET', '/readyz')).status).toBe(200);

    // The LISTEN/NOTIFY policy listener reconnected.
    let listeners = 0;
    for (let i = 0; i < 50 && listeners === 0; i++) {
      listeners = (await admin.query("select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'listen%'", [dbName()])).rows[0].n;
      if (listeners === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listeners).toBe(1);

    // Nothing half-written: every answer has its one question entry with an answer (and an index
    // row) per partner, no question row lacks it.
    const partners = (await admin.query('select count(*)::int as n from partners')).rows[0].n;
    const perQuery = new Map<string, { entries: number; answers: number; indexed: number }>(
      (await admin.query(`select e.query_id, count(distinct e.id)::int as entries, max(jsonb_array_length(e.content::jsonb -> 'details' -> 'answers'))::int as answers, count(d.entry_id)::int as indexed
         from logboek_entries e left join logboek_disclosures d on d.entry_id = e.id
        where e.action = 'question' and e.query_id = any($1::uuid[]) group by e.query_id`, [answered])).rows.map((r) => [r.query_id, { entries: r.entries, answers: r.answers, indexed: r.indexed }]),
    );
    expect(answered.length).toBeGreaterThan(0);
    for (const id of answered) expect(perQuery.get(id), `query ${id}`).toEqual({ entries: 1, answers: partners, indexed: partners });
    const orphans = (await admin.query("select count(*)::int as n from queries q where not exists (select 1 from logboek_entries e where e.query_id = q.id and e.action = 'question')")).rows[0].n;
    expect(orphans).toBe(0);

    // The sequencer came back too: every entry gets its place in the tree.
    let pending = -1;
    for (let i = 0; i < 100 && pending !== 0; i++) {
      pending = (await admin.query('select count(*)::int as n from logboek_entries e where not exists (select 1 from logboek_leaves l where l.entry_id = e.id)')).rows[0].n;
      if (pending !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pending).toBe(0);
    await new Promise((r) => setTimeout(r, 1_200)); // one more run writes the checkpoint over the rest

    // The logboek verifies, read straight from the database.
    const keyFile = join(b.dataDir, 'public-key.json');
    writeFileSync(keyFile, (await b.call('GET', '/v1/log/public-key')).text);
    const verify = await run(process.execPath, [BROKER_BIN, 'audit', 'verify', '--database', '--public-key', keyFile], { env: { ...b.env } });
    expect(verify.stdout).toMatch(/RESULT: VALID/);
  }, 120_000);
});
