/**
 * Every decision of one policy version, computed once when the version is loaded, so
 * that no query calls casbin (about 0.1–5 ms a decision) on its hot path.
 *
 * Invariants:
 * - The table covers every (role, doel, action, partner, category) of the platform,
 *   where the category is one the partner can hold. Anything outside the platform's
 *   vocabulary is denied with no rule.
 * - A partner is permitted when at least one of its categories is allowed. Its basis is
 *   the set of allow rules for its allowed categories, which is the same whether the
 *   answer turns out hit or no-hit, so the basis reveals nothing about the signals.
 * - Decisions come from `enforceEx`, so each names the rule (and grondslag) that made it.
 */
import type { Enforcer } from 'casbin';
import type { Platform } from '../platform/platform.js';
import type { SignalCategory } from '../signals/signal-category.js';
import { ACTIONS, type Action } from './policy-actions.js';

/** A policy rule as an answer names it. */
export interface RuleRef {
  readonly rule: string;
  readonly effect: 'allow' | 'deny';
  readonly grondslag: string;
}

export interface Decision {
  readonly allowed: boolean;
  /** The rule that decided; null when no rule matched (default deny). */
  readonly rule: RuleRef | null;
}

/** What one role, doel and action may learn of one partner. */
export interface PartnerScope {
  readonly partner: string;
  readonly permitted: boolean;
  /** The categories that count; empty when not permitted. */
  readonly categories: readonly SignalCategory[];
  /** Allow rules behind a permitted partner, or the deny rules behind a refusal. */
  readonly basis: readonly RuleRef[];
}

export interface DecisionTable {
  decide(role: string, doel: string, partner: string, category: string, action: Action): Decision;
  /** One scope per platform partner, in platform order. */
  scopes(role: string, doel: string, action: Action): readonly PartnerScope[];
}

const NO_RULE: Decision = { allowed: false, rule: null };

/** Reads the rule out of enforceEx's explanation (`p` values: id, sub, doel, partner, cat, act, eft, grondslag). */
function toRuleRef(explain: readonly string[]): RuleRef | null {
  if (explain.length < 8) return null;
  return { rule: explain[0]!, effect: explain[6] === 'deny' ? 'deny' : 'allow', grondslag: explain[7]! };
}

const dedupe = (rules: ReadonlyArray<RuleRef | null>): RuleRef[] => {
  const byId = new Map<string, RuleRef>();
  for (const r of rules) if (r && !byId.has(r.rule)) byId.set(r.rule, r);
  return [...byId.values()];
};

/** Computes the whole table for a platform. */
export function buildDecisionTable(enforcer: Enforcer, platform: Platform): DecisionTable {
  const decisions = new Map<string, Decision>();
  const scopes = new Map<string, readonly PartnerScope[]>();
  const key = (...parts: string[]): string => parts.join('\u0000');

  for (const { id: role } of platform.roles) {
    for (const { id: doel } of platform.doelen) {
      for (const action of ACTIONS) {
        const list: PartnerScope[] = [];
        for (const partner of platform.partners) {
          const perCategory = partner.categories.map((category) => {
            const [allowed, explain] = enforcer.enforceExSync(role, doel, partner.id, category, action);
            const decision: Decision = { allowed, rule: toRuleRef(explain) };
            decisions.set(key(role, doel, partner.id, category, action), decision);
            return { category, decision };
          });
          const allowed = perCategory.filter((c) => c.decision.allowed);
          list.push(
            allowed.length > 0
              ? { partner: partner.id, permitted: true, categories: allowed.map((c) => c.category), basis: dedupe(allowed.map((c) => c.decision.rule)) }
              : { partner: partner.id, permitted: false, categories: [], basis: dedupe(perCategory.map((c) => c.decision.rule)) },
          );
        }
        scopes.set(key(role, doel, action), list);
      }
    }
  }
  const refusedEverywhere = platform.partners.map((p): PartnerScope => ({ partner: p.id, permitted: false, categories: [], basis: [] }));
  return {
    decide: (role, doel, partner, category, action) => decisions.get(key(role, doel, partner, category, action)) ?? NO_RULE,
    scopes: (role, doel, action) => scopes.get(key(role, doel, action)) ?? refusedEverywhere,
  };
}
