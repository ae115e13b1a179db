/**
 * Suppression across periods: a quarter is suppressed together with its months, a year with its
 * quarters, so that no withheld count can be recovered by subtracting one report from another
 * (a period from the periods it is made of, a total from its breakdown). An attacker is played
 * here by propagation: every published equation with one unknown left is solved, repeatedly.
 */
import { describe, expect, it } from 'vitest';
import { buildTable, withheldIds, type MonitoringTable } from '../../broker/monitoring/monitoring.service.js';
import { partsWithheldOnce } from '../../broker/monitoring/suppression.js';
import { calendarPeriod, partsOf, periodsBetween } from '../../broker/monitoring/calendar-period-fns.js';

describe('calendar periods', () => {
  it.each([
    ['2026-11-01', '2026-11-30', 'month', '2026-11'],
    ['2026-02-01', '2026-02-28', 'month', '2026-02'],
    ['2028-02-01', '2028-02-29', 'month', '2028-02'],
    ['2026-10-01', '2026-12-31', 'quarter', '2026-K4'],
    ['2026-01-01', '2026-03-31', 'quarter', '2026-K1'],
    ['2026-01-01', '2026-12-31', 'year', '2026'],
  ])('%s to %s is the %s %s', (from, to, kind, id) => {
    expect(calendarPeriod(from, to)).toMatchObject({ kind, id, from, to });
  });

  it.each([
    ['2026-11-02', '2026-11-30'], // not from the first day
    ['2026-11-01', '2026-11-29'], // not to the last day
    ['2026-11-01', '2026-12-31'], // two months: neither a quarter nor a year
    ['2026-02-01', '2026-04-30'], // three months, but not a quarter
    ['2026-01-01', '2026-06-30'], // half a year
    ['2026-10-01', '2027-01-31'],
  ])('%s to %s is no calendar period', (from, to) => {
    expect(calendarPeriod(from, to)).toBeNull();
  });

  it('nests months in quarters and quarters in years', () => {
    expect(partsOf(calendarPeriod('2026-10-01', '2026-12-31')!).map((p) => p.id)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(partsOf(calendarPeriod('2026-01-01', '2026-12-31')!).map((p) => p.id)).toEqual(['2026-K1', '2026-K2', '2026-K3', '2026-K4']);
    expect(partsOf(calendarPeriod('2026-11-01', '2026-11-30')!)).toEqual([]);
    expect(periodsBetween('2026-11-15', '2027-02-03', 'month').map((p) => p.id)).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(periodsBetween('2026-11-15', '2027-02-03', 'quarter').map((p) => p.id)).toEqual(['2026-K4', '2027-K1']);
  });
});

type Counts = Record<string, number>;
const VALUES = ['a', 'b', 'c', 'd'];

/** A month's table, and a quarter's built with what its months withheld. */
const table = (counts: Counts, withheldFirst?: ReadonlySet<string>): MonitoringTable =>
  buildTable('t', ['v'], [VALUES], new Map(Object.entries(counts)), 5, withheldFirst);

function quarterOf(months: Counts[]): { months: MonitoringTable[]; quarter: MonitoringTable } {
  const monthTables = months.map((m) => table(m));
  const sum: Counts = {};
  for (const m of months) for (const v of VALUES) sum[v] = (sum[v] ?? 0) + (m[v] ?? 0);
  return { months: monthTables, quarter: table(sum, partsWithheldOnce(monthTables.map(withheldIds))) };
}

/**
 * What an attacker recovers from the published tables: unknowns are the withheld cells; the
 * equations are each table's total = sum of its cells, and the quarter = the sum of its months
 * per value and in total. Returns the withheld cells that propagation pins down.
 */
function recovered(months: MonitoringTable[], quarter: MonitoringTable, truth: { months: Counts[] }): string[] {
  const known = new Map<string, number>();
  const name = (p: string, v: string) => `${p}:${v}`;
  const publish = (p: string, t: MonitoringTable) => {
    for (const c of t.cells) if (c.count !== null) known.set(name(p, c.key['v']!), c.count);
    if (t.total.count !== null) known.set(name(p, '*'), t.total.count);
  };
  months.forEach((t, i) => publish(`m${i}`, t));
  publish('q', quarter);
  const periods = [...months.map((_, i) => `m${i}`), 'q'];
  const equations: Array<{ total: string; parts: string[] }> = [
    ...periods.map((p) => ({ total: name(p, '*'), parts: VALUES.map((v) => name(p, v)) })),
    ...[...VALUES, '*'].map((v) => ({ total: name('q', v), parts: months.map((_, i) => name(`m${i}`, v)) })),
  ];
  const before = new Set(known.keys());
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of equations) {
      const unknown = [e.total, ...e.parts].filter((x) => !known.has(x));
      if (unknown.length !== 1) continue;
      const u = unknown[0]!;
      const partsSum = e.parts.filter((x) => x !== u).reduce((a, x) => a + known.get(x)!, 0);
      known.set(u, u === e.total ? partsSum : known.get(e.total)! - partsSum);
      changed = true;
    }
  }
  const found = [...known.keys()].filter((k) => !before.has(k));
  // The attacker's answers are right, or the test's model of the tables is wrong.
  for (const k of found) {
    const [p, v] = k.split(':') as [string, string];
    if (p.startsWith('m') && v !== '*') expect(known.get(k)).toBe(truth.months[Number(p.slice(1))]![v] ?? 0);
  }
  return found;
}

