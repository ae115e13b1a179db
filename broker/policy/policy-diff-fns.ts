/**
 * The difference between two versions, rule by rule: rules are matched by id; a rule
 * whose fields differ is "changed" with the names of those fields (grondslag, effect …).
 * Groupings are compared as (type, member, group) triples.
 */
import { RULE_FIELDS, type Grouping, type PolicyTest, type Rule } from './policy-content.js';

export interface PolicyDiff {
  readonly added: Rule[];
  readonly removed: Rule[];
  readonly changed: Array<{ id: string; fields: string[]; before: Rule; after: Rule }>;
  readonly unchanged: number;
  readonly groupings: { added: Grouping[]; removed: Grouping[] };
  readonly tests: { added: number; removed: number };
}

export function diffPolicies(
  from: { rules: readonly Rule[]; groupings: readonly Grouping[]; tests: readonly PolicyTest[] },
  to: { rules: readonly Rule[]; groupings: readonly Grouping[]; tests: readonly PolicyTest[] },
): PolicyDiff {
  const before = new Map(from.rules.map((r) => [r.id, r]));
  const after = new Map(to.rules.map((r) => [r.id, r]));
  const changed: PolicyDiff['changed'] = [];
  let unchanged = 0;
  for (const r of to.rules) {
    const old = before.get(r.id);
    if (!old) continue;
    const fields = RULE_FIELDS.filter((f) => f !== 'id' && old[f] !== r[f]);
    if (fields.length > 0) changed.push({ id: r.id, fields, before: old, after: r });
    else unchanged++;
  }
  const key = (g: Grouping): string => `${g.type}\u0000${g.member}\u0000${g.group}`;
  const gBefore = new Set(from.groupings.map(key));
  const gAfter = new Set(to.groupings.map(key));
  const tKey = (t: PolicyTest): string => JSON.stringify([t.role, t.doel, t.partner, t.category, t.action, t.expect, t.rule]);
  const tBefore = new Set(from.tests.map(tKey));
  const tAfter = new Set(to.tests.map(tKey));
  return {
    added: to.rules.filter((r) => !before.has(r.id)),
    removed: from.rules.filter((r) => !after.has(r.id)),
    changed,
    unchanged,
    groupings: { added: to.groupings.filter((g) => !gBefore.has(key(g))), removed: from.groupings.filter((g) => !gAfter.has(key(g))) },
    tests: { added: [...tAfter].filter((t) => !tBefore.has(t)).length, removed: [...tBefore].filter((t) => !tAfter.has(t)).length },
  };
}
