/**
 * Monitoring's tables (pure): building a table over one or two dimensions with small-cell
 * suppression, reading back what it withheld, and the CSV form. The service fills them per
 * calendar period (monitoring.service.ts).
 *
 * Invariants:
 * - No cell, margin or total below the threshold is shown, and none withheld can be recovered
 *   from the table's sums (suppression.ts), nor from the periods it is made of (withheldFirst).
 */
import { stringify } from 'csv-stringify/sync';
import { suppress, type Constraint } from './suppression.js';

export const OUTCOMES = ['doelen-bereikt', 'overgedragen', 'geen-zorgen', 'niet-in-doelgroep', 'geen-medewerking', 'overig'] as const;
/**
 * Why a partner was invited to the casusoverleg, for monitoring: its own hit (the invitations
 * that led from a hit), else being aanmelder or regiehouder, else added by the voorzitter.
 */
export const INVITATION_CATEGORIES = ['hit', 'aanmelder-of-regiehouder', 'toegevoegd'] as const;
export type InvitationCategory = (typeof INVITATION_CATEGORIES)[number];

/** Buckets of days from aanmelding to bespreking. */
export const DAY_BUCKETS = [
  { id: '0-7', max: 7 },
  { id: '8-14', max: 14 },
  { id: '15-28', max: 28 },
  { id: '29+', max: Infinity },
] as const;

export interface Cell {
  key: Record<string, string>;
  count: number | null;
  suppressed?: true;
}

export interface MonitoringTable {
  id: string;
  dimensions: string[];
  cells: Cell[];
  /** Two-dimensional tables: the totals per value of each dimension. */
  margins?: Cell[];
  total: Omit<Cell, 'key'>;
}

export interface MonitoringReport {
  /** kind: a calendar month, quarter (id 2026-K4) or year. */
  period: { from: string; to: string; kind: 'month' | 'quarter' | 'year'; id: string };
  threshold: number;
  tables: MonitoringTable[];
  medianDaysAanmeldingToBespreking: number | null;
  /**
   * Of the verzoeken van betrokkenen received in the period whose deadline passed or which were
   * answered, the share answered on time (0–1); null below the threshold.
   */
  verzoekenOnTimeShare: number | null;
  /** Median days from aanmelding to afsluiting of the casussen closed in the period; null below the threshold. */
  medianDaysAanmeldingToAfsluiting: number | null;
  /** Of the vervolgacties due in the period, the share done by their due date (0–1); null below the threshold. */
  vervolgactiesOnTimeShare: number | null;
}

/** Buckets of days to afsluiting (from aanmelding, or from the first bespreking). */
export const LONG_DAY_BUCKETS = [
  { id: '0-30', max: 30 },
  { id: '31-90', max: 90 },
  { id: '91-180', max: 180 },
  { id: '181+', max: Infinity },
] as const;

/** The bucket a number of days falls in. */
export const bucketOf = (buckets: ReadonlyArray<{ id: string; max: number }>, days: number): string => buckets.find((b) => days <= b.max)!.id;

