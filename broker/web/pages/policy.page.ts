/**
 * The privacy officer's policy pages (docs/web.md, docs/policies.md): the versions and a new
 * draft (with its required toelichting); a version's page with its facts, the next step
 * (submit, activate, roll back), its rules with the lint findings beside them, the test
 * results in brief and the diff against the active version. The rule editor, the policy
 * tests, the review and the simulator have pages of their own (policy-*.page.ts).
 *
 * Invariants:
 * - The lifecycle service checks every step (four eyes included) and logs it; these pages
 *   collect and show, and call the service with the logged-in person as principal.
 * - Everything on the page is Dutch: names from the platform file, findings and refusals
 *   from their codes (policy-texts.ts); no JSON Pointer, raw id or English API text.
 */
import type { Request, Response, Router } from 'express';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { requireAbility, type WebContext } from '../web-context.js';
import { POLICY_STATUS } from '../dutch-labels.js';
import { diffSection, findingList, findingsByRule, rulesTable, versionFacts } from './policy-fragments.js';
import { fieldOf, isRefusal, noticeOf, policyHandler, redirectWithNotice, refusalBox, textField, versionNav, type PolicyPageDeps } from './policy-page-kit.js';
import { lintSentence, policyWords, testOutcomeSentence } from './policy-texts.js';
import { policyRulePages } from './policy-rules.page.js';
import { policyTestPages } from './policy-tests.page.js';
import { policyReviewPages } from './policy-review.page.js';
import { policySimulatorPages } from './policy-simulator.page.js';

