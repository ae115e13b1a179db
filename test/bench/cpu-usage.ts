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
  readonly self: number;
}

export interface CpuUsage {
  /** CPU seconds used between two samples. */
  readonly server: number;
  readonly postgres: number;
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

export function sampleCpu(serverPid: number): CpuSample {
  const postgres = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    // not Linux
  }
  for (const d of pids) {
    const s = readStat(Number(d));
    if (s && (s[0] === 'postgres' || s[0] === 'postmaster')) postgres.set(Number(d), s[1]);
  }
  return { server: readStat(serverPid)?.[1] ?? 0, postgres, self: readStat('self')?.[1] ?? 0 };
}

export function cpuBetween(before: CpuSample, after: CpuSample): CpuUsage {
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  return { server: after.server - before.server, postgres, loadGenerator: after.self - before.self };
}
