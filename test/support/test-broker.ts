/**
 * A real broker for one test file: the composition root with demo mode's seed, on its
 * own database (an in-memory PGlite loaded from the migrated template, or a fresh
 * PostgreSQL database when DATABASE_URL is set, dropped on close), listening on a free
 * port. Tests talk to it over HTTP as a client would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Writable } from 'node:stream';
import type { LogEvent } from 'kysely';
import { inject } from 'vitest';
import { loadConfig } from '../../broker/config/config.js';
import { createBroker, type Broker, type BrokerOptions } from '../../broker/app/create-broker.js';
import type { DatabaseTarget } from '../../broker/db/database.js';
import { createLogger } from '../../broker/http/logger.js';
import { DEMO_PEOPLE } from '../../broker/demo/demo-platform.js';
import { createMigratedTestDatabase, createRuntimeRoleDatabase } from './test-database.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface TestBroker {
  readonly url: string;
  readonly broker: Broker;
  /** The broker's clock; tests may move it. */
  readonly clock: { now: Date };
  /** The broker's DATA_DIR (demo secrets, e.g. the checkpoint signing key). */
  readonly dataDir: string;
  token(userId: string): Promise<string>;
  adapterToken(partner: string): Promise<string>;
  /** A token with arbitrary claims from the demo issuer. */
  sign(claims: Record<string, string>, subject: string): Promise<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/** One request as a client sends it: bearer token, JSON body (or a raw one); the reply with its body parsed when it is JSON. */
export async function callApi(url: string, method: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export interface TestBrokerOptions {
  readonly logDestination?: Writable;
  readonly logLevel?: string;
  readonly queryLog?: (event: LogEvent) => void;
  /** Extra environment for the broker's config (e.g. JPP_CHECKPOINT_ENTRIES). */
  readonly env?: Readonly<Record<string, string>>;
  /** Production mode (no demo seed, issuer or custodian): `env` must then hold the production secrets. */
  readonly production?: boolean;
  /** The process's metrics registry and tracer (telemetry tests). */
  readonly metrics?: BrokerOptions['metrics'];
  readonly tracer?: BrokerOptions['tracer'];
  /** Prepares DATA_DIR before the broker starts (e.g. a custodian key file rotated to two epochs). */
  readonly beforeStart?: (dataDir: string) => void;
  /** Listen on this port instead of a free one (when JPP_PUBLIC_URL must name the address beforehand, as an OpenID Provider's redirect URI does). */
  readonly port?: number;
  /** PostgreSQL only: run on this database (e.g. as a least-privilege role) instead of a fresh one; not dropped on close. */
  readonly databaseUrl?: string;
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-test-'));
  options.beforeStart?.(dataDir);
  const config = loadConfig({ ...(options.env ?? {}), JPP_MODE: options.production ? 'production' : 'demo', DATA_DIR: dataDir, PORT: '0' });
  const adminUrl = process.env['DATABASE_URL'];
  let target: DatabaseTarget;
  let drop = async (): Promise<void> => undefined;
  if (options.databaseUrl) {
    target = { kind: 'postgres', url: options.databaseUrl, poolSize: 5 };
  } else if (adminUrl) {
    // TEST_DATABASE_ROLE=runtime: as a least-privilege login role, on a database its owner migrated.
    const database = process.env['TEST_DATABASE_ROLE'] === 'runtime' ? await createRuntimeRoleDatabase(adminUrl) : await createMigratedTestDatabase(adminUrl);
    target = { kind: 'postgres', url: database.url, poolSize: 5 };
    drop = database.drop;
  } else {
    const template = inject('pgliteTemplate');
    target = { kind: 'pglite-memory', loadDataDir: new Blob([readFileSync(template)]) };
  }
  const clock = { now: new Date() };
  const logger = createLogger({ level: options.logLevel ?? (options.logDestination ? 'info' : 'silent'), ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const broker = await createBroker(config, {
    logger,
    database: target,
    now: () => clock.now,
    ...(options.queryLog ? { queryLog: options.queryLog } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.tracer ? { tracer: options.tracer } : {}),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = broker.app.listen(options.port ?? 0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = broker.devIssuer!;
  const audience = config.jwt.audience;

  return {
    url,
    broker,
    clock,
    dataDir,
    async token(userId) {
      const p = DEMO_PEOPLE.find((x) => x.id === userId);
      if (!p) throw new Error(`no demo user ${userId}`);
      return issuer.sign({ org: p.organisation, role: p.role }, p.id, audience);
    },
    adapterToken: (partner) => issuer.sign({ partner }, `adapter:${partner}`, audience),
    sign: (claims, subject) => issuer.sign(claims, subject, audience),
    call: (method, path, opts = {}) => callApi(`${url}${path}`, method, opts),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await broker.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