describe('a quarter and its months', () => {
  it.each<[string, Counts[]]>([
    ['one small cell in one month', [{ a: 10, b: 9, c: 3, d: 8 }, { a: 10, b: 9, c: 7, d: 8 }, { a: 10, b: 9, c: 7, d: 8 }]],
    ['small cells in two months', [{ a: 10, b: 9, c: 3, d: 8 }, { a: 10, b: 2, c: 7, d: 8 }, { a: 10, b: 9, c: 7, d: 8 }]],
    ['the same value small twice', [{ a: 10, b: 9, c: 3, d: 8 }, { a: 10, b: 9, c: 2, d: 8 }, { a: 10, b: 9, c: 7, d: 8 }]],
    ['a small month total', [{ a: 1, b: 1, c: 1, d: 1 }, { a: 10, b: 9, c: 7, d: 8 }, { a: 10, b: 9, c: 7, d: 8 }]],
    ['small everywhere', [{ a: 1, b: 2, c: 0, d: 1 }, { a: 2, b: 1, c: 1, d: 0 }, { a: 3, b: 0, c: 2, d: 1 }]],
    ['one month empty', [{ a: 0, b: 0, c: 0, d: 0 }, { a: 10, b: 9, c: 7, d: 8 }, { a: 6, b: 9, c: 7, d: 8 }]],
  ])('%s: no withheld month cell can be recovered', (_what, months) => {
    const { months: m, quarter } = quarterOf(months);
    expect(recovered(m, quarter, { months })).toEqual([]);
  });

  it('without suppression across periods, the quarter would give the withheld cell away', () => {
    const months = [{ a: 10, b: 9, c: 3, d: 8 }, { a: 10, b: 9, c: 7, d: 8 }, { a: 10, b: 9, c: 7, d: 8 }];
    const monthTables = months.map((x) => table(x));
    const naive = table({ a: 30, b: 27, c: 17, d: 24 });
    expect(recovered(monthTables, naive, { months }).length).toBeGreaterThan(0);
  });

  it('a quarter still shows what its months had to withhold, where that gives nothing away', () => {
    const { months, quarter } = quarterOf([{ a: 2, b: 2, c: 9, d: 9 }, { a: 2, b: 2, c: 9, d: 9 }, { a: 2, b: 2, c: 9, d: 9 }]);
    expect(months.every((t) => t.cells.find((c) => c.key['v'] === 'a')!.count === null)).toBe(true);
    expect(quarter.cells.find((c) => c.key['v'] === 'a')!.count).toBe(6);
  });

  it.each(Array.from({ length: 40 }, (_, i) => i))('random quarter %i: nothing recoverable', (seed) => {
    let x = seed * 7919 + 17;
    const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const months = [0, 1, 2].map(() => Object.fromEntries(VALUES.map((v) => [v, Math.floor(rand() * (rand() < 0.5 ? 6 : 15))])) as Counts);
    const { months: m, quarter } = quarterOf(months);
    expect(recovered(m, quarter, { months })).toEqual([]);
  });
});

describe('a breakdown whose units count under several values (aanmeldcriteria)', () => {
  it('withholds small cells, with the total counted apart', () => {
    const t = buildTable('c', ['criterium'], [['x', 'y', 'z']], new Map([['x', 7], ['y', 3], ['z', 6], ['*', 12]]), 5, new Set(), false);
    expect(t.cells.map((c) => c.count)).toEqual([7, null, 6]);
    expect(t.total.count).toBe(12);
  });
});
