/**
 * Lint for a policy version: what a privacy officer should fix or look at before a
 * second officer reviews it. Errors block submission; warnings and infos do not.
 *
 * Invariants:
 * - Every finding names its rule (`S01`), its grouping (`g:jeugdboa>ketenprofessional`)
 *   or null (a finding about a doel), and a JSON Pointer into the version as the API
 *   shows it (`/rules/3/grondslag`, `/groupings/0`).
 * - Overlap (shadowing, conflicts) is decided over the platform's finite domain with
 *   casbin's own group membership, so it means exactly what the decision table does.
 */
import type { Platform } from '../platform/platform.js';
import { SIGNAL_CATEGORIES } from '../signals/signal-category.js';
import { ACTIONS } from './policy-actions.js';
import { compilePolicyWith, createLinesAdapter, domainOf, type CompiledPolicy, type FieldKind } from './compiled-policy.js';
import { GROUPING_TYPES, RULE_FIELDS, ruleOf, type PolicyLine, type Rule } from './policy-content.js';

export type Severity = 'error' | 'warning' | 'info';

export interface LintFinding {
  readonly severity: Severity;
  readonly code: string;
  /** The rule id, `g:member>group` for a grouping, or null. */
  readonly rule: string | null;
  readonly message: string;
  /** JSON Pointer into the version's `rules` / `groupings`. */
  readonly pointer: string;
}

const WILDCARD = /[*?|^$()[\]{}\\]/;
const KIND_OF_PTYPE: Record<string, FieldKind> = { g: 'role', g2: 'category', g3: 'partner', g4: 'action' };
const FIELD_OF_KIND: Array<[FieldKind, keyof Rule]> = [
  ['role', 'role'],
  ['doel', 'doel'],
  ['partner', 'partner'],
  ['category', 'category'],
  ['action', 'action'],
];

/** Lints a version's lines against the platform. */
export async function lintPolicy(modelText: string, lines: readonly PolicyLine[], platform: Platform): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  const add = (severity: Severity, code: string, rule: string | null, pointer: string, message: string): void => {
    findings.push({ severity, code, rule, pointer, message });
  };

  // Pointers follow the API's split: rules (p lines) and groupings (g lines), each in order.
  let ruleIndex = 0;
  let groupingIndex = 0;
  const located = lines.map((line) => {
    if (line.ptype === 'p') return { line, pointer: `/rules/${ruleIndex++}` };
    return { line, pointer: `/groupings/${groupingIndex++}` };
  });

  const concrete: Record<FieldKind, Set<string>> = {
    role: new Set(platform.roles.map((r) => r.id)),
    doel: new Set(platform.doelen.map((d) => d.id)),
    partner: new Set(platform.partners.map((p) => p.id)),
    category: new Set<string>(SIGNAL_CATEGORIES),
    action: new Set<string>(ACTIONS),
  };
  const groups: Record<FieldKind, Set<string>> = { role: new Set(), doel: new Set(), partner: new Set(), category: new Set(), action: new Set() };
  for (const { line } of located) {
    const kind = KIND_OF_PTYPE[line.ptype];
    if (kind && line.values[1]) groups[kind].add(line.values[1]);
  }

  const valid: PolicyLine[] = [];
  const validRules: Array<{ rule: Rule; pointer: string; position: number }> = [];
  const seenIds = new Map<string, string>();
  for (const { line, pointer } of located) {
    if (line.ptype === 'p') {
      const rule = ruleOf(line);
      const id = rule.id || null;
      if (line.values.length !== RULE_FIELDS.length) {
        add('error', 'malformed-rule', id, pointer, `rule ${rule.id || '(no id)'} has ${line.values.length} fields, not ${RULE_FIELDS.length} (${RULE_FIELDS.join(', ')})`);
        continue;
      }
      let ok = true;
      if (!rule.id) {
        add('error', 'missing-id', null, `${pointer}/id`, 'a rule has no id');
        ok = false;
      } else if (seenIds.has(rule.id)) {
        add('error', 'duplicate-id', rule.id, `${pointer}/id`, `rule id ${rule.id} is used twice`);
        ok = false;
      } else seenIds.set(rule.id, pointer);
      if (!rule.grondslag.trim()) add('error', 'missing-grondslag', id, `${pointer}/grondslag`, `rule ${rule.id} has no grondslag: every answer must name its legal basis`);
      if (rule.effect !== 'allow' && rule.effect !== 'deny') {
        add('error', 'invalid-effect', id, `${pointer}/effect`, `rule ${rule.id}: effect must be allow or deny`);
        ok = false;
      }
      for (const [kind, field] of FIELD_OF_KIND) {
        const value = rule[field];
        if (WILDCARD.test(value) || value === '') {
          add('error', 'wildcard', id, `${pointer}/${field}`, `rule ${rule.id}: ${field} "${value}" is a wildcard or empty; name a ${field} or a group`);
          ok = false;
        } else if (!concrete[kind].has(value) && !groups[kind].has(value)) {
          add('error', `unknown-${kind}`, id, `${pointer}/${field}`, `rule ${rule.id}: ${field} "${value}" is not defined by the platform${kind === 'doel' ? '' : ' nor a group'}`);
          ok = false;
        }
      }
      if (ok) {
        valid.push(line);
        validRules.push({ rule, pointer, position: validRules.length });
      }
    } else if ((GROUPING_TYPES as readonly string[]).includes(line.ptype)) {
      const [member = '', group = ''] = line.values;
      const ref = `${line.ptype}:${member}>${group}`;
      const kind = KIND_OF_PTYPE[line.ptype]!;
      if (line.values.length !== 2 || !member || !group) {
        add('error', 'malformed-grouping', ref, pointer, `grouping ${ref} must have exactly a member and a group`);
        continue;
      }
      if (WILDCARD.test(member) || WILDCARD.test(group)) {
        add('error', 'wildcard', ref, pointer, `grouping ${ref} holds a wildcard`);
        continue;
      }
      // g4 relates actions to actions on purpose (consent satisfies a plain question).
      if (kind !== 'action' && concrete[kind].has(group)) {
        add('warning', 'grouping-onto-value', ref, `${pointer}/group`, `grouping ${ref}: ${group} is a ${kind} of the platform, not a group`);
      }
      if (!concrete[kind].has(member) && !groups[kind].has(member)) {
        add('warning', 'grouping-unknown-member', ref, `${pointer}/member`, `grouping ${ref}: ${member} is not a ${kind} of the platform nor a group`);
      }
      valid.push(line);
    } else {
      add('error', 'unknown-ptype', null, pointer, `line type "${line.ptype}" is not one of p, ${GROUPING_TYPES.join(', ')}`);
    }
  }

  const compiled = await compilePolicyWith(modelText, createLinesAdapter(valid), platform);
  overlapFindings(compiled, validRules, platform, add);

  for (const doel of platform.doelen) {
    const rules = validRules.filter((r) => r.rule.doel === doel.id);
    if (rules.length === 0) add('warning', 'doel-without-rule', null, '/rules', `doel ${doel.id} has no rule: every question under it is denied without a named rule`);
    else if (!rules.some((r) => r.rule.effect === 'allow')) add('info', 'doel-without-allow', null, '/rules', `doel ${doel.id} allows nothing (only deny rules)`);
  }
  return findings;
}

