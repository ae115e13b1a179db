/**
 * The monitoring table of invitations to the casusoverleg (invitations-by-ground), as a decision
 * table: which cells of one period are shown for which counts, and what a quarter withholds
 * after its months (docs/casus.md, "Monitoring"). Threshold 5.
 */
import { describe, expect, it } from 'vitest';
import { buildTable, INVITATION_CATEGORIES, withheldIds } from '../../broker/monitoring/monitoring-table-fns.js';
import { partsWithheldOnce } from '../../broker/monitoring/suppression.js';

const T = 5;
const table = (counts: Record<string, number>, first: ReadonlySet<string> = new Set()) =>
  buildTable('invitations-by-ground', ['ground'], [INVITATION_CATEGORIES], new Map(Object.entries(counts)), T, first);
const shown = (t: ReturnType<typeof table>) => [...t.cells.map((c) => c.count), t.total.count];

describe('invitations-by-ground: one period', () => {
  // [hit, aanmelder-of-regiehouder, toegevoegd] → [hit, aanmelder-of-regiehouder, toegevoegd, total] (null: withheld)
  const rows: Array<[string, [number, number, number], Array<number | null>]> = [
    ['all at or above the threshold: all shown', [7, 5, 6], [7, 5, 6, 18]],
    ['one small: it and the smallest other withheld', [7, 5, 2], [7, null, null, 14]],
    ['zero is small too', [9, 6, 0], [9, null, null, 15]],
    ['two small: both withheld, the rest shown', [8, 1, 3], [8, null, null, 12]],
    ['only hits, and enough: the others (zero) withheld', [12, 0, 0], [12, null, null, 12]],
    ['all small: everything withheld, the total too', [2, 1, 1], [null, null, null, null]],
    ['total small: everything withheld', [4, 0, 0], [null, null, null, null]],
  ];
  it.each(rows)('%s', (_name, [hit, other, added], expected) => {
    const t = table({ hit, 'aanmelder-of-regiehouder': other, toegevoegd: added });
    expect(shown(t)).toEqual(expected);
    // Nothing withheld can be recovered: no sum has exactly one withheld member.
    const hidden = withheldIds(t);
    const members = ['*', ...INVITATION_CATEGORIES];
    expect(members.filter((m) => hidden.has(m)).length).not.toBe(1);
  });
});

describe('invitations-by-ground: a quarter after its months', () => {
  it('withholds in the quarter what exactly one month withheld, so quarter minus months gives nothing away', () => {
    const months = [
      table({ hit: 7, 'aanmelder-of-regiehouder': 5, toegevoegd: 6 }),
      table({ hit: 8, 'aanmelder-of-regiehouder': 6, toegevoegd: 2 }), // toegevoegd 2 and aanmelder 6 withheld
      table({ hit: 9, 'aanmelder-of-regiehouder': 7, toegevoegd: 5 }),
    ];
    const once = partsWithheldOnce(months.map(withheldIds));
    expect([...once].sort()).toEqual(['aanmelder-of-regiehouder', 'toegevoegd']);
    const q = table({ hit: 24, 'aanmelder-of-regiehouder': 18, toegevoegd: 13 }, once);
    // Without the months, 13 and 18 would be shown, and 13 - 6 - 5 = 2 would be the withheld month's count.
    expect(shown(q)).toEqual([24, null, null, 55]);
  });
});
