/**
 * The benchmark's settings, read once from the environment:
 * - BENCH_DURATION      seconds of measured load per server (default 10; e.g. 2 for a smoke run)
 * - BENCH_WARMUP        seconds of unmeasured load before each measurement (default 2; 0 skips)
 * - BENCH_CONNECTIONS   concurrent autocannon connections (default 50)
 * - BENCH_ROUNDS        how many baseline/broker pairs to measure, alternating (default 1)
 * - BENCH_LOG_LEVEL     the broker's LOG_LEVEL (default silent; `info` is what production logs)
 * - BENCH_CPU_PROFILE   when 1, the broker runs with `--cpu-prof` and a summary is printed
 * - BENCH_CPU_PROFILE_KEEP  a directory: with BENCH_CPU_PROFILE=1, also keep the raw profiles there (scenarios 1 and 7)
 * - BENCH_KEEP_DATABASE when 1, the database is kept (for pgbench, see pgbench/); drop it yourself
 * - BENCH_ONLY          a comma-separated list of the scenarios to run (1–9; default all), e.g. `1` or `8`
 * - BENCH_LOG_ENTRIES   scenario 8: how many logboek entries (default 1,000,000)
 * - DATABASE_URL        the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
 *                       the benchmark creates and drops its own database there
 */

export interface BenchConfig {
  readonly adminUrl: string;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly rounds: number;
  readonly logLevel: string;
  readonly cpuProfile: boolean;
  readonly keepDatabase: boolean;
  /** The scenarios to run; undefined: all. */
  readonly only: ReadonlySet<number> | undefined;
  readonly logEntries: number;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, not ${JSON.stringify(raw)}`);
  return value;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const logLevel = env['BENCH_LOG_LEVEL'] || 'silent';
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`BENCH_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    adminUrl: env['DATABASE_URL'] || DEFAULT_DATABASE_URL,
    durationSeconds: numberFrom(env, 'BENCH_DURATION', 10, 1),
    warmupSeconds: numberFrom(env, 'BENCH_WARMUP', 2, 0),
    connections: Math.round(numberFrom(env, 'BENCH_CONNECTIONS', 50, 1)),
    rounds: Math.round(numberFrom(env, 'BENCH_ROUNDS', 1, 1)),
    logLevel,
    cpuProfile: env['BENCH_CPU_PROFILE'] === '1',
    keepDatabase: env['BENCH_KEEP_DATABASE'] === '1',
    only: env['BENCH_ONLY'] ? new Set(env['BENCH_ONLY'].split(',').map((s) => Number(s.trim()))) : undefined,
    logEntries: Math.round(numberFrom(env, 'BENCH_LOG_ENTRIES', 1_000_000, 1000)),
  };
}
