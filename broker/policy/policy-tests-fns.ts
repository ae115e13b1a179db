/**
 * Policy tests: decision tables a privacy officer edits (policies/tests/*.csv, or a
 * version's stored tests), one line per decision: role, doel, partner, category, action →
 * expected effect and the rule that must decide it ('' = no rule matches).
 *
 * Invariants:
 * - A test is decided by the version's decision table, exactly as a query would be.
 * - Submission runs a version's stored tests and fails if any fails; CI runs the seed
 *   files (test/policy/), and `jpp-broker policy test` runs either.
 */
import type { DecisionTable } from './decision-table.js';
import type { PolicyTest } from './policy-content.js';
import type { Action } from './policy-actions.js';

export interface PolicyTestResult extends PolicyTest {
  readonly index: number;
  readonly expectRule: string;
  readonly actual: 'allow' | 'deny';
  readonly actualRule: string | null;
  readonly grondslag: string | null;
  readonly pass: boolean;
}

export interface PolicyTestReport {
  readonly passed: number;
  readonly failed: number;
  readonly results: PolicyTestResult[];
}

export function runPolicyTests(table: DecisionTable, tests: readonly PolicyTest[]): PolicyTestReport {
  const results = tests.map((t, index): PolicyTestResult => {
    const d = table.decide(t.role, t.doel, t.partner, t.category, t.action as Action);
    const actual = d.allowed ? 'allow' : 'deny';
    const actualRule = d.rule?.rule ?? null;
    return {
      index,
      ...t,
      expectRule: t.rule,
      actual,
      actualRule,
      grondslag: d.rule?.grondslag ?? null,
      pass: actual === t.expect && (actualRule ?? '') === t.rule,
    };
  });
  const failed = results.filter((r) => !r.pass).length;
  return { passed: results.length - failed, failed, results };
}

/** One line a person reads: what was expected and what happened. */
export function describeResult(r: PolicyTestResult): string {
  const expected = `${r.expect}${r.expectRule ? ` by ${r.expectRule}` : ' (no rule)'}`;
  const got = `${r.actual}${r.actualRule ? ` by ${r.actualRule}` : ' (no rule)'}`;
  return `${r.role} | ${r.doel} | ${r.partner} | ${r.category} | ${r.action}: expected ${expected}, got ${got}`;
}
