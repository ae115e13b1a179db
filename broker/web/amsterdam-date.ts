/**
 * Calendar dates as Dutch users mean them: a day in Europe/Amsterdam. `from` is the start of
 * that day, `to` (inclusive in the form) becomes the start of the next day (exclusive).
 */
function offsetOf(date: string): string {
  // The zone's offset at noon that day (DST changes happen at night, so noon is unambiguous enough for a day filter).
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', timeZoneName: 'longOffset' }).formatToParts(new Date(`${date}T12:00:00Z`));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  return name === 'GMT' ? '+00:00' : name.replace('GMT', '');
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(value: unknown): value is string {
  return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** Start of the day in Amsterdam, as an ISO date-time with offset. */
export function startOfDay(date: string): string {
  return `${date}T00:00:00${offsetOf(date)}`;
}

/** Start of the following day in Amsterdam. */
export function startOfNextDay(date: string): string {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return startOfDay(next);
}
