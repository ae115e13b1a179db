/**
 * Where the CPU goes during a measurement, from Linux's /proc: the CPU time (user +
 * system) of the server process, of all PostgreSQL processes, and of the benchmark's own
 * process (autocannon). Divided by the requests served, it says how much of each request
 * is spent in Node and how much in the database. Elsewhere than Linux it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSample {
  /** CPU seconds per process id. */
  readonly server: number;
  readonly postgres: ReadonlyMap<number, number>;
  /** With a database named: its backends only (ps title `postgres: … <user> <database> <host> …`). */
  readonly database?: ReadonlyMap<number, number>;
  readonly self: number;
}

export interface CpuUsage {
  /** CPU seconds used between two samples. */
  readonly server: number;
  readonly postgres: number;
  /**
   * With a database named: the CPU of the backends connected to it, which other people's work on
   * the same PostgreSQL server does not inflate (it leaves out the server's shared processes:
   * WAL writer, checkpointer, background writer).
   */
  readonly database?: number;
  readonly loadGenerator: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every mainstream Linux

/** [comm, CPU seconds] of a process, or undefined when it is gone or /proc is absent. */
function readStat(pid: number | 'self'): [string, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0; utime and stime are fields 14 and 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return [stat.slice(open + 1, close), ticks / TICKS_PER_SECOND];
  } catch {
    return undefined;
  }
}

export function cpuSupported(): boolean {
  return readStat('self') !== undefined;
}

export function sampleCpu(serverPid: number, database?: string): CpuSample {
  const postgres = new Map<number, number>();
  const own = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    // not Linux
  }
  for (const d of pids) {
    const s = readStat(Number(d));
    if (!s || (s[0] !== 'postgres' && s[0] !== 'postmaster')) continue;
    postgres.set(Number(d), s[1]);
    if (database && backendDatabase(Number(d)) === database) own.set(Number(d), s[1]);
  }
  return { server: readStat(serverPid)?.[1] ?? 0, postgres, ...(database ? { database: own } : {}), self: readStat('self')?.[1] ?? 0 };
}

/** The database a backend serves, from its process title (`postgres: [cluster: ]user database host(port) state`). */
function backendDatabase(pid: number): string | undefined {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    const words = title.replace(/^postgres: (?:[^ ]+: )?/, '').split(' ');
    return words.length >= 3 && /\(\d+\)$|^\[local\]$/.test(words[2]!) ? words[1] : undefined;
  } catch {
    return undefined;
  }
}

export function cpuBetween(before: CpuSample, after: CpuSample): CpuUsage {
  const sum = (a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number> | undefined): number => {
    let total = 0;
    for (const [pid, seconds] of a) total += seconds - (b?.get(pid) ?? 0);
    return total;
  };
  return {
    server: after.server - before.server,
    postgres: sum(after.postgres, before.postgres),
    ...(after.database ? { database: sum(after.database, before.database) } : {}),
    loadGenerator: after.self - before.self,
  };
}
