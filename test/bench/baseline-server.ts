/**
 * The baseline of the benchmark, run as its own process: a bare express 5 app with a pg
 * Pool (max 10, as the broker's) whose POST /v1/queries does the per-request basics the
 * broker also does (parse the JSON body, HMAC the pseudonym with k_db) and then only the
 * broker's hit lookup, the SQL statement that `findCurrentSignalPairs` issues (captured
 * from kysely by lookup-pairs.ts), and returns the rows as JSON. No authentication, no
 * validation, no transaction, no logging.
 *
 * With BENCH_FLOOR_LOG_BYTES=n it is the *floor* instead: the same route, but the lookup and
 * the insert of one log row of n bytes (the size of the broker's question entry) are one
 * statement, committed before the answer is sent (synchronous commit, as the broker's). It is
 * the least that any design keeping "no log, no answer" does per question: one durable row,
 * no index but its key, no authentication, no policy, no tree.
 *
 * Environment: DATABASE_URL, PORT, JPP_SUBJECT_KEY (base64url), BENCH_LOOKUP_SQL (the
 * statement: $1 subject hash, then the pairs, then now twice), BENCH_LOOKUP_PAIRS (JSON
 * array of [partner, category]). GET /healthz answers once the database does.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { createSubjectHasher } from '../../broker/subjects/subject-hash.js';
import type { LookupPair } from './lookup-pairs.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`baseline-server: ${name} is not set`);
  return value;
}

function main(): void {
  const pairs = JSON.parse(required('BENCH_LOOKUP_PAIRS')) as LookupPair[];
  const hashSubject = createSubjectHasher(Buffer.from(required('JPP_SUBJECT_KEY'), 'base64url'));
  const pool = new pg.Pool({ connectionString: required('DATABASE_URL'), max: 10 });
  const lookup = required('BENCH_LOOKUP_SQL');
  const pairParams = pairs.flat();
  const floorBytes = Number(process.env['BENCH_FLOOR_LOG_BYTES'] ?? 0);
  // The floor's row: the lookup's parameters come first, then the row's text.
  const statement = floorBytes > 0
    ? `with logged as (insert into bench_floor_log (body) values ($${pairParams.length + 4}) returning id) select f.* from (${lookup}) f`
    : lookup;
  const filler = 'x'.repeat(Math.max(0, floorBytes - 120));
  const ready = floorBytes > 0
    ? pool.query('create table if not exists bench_floor_log (id bigserial primary key, at timestamptz not null default now(), body text not null)')
    : Promise.resolve();

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb', strict: true }));
  app.get('/healthz', async (_req, res) => {
    await ready;
    await pool.query('select 1');
    res.json({ status: 'ok' });
  });
  app.post('/v1/queries', async (req, res) => {
    const subject = (req.body as { subject?: unknown } | undefined)?.subject;
    if (typeof subject !== 'string') {
      res.status(400).json({ error: 'subject is missing' });
      return;
    }
    const now = new Date();
    const hash = hashSubject(subject);
    const params: unknown[] = [hash, ...pairParams, now, now];
    // A row that differs per question, as the broker's entries do (subject hash, time, span).
    if (floorBytes > 0) params.push(`{"subjectHash":"${hash.toString('hex')}","at":"${now.toISOString()}","span":"${Math.random().toString(36).slice(2)}","filler":"${filler}"}`);
    const { rows } = await pool.query<{ partner_id: string; category: string }>(statement, params);
    res.json({ found: rows.map((r) => ({ partner: r.partner_id, category: r.category })) });
  });

  const server = app.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', (err?: Error) => {
    if (err) {
      process.stderr.write(`baseline-server: cannot listen: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`baseline listening on ${(server.address() as AddressInfo).port}\n`);
  });
  const stop = (): void => {
    server.close(() => void pool.end().finally(() => process.exit(0)));
    server.closeAllConnections();
    setTimeout(() => process.exit(1), 5_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
