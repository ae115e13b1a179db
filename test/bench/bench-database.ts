/**
 * The benchmark's own PostgreSQL database: created fresh (jpp_bench_<random>) on the
 * server that DATABASE_URL names, and dropped at the end, so a run never touches
 * anyone's data and leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  readonly name: string;
  /** The connection string of the bench database (the admin URL with its name). */
  readonly url: string;
  /** The server's version string. */
  readonly serverVersion: string;
  /** Drops the database, ending any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/** PostgreSQL does not answer at the given URL. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `PostgreSQL does not answer at ${redactPassword(url)}: ${(cause as Error).message || String(cause)}\n` +
        'Start PostgreSQL or set DATABASE_URL to a server where this user may CREATE DATABASE.',
      { cause },
    );
    this.name = 'DatabaseUnreachableError';
  }
}

export function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  let serverVersion: string;
  try {
    serverVersion = await withClient(adminUrl, async (c) => (await c.query<{ v: string }>('select version() as v')).rows[0]!.v);
  } catch (err) {
    throw new DatabaseUnreachableError(adminUrl, err);
  }
  const name = `jpp_bench_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    serverVersion,
    async drop() {
      if (dropped) return;
      await withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
      dropped = true;
    },
  };
}
