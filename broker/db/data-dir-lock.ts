/**
 * The embedded database's lock: PGlite has no lock of its own, and two processes on one data
 * directory silently corrupt it. A `proper-lockfile` lock (`pgdata.lock`, refreshed every 10 s)
 * keeps a second process out; an owner file (`pgdata.owner.json`: pid, host name and the
 * process's start time) says who holds it.
 *
 * Invariants:
 * - A live owner is never taken over: a process on this host whose pid answers and whose start
 *   time matches the one recorded (so a reused pid does not count as the owner) keeps the lock,
 *   however late its refreshes are (PGlite runs on the event loop and can miss some).
 * - A dead owner on this host (the process was killed, the machine restarted) is taken over at
 *   once, so that the broker restarts right after a crash instead of waiting for the lock to
 *   go stale.
 * - An owner on another host (a shared volume) is not judged by pid: its lock is taken over only
 *   once stale (no refresh for 60 s), as proper-lockfile decides.
 * - Deciding about the owner and taking the lock happen under a second, short lock
 *   (`pgdata.starting.lock`), so two processes that start at once cannot both take over a dead
 *   owner's lock.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';

/** Who holds a data directory's lock. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** The process's start time in clock ticks since boot (Linux /proc); absent elsewhere. */
  readonly started?: string;
}

export interface DataDirLock {
  release(): Promise<void>;
}

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

export interface LockOptions {
  /** Told when a dead owner's lock is taken over (the caller logs it). */
  readonly onTakeover?: (owner: LockOwner) => void;
}

/** Takes the lock of `dir` (e.g. DATA_DIR/pgdata); throws DataDirInUseError while another process holds it. */
export async function lockDataDir(dir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const inUse = (why: string, cause?: unknown): Error =>
    new DataDirInUseError(`the embedded database in ${dir} is in use by another process (${why}); stop it first (two processes would corrupt it)`, { cause });
  const ownerFile = `${dir}.owner.json`;
  // A lock of its own name: proper-lockfile keeps one lock per path in a process.
  const starting = await lockfile.lock(`${dir}.starting`, {
    stale: 10_000,
    update: 2_000,
    realpath: false,
    retries: { retries: 40, minTimeout: 50, maxTimeout: 500 },
  });
  try {
    const owner = readOwner(ownerFile);
    if (owner && owner.host === hostname()) {
      if (isRunning(owner)) throw inUse(`process ${owner.pid} on this host`);
      // The owner died without releasing its lock: take it over now rather than after 60 s.
      rmSync(`${dir}.lock`, { recursive: true, force: true });
      options.onTakeover?.(owner);
    }
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dir, { stale: 60_000, update: 10_000, realpath: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw inUse(owner ? `process ${owner.pid} on ${owner.host}` : 'its lock is held', err);
      throw err;
    }
    writeFileSync(ownerFile, JSON.stringify(self()));
    // The previous version kept only a pid beside the directory; it means nothing now.
    rmSync(`${dir}.owner-pid`, { force: true });
    return {
      async release() {
        rmSync(ownerFile, { force: true });
        await release();
      },
    };
  } finally {
    await starting();
  }
}

function self(): LockOwner {
  const started = startTicks(process.pid);
  return { pid: process.pid, host: hostname(), ...(started ? { started } : {}) };
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (!Number.isSafeInteger(v.pid) || v.pid! <= 0 || typeof v.host !== 'string') return undefined;
    return { pid: v.pid!, host: v.host, ...(typeof v.started === 'string' ? { started: v.started } : {}) };
  } catch {
    return undefined;
  }
}

/** Whether the recorded owner still runs on this host: its pid answers and, where known, started when it did. */
export function isRunning(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.started === undefined) return true;
  const now = startTicks(owner.pid);
  return now === undefined || now === owner.started;
}

/**
 * A process's start time (field 22 of /proc/<pid>/stat, proc(5)); undefined where there is no /proc.
 * Why: after a crash and a reboot or a container restart the dead owner's pid is often reused.
 */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 onwards.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3];
  } catch {
    return undefined;
  }
}
