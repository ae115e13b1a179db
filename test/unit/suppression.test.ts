/** Small-cell suppression, one line per decision: which cells a table withholds. */
import { describe, expect, it } from 'vitest';
import { suppress } from '../../broker/monitoring/suppression.js';
import { buildTable } from '../../broker/monitoring/monitoring.service.js';

const oneDim = (counts: Record<string, number>) => {
  const parts = Object.keys(counts);
  const all = new Map(Object.entries(counts));
  all.set('*', parts.reduce((a, p) => a + counts[p]!, 0));
  return [...suppress(all, [{ total: '*', parts }], 5)].sort();
};

describe('one-dimensional tables', () => {
  it.each([
    [{ a: 10, b: 7, c: 6 }, []],
    [{ a: 10, b: 7, c: 3 }, ['b', 'c']], // c is small; b goes too, or c = total - a - b
    [{ a: 10, b: 2, c: 3 }, ['b', 'c']], // two small cells hide each other
    [{ a: 10, b: 0, c: 6 }, ['b', 'c']], // zero is below the threshold as well
    [{ a: 3 }, ['*', 'a']], // the total would equal the cell
    [{ a: 2, b: 1 }, ['*', 'a', 'b']],
    [{ a: 4, b: 9, c: 9 }, ['a', 'b']], // the smallest shown cell is the complement (ties by name)
  ])('%j withholds %j', (counts, expected) => {
    expect(oneDim(counts)).toEqual(expected);
  });
});

describe('two-dimensional tables (rows, columns and margins)', () => {
  const table = (cells: Record<string, number>) =>
    buildTable('t', ['p', 'o'], [['x', 'y', 'z'], ['hit', 'no-hit']], new Map(Object.entries(cells)), 5);
  const shown = (t: ReturnType<typeof table>) => [...t.cells, ...(t.margins ?? []), t.total];

  it('never shows a count below 5', () => {
    const t = table({ 'x|hit': 3, 'x|no-hit': 20, 'y|hit': 8, 'y|no-hit': 1, 'z|hit': 12, 'z|no-hit': 30 });
    for (const c of shown(t)) expect(c.count === null || c.count >= 5).toBe(true);
  });

  it('leaves no row or column with exactly one withheld cell beside a shown total', () => {
    const t = table({ 'x|hit': 3, 'x|no-hit': 20, 'y|hit': 8, 'y|no-hit': 9, 'z|hit': 12, 'z|no-hit': 30 });
    const hidden = (k: string) => t.cells.find((c) => `${c.key['p']}|${c.key['o']}` === k)!.suppressed === true;
    const margin = (k: Record<string, string>) => t.margins!.find((m) => JSON.stringify(m.key) === JSON.stringify(k))!.suppressed === true;
    for (const row of ['x', 'y', 'z']) {
      const n = ['hit', 'no-hit'].filter((o) => hidden(`${row}|${o}`)).length + (margin({ p: row }) ? 1 : 0);
      expect(n === 0 || n >= 2, `row ${row}`).toBe(true);
    }
    for (const col of ['hit', 'no-hit']) {
      const n = ['x', 'y', 'z'].filter((r) => hidden(`${r}|${col}`)).length + (margin({ o: col }) ? 1 : 0);
      expect(n === 0 || n >= 2, `column ${col}`).toBe(true);
    }
    expect(hidden('x|hit')).toBe(true);
    expect(t.total.count).toBe(82);
  });

  it('shows everything when every cell is large enough', () => {
    const t = table({ 'x|hit': 5, 'x|no-hit': 6, 'y|hit': 7, 'y|no-hit': 8, 'z|hit': 9, 'z|no-hit': 10 });
    expect(shown(t).every((c) => c.count !== null)).toBe(true);
  });
});
