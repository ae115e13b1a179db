/**
 * Impact preview: replays logged requests (one per partner answer, as the logboek's
 * `disclosure` entries hold them: role, doel, partner, consent, outcome) against a
 * version's decision table, and counts every decision that would change.
 *
 * Invariants:
 * - "Before" is what was decided then (the logged outcome: permitted unless
 *   `not-permitted`), not what the active version would say now.
 * - The result holds roles, doelen, partners and counts only; no subject, case or person.
 */
import type { DecisionTable } from './decision-table.js';
import { actionFor } from './policy-actions.js';

export interface LoggedDecision {
  readonly role: string;
  readonly doel: string;
  readonly partner: string;
  readonly consent: boolean;
  readonly outcome: string;
}

export interface ImpactCounts {
  total: number;
  byRole: Record<string, number>;
  byDoel: Record<string, number>;
  byPartner: Record<string, number>;
}

export interface ImpactChange {
  role: string;
  doel: string;
  partner: string;
  action: string;
  before: 'permitted' | 'not-permitted';
  after: 'permitted' | 'not-permitted';
  afterRules: string[];
  count: number;
}

export interface Impact {
  replayed: number;
  unchanged: number;
  newlyAllowed: ImpactCounts;
  newlyDenied: ImpactCounts;
  changes: ImpactChange[];
}

const counts = (): ImpactCounts => ({ total: 0, byRole: {}, byDoel: {}, byPartner: {} });
const bump = (c: ImpactCounts, d: LoggedDecision): void => {
  c.total++;
  c.byRole[d.role] = (c.byRole[d.role] ?? 0) + 1;
  c.byDoel[d.doel] = (c.byDoel[d.doel] ?? 0) + 1;
  c.byPartner[d.partner] = (c.byPartner[d.partner] ?? 0) + 1;
};

/** Accumulates a replay; feed it pages of logged decisions, then read `result()`. */
export function createImpactReplay(table: DecisionTable): { add(d: LoggedDecision): void; result(): Impact } {
  const impact: Impact = { replayed: 0, unchanged: 0, newlyAllowed: counts(), newlyDenied: counts(), changes: [] };
  const byKey = new Map<string, ImpactChange>();
  return {
    add(d) {
      impact.replayed++;
      const action = actionFor(d.consent);
      const scope = table.scopes(d.role, d.doel, action).find((s) => s.partner === d.partner);
      const before = d.outcome === 'not-permitted' ? 'not-permitted' : 'permitted';
      const after = scope?.permitted ? 'permitted' : 'not-permitted';
      if (before === after) {
        impact.unchanged++;
        return;
      }
      bump(after === 'permitted' ? impact.newlyAllowed : impact.newlyDenied, d);
      const key = [d.role, d.doel, d.partner, action, before].join('\u0000');
      const change = byKey.get(key);
      if (change) change.count++;
      else {
        const c: ImpactChange = {
          role: d.role, doel: d.doel, partner: d.partner, action, before, after,
          afterRules: (scope?.basis ?? []).map((r) => r.rule), count: 1,
        };
        byKey.set(key, c);
        impact.changes.push(c);
      }
    },
    result: () => ({ ...impact, changes: [...impact.changes].sort((a, b) => b.count - a.count) }),
  };
}
