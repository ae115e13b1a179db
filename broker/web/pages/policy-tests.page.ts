/**
 * The policy tests on the web (issue 23): a version's decision table, run on every view, with
 * which tests fail and why (the decision and rule expected, the decision and rule this version
 * makes, and a link to the simulator for that question); in one's own draft, tests added,
 * changed and removed one per form.
 *
 * Invariants:
 * - The same checks as the API: every save goes through the lifecycle service
 *   (`PUT /v1/policies/{version}/tests`: the schema, the author, the draft state and the
 *   expected content hash), and the lint findings of the tests are those of `GET …/lint`.
 * - Running tests changes nothing and is not logged (no person or subject is involved).
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { PolicyTest } from '../../policy/policy-content.js';
import type { LintFinding } from '../../policy/policy-lint-fns.js';
import type { PolicyVersionView } from '../../policy/policy-lifecycle-types.js';
import { formatDateTime, html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { requireAbility, type WebContext } from '../web-context.js';
import { findingList, question } from './policy-fragments.js';
import { fieldOf, isRefusal, noticeOf, policyHandler, radioField, redirectWithNotice, refusalBox, selectField, versionNav, type PolicyPageDeps } from './policy-page-kit.js';
import { decisionWords, EFFECT, OUTCOME, policyWords, REQUEST_ACTION, testOutcomeSentence, type PolicyWords } from './policy-texts.js';

const TEST_FIELDS = ['role', 'doel', 'partner', 'category', 'action', 'expect', 'rule'] as const;

/** A test from the form; every field trimmed. */
export function testFromForm(req: Request): PolicyTest {
  return Object.fromEntries(TEST_FIELDS.map((f) => [f, fieldOf(req, f)])) as unknown as PolicyTest;
}

const expected = (t: { expect: string; rule: string }): string => decisionWords(t.expect, t.rule);

