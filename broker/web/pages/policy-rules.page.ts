/**
 * The rule editor: one rule per form, each field labelled and full width, so that the names
 * of roles, doelen and partners and the whole grondslag stay readable at 1280 px and at
 * 200% zoom (WCAG 1.4.4, 1.4.10). Add, change and remove a rule of one's own draft.
 *
 * Invariants:
 * - Every save sends the draft's whole rules and groupings to the lifecycle service with the
 *   content hash the form was made from (`expectedHash`): a save that someone else's
 *   overtook is refused, never merged.
 * - A refused save shows the form again with what was typed and the refusal in Dutch.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { Rule } from '../../policy/policy-content.js';
import type { PolicyVersionView } from '../../policy/policy-lifecycle-types.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { requireAbility, type WebContext } from '../web-context.js';
import { findingList, findingsByRule } from './policy-fragments.js';
import { fieldOf, isRefusal, policyHandler, radioField, redirectWithNotice, refusalBox, selectField, textField, versionNav, type PolicyPageDeps } from './policy-page-kit.js';
import { EFFECT, FIELD_LABEL, policyWords, RULE_ACTION } from './policy-texts.js';

const RULE_FIELDS = ['id', 'role', 'doel', 'partner', 'category', 'action', 'effect', 'grondslag'] as const;

/** A rule from the editor's form; every field trimmed. */
export function ruleFromForm(req: Request): Rule {
  return Object.fromEntries(RULE_FIELDS.map((f) => [f, fieldOf(req, f)])) as unknown as Rule;
}

export function policyRulePages(r: Router, ctx: WebContext, deps: { policies: PolicyPageDeps['policies'] }): void {
  const { policies } = deps;
  const p = ctx.platform;
  const v = (req: Request): string => String(req.params['version']);

  /** The draft and the rule's position: 'nieuw' appends; a number must name a rule of the draft. */
  const target = async (req: Request): Promise<{ d: PolicyVersionView; index: number; isNew: boolean }> => {
    const d = await policies.get(ctx.principal(req), v(req));
    const raw = String(req.params['index']);
    if (raw === 'nieuw') return { d, index: d.rules.length, isNew: true };
    const index = /^\d{1,4}$/.test(raw) ? Number(raw) : -1;
    if (index < 0 || index >= d.rules.length) throw new AppError('not-found', 'there is no such rule in this version');
    return { d, index, isNew: false };
  };

  async function form(req: Request, res: Response, o: { rule?: Rule; problem?: Html; status?: number; expectedHash?: string } = {}): Promise<void> {
    requireAbility(ctx, req, 'managePolicies');
    const { d, index, isNew } = await target(req);
    const w = policyWords(p, d.groupings);
    const editable = d.status === 'draft' && d.author.id === ctx.user(req).id;
    const rule: Rule = o.rule ?? (isNew
      ? { id: '', role: '', doel: '', partner: '', category: '', action: 'bevragen', effect: 'allow', grondslag: '' }
      : d.rules[index]!);
    const lint = isNew ? [] : (findingsByRule((await policies.lint(ctx.principal(req), v(req))).findings).byIndex.get(index) ?? []);
    const title = isNew ? `Regel toevoegen aan versie ${d.id}` : `Regel ${d.rules[index]!.id || index + 1} van versie ${d.id}`;
    ctx.render(req, res, {
      title,
      current: '/beleid',
      status: o.status ?? 200,
      body: html`${o.problem ?? ''}${versionNav(ctx, d.id, 'overzicht', false)}
${!editable
  ? html`<p>Alleen de auteur kan dit concept wijzigen, en alleen zolang het een concept is.</p>`
  : html`${lint.length ? html`<section aria-labelledby="lint-title"><h2 id="lint-title">Controle van deze regel</h2>${findingList(lint, w)}</section>` : ''}
<form method="post" action="${ctx.href(`/beleid/${d.id}/regels/${isNew ? 'nieuw' : index}`)}" class="policy-form" data-rule-form data-guard-identity>${csrfField(ctx.csrf(req))}
<input type="hidden" name="expectedHash" value="${o.expectedHash ?? d.contentHash}">
<div class="field"><label for="f-id">${FIELD_LABEL['id']}</label><span class="hint" id="f-id-hint">Bijvoorbeeld S11. Elk antwoord en het logboek noemen de regel bij dit nummer.</span>
<input type="text" id="f-id" name="id" value="${rule.id}" maxlength="40" aria-describedby="f-id-hint"></div>
${selectField({ name: 'role', label: 'Rol: wie vraagt', options: w.options('role'), groups: w.groups('role'), value: rule.role, empty: '– kies een rol –' })}
${radioField({ name: 'doel', legend: 'Doel', options: w.options('doel'), value: rule.doel })}
${selectField({ name: 'partner', label: 'Partner: wie wordt gevraagd', options: w.options('partner'), groups: w.groups('partner'), value: rule.partner, empty: '– kies een partner –' })}
${selectField({ name: 'category', label: 'Categorie van het signaal', options: w.options('category'), groups: w.groups('category'), value: rule.category, empty: '– kies een categorie –' })}
${radioField({ name: 'action', legend: 'Toestemming', options: Object.entries(RULE_ACTION), value: rule.action })}
${radioField({ name: 'effect', legend: 'Effect', options: Object.entries(EFFECT), value: rule.effect })}
${textField({ name: 'grondslag', label: 'Grondslag', value: rule.grondslag, rows: 4, hint: 'De wettelijke grondslag die elk antwoord op grond van deze regel noemt, bijvoorbeeld: AVG art. 6 lid 1 onder e jo. Jeugdwet art. 7.3.11.' })}
<div class="button-row"><button type="submit" class="utrecht-button utrecht-button--primary-action">Regel opslaan</button>
<a href="${ctx.href(`/beleid/${d.id}${isNew ? '' : `#regel-${index}`}`)}">Annuleren</a></div></form>`}`,
    });
  }

  r.get('/beleid/:version/regels/:index', policyHandler(ctx, (req, res) => form(req, res)));

  r.post('/beleid/:version/regels/:index', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const { d, index } = await target(req);
    const rule = ruleFromForm(req);
    const rules = [...d.rules];
    rules[index] = rule;
    const expectedHash = fieldOf(req, 'expectedHash');
    try {
      await policies.putRules(ctx.principal(req), v(req), { rules, groupings: d.groupings, ...(expectedHash ? { expectedHash } : {}) }, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${d.id}`, 'regel-opgeslagen', `#regel-${index}`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await form(req, res, { rule, problem: refusalBox(err, { forbidden: 'Alleen de auteur kan dit concept wijzigen.' }), status: err.status, expectedHash });
    }
  }));

  r.post('/beleid/:version/regels/:index/verwijderen', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const { d, index, isNew } = await target(req);
    if (isNew) throw new AppError('not-found', 'there is no such rule in this version');
    const expectedHash = fieldOf(req, 'expectedHash');
    const rules = d.rules.filter((_, i) => i !== index);
    try {
      await policies.putRules(ctx.principal(req), v(req), { rules, groupings: d.groupings, ...(expectedHash ? { expectedHash } : {}) }, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${d.id}`, 'regel-verwijderd');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      ctx.render(req, res, {
        scripts: ['pseudonymise'],
        title: `Regel van versie ${d.id}`,
        current: '/beleid',
        status: err.status,
        body: html`${refusalBox(err, { forbidden: 'Alleen de auteur kan dit concept wijzigen.' })}<p><a href="${ctx.href(`/beleid/${d.id}`)}">Terug naar versie ${d.id}</a></p>`,
      });
    }
  }));
}