export function policyPages(r: Router, ctx: WebContext, deps: PolicyPageDeps): void {
  const { policies } = deps;
  const p = ctx.platform;
  const v = (req: Request): string => String(req.params['version']);

  async function versions(req: Request, res: Response, problem?: Html, typed = ''): Promise<void> {
    requireAbility(ctx, req, 'readPolicy');
    const list = await policies.list(ctx.principal(req), {});
    const w = policyWords(p);
    const manage = ctx.abilities(req).managePolicies;
    const you = ctx.user(req).id;
    ctx.render(req, res, {
      scripts: ['pseudonymise'],
      title: 'Beleid',
      current: '/beleid',
      status: problem ? 422 : 200,
      body: html`${problem ?? ''}<p>Het beleid bepaalt welke rol welke partner voor welk doel mag bevragen, en op welke grondslag. Een wijziging gaat pas in als een tweede privacy officer haar heeft goedgekeurd.</p>
${manage && list.active !== null
  ? html`<form method="post" action="${ctx.href('/beleid/nieuw')}" class="policy-form" data-new-draft data-guard-identity>${csrfField(ctx.csrf(req))}<input type="hidden" name="copyOf" value="${list.active}">
<h2>Nieuw concept</h2>
${textField({ name: 'note', label: 'Toelichting (verplicht)', value: typed, hint: `Waarom deze wijziging? Het concept begint als kopie van versie ${list.active}, de actieve versie.` })}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Nieuw concept maken</button></form>`
  : ''}
<div class="table-wrap"><table class="utrecht-table stack" data-versions><caption>Versies, nieuwste eerst</caption>
<thead><tr><th scope="col">Versie</th><th scope="col">Status</th><th scope="col">Toelichting</th><th scope="col">Auteur</th><th scope="col">Beoordeeld door</th><th scope="col">Regels</th><th scope="col">Tests</th><th scope="col">Gemaakt</th></tr></thead>
<tbody>${list.items.map(
  (x) => html`<tr data-version="${x.id}" data-status="${x.status}"><td data-label="Versie"><a href="${ctx.href(`/beleid/${x.id}`)}">Versie ${x.id}</a></td><td data-label="Status"><strong>${POLICY_STATUS[x.status] ?? x.status}</strong>${x.activeFrom && x.status === 'scheduled' ? ` vanaf ${formatDateTime(x.activeFrom)}` : ''}</td>
  <td data-label="Toelichting" class="prewrap">${w.note(x.note) || '–'}</td><td data-label="Auteur">${w.person(x.author)}${x.author.id === you ? ' (u)' : ''}</td><td data-label="Beoordeeld door">${x.reviewer ? w.person(x.reviewer) : '–'}</td><td data-label="Regels">${x.ruleCount}</td><td data-label="Tests">${x.testCount}</td><td data-label="Gemaakt">${formatDateTime(x.createdAt)}</td></tr>`,
)}</tbody></table></div>`,
    });
  }

  r.get('/beleid', policyHandler(ctx, (req, res) => versions(req, res)));

  r.post('/beleid/nieuw', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const note = fieldOf(req, 'note');
    try {
      const created = await policies.create(ctx.principal(req), { copyOf: Number(fieldOf(req, 'copyOf')), note }, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${created.id}`, 'concept-gemaakt');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await versions(req, res, refusalBox(err, { forbidden: 'Uw rol mag geen concepten maken.' }), note);
    }
  }));

  /** A version's page; `problem` is a refusal of a step taken on it. */
  async function overview(req: Request, res: Response, problem?: Html, status = 200, typed?: { note?: string }): Promise<void> {
    requireAbility(ctx, req, 'readPolicy');
    const principal = ctx.principal(req);
    const d = await policies.get(principal, v(req));
    const list = await policies.list(principal, {});
    const [lint, tests, diff] = await Promise.all([
      policies.lint(principal, v(req)),
      policies.test(principal, v(req)),
      list.active !== null && list.active !== d.id ? policies.diff(principal, v(req), { against: String(list.active) }) : Promise.resolve(undefined),
    ]);
    const w = policyWords(p, d.groupings);
    const you = ctx.user(req).id;
    const a = ctx.abilities(req);
    const isAuthor = d.author.id === you;
    const editable = a.managePolicies && d.status === 'draft' && isAuthor;
    const csrf = ctx.csrf(req);
    const { byIndex, general } = findingsByRule(lint.findings);
    const testFindings = lint.findings.filter((f) => f.pointer.startsWith('/tests/'));
    const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
    const canReview = a.managePolicies && d.status === 'submitted' && !isAuthor;

    let next: Html;
    if (editable) {
      next = html`<form method="post" action="${ctx.href(`/beleid/${d.id}/indienen`)}" class="policy-form" data-submit data-guard-identity>${csrfField(csrf)}
<p>Indienen kan als er geen fouten zijn en alle tests slagen (nu: ${plural(lint.errors, 'fout', 'fouten')}, ${tests.failed} van ${tests.passed + tests.failed} tests mislukt).</p>
${textField({ name: 'note', label: 'Toelichting (verplicht)', value: typed?.note ?? w.note(d.note), hint: 'Waarom deze wijziging? De tweede privacy officer leest dit bij het beoordelen.' })}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Indienen ter goedkeuring</button></form>`;
    } else if (a.managePolicies && d.status === 'submitted') {
      next = isAuthor
        ? html`<p>Wacht op de beoordeling door een andere privacy officer (vier ogen).</p>
<form method="post" action="${ctx.href(`/beleid/${d.id}/intrekken`)}" class="policy-form" data-withdraw data-guard-identity>${csrfField(csrf)}
${textField({ name: 'note', label: 'Reden om in te trekken (verplicht)', value: typed?.note ?? '', id: 'withdraw-note', hint: 'Intrekken maakt de versie definitief afgewezen; een nieuw concept kan op basis ervan.' })}
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Intrekken</button></form>`
        : html`<p><a href="${ctx.href(`/beleid/${d.id}/beoordelen`)}" class="utrecht-button-link utrecht-button-link--primary-action">Beoordelen: verschil en effect bekijken, goedkeuren of afwijzen</a></p>`;
    } else if (a.managePolicies && d.status === 'approved') {
      next = html`<form method="post" action="${ctx.href(`/beleid/${d.id}/activeren`)}" class="policy-form">${csrfField(csrf)}<div class="field"><label for="activeFrom">Actief vanaf</label><span class="hint" id="activeFrom-hint">Leeg: nu.</span><input type="datetime-local" id="activeFrom" name="activeFrom" aria-describedby="activeFrom-hint"></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Activeren</button></form>`;
    } else if (a.managePolicies && d.status === 'superseded') {
      next = html`<form method="post" action="${ctx.href(`/beleid/${d.id}/terugdraaien`)}" class="policy-form" data-rollback data-guard-identity>${csrfField(csrf)}
<p>Deze versie was eerder actief. Terugdraaien maakt een nieuw concept met precies deze regels en tests; dat gaat, zoals elke wijziging, pas in na indienen, goedkeuring door een tweede privacy officer en activeren.</p>
${textField({ name: 'note', label: 'Toelichting (verplicht)', value: typed?.note ?? '', id: 'rollback-note', hint: 'Waarom terug naar deze versie?' })}
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Terugdraaien naar deze versie: nieuw concept</button></form>`;
    } else {
      next = html`<p>${d.status === 'draft' ? 'Alleen de auteur kan dit concept wijzigen en indienen.' : 'Er staat geen stap open voor deze versie.'}</p>`;
    }

    ctx.render(req, res, {
      scripts: ['pseudonymise'],
      title: `Beleid versie ${d.id}`,
      current: '/beleid',
      status,
      body: html`${problem ?? ''}${noticeOf(req) ?? ''}${versionNav(ctx, d.id, 'overzicht', canReview)}
${versionFacts(ctx, d, w, you)}
<section aria-labelledby="steps-title"><h2 id="steps-title">Volgende stap</h2>${next}</section>
<section aria-labelledby="rules-title"><h2 id="rules-title">Regels en controle</h2>
<p data-lint-summary>${plural(lint.errors, 'fout', 'fouten')}, ${plural(lint.warnings, 'waarschuwing', 'waarschuwingen')}, ${lint.infos} ter informatie. Fouten blokkeren het indienen.</p>
${general.length ? html`<div data-lint-general>${findingList(general, w)}</div>` : ''}
${editable ? html`<p><a href="${ctx.href(`/beleid/${d.id}/regels/nieuw`)}" class="utrecht-button-link utrecht-button-link--primary-action">Regel toevoegen</a></p>` : ''}
${rulesTable({ ctx, d, w, findings: byIndex, ...(editable ? { edit: { csrf } } : {}) })}
</section>
<section aria-labelledby="tests-title"><h2 id="tests-title">Beleidstests</h2>
<p data-tests-summary>${tests.passed} geslaagd, ${tests.failed} mislukt${testFindings.length ? `; ${plural(testFindings.length, 'opmerking', 'opmerkingen')} bij de tests` : ''}.</p>
<p><a href="${ctx.href(`/beleid/${d.id}/tests`)}">${editable ? 'Beleidstests bekijken, uitvoeren en wijzigen' : 'Beleidstests bekijken en uitvoeren'}</a></p></section>
<section aria-labelledby="diff-title"><h2 id="diff-title">Verschil met de actieve versie</h2>${diffSection(diff, w, list.active)}</section>
<p><a href="${ctx.href('/beleid')}">Terug naar de versies</a></p>`,
    });
  }

  r.get('/beleid/:version', policyHandler(ctx, (req, res) => overview(req, res)));

  r.post('/beleid/:version/indienen', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const note = fieldOf(req, 'note');
    try {
      await policies.submit(ctx.principal(req), v(req), { note }, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${v(req)}`, 'ingediend');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      if (err.code === 'validation' && err.errors.some((e) => e.pointer.startsWith('/rules') || e.pointer.startsWith('/tests') || e.pointer.startsWith('/groupings'))) {
        // Lint errors or failing tests: said in Dutch from the version's own lint and test results.
        const principal = ctx.principal(req);
        const [lint, tests, d] = await Promise.all([policies.lint(principal, v(req)), policies.test(principal, v(req)), policies.get(principal, v(req))]);
        const w = policyWords(p, d.groupings);
        const errors = lint.findings.filter((f) => f.severity === 'error');
        const failing = tests.results.filter((t) => !t.pass);
        const box = alert('error', html`<p>Indienen lukt nog niet: ${errors.length} ${errors.length === 1 ? 'fout' : 'fouten'} en ${failing.length} mislukte ${failing.length === 1 ? 'test' : 'tests'}. Los ze op en dien opnieuw in.</p>
<ul>${errors.map((f) => html`<li>${f.rule && !f.rule.startsWith('g') ? `Regel ${f.rule}: ` : ''}${lintSentence(f, w)}</li>`)}${failing.map((t) => html`<li>Test ${t.index + 1}: ${testOutcomeSentence(t)}</li>`)}</ul>`);
        await overview(req, res, box, 422, { note });
        return;
      }
      await overview(req, res, refusalBox(err, { forbidden: 'Alleen de auteur kan dit concept indienen.' }), err.status, { note });
    }
  }));

  r.post('/beleid/:version/activeren', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const from = fieldOf(req, 'activeFrom');
    try {
      const done = await policies.activate(ctx.principal(req), v(req), from ? { activeFrom: new Date(from).toISOString() } : {}, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${v(req)}`, done.status === 'scheduled' ? 'gepland' : 'geactiveerd');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await overview(req, res, refusalBox(err), err.status);
    }
  }));

  // The author withdraws a submitted version (POST /v1/policies/{version}/reject by the author).
  r.post('/beleid/:version/intrekken', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const note = fieldOf(req, 'note');
    try {
      await policies.reject(ctx.principal(req), v(req), { note }, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${v(req)}`, 'ingetrokken');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const problem = err.code === 'validation' ? alert('error', html`<p>Vul de reden in waarom u deze versie intrekt.</p>`) : refusalBox(err);
      await overview(req, res, problem, err.status, { note });
    }
  }));

  // Rollback: a new draft copying a superseded version (POST /v1/policies/{version}/rollback).
  r.post('/beleid/:version/terugdraaien', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const note = fieldOf(req, 'note');
    try {
      const created = await policies.rollback(ctx.principal(req), v(req), { note }, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${created.id}`, 'concept-gemaakt');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await overview(req, res, refusalBox(err), err.status, { note });
    }
  }));

  policyRulePages(r, ctx, deps);
  policyTestPages(r, ctx, deps);
  policyReviewPages(r, ctx, deps);
  policySimulatorPages(r, ctx, deps);
}
