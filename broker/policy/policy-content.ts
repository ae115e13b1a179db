/**
 * What a policy version holds, in the forms the lifecycle needs: casbin policy lines (as
 * stored, one row each), rules and groupings (as a privacy officer edits them), CSV text
 * (as `policies/*.csv` holds them), and decision-table tests.
 *
 * Invariants:
 * - A `p` line is `id, role, doel, partner, category, action, effect, grondslag`
 *   (policies/model.conf); groupings are `g` (roles), `g2` (categories), `g3` (partners),
 *   `g4` (actions), each `member, group`.
 * - The content hash is SHA-256 over the RFC 8785 (JCS) canonical JSON of the model text
 *   and the lines in order (order matters: the first matching rule is the one named).
 *   Tests are not part of it: they do not decide anything.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { canonicalJson } from '../logboek/log-entry.js';
import { parsePolicyLines } from './rules-text.js';

/** One stored policy line. */
export interface PolicyLine {
  readonly ptype: string;
  readonly values: readonly string[];
}

/** A `p` line as a privacy officer reads it. */
export interface Rule {
  id: string;
  role: string;
  doel: string;
  partner: string;
  category: string;
  action: string;
  effect: string;
  grondslag: string;
}

export const GROUPING_TYPES = ['g', 'g2', 'g3', 'g4'] as const;
export type GroupingType = (typeof GROUPING_TYPES)[number];

/** A `g`…`g4` line: `member` belongs to `group`. */
export interface Grouping {
  type: GroupingType;
  member: string;
  group: string;
}

/** One line of a decision table (policies/tests/*.csv). `rule` '' expects that no rule matches. */
export interface PolicyTest {
  role: string;
  doel: string;
  partner: string;
  category: string;
  action: string;
  expect: 'allow' | 'deny';
  rule: string;
}

export const RULE_FIELDS = ['id', 'role', 'doel', 'partner', 'category', 'action', 'effect', 'grondslag'] as const;
const TEST_COLUMNS = ['role', 'doel', 'partner', 'category', 'action', 'expect', 'rule'] as const;

export function ruleOf(line: PolicyLine): Rule {
  const v = line.values;
  return { id: v[0] ?? '', role: v[1] ?? '', doel: v[2] ?? '', partner: v[3] ?? '', category: v[4] ?? '', action: v[5] ?? '', effect: v[6] ?? '', grondslag: v[7] ?? '' };
}

export function groupingOf(line: PolicyLine): Grouping {
  return { type: line.ptype as GroupingType, member: line.values[0] ?? '', group: line.values[1] ?? '' };
}

/** Splits lines into rules and groupings, in order. */
export function splitLines(lines: readonly PolicyLine[]): { rules: Rule[]; groupings: Grouping[] } {
  return {
    rules: lines.filter((l) => l.ptype === 'p').map(ruleOf),
    groupings: lines.filter((l) => l.ptype !== 'p').map(groupingOf),
  };
}

/** Lines from rules and groupings: groupings first (as in the seed files), then rules. */
export function linesOf(rules: readonly Rule[], groupings: readonly Grouping[]): PolicyLine[] {
  return [
    ...groupings.map((g) => ({ ptype: g.type, values: [g.member, g.group] })),
    ...rules.map((r) => ({ ptype: 'p', values: RULE_FIELDS.map((f) => r[f]) })),
  ];
}

/** Lines from a CSV rules text (policies/*.csv); throws naming the line on malformed CSV. */
export function linesFromText(rulesText: string): PolicyLine[] {
  return parsePolicyLines(rulesText).map(({ ptype, values }) => ({ ptype, values }));
}

/** The CSV rules text of lines, in the format of policies/*.csv. */
export function textOf(lines: readonly PolicyLine[]): string {
  return stringify(lines.map((l) => [l.ptype, ...l.values]));
}

/** The content hash of a version: `sha256:` + hex. */
export function contentHash(modelText: string, lines: readonly PolicyLine[]): string {
  const canonical = canonicalJson({ model: modelText, lines: lines.map((l) => [l.ptype, ...l.values]) });
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

/** Parses a decision-table CSV (header `role,doel,partner,category,action,expect,rule`; `#` comments). */
export function testsFromText(text: string): PolicyTest[] {
  const rows = parse(text, { columns: true, comment: '#', comment_no_infix: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
  return rows.map((r, i) => {
    for (const c of TEST_COLUMNS.slice(0, 6)) {
      if (!r[c]) throw new Error(`test ${i + 1}: column "${c}" is empty`);
    }
    if (r['expect'] !== 'allow' && r['expect'] !== 'deny') throw new Error(`test ${i + 1}: expect must be allow or deny`);
    return {
      role: r['role']!,
      doel: r['doel']!,
      partner: r['partner']!,
      category: r['category']!,
      action: r['action']!,
      expect: r['expect'],
      rule: r['rule'] ?? '',
    };
  });
}

/** The decision-table CSV of tests. */
export function testsText(tests: readonly PolicyTest[]): string {
  return stringify(tests.map((t) => TEST_COLUMNS.map((c) => t[c])), { header: true, columns: [...TEST_COLUMNS] });
}
