/**
 * Scenario 9 of the benchmark (test/bench/scale-bench.ts): the sizes it accepts, and which runs
 * its table marks as a regression (p99 above REGRESSION_FACTOR × the first run's of the same
 * server). The measurement itself runs in `npm run bench`, not here: a timed test flakes.
 */
import { describe, expect, it } from 'vitest';
import { formatScaleTable, parseScaleSizes, REGRESSION_FACTOR, type ScaleRun } from '../bench/scale-bench.js';

describe('BENCH_SCALE_SIZES', () => {
  it.each([
    [undefined, [100_000, 1_000_000, 5_000_000]],
    ['', [100_000, 1_000_000, 5_000_000]],
    ['100000,1000000', [100_000, 1_000_000]],
    [' 100000 , 2_000_000 ', [100_000, 2_000_000]],
    ['250000', [250_000]],
  ])('%j gives %j', (raw, sizes) => {
    expect(parseScaleSizes(raw)).toEqual(sizes);
  });

  it.each([
    ['50000,100000'], // below the 100,000 that scenario 1 seeds
    ['1000000,100000'], // not ascending
    ['100000,100000'], // twice the same
    ['100000,1e6x'],
    ['100000.5'],
    ['100000,,1000000'],
  ])('refuses %j', (raw) => {
    expect(() => parseScaleSizes(raw)).toThrow(/BENCH_SCALE_SIZES/);
  });
});

const run = (label: string, server: ScaleRun['server'], p50: number, p99: number): ScaleRun => ({
  label,
  server,
  load: { requestsPerSecond: 100, latencyP50Ms: p50, latencyP99Ms: p99, latencyMaxMs: p99, total: 1000, non2xx: 0, errors: 0, durationSeconds: 10 },
  cpu: { server: 2, postgres: 1, loadGenerator: 0.5 },
});

describe('the scale table', () => {
  const lines = formatScaleTable([
    run('100k', 'baseline', 10, 20),
    run('100k', 'broker', 100, 200),
    run('1M', 'baseline', 11, 2 * 20), // exactly 2×: not a regression
    run('1M', 'broker', 120, 2 * 200 + 2), // just over 2× (2.01×)
    run('5M', 'baseline', 30, 41),
    run('5M', 'broker', 90, 150),
  ]);
  const row = (label: string, server: string): string => lines.find((l) => l.trimStart().startsWith(label) && l.includes(server))!;

  it(`marks a run REGRESSION when its p99 exceeds ${REGRESSION_FACTOR}× the same server's first run`, () => {
    expect(REGRESSION_FACTOR).toBe(2);
    expect(row('100k', 'baseline')).not.toContain('REGRESSION');
    expect(row('100k', 'broker')).not.toContain('REGRESSION');
    expect(row('1M', 'baseline')).not.toContain('REGRESSION');
    expect(row('1M', 'broker')).toMatch(/REGRESSION$/);
    expect(row('5M', 'baseline')).toMatch(/REGRESSION$/);
    expect(row('5M', 'broker')).not.toContain('REGRESSION');
  });

  it('divides p50 and p99 by the first run of the same server, and gives CPU per request', () => {
    expect(lines[0]).toMatch(/p50 ÷ ref\s+p99 ÷ ref/);
    expect(row('100k', 'broker')).toMatch(/\(ref\)\s+\(ref\)/);
    expect(row('1M', 'broker')).toMatch(/1\.20×\s+2\.01×/);
    expect(row('5M', 'baseline')).toMatch(/3\.00×\s+2\.05×/);
    expect(row('5M', 'broker')).toMatch(/0\.90×\s+0\.75×\s+2\.00\s+1\.00/);
  });
});
