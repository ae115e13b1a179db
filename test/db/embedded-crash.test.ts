/**
 * After a crash the embedded database opens again at once: the lock of a process that was
 * killed (kill -9, so it released nothing) is taken over, while a live owner's lock is never
 * taken over, not even when its refreshes are late. Runs on both engines' runs: it uses the
 * embedded database whatever DATABASE_URL says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../broker/db/database.js';
import { isRunning } from '../../broker/db/data-dir-lock.js';

const HOLDER = fileURLToPath(new URL('../support/hold-embedded-database.ts', import.meta.url));
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'jpp-crash-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts the holder and waits until it holds the database. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the holder did not start: ${out}`)), 60_000);
    const onData = (c: Buffer): void => {
      out += c.toString();
      if (out.includes('holding')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the holder exited with ${code}: ${out}`)));
  });
  return child;
}

describe('the embedded database after a crash', () => {
  it('refuses while the owner lives, late refreshes or not, and takes over at once after kill -9', async () => {
    const dataDir = tempDir();
    const child = await holder(dataDir);
    try {
      await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(new RegExp(`in use by another process \\(process ${child.pid} on this host\\)`));
      // A busy owner can miss refreshes: a lock 2 minutes old (stale for proper-lockfile) is still refused.
      const old = new Date(Date.now() - 120_000);
      utimesSync(join(dataDir, 'pgdata.lock'), old, old);
      await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(/in use by another process/);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    // The killed process left its lock behind, fresh (its refreshes ran until the kill).
    utimesSync(join(dataDir, 'pgdata.lock'), new Date(), new Date());
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(true);
    expect(existsSync(join(dataDir, 'pgdata.owner.json'))).toBe(true);

    const started = Date.now();
    let tookOver: number | undefined;
    const again = await openDatabase({ kind: 'pglite', dataDir }, { onLockTakeover: (owner) => (tookOver = owner.pid) });
    const elapsed = Date.now() - started;
    try {
      expect(tookOver).toBe(child.pid);
      // At once: the lock would only have gone stale after 60 s.
      expect(elapsed).toBeLessThan(15_000);
      const rows = await sql<{ note: string }>`select note from crash_probe`.execute(again.db);
      expect(rows.rows).toEqual([{ note: 'written before the crash' }]);
    } finally {
      await again.close();
    }
    expect(existsSync(join(dataDir, 'pgdata.owner.json'))).toBe(false);
  }, 120_000);

  it('leaves a fresh lock of an owner on another host alone', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'pgdata'), { recursive: true });
    mkdirSync(join(dataDir, 'pgdata.lock'));
    writeFileSync(join(dataDir, 'pgdata.owner.json'), JSON.stringify({ pid: 999_999, host: `not-${hostname()}` }));
    await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(/in use by another process \(process 999999 on not-/);
  });

  it('judges an owner by pid and start time, so that a reused pid is not the owner', () => {
    expect(isRunning({ pid: process.pid, host: hostname() })).toBe(true);
    expect(isRunning({ pid: process.pid, host: hostname(), started: 'another start' })).toBe(process.platform !== 'linux');
    // The highest pid Linux hands out is 4194304: this one is not running.
    expect(isRunning({ pid: 4_194_305, host: hostname() })).toBe(false);
  });
});
