/**
 * The benchmark's printed summary: one row per measured run, the broker/baseline ratio
 * of the (median) request rates, and whether the target is met.
 */
import type { CpuUsage } from './cpu-usage.js';
import type { LoadResult } from './load.js';

export const TARGET_RATIO = 0.5;
/** The broker's p99 may be at most this many times the baseline's (issue 21). */
export const TARGET_P99 = 2;

export interface Measurement {
  readonly round: number;
  /** `floor`: the bare lookup plus one durable log row per answer (baseline-server.ts). */
  readonly server: 'baseline' | 'floor' | 'broker';
  readonly load: LoadResult;
  /** CPU seconds used during the run; undefined where /proc is absent. */
  readonly cpu: CpuUsage | undefined;
}

export interface Verdict {
  readonly baselineRps: number;
  readonly brokerRps: number;
  readonly ratio: number;
  /** The broker's median p99 over the baseline's. */
  readonly p99Ratio: number;
  /** The floor's rate over the baseline's; undefined when no floor was measured. */
  readonly floorRatio: number | undefined;
  /** Both targets: the rate ratio and the p99 ratio. */
  readonly met: boolean;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function verdictOf(measurements: readonly Measurement[]): Verdict {
  const rps = (server: Measurement['server']): number =>
    median(measurements.filter((m) => m.server === server).map((m) => m.load.requestsPerSecond));
  const p99 = (server: Measurement['server']): number =>
    median(measurements.filter((m) => m.server === server).map((m) => m.load.latencyP99Ms));
  const baselineRps = rps('baseline');
  const brokerRps = rps('broker');
  const ratio = baselineRps > 0 ? brokerRps / baselineRps : 0;
  const p99Ratio = p99('baseline') > 0 ? p99('broker') / p99('baseline') : Infinity;
  const floorRatio = measurements.some((m) => m.server === 'floor') && baselineRps > 0 ? rps('floor') / baselineRps : undefined;
  return { baselineRps, brokerRps, ratio, p99Ratio, floorRatio, met: ratio >= TARGET_RATIO && p99Ratio <= TARGET_P99 };
}

/** Pads a table of strings into aligned columns (first column left, the rest right). */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => '  ' + r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export function formatMeasurements(measurements: readonly Measurement[]): string {
  const header = ['round', 'server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'responses', 'non-2xx', 'errors', 'CPU ms/req: server', 'postgres', 'autocannon'];
  const perRequest = (seconds: number | undefined, m: Measurement): string =>
    seconds === undefined || m.load.total === 0 ? '–' : dec((seconds * 1000) / m.load.total, 2);
  const rows = measurements.map((m) => [
    String(m.round),
    m.server,
    dec(m.load.requestsPerSecond),
    int(m.load.latencyP50Ms),
    int(m.load.latencyP99Ms),
    int(m.load.latencyMaxMs),
    int(m.load.total),
    int(m.load.non2xx),
    int(m.load.errors),
    perRequest(m.cpu?.server, m),
    perRequest(m.cpu?.postgres, m),
    perRequest(m.cpu?.loadGenerator, m),
  ]);
  return table([header, ...rows]);
}

export function formatVerdict(v: Verdict, rounds: number): string {
  const of = rounds > 1 ? `median of ${rounds} rounds: ` : '';
  return [
    `  ratio broker/baseline (req/s): ${of}${dec(v.brokerRps)} / ${dec(v.baselineRps)} = ${dec(v.ratio, 2)}`,
    `  p99 broker/baseline: ${dec(v.p99Ratio, 2)}`,
    ...(v.floorRatio === undefined ? [] : [`  the floor (the bare lookup + one durable log row per answer) / baseline (req/s): ${dec(v.floorRatio, 2)}`]),
    `  target: broker ≥ ${TARGET_RATIO} × baseline with p99 ≤ ${TARGET_P99} × the baseline's  →  ${v.met ? 'MET' : 'NOT MET'}`,
  ].join('\n');
}
