/**
 * The deadlines of verzoeken van betrokkenen, as pure functions on calendar dates (YYYY-MM-DD).
 *
 * AVG art. 12(3): the controller answers "without undue delay and in any event within one month
 * of receipt"; that period "may be extended by two further months where necessary", provided the
 * requester is told within the first month, with the reasons. A period in months ends on the same
 * day of the month; when that month has no such day, on its last day (Regulation 1182/71, art.
 * 3(2)(c)). https://eur-lex.europa.eu/eli/reg/2016/679/oj (art. 12(3)),
 * https://eur-lex.europa.eu/eli/reg/1971/1182/oj
 *
 * Invariants: no clock is read here; `today` is always passed in (the unit of work's time).
 */

export const VERZOEK_TYPES = ['inzage', 'rectificatie', 'wissing', 'beperking', 'bezwaar', 'informatie'] as const;
export type VerzoekType = (typeof VERZOEK_TYPES)[number];
export const VERZOEK_REQUESTERS = ['betrokkene', 'ouder-of-voogd', 'gemachtigde'] as const;
export const IDENTITY_CHECKS = ['legitimatiebewijs-getoond', 'digid', 'bekend-via-hulpverlener', 'gezag-gecontroleerd'] as const;
export const VERZOEK_DECISIONS = ['granted', 'partly-granted', 'refused'] as const;
export type VerzoekDecision = (typeof VERZOEK_DECISIONS)[number];

/** `date` plus `months` calendar months, clamped to the last day of the target month. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = index % 12; // 0-based
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${String(ty).padStart(4, '0')}-${String(tm + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The first deadline: one month after receipt (art. 12(3)). */
export const deadlineOf = (receivedOn: string): string => addMonths(receivedOn, 1);

/** The extended deadline: two further months after the first deadline (art. 12(3)). */
export const extendedDeadlineOf = (deadline: string): string => addMonths(deadline, 2);

/** The deadline that applies now: the extended one, if the request was extended. */
export const effectiveDeadline = (v: { deadline: string; extendedUntil: string | null }): string => v.extendedUntil ?? v.deadline;

/** Overdue: still open after the day its deadline falls on. */
export const isOverdue = (v: { status: 'open' | 'answered'; deadline: string; extendedUntil: string | null }, today: string): boolean =>
  v.status === 'open' && today > effectiveDeadline(v);

/** Answered on time: answered on or before the deadline that applied. Null while open. */
export const answeredOnTime = (v: { answeredOn: string | null; deadline: string; extendedUntil: string | null }): boolean | null =>
  v.answeredOn === null ? null : v.answeredOn <= effectiveDeadline(v);

/** Why an extension is refused now, or null when it may be recorded (once, while open, not after the first deadline). */
export function extensionRefusal(v: { status: 'open' | 'answered'; deadline: string; extendedUntil: string | null }, today: string): string | null {
  if (v.status !== 'open') return 'the verzoek is answered already';
  if (v.extendedUntil !== null) return 'the verzoek was extended already; art. 12(3) allows one extension of two months';
  if (today > v.deadline) return 'the first month has passed: an extension must be told to the requester within it';
  return null;
}

/** The calendar date in Europe/Amsterdam at `at`: the day a Dutch jurist means. */
export function amsterdamDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
