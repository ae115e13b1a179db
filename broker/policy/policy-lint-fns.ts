/**
 * Lint for a policy version: what a privacy officer should fix or look at before a
 * second officer reviews it. Errors block submission; warnings and infos do not.
 *
 * Invariants:
 * - Every finding names its rule (`S01`), its grouping (`g:jeugdboa>ketenprofessional`)
 *   or null (a finding about a doel or a test), and a JSON Pointer into the version as the
 *   API shows it (`/rules/3/grondslag`, `/groupings/0`, `/tests/2/role`).
 * - Besides the English `message`, a finding carries its facts (`field`, `value`,
 *   `related`, `everywhere`) so that a page can say the same in Dutch from the `code`.
 * - Tests are linted too (`lintTests`): a test that can never pass is an error; one that
 *   asks what the platform never asks (a group, an unknown value) is a warning.
 * - Overlap (shadowing, conflicts) is decided over the platform's finite domain with
 *   casbin's own group membership, so it means exactly what the decision table does.
 */
import type { Platform } from '../platform/platform.js';
import { SIGNAL_CATEGORIES } from '../signals/signal-category.js';
import { ACTIONS } from './policy-actions.js';
import { compilePolicyWith, createLinesAdapter, domainOf, type CompiledPolicy, type FieldKind } from './compiled-policy.js';
import { GROUPING_TYPES, RULE_FIELDS, ruleOf, type PolicyLine, type PolicyTest, type Rule } from './policy-content.js';

export type Severity = 'error' | 'warning' | 'info';

export interface LintFinding {
  readonly severity: Severity;
  readonly code: string;
  /** The rule id, `g:member>group` for a grouping, or null. */
  readonly rule: string | null;
  readonly message: string;
  /** JSON Pointer into the version's `rules` / `groupings` / `tests`. */
  readonly pointer: string;
  /** The field the finding is about (a rule's `role` … `grondslag`, a grouping's `member` or `group`, a test's field). */
  readonly field?: string;
  /** The value it is about: the unknown name, the doel, the line type. */
  readonly value?: string;
  /** Other rules involved: the one that shadows, the deny rules in conflict. */
  readonly related?: readonly string[];
  /** `conflict`: whether deny rules override the allow rule on every request it matches. */
  readonly everywhere?: boolean;
}

type Facts = Pick<LintFinding, 'field' | 'value' | 'related' | 'everywhere'>;

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
  const add = (severity: Severity, code: string, rule: string | null, pointer: string, message: string, facts: Facts = {}): void => {
    findings.push({ severity, code, rule, pointer, message, ...facts });
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
        add('error', 'malformed-rule', id, pointer, `rule ${rule.id || '(no id)'} has ${line.values.length} fields, not ${RULE_FIELDS.length} (${RULE_FIELDS.join(', ')})`, { value: String(line.values.length) });
        continue;
      }
      let ok = true;
      if (!rule.id) {
        add('error', 'missing-id', null, `${pointer}/id`, 'a rule has no id', { field: 'id' });
        ok = false;
      } else if (seenIds.has(rule.id)) {
        add('error', 'duplicate-id', rule.id, `${pointer}/id`, `rule id ${rule.id} is used twice`, { field: 'id', value: rule.id });
        ok = false;
      } else seenIds.set(rule.id, pointer);
      if (!rule.grondslag.trim()) add('error', 'missing-grondslag', id, `${pointer}/grondslag`, `rule ${rule.id} has no grondslag: every answer must name its legal basis`, { field: 'grondslag' });
      if (rule.effect !== 'allow' && rule.effect !== 'deny') {
        add('error', 'invalid-effect', id, `${pointer}/effect`, `rule ${rule.id}: effect must be allow or deny`, { field: 'effect', value: rule.effect });
        ok = false;
      }
      for (const [kind, field] of FIELD_OF_KIND) {
        const value = rule[field];
        if (WILDCARD.test(value) || value === '') {
          add('error', 'wildcard', id, `${pointer}/${field}`, `rule ${rule.id}: ${field} "${value}" is a wildcard or empty; name a ${field} or a group`, { field, value });
          ok = false;
        } else if (!concrete[kind].has(value) && !groups[kind].has(value)) {
          add('error', `unknown-${kind}`, id, `${pointer}/${field}`, `rule ${rule.id}: ${field} "${value}" is not defined by the platform${kind === 'doel' ? '' : ' nor a group'}`, { field, value });
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
        add('error', 'malformed-grouping', ref, pointer, `grouping ${ref} must have exactly a member and a group`, { value: line.ptype });
        continue;
      }
      if (WILDCARD.test(member) || WILDCARD.test(group)) {
        add('error', 'wildcard', ref, pointer, `grouping ${ref} holds a wildcard`, { field: WILDCARD.test(member) ? 'member' : 'group', value: WILDCARD.test(member) ? member : group });
        continue;
      }
      // g4 relates actions to actions on purpose (consent satisfies a plain question).
      if (kind !== 'action' && concrete[kind].has(group)) {
        add('warning', 'grouping-onto-value', ref, `${pointer}/group`, `grouping ${ref}: ${group} is a ${kind} of the platform, not a group`, { field: 'group', value: group });
      }
      if (!concrete[kind].has(member) && !groups[kind].has(member)) {
        add('warning', 'grouping-unknown-member', ref, `${pointer}/member`, `grouping ${ref}: ${member} is not a ${kind} of the platform nor a group`, { field: 'member', value: member });
      }
      valid.push(line);
    } else {
      add('error', 'unknown-ptype', null, pointer, `line type "${line.ptype}" is not one of p, ${GROUPING_TYPES.join(', ')}`, { value: line.ptype });
    }
  }

  const compiled = await compilePolicyWith(modelText, createLinesAdapter(valid), platform);
  overlapFindings(compiled, validRules, platform, add);

  for (const doel of platform.doelen) {
    const rules = validRules.filter((r) => r.rule.doel === doel.id);
    if (rules.length === 0) add('warning', 'doel-without-rule', null, '/rules', `doel ${doel.id} has no rule: every question under it is denied without a named rule`, { value: doel.id });
    else if (!rules.some((r) => r.rule.effect === 'allow')) add('info', 'doel-without-allow', null, '/rules', `doel ${doel.id} allows nothing (only deny rules)`, { value: doel.id });
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
  add: (severity: Severity, code: string, rule: string | null, pointer: string, message: string, facts?: Facts) => void,
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
      add('warning', 'shadowed', rule.id, a.pointer, `rule ${rule.id} is shadowed by ${shadow.rule.id}: every request it matches, ${shadow.rule.id} already ${rule.effect === 'allow' ? 'allows' : 'denies'}`, {
        related: [shadow.rule.id],
      });
    }
    if (rule.effect !== 'allow') continue;
    const denies = covered.filter((d) => d.rule.effect === 'deny' && d.rule.doel === rule.doel);
    const overlapping = denies.filter((d) => [...a.cover].some((k) => d.cover.has(k)));
    if (overlapping.length === 0) continue;
    const deniedAll = [...a.cover].every((k) => overlapping.some((d) => d.cover.has(k)));
    const related = overlapping.map((d) => d.rule.id);
    const names = related.join(', ');
    if (deniedAll) add('warning', 'conflict', rule.id, a.pointer, `allow rule ${rule.id} never allows anything: deny rule ${names} overrides it on every request it matches`, { related, everywhere: true });
    else add('warning', 'conflict', rule.id, a.pointer, `allow rule ${rule.id} and deny rule ${names} both match some requests; deny wins there`, { related, everywhere: false });
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

