/**
 * The impact of a policy change, in two views:
 *
 * - **Exact** (`exactImpact`): the two versions' decision tables compared over the whole
 *   decision space of the platform (role × doel × partner × each category the partner
 *   holds × with and without consent), listing every decision that becomes allowed or
 *   denied, with the rule that decides it on each side. This is what four eyes confirms.
 * - **Replay** (`createImpactReplay`): logged requests (one per partner answer, as the
 *   logboek's `disclosure` entries hold them: role, doel, partner, consent, outcome)
 *   replayed against the new table: how many real questions would have been answered
 *   differently.
 *
 * Invariants:
 * - The decision space is the platform's closed vocabulary; a decision outside it is
 *   denied in every version, so nothing outside it can change.
 * - The digest of newly allowed decisions depends only on the set: SHA-256 over the
 *   RFC 8785 canonical JSON of their sorted keys. An approval carries it to show which set
 *   it confirmed, and the database compares it with the preview's (migration 0050).
 * - "Before" in the replay is what was decided then (the logged outcome: permitted unless
 *   `not-permitted`), not what the active version would say now.
 * - Both hold roles, doelen, partners, categories, rules and counts only; no subject, case
 *   or person.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Platform } from '../platform/platform.js';
import type { DecisionTable, RuleRef } from './decision-table.js';
import { ACTIONS, actionFor, type Action } from './policy-actions.js';

/** One decision the platform can ask for. */
export interface DecisionTuple {
  readonly role: string;
  readonly doel: string;
  readonly partner: string;
  readonly category: string;
  readonly action: Action;
}

/** A decision that changes, with the rule that decides it before and after (null: no rule matched). */
export interface TupleChange extends DecisionTuple {
  readonly before: RuleRef | null;
  readonly after: RuleRef | null;
}

export interface ExactImpact {
  /** How many decisions the platform can ask for. */
  readonly decisions: number;
  readonly newlyAllowed: TupleChange[];
  readonly newlyDenied: TupleChange[];
  /** Digest of the newly allowed decisions (`newAccessDigest`). */
  readonly newAccessDigest: string;
}

/** Every decision of the platform, in platform order. */
export function decisionSpace(platform: Platform): DecisionTuple[] {
  const out: DecisionTuple[] = [];
  for (const { id: role } of platform.roles) {
    for (const { id: doel } of platform.doelen) {
      for (const partner of platform.partners) {
        for (const category of partner.categories) {
          for (const action of ACTIONS) out.push({ role, doel, partner: partner.id, category, action });
        }
      }
    }
  }
  return out;
}

/** A decision's key: `role|doel|partner|category|action` (platform ids hold no `|`). */
export const tupleKey = (t: DecisionTuple): string => [t.role, t.doel, t.partner, t.category, t.action].join('|');

/** The decision a key names, or null when it is not five non-empty parts with a known action. */
export function tupleOfKey(key: string): DecisionTuple | null {
  const parts = key.split('|');
  if (parts.length !== 5 || parts.some((p) => p === '')) return null;
  const [role, doel, partner, category, action] = parts as [string, string, string, string, string];
  if (!(ACTIONS as readonly string[]).includes(action)) return null;
  return { role, doel, partner, category, action: action as Action };
}

/** The digest of a set of decisions: `sha256:` + hex over the canonical JSON of their sorted keys. */
export function newAccessDigest(tuples: readonly DecisionTuple[]): string {
  const keys = [...new Set(tuples.map(tupleKey))].sort();
  return `sha256:${createHash('sha256').update(canonicalize(keys)!, 'utf8').digest('hex')}`;
}

/**
 * Compares two decision tables over the platform's decision space. `before` null means a
 * policy that allows nothing (the first version of a platform).
 */
export function exactImpact(before: DecisionTable | null, after: DecisionTable, platform: Platform): ExactImpact {
  const newlyAllowed: TupleChange[] = [];
  const newlyDenied: TupleChange[] = [];
  const space = decisionSpace(platform);
  for (const t of space) {
    const b = before?.decide(t.role, t.doel, t.partner, t.category, t.action) ?? { allowed: false, rule: null };
    const a = after.decide(t.role, t.doel, t.partner, t.category, t.action);
    if (b.allowed === a.allowed) continue;
    (a.allowed ? newlyAllowed : newlyDenied).push({ ...t, before: b.rule, after: a.rule });
  }
  return { decisions: space.length, newlyAllowed, newlyDenied, newAccessDigest: newAccessDigest(newlyAllowed) };
}

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