/** The median of some numbers, or null when there are fewer than `threshold` (a median of few is nearly one person's). */
export function medianOrNull(values: readonly number[], threshold: number): number | null {
  if (values.length < threshold) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How a verzoek stands against its deadline (AVG art. 12(3)): answered on time, late (answered late or open past it), or open in time. */
export const TIMELINESS = ['on-time', 'late', 'open'] as const;


/** A table over one or two dimensions, with primary and complementary suppression applied. */
export function buildTable(
  id: string,
  dims: readonly [string] | readonly [string, string],
  values: ReadonlyArray<readonly string[]>,
  counts: ReadonlyMap<string, number>,
  threshold: number,
  /** Cells withheld from the start: those withheld in exactly one of the periods this one is made of. */
  withheldFirst: ReadonlySet<string> = new Set(),
  /** False when a unit may count under several values (aanmeldcriteria): the cells do not add up to the total. */
  additive = true,
): MonitoringTable {
  const all = new Map<string, number>();
  const constraints: Constraint[] = [];
  const cellIds: Array<{ id: string; key: Record<string, string> }> = [];
  const marginIds: Array<{ id: string; key: Record<string, string> }> = [];
  if (dims.length === 1) {
    for (const v of values[0]!) {
      all.set(v, counts.get(v) ?? 0);
      cellIds.push({ id: v, key: { [dims[0]]: v } });
    }
    all.set('*', additive ? [...all.values()].reduce((a, b) => a + b, 0) : counts.get('*') ?? 0);
    if (additive) constraints.push({ total: '*', parts: values[0]!.slice() });
  } else {
    const [rows, cols] = [values[0]!, values[1]!];
    for (const r of rows) for (const c of cols) {
      all.set(`${r}|${c}`, counts.get(`${r}|${c}`) ?? 0);
      cellIds.push({ id: `${r}|${c}`, key: { [dims[0]]: r, [dims[1]]: c } });
    }
    const sum = (ids: string[]) => ids.reduce((a, i) => a + all.get(i)!, 0);
    for (const r of rows) {
      const parts = cols.map((c) => `${r}|${c}`);
      all.set(`${r}|*`, sum(parts));
      constraints.push({ total: `${r}|*`, parts });
      marginIds.push({ id: `${r}|*`, key: { [dims[0]]: r } });
    }
    for (const c of cols) {
      const parts = rows.map((r) => `${r}|${c}`);
      all.set(`*|${c}`, sum(parts));
      constraints.push({ total: `*|${c}`, parts });
      marginIds.push({ id: `*|${c}`, key: { [dims[1]]: c } });
    }
    all.set('*', sum(rows.map((r) => `${r}|*`)));
    constraints.push({ total: '*', parts: rows.map((r) => `${r}|*`) }, { total: '*', parts: cols.map((c) => `*|${c}`) });
  }
  const hidden = suppress(all, constraints, threshold, withheldFirst);
  const cell = (x: { id: string; key: Record<string, string> }): Cell =>
    hidden.has(x.id) ? { key: x.key, count: null, suppressed: true } : { key: x.key, count: all.get(x.id)! };
  return {
    id,
    dimensions: [...dims],
    cells: cellIds.map(cell),
    ...(marginIds.length > 0 ? { margins: marginIds.map(cell) } : {}),
    total: hidden.has('*') ? { count: null, suppressed: true } : { count: all.get('*')! },
  };
}

/** The ids (as buildTable names them: `v`, `r|c`, `r|*`, `*|c`, `*`) a table withholds. */
export function withheldIds(t: MonitoringTable): Set<string> {
  const idOf = (key: Record<string, string>): string =>
    t.dimensions.length === 1 ? key[t.dimensions[0]!]! : `${key[t.dimensions[0]!] ?? '*'}|${key[t.dimensions[1]!] ?? '*'}`;
  const ids = new Set<string>();
  for (const c of [...t.cells, ...(t.margins ?? [])]) if (c.count === null) ids.add(idOf(c.key));
  if (t.total.count === null) ids.add('*');
  return ids;
}

/** One CSV row per cell, margin and total: table, dimension/value pairs, count (empty when withheld). */
export function toCsv(report: MonitoringReport): string {
  const rows: string[][] = [['table', 'dimension1', 'value1', 'dimension2', 'value2', 'count']];
  const line = (t: MonitoringTable, c: Omit<Cell, 'key'> & { key?: Record<string, string> }) => {
    const pairs = Object.entries(c.key ?? {});
    rows.push([t.id, pairs[0]?.[0] ?? '', pairs[0]?.[1] ?? 'totaal', pairs[1]?.[0] ?? '', pairs[1]?.[1] ?? '', c.count === null ? '' : String(c.count)]);
  };
  for (const t of report.tables) {
    for (const c of t.cells) line(t, c);
    for (const c of t.margins ?? []) line(t, c);
    line(t, t.total);
  }
  return stringify(rows);
}