/** The concrete decisions a rule takes part in, over the platform's domain. */
export function coverOf(compiled: CompiledPolicy, rule: Rule, platform: Platform): Set<string> {
  const domain = domainOf(platform);
  const out = new Set<string>();
  if (!domain.doel.includes(rule.doel)) return out;
  const roles = domain.role.filter((r) => compiled.covers('role', r, rule.role));
  const actions = domain.action.filter((a) => compiled.covers('action', a, rule.action));
  for (const partner of platform.partners) {
    if (!compiled.covers('partner', partner.id, rule.partner)) continue;
    for (const category of partner.categories) {
      if (!compiled.covers('category', category, rule.category)) continue;
      for (const role of roles) for (const action of actions) out.add(`${role}|${partner.id}|${category}|${action}`);
    }
  }
  return out;
}

function overlapFindings(
  compiled: CompiledPolicy,
  rules: ReadonlyArray<{ rule: Rule; pointer: string; position: number }>,
  platform: Platform,
  add: (severity: Severity, code: string, rule: string | null, pointer: string, message: string) => void,
): void {
  const covered = rules.map((r) => ({ ...r, cover: coverOf(compiled, r.rule, platform) }));
  const subset = (a: Set<string>, b: Set<string>): boolean => a.size <= b.size && [...a].every((k) => b.has(k));
  for (const a of covered) {
    const { rule } = a;
    if (a.cover.size === 0) {
      add('warning', 'matches-nothing', rule.id, a.pointer, `rule ${rule.id} matches no request: no ${rule.partner} partner holds a ${rule.category} category, or a group is empty`);
      continue;
    }
    const shadow = covered.find(
      (b) => b !== a && b.rule.doel === rule.doel && b.rule.effect === rule.effect && b.cover.size > 0 && subset(a.cover, b.cover) && (b.cover.size > a.cover.size || b.position < a.position),
    );
    if (shadow) {
      add('warning', 'shadowed', rule.id, a.pointer, `rule ${rule.id} is shadowed by ${shadow.rule.id}: every request it matches, ${shadow.rule.id} already ${rule.effect === 'allow' ? 'allows' : 'denies'}`);
    }
    if (rule.effect !== 'allow') continue;
    const denies = covered.filter((d) => d.rule.effect === 'deny' && d.rule.doel === rule.doel);
    const overlapping = denies.filter((d) => [...a.cover].some((k) => d.cover.has(k)));
    if (overlapping.length === 0) continue;
    const deniedAll = [...a.cover].every((k) => overlapping.some((d) => d.cover.has(k)));
    const names = overlapping.map((d) => d.rule.id).join(', ');
    if (deniedAll) add('warning', 'conflict', rule.id, a.pointer, `allow rule ${rule.id} never allows anything: deny rule ${names} overrides it on every request it matches`);
    else add('warning', 'conflict', rule.id, a.pointer, `allow rule ${rule.id} and deny rule ${names} both match some requests; deny wins there`);
  }
}

/** Counts per severity. */
export function countFindings(findings: readonly LintFinding[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}
