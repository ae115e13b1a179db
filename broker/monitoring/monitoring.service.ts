/**
 * Monitoring for the partneroverleg (docs/casus.md, "Monitoring"): aggregates per calendar
 * period, never a person; trends per month and quarter.
 *
 * Invariants:
 * - Only roles with the `monitoring` capability may ask.
 * - A period is a whole calendar month, quarter or year that is over (calendar-period-fns.ts):
 *   freely chosen or still running periods could be subtracted from each other to count what
 *   happened in between. There are no other filters.
 * - No count below the threshold (platform `monitoring.minCellSize`, at least 5) is ever shown,
 *   and no withheld count can be recovered from a table's sums, from the periods a period is
 *   made of, or from another breakdown of the same total (suppression.ts).
 * - Every read is logged (no subject; counts only).
 */
import { validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import type { Executor } from '../db/database.js';
import { CASE_STATUSES, OTHER_ROUTES_IN } from '../casus/casus-workflow.js';
import { AGE_BANDS } from '../casus/aanmelding-fns.js';
import { partsWithheldOnce } from './suppression.js';
import { calendarPeriod, partsOf, periodsBetween, type CalendarPeriod } from './calendar-period-fns.js';
import { ageBandsIn, answersIn, casesOpenedIn, closedDurationsIn, closedIn, daysToBespreking, invitationsIn, verzoekCountsIn, vervolgactiesDueIn } from './monitoring.repository.js';
import { amsterdamDay, VERZOEK_TYPES } from '../rights/verzoek-fns.js';
import {
  bucketOf,
  buildTable,
  DAY_BUCKETS,
  INVITATION_CATEGORIES,
  LONG_DAY_BUCKETS,
  medianOrNull,
  OUTCOMES,
  TIMELINESS,
  withheldIds,
  type MonitoringReport,
  type MonitoringTable,
} from './monitoring-table-fns.js';

export * from './monitoring-table-fns.js';

const DAY = 86_400_000;

export interface MonitoringTrend {
  per: 'month' | 'quarter';
  threshold: number;
  periods: MonitoringReport[];
}

export interface MonitoringService {
  report(principal: Principal, query: Record<string, unknown>, traceId: string): Promise<MonitoringReport>;
  /** The reports of the months or quarters that are over, from `from` to `to` (at most 36 periods). */
  trend(principal: Principal, query: Record<string, unknown>, traceId: string): Promise<MonitoringTrend>;
}

/** One table before suppression: its dimensions, their values, the counts, and the population whose total it breaks down. */
interface RawTable {
  id: string;
  dims: readonly [string] | readonly [string, string];
  values: ReadonlyArray<readonly string[]>;
  counts: Map<string, number>;
  population: string;
  additive?: boolean;
}

interface PeriodData {
  tables: MonitoringTable[];
  waits: number[];
  closedDays: number[];
  verzoekenDue: number;
  verzoekenOnTime: number;
  vervolgDue: number;
  vervolgOnTime: number;
}

const tally = <T>(items: readonly T[], key: (t: T) => string | readonly string[], n: (t: T) => number = () => 1): Map<string, number> => {
  const m = new Map<string, number>();
  for (const it of items) {
    const keys = key(it);
    for (const k of typeof keys === 'string' ? [keys] : keys) m.set(k, (m.get(k) ?? 0) + n(it));
  }
  return m;
};

export function createMonitoringService(deps: { uow: UnitOfWork; platform: Platform; querySchemas: SchemaRegistry }): MonitoringService {
  const { platform } = deps;
  const threshold = platform.monitoring.minCellSize;
  const partners = platform.partners.map((p) => p.id);
  const routes = [...partners, ...OTHER_ROUTES_IN];
  const criteria = platform.aanmeldcriteria.map((c) => c.id);

  /** The raw counts of one period, every table. */
  async function rawTables(trx: Executor, p: CalendarPeriod, today: string): Promise<{ raw: RawTable[]; data: Omit<PeriodData, 'tables'> }> {
    const from = new Date(`${p.from}T00:00:00Z`);
    const end = new Date(new Date(`${p.to}T00:00:00Z`).getTime() + DAY);
    const endDay = end.toISOString().slice(0, 10);
    const opened = await casesOpenedIn(trx, from, end);
    const closed = await closedIn(trx, from, end);
    const waits = await daysToBespreking(trx, from, end);
    const answers = await answersIn(trx, from, end);
    const bands = await ageBandsIn(trx, from, end);
    const durations = await closedDurationsIn(trx, from, end);
    const vervolg = await vervolgactiesDueIn(trx, from, end);
    const verzoeken = await verzoekCountsIn(trx, p.from, endDay, today);
    const invitations = await invitationsIn(trx, from, end);
    const criteriaCounts = tally(opened, (c) => c.aanmeldcriteria);
    criteriaCounts.set('*', opened.length);
    const besproken = durations.filter((d) => d.fromBespreking !== null);
    const raw: RawTable[] = [
      { id: 'cases-by-status', dims: ['status'], values: [CASE_STATUSES], counts: tally(opened, (c) => c.statusAtEnd), population: 'cases' },
      { id: 'cases-by-route-in', dims: ['routeIn'], values: [routes], counts: tally(opened, (c) => c.routeIn), population: 'cases' },
      { id: 'cases-by-aanmeldcriterium', dims: ['aanmeldcriterium'], values: [criteria], counts: criteriaCounts, population: 'cases', additive: false },
      { id: 'cases-by-regiehouder', dims: ['regiehouder'], values: [[...partners, 'geen']], counts: tally(opened, (c) => c.regiehouderAtEnd ?? 'geen'), population: 'cases' },
      { id: 'youths-by-age-band', dims: ['ageBand'], values: [[...AGE_BANDS, 'onbekend']], counts: tally(bands, (b) => b.band ?? 'onbekend', (b) => b.n), population: 'youths' },
      {
        id: 'screening-results-by-partner',
        dims: ['partner', 'outcome'],
        values: [partners, ['hit', 'no-hit', 'not-permitted']],
        counts: tally(answers, (a) => `${a.partner}|${a.outcome}`, (a) => a.n),
        population: 'answers',
      },
      { id: 'closed-cases-by-outcome', dims: ['outcome'], values: [OUTCOMES], counts: tally(closed, (c) => c.outcome, (c) => c.n), population: 'closed' },
      { id: 'days-aanmelding-to-bespreking', dims: ['bucket'], values: [DAY_BUCKETS.map((b) => b.id)], counts: tally(waits, (d) => bucketOf(DAY_BUCKETS, d)), population: 'besproken' },
      {
        id: 'days-aanmelding-to-afsluiting',
        dims: ['bucket'],
        values: [LONG_DAY_BUCKETS.map((b) => b.id)],
        counts: tally(durations, (d) => bucketOf(LONG_DAY_BUCKETS, d.fromAanmelding)),
        population: 'closed',
      },
      {
        id: 'days-bespreking-to-afsluiting',
        dims: ['bucket'],
        values: [LONG_DAY_BUCKETS.map((b) => b.id)],
        counts: tally(besproken, (d) => bucketOf(LONG_DAY_BUCKETS, d.fromBespreking!)),
        population: 'closed-besproken',
      },
      { id: 'vervolgacties-by-timeliness', dims: ['timeliness'], values: [['on-time', 'late']], counts: tally(vervolg, (v) => v.timeliness, (v) => v.n), population: 'vervolgacties' },
      {
        id: 'verzoeken-by-type',
        dims: ['type', 'timeliness'],
        values: [VERZOEK_TYPES, TIMELINESS],
        counts: tally(verzoeken, (v) => `${v.type}|${v.timeliness}`, (v) => v.n),
        population: 'verzoeken',
      },
      {
        id: 'invitations-by-ground',
        dims: ['ground'],
        values: [INVITATION_CATEGORIES],
        counts: tally(invitations, (i) => i.ground, (i) => i.n),
        population: 'invitations',
      },
    ];
    const sum = <T>(xs: readonly T[], pick: (x: T) => boolean, n: (x: T) => number) => xs.filter(pick).reduce((a, x) => a + n(x), 0);
    return {
      raw,
      data: {
        waits,
        closedDays: durations.map((d) => d.fromAanmelding),
        verzoekenDue: sum(verzoeken, (v) => v.timeliness !== 'open', (v) => v.n),
        verzoekenOnTime: sum(verzoeken, (v) => v.timeliness === 'on-time', (v) => v.n),
        vervolgDue: sum(vervolg, () => true, (v) => v.n),
        vervolgOnTime: sum(vervolg, (v) => v.timeliness === 'on-time', (v) => v.n),
      },
    };
  }

  /**
   * The suppressed tables of a period: its parts first (a quarter's months, a year's quarters),
   * then the period with what exactly one part withheld withheld too; and a total withheld in one
   * breakdown is withheld in every breakdown of the same population.
   */
  async function periodData(trx: Executor, p: CalendarPeriod, today: string, cache: Map<string, PeriodData>): Promise<PeriodData> {
    const known = cache.get(p.id);
    if (known) return known;
    const parts: PeriodData[] = [];
    for (const part of partsOf(p)) parts.push(await periodData(trx, part, today, cache));
    const { raw, data } = await rawTables(trx, p, today);
    const fromParts = (id: string): Set<string> => partsWithheldOnce(parts.map((x) => withheldIds(x.tables.find((t) => t.id === id)!)));
    const build = (r: RawTable, extra: ReadonlySet<string> = new Set()) =>
      buildTable(r.id, r.dims, r.values, r.counts, threshold, new Set([...fromParts(r.id), ...extra]), r.additive ?? true);
    let tables = raw.map((r) => build(r));
    const totalWithheld = new Set(raw.filter((r, i) => tables[i]!.total.count === null).map((r) => r.population));
    tables = raw.map((r, i) => (totalWithheld.has(r.population) && tables[i]!.total.count !== null ? build(r, new Set(['*'])) : tables[i]!));
    const result = { tables, ...data };
    cache.set(p.id, result);
    return result;
  }

  /**
   * A share on time, shown only when the table shows both the on-time and the late count: with
   * the total, a share would otherwise give a withheld count away.
   */
  const share = (part: number, whole: number, shown: boolean): number | null =>
    shown && whole >= threshold ? Math.round((part / whole) * 1000) / 1000 : null;
  const shows = (d: PeriodData, id: string, key: (t: string) => Record<string, string>, margins: boolean): boolean => {
    const t = d.tables.find((x) => x.id === id)!;
    const cells = margins ? t.margins ?? [] : t.cells;
    return ['on-time', 'late'].every((v) => cells.find((c) => JSON.stringify(c.key) === JSON.stringify(key(v)))?.count != null);
  };
  const reportOf = (p: CalendarPeriod, d: PeriodData): MonitoringReport => ({
    period: { from: p.from, to: p.to, kind: p.kind, id: p.id },
    threshold,
    tables: d.tables,
    medianDaysAanmeldingToBespreking: medianOrNull(d.waits, threshold),
    verzoekenOnTimeShare: share(d.verzoekenOnTime, d.verzoekenDue, shows(d, 'verzoeken-by-type', (v) => ({ timeliness: v }), true)),
    medianDaysAanmeldingToAfsluiting: medianOrNull(d.closedDays, threshold),
    vervolgactiesOnTimeShare: share(d.vervolgOnTime, d.vervolgDue, shows(d, 'vervolgacties-by-timeliness', (v) => ({ timeliness: v }), false)),
  });

  return {
    report: (principal, query, traceId) =>
      deps.uow.asPerson(principal, { capability: 'monitoring' }, traceId, async (w) => {
        const params: Record<string, unknown> = { ...query };
        const errors = deps.querySchemas.validate('monitoring#/$defs/query', params);
        if (errors.length > 0) throw validationError(errors);
        const q = params as { from: string; to: string };
        if (q.to < q.from) throw validationError([{ pointer: '/to', code: 'before-start', detail: 'lies before from' }]);
        const period = calendarPeriod(q.from, q.to);
        if (!period) {
          throw validationError([{ pointer: '/from', code: 'not-a-calendar-period', detail: 'must be the first day of a calendar month, quarter or year, and to its last day' }]);
        }
        const today = w.startedAt.toISOString().slice(0, 10);
        if (period.to >= today) throw validationError([{ pointer: '/to', code: 'period-not-over', detail: 'ends in a period that is not over yet' }]);
        const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY) + 1;
        if (days < platform.monitoring.minPeriodDays) {
          throw validationError([{ pointer: '/from', code: 'period-too-short', detail: `the period covers ${days} days; at least ${platform.monitoring.minPeriodDays} are needed` }]);
        }
        const data = await periodData(w.trx, period, amsterdamDay(w.startedAt), new Map());
        w.log({ action: 'monitoring-read', outcome: 'read', details: { from: period.from, to: period.to } });
        return reportOf(period, data);
      }),

    trend: (principal, query, traceId) =>
      deps.uow.asPerson(principal, { capability: 'monitoring' }, traceId, async (w) => {
        const params: Record<string, unknown> = { ...query };
        const errors = deps.querySchemas.validate('monitoring#/$defs/trendQuery', params);
        if (errors.length > 0) throw validationError(errors);
        const q = params as { from: string; to: string; per: 'month' | 'quarter' };
        if (q.to < q.from) throw validationError([{ pointer: '/to', code: 'before-start', detail: 'lies before from' }]);
        const today = w.startedAt.toISOString().slice(0, 10);
        const periods = periodsBetween(q.from, q.to, q.per).filter((p) => p.to < today).slice(-36);
        const cache = new Map<string, PeriodData>();
        const reports: MonitoringReport[] = [];
        for (const p of periods) reports.push(reportOf(p, await periodData(w.trx, p, amsterdamDay(w.startedAt), cache)));
        if (periods.length > 0) w.log({ action: 'monitoring-read', outcome: 'read', details: { from: periods[0]!.from, to: periods[periods.length - 1]!.to } });
        return { per: q.per, threshold, periods: reports };
      }),
  };
}