const TEST_FIELDS = ['role', 'doel', 'partner', 'category', 'action'] as const;

/**
 * Lints a version's decision-table tests against the platform and the version's rules. A test
 * that expects what no decision can be (allow by no rule, a rule the version lacks, or a rule
 * of the other effect) can never pass: errors. A test that names a group, a value outside the
 * platform or a category its partner does not hold asks what the platform never asks, so it
 * is denied by default: warnings (a deliberate test of the vocabulary's edge may do that).
 * The same request tested twice: a warning.
 */
export function lintTests(tests: readonly PolicyTest[], rules: readonly Rule[], platform: Platform): LintFinding[] {
  const findings: LintFinding[] = [];
  const known: Record<(typeof TEST_FIELDS)[number], Set<string>> = {
    role: new Set(platform.roles.map((r) => r.id)),
    doel: new Set(platform.doelen.map((d) => d.id)),
    partner: new Set(platform.partners.map((p) => p.id)),
    category: new Set<string>(SIGNAL_CATEGORIES),
    action: new Set<string>(ACTIONS),
  };
  const ruleIds = new Set(rules.map((r) => r.id).filter((id) => id !== ''));
  const seen = new Map<string, number>();
  tests.forEach((t, i) => {
    const pointer = `/tests/${i}`;
    const add = (severity: Severity, code: string, field: string | undefined, message: string, facts: Facts = {}): void => {
      findings.push({ severity, code, rule: null, pointer: field ? `${pointer}/${field}` : pointer, message: `test ${i + 1}: ${message}`, ...(field ? { field } : {}), ...facts });
    };
    let ok = true;
    for (const field of TEST_FIELDS) {
      if (!known[field].has(t[field])) {
        add('warning', `test-unknown-${field}`, field, `${field} "${t[field]}" is not a ${field} of the platform (a test asks about one concrete ${field}, not a group): the platform never asks this, so it is denied by default`, { value: t[field] });
        ok = false;
      }
    }
    const partner = platform.partners.find((p) => p.id === t.partner);
    if (ok && partner && !(partner.categories as readonly string[]).includes(t.category)) {
      add('warning', 'test-category-not-held', 'category', `partner ${t.partner} holds no ${t.category} signals: the platform never asks this, so it is denied by default`, { value: t.category });
    }
    if (t.rule !== '' && !ruleIds.has(t.rule)) add('error', 'test-unknown-rule', 'rule', `rule ${t.rule} is not a rule of this version`, { value: t.rule });
    const effect = rules.find((r) => r.id === t.rule)?.effect;
    if (t.rule === '' && t.expect === 'allow') add('error', 'test-allow-without-rule', 'rule', 'expects allow by no rule: only an allow rule allows');
    else if (effect !== undefined && effect !== t.expect) {
      add('error', 'test-rule-effect', 'rule', `expects ${t.expect} by ${t.rule}, a rule with effect ${effect}`, { value: t.rule });
    }
    const key = TEST_FIELDS.map((f) => t[f]).join('|');
    const first = seen.get(key);
    if (first !== undefined) add('warning', 'test-duplicate', undefined, `asks the same as test ${first + 1}`, { related: [String(first + 1)] });
    else seen.set(key, i);
  });
  return findings;
}
