/**
 * `jpp-broker register …` as a functioneel beheerder runs it, from a folder of their own, on an
 * empty database (embedded PGlite in a fresh DATA_DIR, or a fresh PostgreSQL database with
 * DATABASE_URL): the bootstrap migrates and registers the first two beheerders; the first
 * registers a jurist, whose role waits for the second's approval (four eyes); the bootstrap is
 * refused a second time; deactivation ends the jurist's access; every change is in the logboek.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../broker/db/database.js';
import { runCli, spawnCli, type CliRun } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const work = mkdtempSync(join(tmpdir(), 'jpp-register-cli-'));
let pg: TestDatabase | undefined;
let env: Record<string, string>;

/**
 * `jpp-broker register …` in this process (test/support/cli.ts), from a folder of the
 * beheerder's own, as from any folder; the binary is started once below.
 */
const cli = (args: string[]): Promise<CliRun> => runCli(['register', ...args], { env, cwd: work });

async function withDb<T>(fn: (h: DatabaseHandle) => Promise<T>): Promise<T> {
  const h = await openDatabase(pg ? { kind: 'postgres', url: pg.url } : { kind: 'pglite', dataDir: join(work, 'data') });
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

beforeAll(async () => {
  const adminUrl = process.env['DATABASE_URL'];
  pg = adminUrl ? await createTestDatabase(adminUrl, 'jpp_register_cli') : undefined;
  env = pg ? { DATABASE_URL: pg.url } : { DATA_DIR: join(work, 'data') };
  if (!pg) delete process.env['DATABASE_URL'];
});
afterAll(async () => {
  await pg?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('jpp-broker register', () => {
  it('bootstraps an empty register with two beheerders, then refuses to do it again', async () => {
    // The binary, as a beheerder starts it: its wiring of `register`.
    const first = await spawnCli(['register', 'bootstrap', '--subject', 'fb-eerste', '--name', 'Eerste beheerder', '--organisation', 'zvh-limburg-noord', '--subject', 'fb-tweede', '--name', 'Tweede beheerder', '--organisation', 'zvh-limburg-noord'], { env, cwd: work });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/registered fb-eerste {2}Eerste beheerder {2}zvh-limburg-noord {2}active {2}Functioneel beheerder \(active\)/);
    const again = await cli(['bootstrap', '--subject', 'sluip', '--name', 'Sluip', '--organisation', 'zvh-limburg-noord']);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/refused \(conflict\): the register has a functioneel beheerder already/);
  }, 120_000);

  it('registers a jurist who waits for the second beheerder; the first may not approve; then deactivates', async () => {
    const add = await cli(['person', 'add', '--as', 'fb-eerste', '--subject', 'jurist-cli', '--name', 'J. Jurist', '--organisation', 'zvh-limburg-noord', '--role', 'jurist']);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Jurist (pending-approval)');
    const own = await cli(['person', 'approve', '--as', 'fb-eerste', '--subject', 'jurist-cli', '--role', 'jurist']);
    expect(own.code).toBe(2);
    expect(own.stdout).toMatch(/refused \(forbidden\): four eyes/);
    const second = await cli(['person', 'approve', '--as', 'fb-tweede', '--subject', 'jurist-cli', '--role', 'jurist']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Jurist (active)');
    const bad = await cli(['person', 'add', '--as', 'fb-eerste', '--subject', 'x', '--name', 'Naam 123', '--organisation', 'zvh-limburg-noord', '--role', 'jurist']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('/displayName');
    const stranger = await cli(['person', 'list', '--as', 'jurist-cli']);
    expect(stranger.code).toBe(2);
    expect(stranger.stdout).toMatch(/not a functioneel beheerder/);
    const off = await cli(['person', 'deactivate', '--as', 'fb-tweede', '--subject', 'jurist-cli']);
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/deactivated: jurist-cli .* deactivated/);

    const log = await withDb((h) => h.db.selectFrom('logboek_entries').select(['outcome', 'actor_id']).where('action', '=', 'register-change').orderBy('id').execute());
    expect(log.map((e) => `${e.actor_id} ${e.outcome}`)).toEqual([
      'system:bootstrap person-registered',
      'system:bootstrap role-granted',
      'system:bootstrap person-registered',
      'system:bootstrap role-granted',
      'fb-eerste person-registered',
      'fb-eerste role-granted',
      'fb-tweede role-approved',
      'fb-tweede person-deactivated',
    ]);
  }, 120_000);
});
