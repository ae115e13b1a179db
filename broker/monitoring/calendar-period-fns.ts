/**
 * The periods monitoring reports on: calendar months, quarters (kwartalen) and years, and how
 * they nest. Why fixed periods: two reports over freely chosen, overlapping periods could be
 * subtracted to count what happened in the days where they differ (a differencing attack);
 * a fixed lattice of periods, each suppressed together with the periods it is made of
 * (suppression.ts, partsWithheldOnce), leaves nothing to subtract.
 *
 * Invariants:
 * - A period is a whole calendar month, quarter or year (UTC dates, `to` inclusive).
 * - A quarter is made of its three months, a year of its four quarters.
 */

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface CalendarPeriod {
  readonly kind: PeriodKind;
  /** 2026-11, 2026-K4 or 2026. */
  readonly id: string;
  /** First day, YYYY-MM-DD. */
  readonly from: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  readonly to: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const lastDay = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

function span(kind: PeriodKind, id: string, year: number, firstMonth: number, months: number): CalendarPeriod {
  const lastMonth = firstMonth + months - 1;
  return { kind, id, from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(lastMonth)}-${pad(lastDay(year, lastMonth))}` };
}

export const monthPeriod = (year: number, month: number): CalendarPeriod => span('month', `${year}-${pad(month)}`, year, month, 1);
export const quarterPeriod = (year: number, quarter: number): CalendarPeriod => span('quarter', `${year}-K${quarter}`, year, quarter * 3 - 2, 3);
export const yearPeriod = (year: number): CalendarPeriod => span('year', String(year), year, 1, 12);

/** The calendar period from `from` to `to` (inclusive), or null when they do not bound a whole month, quarter or year. */
export function calendarPeriod(from: string, to: string): CalendarPeriod | null {
  const m = /^(\d{4})-(\d{2})-01$/.exec(from);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const candidates = [monthPeriod(year, month)];
  if ((month - 1) % 3 === 0) candidates.push(quarterPeriod(year, (month + 2) / 3));
  if (month === 1) candidates.push(yearPeriod(year));
  return candidates.find((p) => p.to === to) ?? null;
}

/** The periods a period is made of: a year's quarters, a quarter's months; a month has none. */
export function partsOf(p: CalendarPeriod): CalendarPeriod[] {
  const year = Number(p.from.slice(0, 4));
  if (p.kind === 'year') return [1, 2, 3, 4].map((q) => quarterPeriod(year, q));
  if (p.kind === 'quarter') {
    const first = Number(p.from.slice(5, 7));
    return [0, 1, 2].map((i) => monthPeriod(year, first + i));
  }
  return [];
}

/** The months or quarters from the one holding `from` up to the one holding `to`, oldest first (for trends). */
export function periodsBetween(from: string, to: string, kind: 'month' | 'quarter'): CalendarPeriod[] {
  const out: CalendarPeriod[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  if (kind === 'quarter') month = month - ((month - 1) % 3);
  const step = kind === 'month' ? 1 : 3;
  for (let guard = 0; guard < 1200; guard += 1) {
    const p = kind === 'month' ? monthPeriod(year, month) : quarterPeriod(year, (month + 2) / 3);
    if (p.from > to) break;
    out.push(p);
    month += step;
    if (month > 12) {
      month -= 12;
      year += 1;
    }
  }
  return out;
}

/** The period named by its id (2026-11, 2026-K4, 2026), or null. */
export function periodById(id: string): CalendarPeriod | null {
  let m = /^(\d{4})-(\d{2})$/.exec(id);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return monthPeriod(Number(m[1]), Number(m[2]));
  m = /^(\d{4})-K([1-4])$/.exec(id);
  if (m) return quarterPeriod(Number(m[1]), Number(m[2]));
  m = /^(\d{4})$/.exec(id);
  return m ? yearPeriod(Number(m[1])) : null;
}

/** The last `n` periods of a kind that are over on `today` (YYYY-MM-DD), newest first. */
export function lastPeriodsOver(today: string, kind: PeriodKind, n: number): CalendarPeriod[] {
  const year = Number(today.slice(0, 4));
  const out: CalendarPeriod[] = [];
  if (kind === 'year') {
    for (let y = year - 1; out.length < n; y -= 1) out.push(yearPeriod(y));
    return out;
  }
  const all = periodsBetween(`${year - Math.ceil(n / (kind === 'month' ? 12 : 4)) - 1}-01-01`, today, kind).filter((p) => p.to < today);
  return all.slice(-n).reverse();
}
