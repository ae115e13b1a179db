/**
 * HTML by tagged template: every interpolated value is escaped (escape-html, the escaper
 * Express itself uses) unless it is already Html made by this tag. Arrays are joined.
 * Why no template engine: the pages are small, typed, and one escaping rule is easier to
 * review than an engine's syntax.
 */
import escapeHtml from 'escape-html';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Dutch date and time in Europe/Amsterdam, e.g. "22-11-2026 21:30". */
export function formatDateTime(d: Date | string): string {
  return new Intl.DateTimeFormat('nl-NL', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(new Date(d));
}

/** A calendar date (YYYY-MM-DD, or the date part of a timestamp, taken in UTC as the API does) in Dutch, e.g. "02-12-2026". */
export function formatDate(d: string): string {
  return new Intl.DateTimeFormat('nl-NL', { dateStyle: 'short', timeZone: 'UTC' }).format(new Date(`${d.slice(0, 10)}T00:00:00Z`));
}
