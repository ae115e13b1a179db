/**
 * Pieces of the policy pages: a version's facts, its rules with their lint findings, the
 * diff against another version, and the exact impact (decisions that become allowed or
 * denied), all in words a privacy officer uses. Tables carry a `data-label` per cell, so
 * that below 60rem (e.g. 1280 px at 200% zoom) each row stacks into a labelled block
 * instead of scrolling sideways (site.css, `table.stack`).
 */
import type { LintFinding } from '../../policy/policy-lint-fns.js';
import type { Rule } from '../../policy/policy-content.js';
import type { TupleChange } from '../../policy/policy-impact-fns.js';
import type { RuleRef } from '../../policy/decision-table.js';
import { tupleKey } from '../../policy/policy-impact-fns.js';
import type { DiffReport, PolicyVersionView } from '../../policy/policy-lifecycle-types.js';
import { formatDateTime, html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { POLICY_STATUS, SEVERITY } from '../dutch-labels.js';
import type { WebContext } from '../web-context.js';
import { EFFECT, FIELD_LABEL, lintSentence, RULE_ACTION, type PolicyWords } from './policy-texts.js';

/** Status, people, origin and toelichting of a version. */
export function versionFacts(ctx: WebContext, d: PolicyVersionView, w: PolicyWords, you: string): Html {
  return html`<dl class="facts policy-facts">
  <dt>Status</dt><dd data-status="${d.status}"><strong>${POLICY_STATUS[d.status] ?? d.status}</strong>${d.activeFrom ? ` (actief vanaf ${formatDateTime(d.activeFrom)})` : ''}</dd>
  <dt>Auteur</dt><dd>${w.person(d.author)}${d.author.id === you ? ' (u)' : ''}</dd>
  <dt>Beoordeeld door</dt><dd>${d.reviewer ? `${w.person(d.reviewer)}${d.reviewer.id === you ? ' (u)' : ''}, ${formatDateTime(d.reviewedAt!)}` : '–'}</dd>
  <dt>Herkomst</dt><dd>${d.basedOn !== null ? html`<a href="${ctx.href(`/beleid/${d.basedOn}`)}">${w.source(d.source)}</a>` : w.source(d.source)}</dd>
  <dt>Toelichting</dt><dd data-note class="prewrap">${w.note(d.note) || '–'}</dd>
  <dt>Inhoud (controlegetal)</dt><dd class="mono">${d.contentHash}</dd>
</dl>`;
}

/** Who asks whom about what, for which doel, with or without consent: a short labelled list for one table cell. */
export function question(q: { role: string; doel: string; partner: string; category: string; action: string }, w: PolicyWords, actionWords: string): Html {
  return html`<dl class="question"><dt>Rol</dt><dd>${w.value('role', q.role)}</dd><dt>Doel</dt><dd>${w.value('doel', q.doel)}</dd><dt>Partner</dt><dd>${w.value('partner', q.partner)}</dd><dt>Categorie</dt><dd>${w.value('category', q.category)}</dd><dt>Toestemming</dt><dd>${actionWords}</dd></dl>`;
}

/** A rule in one line of words. */
export function ruleInWords(r: Rule, w: PolicyWords): string {
  return `${r.id}: ${EFFECT[r.effect] ?? `„${r.effect}”`}: ${w.value('role', r.role)} · ${w.value('doel', r.doel)} · ${w.value('partner', r.partner)} · ${w.value('category', r.category)} · ${(RULE_ACTION[r.action] ?? `„${r.action}”`).toLowerCase()}. Grondslag: ${r.grondslag || '(geen)'}`;
}

/** Lint findings of one rule (by its position), and those about no rule. */
export function findingsByRule(findings: readonly LintFinding[]): { byIndex: Map<number, LintFinding[]>; general: LintFinding[] } {
  const byIndex = new Map<number, LintFinding[]>();
  const general: LintFinding[] = [];
  for (const f of findings) {
    const m = /^\/rules\/(\d+)/.exec(f.pointer);
    if (m) byIndex.set(Number(m[1]), [...(byIndex.get(Number(m[1])) ?? []), f]);
    else if (!f.pointer.startsWith('/tests/')) general.push(f);
  }
  return { byIndex, general };
}

export function findingList(fs: readonly LintFinding[], w: PolicyWords): Html {
  return html`<ul class="findings">${fs.map((f) => html`<li class="${f.severity === 'error' ? 'bad' : ''}">${SEVERITY[f.severity] ?? ''}: ${lintSentence(f, w)}</li>`)}</ul>`;
}

/** The rules as a table; with `edit`, links to change and buttons to remove each. */
export function rulesTable(o: {
  ctx: WebContext;
  d: PolicyVersionView;
  w: PolicyWords;
  findings: Map<number, LintFinding[]>;
  edit?: { csrf: string };
}): Html {
  const { ctx, d, w, edit } = o;
  const cell = (label: string, content: Html | string): Html => html`<td data-label="${label}">${content}</td>`;
  return html`<div class="table-wrap"><table class="utrecht-table stack" data-rules><caption>Regels van versie ${d.id}</caption>
<thead><tr><th scope="col">Regel</th><th scope="col">Geldt voor</th><th scope="col">Effect</th><th scope="col">Grondslag</th><th scope="col">Controle</th>${edit ? html`<th scope="col">Wijzigen</th>` : ''}</tr></thead>
<tbody>${d.rules.map((r, i) => {
    const fs = o.findings.get(i) ?? [];
    return html`<tr data-rule="${r.id}" id="regel-${i}">${cell('Regel', html`<strong>${r.id || '(geen nummer)'}</strong>`)}${cell('Geldt voor', question(r, w, RULE_ACTION[r.action] ?? `„${r.action}” (onbekend)`))}${cell(FIELD_LABEL['effect']!, EFFECT[r.effect] ?? `„${r.effect}” (onbekend)`)}${cell(FIELD_LABEL['grondslag']!, html`<span data-grondslag>${r.grondslag || '(geen)'}</span>`)}
<td data-label="Controle" data-lint>${fs.length ? findingList(fs, w) : 'geen bevindingen'}</td>${
      edit
        ? html`<td data-label="Wijzigen"><div class="row-actions"><a href="${ctx.href(`/beleid/${d.id}/regels/${i}`)}" aria-label="Regel ${r.id || i + 1} wijzigen">Wijzigen</a>
<form method="post" action="${ctx.href(`/beleid/${d.id}/regels/${i}/verwijderen`)}">${csrfField(edit.csrf)}<input type="hidden" name="expectedHash" value="${d.contentHash}">
<button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label="Regel ${r.id || i + 1} verwijderen">Verwijderen</button></form></div></td>`
        : ''
    }</tr>`;
  })}</tbody></table></div>`;
}

/** The difference with another version, rule by rule, in words. */
export function diffSection(diff: DiffReport | undefined, w: PolicyWords, activeId: number | null): Html {
  if (!diff) return html`<p>Dit is de actieve versie: er is niets om mee te vergelijken.</p>`;
  const against = `versie ${diff.from.version}${diff.from.version === activeId ? ' (de actieve versie)' : ''}`;
  const value = (field: string, v: string): string => {
    switch (field) {
      case 'role': case 'doel': case 'partner': case 'category': return w.value(field, v);
      case 'action': return RULE_ACTION[v] ?? `„${v}”`;
      case 'effect': return EFFECT[v] ?? `„${v}”`;
      default: return v || '(leeg)';
    }
  };
  const groupingLine = (g: { type: string; member: string; group: string }): string => {
    const kind = g.type === 'g' ? 'role' : g.type === 'g2' ? 'category' : g.type === 'g3' ? 'partner' : 'action';
    return kind === 'action' ? `${RULE_ACTION[g.member] ?? g.member} geldt ook als ${RULE_ACTION[g.group] ?? g.group}` : `${w.value(kind, g.member)} hoort bij ${w.value(kind, g.group)}`;
  };
  const nothing = diff.added.length + diff.removed.length + diff.changed.length + diff.groupings.added.length + diff.groupings.removed.length === 0;
  return html`<p data-diff-summary>Vergeleken met ${against}: ${diff.added.length} ${diff.added.length === 1 ? 'regel' : 'regels'} toegevoegd, ${diff.removed.length} verwijderd, ${diff.changed.length} gewijzigd, ${diff.unchanged} gelijk. Tests: ${diff.tests.added} toegevoegd, ${diff.tests.removed} verwijderd.</p>
${nothing ? html`<p>De regels zijn gelijk aan die van ${against}.</p>` : ''}
${diff.added.length ? html`<h3>Toegevoegde regels</h3><ul data-diff-added>${diff.added.map((x) => html`<li><ins>${ruleInWords(x, w)}</ins></li>`)}</ul>` : ''}
${diff.removed.length ? html`<h3>Verwijderde regels</h3><ul data-diff-removed>${diff.removed.map((x) => html`<li><del>${ruleInWords(x, w)}</del></li>`)}</ul>` : ''}
${diff.changed.length
  ? html`<h3>Gewijzigde regels</h3><ul data-diff-changed>${diff.changed.map(
      (c) => html`<li><strong>${c.id}</strong><ul>${c.fields.map(
        (f) => html`<li>${FIELD_LABEL[f] ?? 'Veld'}: <del>${value(f, (c.before as unknown as Record<string, string>)[f] ?? '')}</del> wordt <ins>${value(f, (c.after as unknown as Record<string, string>)[f] ?? '')}</ins></li>`,
      )}</ul></li>`,
    )}</ul>`
  : ''}
${diff.groupings.added.length || diff.groupings.removed.length
  ? html`<h3>Groepen</h3><ul data-diff-groupings>${diff.groupings.added.map((g) => html`<li><ins>Nieuw: ${groupingLine(g)}</ins></li>`)}${diff.groupings.removed.map((g) => html`<li><del>Vervalt: ${groupingLine(g)}</del></li>`)}</ul>`
  : ''}`;
}

const decided = (allowed: boolean, r: RuleRef | null): Html =>
  r
    ? html`<strong>${allowed ? 'Toegestaan' : 'Niet toegestaan'}</strong> door regel ${r.rule}<br><span class="hint">Grondslag: ${r.grondslag || '(geen)'}</span>`
    : html`<strong>${allowed ? 'Toegestaan' : 'Niet toegestaan'}</strong>: geen regel past`;

/**
 * Decisions that change, one row each, with the rule on both sides. With `confirm`, each
 * row has a checkbox `bevestig` whose value is the decision's key (the approval form).
 */
export function changesTable(o: { changes: readonly TupleChange[]; w: PolicyWords; caption: string; allowed: boolean; confirm?: boolean; attr: string }): Html {
  const { w } = o;
  return html`<div class="table-wrap"><table class="utrecht-table stack" ${o.attr}><caption>${o.caption}</caption>
<thead><tr>${o.confirm ? html`<th scope="col">Bevestigen</th>` : ''}<th scope="col">Vraag</th><th scope="col">Nu</th><th scope="col">Met deze versie</th></tr></thead>
<tbody>${o.changes.map((t, i) => {
    const what = `${w.value('role', t.role)}, ${w.value('partner', t.partner)}, ${w.value('category', t.category)}, ${w.requestAction(t.action).toLowerCase()}`;
    return html`<tr data-change="${tupleKey(t)}">${o.confirm
      ? html`<td data-label="Bevestigen"><span class="confirm"><input type="checkbox" name="bevestig" value="${tupleKey(t)}" id="bevestig-${i}"> <label for="bevestig-${i}">Bevestigen<span class="visually-hidden">: ${what}</span></label></span></td>`
      : ''}<td data-label="Vraag">${question(t, w, w.requestAction(t.action))}</td>
<td data-label="Nu">${decided(!o.allowed, t.before)}</td><td data-label="Met deze versie">${decided(o.allowed, t.after)}</td></tr>`;
  })}</tbody></table></div>`;
}
