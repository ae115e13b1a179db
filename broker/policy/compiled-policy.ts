/**
 * A policy version made ready to decide: a casbin enforcer loaded through an adapter
 * (the kysely adapter for stored versions, the lines adapter for files), its decision
 * table over the platform's finite domain, and group membership as casbin sees it.
 *
 * Invariants:
 * - Model, policy and adapter stay apart: the model text comes with the version, the
 *   lines through an adapter, and nothing here edits either.
 * - Group membership is casbin's own role manager (`g`…`g4`), so lint, explain and
 *   the decision table agree on what a group holds.
 * - A decision table is a pure function of the model text, the loaded policy lines and the
 *   platform's vocabulary, and never changes once built: tables are shared within a process,
 *   keyed by a digest of exactly those inputs, so a version compiled again (a restart of the
 *   services, a draft linted twice, a test that boots another broker) costs no casbin run.
 */
import { createHash } from 'node:crypto';
import { newEnforcer, newModelFromString, type Adapter, type Enforcer } from 'casbin';
import type { Platform } from '../platform/platform.js';
import { buildDecisionTable, type DecisionTable } from './decision-table.js';
import type { PolicyLine } from './policy-content.js';
import { ACTIONS } from './policy-actions.js';

export type FieldKind = 'role' | 'doel' | 'partner' | 'category' | 'action';

/** Which grouping type relates values of each request field (doel has none). */
export const GROUPING_OF: Record<FieldKind, string | null> = { role: 'g', doel: null, partner: 'g3', category: 'g2', action: 'g4' };

export interface CompiledPolicy {
  readonly enforcer: Enforcer;
  readonly table: DecisionTable;
  /** Whether a request value matches a rule value: equal, or a member (transitively) of that group. */
  covers(kind: FieldKind, value: string, pattern: string): boolean;
}

/** An adapter over policy lines already in memory (files, drafts being linted). Read-only. */
export function createLinesAdapter(lines: readonly PolicyLine[]): Adapter {
  const readOnly = async (): Promise<never> => {
    throw new Error('policy versions are changed through the policy lifecycle, not through casbin');
  };
  return {
    async loadPolicy(model) {
      lines.forEach(({ ptype, values }, i) => {
        const sec = ptype.charAt(0);
        if (!model.model.get(sec)?.get(ptype)) throw new Error(`policy line ${i + 1}: unknown policy type "${ptype}"`);
        model.addPolicy(sec, ptype, [...values]);
      });
    },
    savePolicy: readOnly,
    addPolicy: readOnly,
    removePolicy: readOnly,
    removeFilteredPolicy: readOnly,
  };
}

/** Built tables by digest of their inputs; bounded, oldest first out. */
const tables = new Map<string, DecisionTable>();
const MAX_TABLES = 32;

/** Everything `buildDecisionTable` reads: the model, every loaded policy line, the platform's vocabulary. */
function inputsDigest(modelText: string, enforcer: Enforcer, platform: Platform): string {
  const lines: unknown[] = [];
  for (const sec of ['p', 'g']) {
    for (const [ptype, assertion] of enforcer.getModel().model.get(sec) ?? new Map()) lines.push([ptype, assertion.policy]);
  }
  const vocabulary = [platform.roles.map((r) => r.id), platform.doelen.map((d) => d.id), platform.partners.map((p) => [p.id, p.categories]), ACTIONS];
  return createHash('sha256').update(JSON.stringify([modelText, lines, vocabulary])).digest('hex');
}

export async function compilePolicyWith(modelText: string, adapter: Adapter, platform: Platform): Promise<CompiledPolicy> {
  const enforcer = await newEnforcer(newModelFromString(modelText), adapter);
  const digest = inputsDigest(modelText, enforcer, platform);
  let table = tables.get(digest);
  if (!table) {
    table = buildDecisionTable(enforcer, platform);
    if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value!);
    tables.set(digest, table);
  }
  const covers = (kind: FieldKind, value: string, pattern: string): boolean => {
    if (value === pattern) return true;
    const ptype = GROUPING_OF[kind];
    if (!ptype) return false;
    const rm = enforcer.getNamedRoleManager(ptype) as { syncedHasLink?: (a: string, b: string) => boolean } | undefined;
    return rm?.syncedHasLink?.(value, pattern) ?? false;
  };
  return { enforcer, table, covers };
}

/** The concrete values of each request field: the platform's vocabulary. */
export function domainOf(platform: Platform): Record<FieldKind, readonly string[]> {
  return {
    role: platform.roles.map((r) => r.id),
    doel: platform.doelen.map((d) => d.id),
    partner: platform.partners.map((p) => p.id),
    category: [...new Set(platform.partners.flatMap((p) => p.categories))],
    action: [...ACTIONS],
  };
}
