/**
 * Monitoring for the partneroverleg (docs/casus.md): aggregates per period, never a person.
 *
 * Invariants:
 * - Only roles with the `monitoring` capability may ask.
 * - A period shorter than the platform's minimum, in the future, or reversed is refused: a
 *   narrow window could single out one youth. There are no other filters.
 * - No count below the threshold (platform `monitoring.minCellSize`, at least 5) is ever
 *   shown, and no withheld count can be recovered from totals (suppression.ts).
 * - Every read is logged (no subject; counts only).
 */
import { stringify } from 'csv-stringify/sync';
import { validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { CASE_STATUSES, OTHER_ROUTES_IN } from '../casus/casus-workflow.js';
import { suppress, type Constraint } from './suppression.js';
import { answersIn, casesOpenedIn, closedIn, daysToBespreking, verzoekCountsIn } from './monitoring.repository.js';
import { amsterdamDay, VERZOEK_TYPES } from '../rights/verzoek-fns.js';

const DAY = 86_400_000;
export const OUTCOMES = ['doelen-bereikt', 'overgedragen', 'geen-zorgen', 'niet-in-doelgroep', 'geen-medewerking', 'overig'] as const;
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
  period: { from: string; to: string };
  threshold: number;
  tables: MonitoringTable[];
  medianDaysAanmeldingToBespreking: number | null;
  /**
   * Of the verzoeken van betrokkenen received in the period whose deadline passed or which were
   * answered, the share answered on time (0–1); null below the threshold.
   */
  verzoekenOnTimeShare: number | null;
}

/** How a verzoek stands against its deadline (AVG art. 12(3)): answered on time, late (answered late or open past it), or open in time. */
export const TIMELINESS = ['on-time', 'late', 'open'] as const;

export interface MonitoringService {
  report(principal: Principal, query: Record<string, unknown>, traceId: string): Promise<MonitoringReport>;
}

/** A table over one or two dimensions, with primary and complementary suppression applied. */
export function buildTable(
  id: string,
  dims: readonly [string] | readonly [string, string],
  values: ReadonlyArray<readonly string[]>,
  counts: ReadonlyMap<string, number>,
  threshold: number,
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
    all.set('*', [...all.values()].reduce((a, b) => a + b, 0));
    constraints.push({ total: '*', parts: values[0]!.slice() });
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
  const hidden = suppress(all, constraints, threshold);
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

export function createMonitoringService(deps: {
  uow: UnitOfWork;
  platform: Platform;
  querySchemas: SchemaRegistry;
}): MonitoringService {
  const { platform } = deps;
  const threshold = platform.monitoring.minCellSize;
  const routes = [...platform.partners.map((p) => p.id), ...OTHER_ROUTES_IN];
  const partners = platform.partners.map((p) => p.id);

  return {
    report: (principal, query, traceId) =>
      deps.uow.asPerson(principal, { capability: 'monitoring' }, traceId, async (w) => {
        const trx = w.trx;
        const startedAt = w.startedAt;
        const params: Record<string, unknown> = { ...query };
        const errors = deps.querySchemas.validate('monitoring#/$defs/query', params);
        if (errors.length > 0) throw validationError(errors);
        const p = params as { from: string; to: string };
        const from = new Date(`${p.from}T00:00:00Z`);
        const end = new Date(new Date(`${p.to}T00:00:00Z`).getTime() + DAY); // `to` is inclusive
        const today = new Date(`${startedAt.toISOString().slice(0, 10)}T00:00:00Z`);
        if (end.getTime() <= from.getTime()) throw validationError([{ pointer: '/to', code: 'before-start', detail: 'lies before from' }]);
        if (end.getTime() > today.getTime() + DAY) throw validationError([{ pointer: '/to', code: 'in-future', detail: 'lies in the future' }]);
        const days = Math.round((end.getTime() - from.getTime()) / DAY);
        if (days < platform.monitoring.minPeriodDays) {
          throw validationError([
            { pointer: '/from', code: 'period-too-short', detail: `the period covers ${days} days; at least ${platform.monitoring.minPeriodDays} are needed so that no youth can be singled out` },
          ]);
        }

        const opened = await casesOpenedIn(trx, from, end);
        const closed = await closedIn(trx, from, end);
        const waits = await daysToBespreking(trx, from, end);
        const answers = await answersIn(trx, from, end);
        const verzoeken = await verzoekCountsIn(trx, p.from, end.toISOString().slice(0, 10), amsterdamDay(startedAt));
        const count = <T>(items: readonly T[], key: (t: T) => string, n: (t: T) => number = () => 1) => {
          const m = new Map<string, number>();
          for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + n(it));
          return m;
        };
        const sorted = [...waits].sort((a, b) => a - b);
        const median =
          sorted.length >= threshold
            ? sorted.length % 2 === 1
              ? sorted[(sorted.length - 1) / 2]!
              : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2
            : null;
        const tables = [
          buildTable('cases-by-status', ['status'], [CASE_STATUSES], count(opened, (c) => c.statusAtEnd), threshold),
          buildTable('cases-by-route-in', ['routeIn'], [routes], count(opened, (c) => c.routeIn), threshold),
          buildTable(
            'screening-results-by-partner',
            ['partner', 'outcome'],
            [partners, ['hit', 'no-hit', 'not-permitted']],
            count(answers, (a) => `${a.partner}|${a.outcome}`, (a) => a.n),
            threshold,
          ),
          buildTable('closed-cases-by-outcome', ['outcome'], [OUTCOMES], count(closed, (c) => c.outcome, (c) => c.n), threshold),
          buildTable('days-aanmelding-to-bespreking', ['bucket'], [DAY_BUCKETS.map((b) => b.id)], count(waits, (d) => DAY_BUCKETS.find((b) => d <= b.max)!.id), threshold),
          buildTable('verzoeken-by-type', ['type', 'timeliness'], [VERZOEK_TYPES, TIMELINESS], count(verzoeken, (v) => `${v.type}|${v.timeliness}`, (v) => v.n), threshold),
        ];
        const due = verzoeken.filter((v) => v.timeliness !== 'open').reduce((a, v) => a + v.n, 0);
        const onTime = verzoeken.filter((v) => v.timeliness === 'on-time').reduce((a, v) => a + v.n, 0);
        const verzoekenOnTimeShare = due >= threshold ? Math.round((onTime / due) * 1000) / 1000 : null;
        w.log({ action: 'monitoring-read', outcome: 'read', details: { from: p.from, to: p.to } });
        return { period: { from: p.from, to: p.to }, threshold, tables, medianDaysAanmeldingToBespreking: median, verzoekenOnTimeShare };
      }),
  };
}