export function policyTestPages(r: Router, ctx: WebContext, deps: { policies: PolicyPageDeps['policies'] }): void {
  const { policies } = deps;
  const p = ctx.platform;
  const v = (req: Request): string => String(req.params['version']);

  async function list(req: Request, res: Response): Promise<void> {
    requireAbility(ctx, req, 'readPolicy');
    const principal = ctx.principal(req);
    const d = await policies.get(principal, v(req));
    const [report, lint] = await Promise.all([policies.test(principal, v(req)), policies.lint(principal, v(req))]);
    const w = policyWords(p, d.groupings);
    const you = ctx.user(req).id;
    const editable = ctx.abilities(req).managePolicies && d.status === 'draft' && d.author.id === you;
    const canReview = ctx.abilities(req).managePolicies && d.status === 'submitted' && d.author.id !== you;
    const byTest = new Map<number, LintFinding[]>();
    for (const f of lint.findings) {
      const m = /^\/tests\/(\d+)/.exec(f.pointer);
      if (m) byTest.set(Number(m[1]), [...(byTest.get(Number(m[1])) ?? []), f]);
    }
    const csrf = ctx.csrf(req);
    const simulate = (t: PolicyTest): string =>
      ctx.href(`/beleid/${d.id}/simulator?${new URLSearchParams({ role: t.role, doel: t.doel, partner: t.partner, category: t.category, action: t.action }).toString()}`);
    ctx.render(req, res, {
      scripts: ['pseudonymise'],
      title: `Beleidstests van versie ${d.id}`,
      current: '/beleid',
      body: html`${noticeOf(req) ?? ''}${versionNav(ctx, d.id, 'tests', canReview)}
<p>Elke test is één vraag (rol, doel, partner, categorie, met of zonder toestemming) met de beslissing en de regel die u verwacht. Indienen kan alleen als alle tests slagen.</p>
<p data-tests-summary role="status"><strong>${report.passed} geslaagd, ${report.failed} mislukt</strong> (uitgevoerd ${formatDateTime(new Date())}).</p>
<div class="button-row"><form method="get" action="${ctx.href(`/beleid/${d.id}/tests`)}"><button type="submit" class="utrecht-button utrecht-button--secondary-action">Tests opnieuw uitvoeren</button></form>
${editable ? html`<a href="${ctx.href(`/beleid/${d.id}/tests/nieuw`)}" class="utrecht-button-link utrecht-button-link--primary-action">Test toevoegen</a>` : ''}</div>
<div class="table-wrap"><table class="utrecht-table stack" data-tests><caption>Beslistabel: verwacht tegenover de beslissing van deze versie</caption>
<thead><tr><th scope="col">Test</th><th scope="col">Vraag</th><th scope="col">Verwacht</th><th scope="col">Uitslag</th>${editable ? html`<th scope="col">Wijzigen</th>` : ''}</tr></thead>
<tbody>${report.results.map((t) => {
  const fs = byTest.get(t.index) ?? [];
  return html`<tr data-test="${t.index + 1}" data-pass="${t.pass ? 'ja' : 'nee'}" id="test-${t.index}"><td data-label="Test">${t.index + 1}</td><td data-label="Vraag">${question(t, w, w.requestAction(t.action))}</td><td data-label="Verwacht">${expected({ expect: t.expect, rule: t.expectRule })}</td>
<td data-label="Uitslag" data-outcome><span class="${t.pass ? 'ok' : 'bad'}">${testOutcomeSentence(t)}</span>${t.grondslag ? html`<br><span class="hint">Grondslag: ${t.grondslag}</span>` : ''}${t.pass ? '' : html`<br><a href="${simulate(t)}">Waarom? Bekijk deze vraag in de simulator</a>`}${fs.length ? findingList(fs, w) : ''}</td>${
    editable
      ? html`<td data-label="Wijzigen"><div class="row-actions"><a href="${ctx.href(`/beleid/${d.id}/tests/${t.index}`)}" aria-label="Test ${t.index + 1} wijzigen">Wijzigen</a>
<form method="post" action="${ctx.href(`/beleid/${d.id}/tests/${t.index}/verwijderen`)}">${csrfField(csrf)}<input type="hidden" name="expectedHash" value="${d.contentHash}"><button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label="Test ${t.index + 1} verwijderen">Verwijderen</button></form></div></td>`
      : ''
  }</tr>`;
})}</tbody></table></div>
${report.results.length === 0 ? html`<p>Deze versie heeft nog geen tests.</p>` : ''}
<p><a href="${ctx.href(`/beleid/${d.id}`)}">Terug naar versie ${d.id}</a></p>`,
    });
  }

  r.get('/beleid/:version/tests', policyHandler(ctx, list));

  const target = async (req: Request): Promise<{ d: PolicyVersionView; index: number; isNew: boolean }> => {
    const d = await policies.get(ctx.principal(req), v(req));
    const raw = String(req.params['index']);
    if (raw === 'nieuw') return { d, index: d.tests.length, isNew: true };
    const index = /^\d{1,4}$/.test(raw) ? Number(raw) : -1;
    if (index < 0 || index >= d.tests.length) throw new AppError('not-found', 'there is no such test in this version');
    return { d, index, isNew: false };
  };

  const ruleOptions = (d: PolicyVersionView, w: PolicyWords): Array<[string, string]> =>
    d.rules.filter((x) => x.id !== '').map((x) => [x.id, `${x.id} (${(EFFECT[x.effect] ?? x.effect).toLowerCase()}): ${w.value('role', x.role)} · ${w.value('partner', x.partner)} · ${w.value('category', x.category)}`]);

  async function form(req: Request, res: Response, o: { test?: PolicyTest; problem?: Html; status?: number; expectedHash?: string } = {}): Promise<void> {
    requireAbility(ctx, req, 'managePolicies');
    const { d, index, isNew } = await target(req);
    const w = policyWords(p, d.groupings);
    const editable = d.status === 'draft' && d.author.id === ctx.user(req).id;
    const t: PolicyTest = o.test ?? (isNew ? { role: '', doel: '', partner: '', category: '', action: 'bevragen', expect: 'allow', rule: '' } : d.tests[index]!);
    ctx.render(req, res, {
      scripts: ['pseudonymise'],
      title: isNew ? `Test toevoegen aan versie ${d.id}` : `Test ${index + 1} van versie ${d.id}`,
      current: '/beleid',
      status: o.status ?? 200,
      body: html`${o.problem ?? ''}${versionNav(ctx, d.id, 'tests', false)}
${!editable
  ? html`<p>Alleen de auteur kan de tests van dit concept wijzigen, en alleen zolang het een concept is.</p>`
  : html`<form method="post" action="${ctx.href(`/beleid/${d.id}/tests/${isNew ? 'nieuw' : index}`)}" class="policy-form" data-test-form data-guard-identity>${csrfField(ctx.csrf(req))}
<input type="hidden" name="expectedHash" value="${o.expectedHash ?? d.contentHash}">
<fieldset><legend>De vraag</legend>
${selectField({ name: 'role', label: 'Rol: wie vraagt', options: w.options('role'), value: t.role, empty: '– kies een rol –' })}
${radioField({ name: 'doel', legend: 'Doel', options: w.options('doel'), value: t.doel })}
${selectField({ name: 'partner', label: 'Partner: wie wordt gevraagd', options: w.options('partner'), value: t.partner, empty: '– kies een partner –' })}
${selectField({ name: 'category', label: 'Categorie van het signaal', options: w.options('category'), value: t.category, empty: '– kies een categorie –', hint: 'Alleen de categorieën die de partner heeft, worden ooit gevraagd.' })}
${radioField({ name: 'action', legend: 'Toestemming', options: Object.entries(REQUEST_ACTION), value: t.action })}
</fieldset>
<fieldset><legend>Wat u verwacht</legend>
${radioField({ name: 'expect', legend: 'Beslissing', options: Object.entries(OUTCOME), value: t.expect })}
${radioField({ name: 'rule', legend: 'Beslissende regel', options: [['', 'Geen regel (standaard geweigerd)'], ...ruleOptions(d, w)], value: t.rule, hint: 'Bij toegestaan: de regel die toestaat. Bij niet toegestaan: de weigerregel, of geen regel.' })}
</fieldset>
<div class="button-row"><button type="submit" class="utrecht-button utrecht-button--primary-action">Test opslaan en uitvoeren</button>
<a href="${ctx.href(`/beleid/${d.id}/tests`)}">Annuleren</a></div></form>`}`,
    });
  }

  r.get('/beleid/:version/tests/:index', policyHandler(ctx, (req, res) => form(req, res)));

  const save = async (req: Request, res: Response, d: PolicyVersionView, tests: PolicyTest[], notice: 'test-opgeslagen' | 'test-verwijderd', anchor: string): Promise<void> => {
    const expectedHash = fieldOf(req, 'expectedHash');
    await policies.putTests(ctx.principal(req), v(req), { tests, ...(expectedHash ? { expectedHash } : {}) }, ctx.traceId(res));
    redirectWithNotice(ctx, res, `/beleid/${d.id}/tests`, notice, anchor);
  };

  r.post('/beleid/:version/tests/:index', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const { d, index } = await target(req);
    const test = testFromForm(req);
    const tests = [...d.tests];
    tests[index] = test;
    try {
      await save(req, res, d, tests, 'test-opgeslagen', `#test-${index}`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await form(req, res, { test, problem: refusalBox(err, { forbidden: 'Alleen de auteur kan de tests van dit concept wijzigen.' }), status: err.status, expectedHash: fieldOf(req, 'expectedHash') });
    }
  }));

  r.post('/beleid/:version/tests/:index/verwijderen', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const { d, index, isNew } = await target(req);
    if (isNew) throw new AppError('not-found', 'there is no such test in this version');
    try {
      await save(req, res, d, d.tests.filter((_, i) => i !== index), 'test-verwijderd', '');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      ctx.render(req, res, {
        scripts: ['pseudonymise'],
        title: `Beleidstests van versie ${d.id}`,
        current: '/beleid',
        status: err.status,
        body: html`${refusalBox(err, { forbidden: 'Alleen de auteur kan de tests van dit concept wijzigen.' })}<p><a href="${ctx.href(`/beleid/${d.id}/tests`)}">Terug naar de tests</a></p>`,
      });
    }
  }));
}
