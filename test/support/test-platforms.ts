/**
 * A real multi-platform broker process for one test file: `createPlatforms` in demo mode with
 * JPP_PLATFORMS, each platform on its own database (an in-memory PGlite loaded from the migrated
 * template, or a fresh PostgreSQL database when DATABASE_URL is set, dropped on close), listening
 * on a free port. Tests talk to each platform under its path, as a client would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { loadPlatformsConfig } from '../../broker/config/platforms-config.js';
import { createPlatforms, type PlatformBroker, type PlatformsBroker, type PlatformsOptions } from '../../broker/app/create-platforms.js';
import type { DatabaseTarget } from '../../broker/db/database.js';
import { createLogger } from '../../broker/http/logger.js';
import { demoPlatformOf } from '../../broker/demo/demo-platforms.js';
import { createMigratedTestDatabase } from './test-database.js';
import { callApi, type CallOptions, type Reply } from './test-broker.js';

/** One platform of the process, as a client of it sees it (shaped like a TestBroker). */
export interface TestPlatform {
  readonly id: string;
  /** `<process url>/p/<id>`. */
  readonly url: string;
  readonly entry: PlatformBroker;
  readonly clock: { now: Date };
  token(userId: string): Promise<string>;
  adapterToken(partner: string): Promise<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
}

export interface TestPlatforms {
  /** The process's own address (its front: `/`, `/healthz`). */
  readonly url: string;
  readonly process: PlatformsBroker;
  readonly dataDir: string;
  readonly clock: { now: Date };
  at(id: string): TestPlatform;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestPlatforms(
  options: { ids?: readonly string[]; env?: Readonly<Record<string, string>>; lifecycle?: PlatformsOptions['lifecycle']; metrics?: PlatformsOptions['metrics'] } = {},
): Promise<TestPlatforms> {
  const ids = options.ids ?? ['jpp-sittard-geleen', 'jpt-hollands-midden'];
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-test-platforms-'));
  const config = loadPlatformsConfig({ ...(options.env ?? {}), JPP_MODE: 'demo', DATA_DIR: dataDir, PORT: '0', JPP_PLATFORMS: ids.join(',') })!;
  const adminUrl = process.env['DATABASE_URL'];
  const databases: Record<string, DatabaseTarget> = {};
  const drops: Array<() => Promise<void>> = [];
  for (const id of ids) {
    if (adminUrl) {
      const database = await createMigratedTestDatabase(adminUrl, `jpp_test_${id.replaceAll('-', '_').slice(0, 12)}`);
      databases[id] = { kind: 'postgres', url: database.url, poolSize: 5 };
      drops.push(database.drop);
    } else {
      databases[id] = { kind: 'pglite-memory', loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) };
    }
  }
  const clock = { now: new Date() };
  const platforms = await createPlatforms(config, {
    logger: createLogger({ level: 'silent' }),
    databases,
    now: () => clock.now,
    ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = platforms.app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const at = (id: string): TestPlatform => {
    const entry = platforms.platforms.find((p) => p.id === id);
    if (!entry) throw new Error(`no platform ${id}`);
    const issuer = entry.broker.devIssuer!;
    const audience = entry.config.jwt.audience;
    const base = `${url}${entry.basePath}`;
    return {
      id,
      url: base,
      entry,
      clock,
      async token(userId) {
        const p = demoPlatformOf(id)?.people.find((x) => x.id === userId);
        if (!p) throw new Error(`no demo user ${userId} on ${id}`);
        return issuer.sign({ org: p.organisation, role: p.role }, p.id, audience);
      },
      adapterToken: (partner) => issuer.sign({ partner }, `adapter:${partner}`, audience),
      call: (method, path, opts) => callApi(`${base}${path}`, method, opts),
    };
  };

  return {
    url,
    process: platforms,
    dataDir,
    clock,
    at,
    call: (method, path, opts) => callApi(`${url}${path}`, method, opts),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await platforms.close();
      for (const drop of drops) await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
