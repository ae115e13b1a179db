/**
 * A read-only casbin adapter over the text of one immutable policy version.
 *
 * Invariants:
 * - The rules text is parsed as real CSV (RFC 4180, `#` comments), so a grondslag may
 *   hold commas, quotes and brackets; casbin's own line parser splits such values.
 * - It never writes: a policy version is immutable once stored, and a change is a new
 *   version (see docs/architecture.md).
 */
import { parse } from 'csv-parse/sync';
import type { Adapter, Model } from 'casbin';

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

/** Creates an adapter that loads the given rules text into a casbin model. */
export function createRulesTextAdapter(rulesText: string): Adapter {
  const lines = parsePolicyLines(rulesText);
  const readOnly = async (): Promise<never> => {
    throw new Error('policy versions are immutable: store a new version instead');
  };
  return {
    async loadPolicy(model: Model): Promise<void> {
      for (const { ptype, values, line } of lines) {
        const sec = ptype.charAt(0);
        if (!model.model.get(sec)?.get(ptype)) {
          throw new Error(`policy line ${line}: unknown policy type "${ptype}"`);
        }
        model.addPolicy(sec, ptype, [...values]);
      }
    },
    savePolicy: readOnly,
    addPolicy: readOnly,
    removePolicy: readOnly,
    removeFilteredPolicy: readOnly,
  };
}
