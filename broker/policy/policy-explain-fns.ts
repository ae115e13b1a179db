/**
 * Explain (simulate): how a version decides one request, and for a denial, the allow
 * rule that came nearest and which fields kept it from matching.
 *
 * "Nearest" scores every allow rule on how many of role, doel, partner, category and
 * action it matches (a group matches its members, as casbin's role managers say); the
 * highest score wins, ties go to the earlier rule. A rule that matches all five yet does
 * not allow was overridden by a deny rule; the answer says which.
 */
import type { RuleRef } from './decision-table.js';
import type { CompiledPolicy, FieldKind } from './compiled-policy.js';
import type { Rule } from './policy-content.js';
import type { Action } from './policy-actions.js';

export interface SimulateRequest {
  role: string;
  doel: string;
  partner: string;
  category: string;
  action: string;
}

export interface Mismatch {
  readonly field: FieldKind;
  readonly expected: string;
  readonly actual: string;
  readonly reason: string;
  /** The rule matched every field, but the partner holds no signals of the category: nobody asks this. */
  readonly notHeld?: true;
}

export interface Explanation {
  readonly decision: 'allow' | 'deny';
  readonly rule: RuleRef | null;
  readonly nearest: {
    readonly rule: Rule;
    readonly score: number;
    readonly matched: FieldKind[];
    readonly mismatched: Mismatch[];
    readonly overriddenBy?: string;
  } | null;
}

const FIELDS: FieldKind[] = ['role', 'doel', 'partner', 'category', 'action'];
const GROUP_WORD: Record<FieldKind, string> = { role: 'role group', doel: '', partner: 'partner group', category: 'category group', action: 'weaker action' };

export function explain(compiled: CompiledPolicy, rules: readonly Rule[], req: SimulateRequest): Explanation {
  const d = compiled.table.decide(req.role, req.doel, req.partner, req.category, req.action as Action);
  if (d.allowed) return { decision: 'allow', rule: d.rule, nearest: null };
  let best: Explanation['nearest'] = null;
  for (const rule of rules) {
    if (rule.effect !== 'allow') continue;
    const matched: FieldKind[] = [];
    const mismatched: Mismatch[] = [];
    for (const field of FIELDS) {
      const expected = rule[field];
      const actual = req[field];
      if (compiled.covers(field, actual, expected)) matched.push(field);
      else {
        const reason =
          field === 'doel'
            ? `doel ${actual} is not ${expected}`
            : `${field} ${actual} is not ${expected}${expected === actual ? '' : ` and not in ${GROUP_WORD[field]} ${expected}`}`;
        mismatched.push({ field, expected, actual, reason });
      }
    }
    if (!best || matched.length > best.score) best = { rule, score: matched.length, matched, mismatched };
  }
  if (best && best.score === FIELDS.length) {
    // Matched everything: a deny rule (or a category the partner does not hold) stopped it.
    const deny = d.rule?.effect === 'deny' ? d.rule.rule : undefined;
    best = deny
      ? { ...best, overriddenBy: deny }
      : {
          ...best,
          mismatched: [{ field: 'category', expected: req.category, actual: req.category, reason: `partner ${req.partner} does not hold category ${req.category}`, notHeld: true }],
        };
  }
  return { decision: 'deny', rule: d.rule, nearest: best };
}
