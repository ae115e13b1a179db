/**
 * Parses a policy rules text (policies/*.csv) into casbin policy lines. Files are seed sets
 * and imports; casbin reads them through `createLinesAdapter` (compiled-policy.ts) and
 * stored versions through the kysely adapter.
 *
 * Invariants:
 * - The rules text is parsed as real CSV (RFC 4180, `#` comments), so a grondslag may
 *   hold commas, quotes and brackets; casbin's own line parser splits such values.
 */
import { parse } from 'csv-parse/sync';

/** One parsed policy line: its type (`p`, `g`, `g2` …) and its values. */
export interface PolicyLine {
  readonly ptype: string;
  readonly values: readonly string[];
  /** 1-based line number in the rules text, for error messages. */
  readonly line: number;
}

/** Parses a rules text into lines; throws with the line number on malformed CSV. */
export function parsePolicyLines(rulesText: string): PolicyLine[] {
  const records = parse(rulesText, {
    comment: '#',
    comment_no_infix: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  return records
    .filter(({ record }) => record.length > 0 && record[0] !== '')
    .map(({ record, info }) => ({ ptype: record[0]!, values: record.slice(1), line: info.lines }));
}
