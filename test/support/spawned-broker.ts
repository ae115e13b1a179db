/**
 * A demo broker as a child process (`jpp-broker start --demo`), as an operator runs it, on the
 * engine the suite runs on: a throwaway PostgreSQL database when DATABASE_URL is set, else the
 * embedded database in its own DATA_DIR. Tokens come from the demo issuer's key in DATA_DIR, as
 * `jpp-broker token` makes them, without starting a CLI per token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevIssuer, type DevIssuer } from '../../broker/auth/dev-issuer.js';
import { loadDemoSecrets } from '../../broker/config/demo-secrets.js';
import { DEMO_PEOPLE } from '../../broker/demo/demo-platform.js';
import { spawnService, type SpawnedService } from './spawn-service.js';
import { createMigratedTestDatabase, type TestDatabase } from './test-database.js';
import { callApi, type CallOptions, type Reply } from './test-broker.js';

export interface SpawnedBroker {
  readonly service: SpawnedService;
  readonly url: string;
  readonly dataDir: string;
  /** The broker's own PostgreSQL database (undefined on the embedded engine). */
  readonly databaseUrl: string | undefined;
  /** The environment it was started with (to start it again, or run a command beside it). */
  readonly env: NodeJS.ProcessEnv;
  /** All it printed so far. */
  output(): string;
  token(userId: string): Promise<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  /** Starts the process again on the same data (after stop, or after it was killed). */
  restart(): Promise<void>;
  /** Stops it (SIGTERM), drops its database and removes DATA_DIR. */
  close(): Promise<void>;
}

export async function spawnBroker(options: { env?: Readonly<Record<string, string>>; engine?: 'suite' | 'pglite' } = {}): Promise<SpawnedBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-spawned-'));
  const adminUrl = options.engine === 'pglite' ? undefined : process.env['DATABASE_URL'];
  let database: TestDatabase | undefined;
  if (adminUrl) database = await createMigratedTestDatabase(adminUrl, 'jpp_spawned');
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ...(options.env ?? {}) };
  delete env['DATABASE_URL'];
  if (database) env['DATABASE_URL'] = database.url;
  let service = await spawnService(['start', '--demo'], env, 90_000);
  let out = '';
  const collect = (s: SpawnedService): void => {
    s.child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    s.child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  };
  collect(service);
  let issuer: DevIssuer | undefined;
  const broker: SpawnedBroker = {
    get service() {
      return service;
    },
    get url() {
      return service.url;
    },
    dataDir,
    databaseUrl: database?.url,
    env,
    output: () => out,
    async token(userId) {
      issuer ??= await createDevIssuer(loadDemoSecrets(dataDir).issuerPrivateJwk);
      const p = DEMO_PEOPLE.find((x) => x.id === userId);
      if (!p) throw new Error(`no demo user ${userId}`);
      return issuer.sign({ org: p.organisation, role: p.role }, p.id, 'jpp-broker');
    },
    call: (method, path, opts = {}) => callApi(`${service.url}${path}`, method, opts),
    async restart() {
      service = await spawnService(['start', '--demo'], env, 90_000);
      collect(service);
    },
    async close() {
      await service.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return broker;
}
