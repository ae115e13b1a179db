/**
 * `jpp-broker backup` / `restore` of the embedded database, as an operator runs them beside a
 * broker child process (the commands in the test's process, each once as the binary too): a
 * backup refuses while the broker runs and is consistent once it is stopped; after a restore,
 * `audit verify --database` passes, and a witness that saw later checkpoints flags the rollback
 * (and `audit verify` with its store finds entries gone).
 * The embedded database on both engines' runs; with DATABASE_URL the commands point to pg_dump.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { aanmelding } from '../support/casus.js';
import { runCli, spawnCli } from '../support/cli.js';
import { spawnBroker, type SpawnedBroker } from '../support/spawned-broker.js';
import { witnessCommand } from '../../broker/commands/audit-witness.js';
import type { AuditIo } from '../../broker/commands/audit-io.js';

let b: SpawnedBroker;
const work = mkdtempSync(join(tmpdir(), 'jpp-backup-'));

beforeAll(async () => {
  b = await spawnBroker({ engine: 'pglite', env: { JPP_CHECKPOINT_ENTRIES: '1', JPP_CHECKPOINT_SECONDS: '1' } });
}, 120_000);
afterAll(async () => {
  await b?.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Runs a jpp-broker command beside the broker (same DATA_DIR), in this process or as the binary
 * (test/support/cli.ts), with exactly the broker's environment; never throws, returns what it did.
 */
async function cli(args: string[], env: NodeJS.ProcessEnv = b.env, how: 'in-process' | 'binary' = 'in-process'): Promise<{ code: number; out: string; err: string }> {
  const options = { env: { ...env, DATABASE_URL: env['DATABASE_URL'] } };
  const r = how === 'binary' ? await spawnCli(args, options) : await runCli(args, options);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** Opens a casus and asks about its subject: the casus's entries and one `question` entry with every partner's answer. */
async function ask(): Promise<void> {
  const token = await b.token('demo-voorzitter');
  const subject = randomPseudonym();
  const caseRef = opaqueRef('case');
  expect((await b.call('POST', '/v1/cases', { token, body: { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) } })).status).toBe(201);
  expect((await b.call('POST', '/v1/queries', { token, body: { subject, doel: 'jpp-screening', caseRef } })).status).toBe(200);
}

/**
 * Waits until the broker's latest checkpoint covers at least `size` entries and then stays the
 * same for a second. The broker checkpoints after every placed entry here (JPP_CHECKPOINT_ENTRIES=1),
 * so a settled checkpoint covers the whole tree, which is what a backup then finds.
 */
async function checkpointAtLeast(size: number): Promise<number> {
  let seen = -1;
  for (let i = 0; i < 100; i++) {
    const r = await b.call('GET', '/v1/log/checkpoints/latest');
    const now = r.status === 200 ? (r.body.treeSize as number) : -1;
    if (now >= size && now === seen) return now;
    seen = now;
    await new Promise((res) => setTimeout(res, now >= size ? 1000 : 100));
  }
  throw new Error(`no settled checkpoint of size ${size}`);
}

const witness = async (store: string): Promise<{ code: number; lines: string[] }> => {
  const lines: string[] = [];
  const io: AuditIo = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
  return { code: await witnessCommand({ url: b.url, store, once: true, interval: '60' }, io), lines };
};

// The embedded database is the same on both engines' runs: the long round trip runs once, on the PGlite run.
const onPostgres = process.env['DATABASE_URL'] !== undefined;
if (onPostgres) console.warn('backup-restore.test.ts: the backup and restore round trip runs on the PGlite run only (it is about the embedded database)');

it.skipIf(onPostgres)('backs up a stopped broker, restores it, verifies, and a witness flags the rollback', async () => {
  const store = join(work, 'witness');
  const keyFile = join(work, 'public-key.json');
  const backup = join(work, 'pgdata.tar.gz');
  writeFileSync(keyFile, (await b.call('GET', '/v1/log/public-key')).text);

  await ask();
  const sizeAtBackup = await checkpointAtLeast(9);
  expect((await witness(store)).code).toBe(0);

  // While the broker runs, the embedded database cannot be copied consistently: refused, saying why.
  // The binary, as an operator starts it: its wiring of `backup` (and of `restore` below).
  const refused = await cli(['backup', '--out', backup], b.env, 'binary');
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/in use by another process.*stop the broker/s);
  expect(existsSync(backup)).toBe(false);

  await b.service.stop();
  const made = await cli(['backup', '--out', backup]);
  expect(made.code, made.err).toBe(0);
  expect(made.out).toMatch(new RegExp(`logboek: ${sizeAtBackup} entries in the tree`));
  expect(statSync(backup).mode & 0o777).toBe(0o600);
  // Never over an existing file.
  expect((await cli(['backup', '--out', backup])).err).toMatch(/exists/);

  // The broker goes on; the witness sees later checkpoints.
  await b.restart();
  await ask();
  await ask();
  // Two questions: at least two entries more (a settled checkpoint covers the whole tree).
  const later = await checkpointAtLeast(sizeAtBackup + 2);
  const seen = await witness(store);
  expect(seen.code, seen.lines.join('\n')).toBe(0);

  // Restore refuses while the broker runs, then restores, keeping the replaced data aside.
  expect((await cli(['restore', '--from', backup], b.env, 'binary')).err).toMatch(/in use by another process.*Stop the broker/s);
  await b.service.stop();
  const restored = await cli(['restore', '--from', backup]);
  expect(restored.code, restored.err).toBe(0);
  expect(restored.out).toMatch(new RegExp(`logboek: ${sizeAtBackup} entries in the tree`));
  expect(readdirSync(b.dataDir).filter((f) => f.startsWith('pgdata.before-restore-'))).toHaveLength(1);

  // The restored logboek is valid in itself...
  const verified = await cli(['audit', 'verify', '--database', '--public-key', keyFile]);
  expect(verified.code, verified.out + verified.err).toBe(0);
  expect(verified.out).toMatch(/RESULT: VALID/);
  // ...but a witness's later checkpoint shows what it lost.
  const againstWitness = await cli(['audit', 'verify', '--database', '--witness-store', store]);
  expect(againstWitness.code).toBe(2);

  // The restored broker serves an older checkpoint than the witness holds: a rollback.
  await b.restart();
  const flagged = await witness(store);
  expect(flagged.code).toBe(2);
  expect(flagged.lines.join('\n')).toMatch(new RegExp(`MISBEHAVIOUR \\(rollback\\).*size ${sizeAtBackup}\\).*size ${later}\\)`, 's'));
  expect(existsSync(join(store, 'alarm.json'))).toBe(true);
}, 300_000);

it('points to pg_dump when the broker uses PostgreSQL', async () => {
  const r = await cli(['backup', '--out', join(work, 'never.tar.gz')], { ...b.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none' });
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/pg_dump/);
}, 60_000);
