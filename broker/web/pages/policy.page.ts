/**
 * The privacy officer's policy pages: versions and their status, a rule editor as a table
 * with the lint findings beside the rules, the policy tests with their results, the diff
 * against the active version, the impact preview, submit, approve (by a second officer,
 * with an explicit confirmation when new access opens), activate, and the what-if simulator
 * with its explanation. The lifecycle service checks every step (four-eyes included) and
 * logs it; these pages collect and show.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { DiffView, LintFindingView, PolicyPort, PolicyVersionDetail, RuleView } from '../web-ports.js';
import { POLICY_STATUS, SEVERITY } from '../dutch-labels.js';

const RULE_FIELDS = ['id', 'role', 'doel', 'partner', 'category', 'action', 'effect', 'grondslag'] as const;
const RULE_LABELS: Record<(typeof RULE_FIELDS)[number], string> = {
  id: 'Regel',
  role: 'Rol',
  doel: 'Doel',
  partner: 'Partner',
  category: 'Categorie',
  action: 'Handeling',
  effect: 'Effect',
  grondslag: 'Grondslag',
};
const ACTIONS = ['bevragen', 'bevragen-met-toestemming'];

/** Rules from the editor form: rows `rule-<i>-<field>`, with `delete-<i>` to drop a row and blank rows ignored. */
export function rulesFromForm(body: Record<string, string>): RuleView[] {
  const count = Math.min(Number(body['rowCount'] ?? 0) || 0, 1000);
  const rules: RuleView[] = [];
  for (let i = 0; i < count; i++) {
    if (body[`delete-${i}`] === 'ja') continue;
    const rule = Object.fromEntries(RULE_FIELDS.map((f) => [f, (body[`rule-${i}-${f}`] ?? '').trim()])) as unknown as RuleView;
    if (RULE_FIELDS.every((f) => rule[f] === '' || (f === 'effect' && rule[f] === 'allow') || (f === 'action' && rule[f] === 'bevragen'))) continue;
    rules.push(rule);
  }
  return rules;
}

export function policyPages(r: Router, ctx: WebContext, deps: { policies: PolicyPort }): void {
  const { policies } = deps;
  const v = (req: Request): string => String(req.params['version']);
  const p = ctx.platform;
  const categories = [...new Set(p.partners.flatMap((x) => x.categories))].sort();

  r.get('/beleid', async (req, res) => {
    requireAbility(ctx, req, 'readPolicy');
    const list = await policies.list(ctx.principal(req), {});
    const manage = ctx.abilities(req).managePolicies;
    ctx.render(req, res, {
      title: 'Beleid',
      current: '/beleid',
      body: html`<p>Het beleid bepaalt welke rol welke partner voor welk doel mag bevragen, en op welke grondslag. Een wijziging gaat pas in als een tweede privacy officer haar heeft goedgekeurd.</p>
${manage && list.active !== null
  ? html`<form method="post" action="${ctx.href(`/beleid/nieuw`)}">${csrfField(ctx.csrf(req))}<input type="hidden" name="copyOf" value="${list.active}">
<button type="submit" class="utrecht-button utrecht-button--primary-action">Nieuw concept op basis van de actieve versie</button></form>`
  : ''}
<div class="table-wrap"><table class="utrecht-table" data-versions><caption>Versies, nieuwste eerst</caption>
<thead><tr><th scope="col">Versie</th><th scope="col">Status</th><th scope="col">Toelichting</th><th scope="col">Auteur</th><th scope="col">Beoordeeld door</th><th scope="col">Regels</th><th scope="col">Tests</th><th scope="col">Gemaakt</th></tr></thead>
<tbody>${list.items.map(
  (x) => html`<tr data-version="${x.id}" data-status="${x.status}"><td><a href="${ctx.href(`/beleid/${x.id}`)}">Versie ${x.id}</a></td><td><strong>${POLICY_STATUS[x.status] ?? x.status}</strong>${x.activeFrom && x.status === 'scheduled' ? ` vanaf ${formatDateTime(x.activeFrom)}` : ''}</td>
  <td>${x.note}</td><td>${x.author.id}</td><td>${x.reviewer?.id ?? '–'}</td><td>${x.ruleCount}</td><td>${x.testCount}</td><td>${formatDateTime(x.createdAt)}</td></tr>`,
)}</tbody></table></div>`,
    });
  });

  r.post('/beleid/nieuw', async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const copyOf = Number((req.body as Record<string, string>)['copyOf']);
    const created = await policies.create(ctx.principal(req), { copyOf, note: '' }, ctx.traceId(res));
    res.redirect(303, ctx.href(`/beleid/${created.id}`));
  });

  const findingsByRule = (findings: LintFindingView[]): Map<string, LintFindingView[]> => {
    const m = new Map<string, LintFindingView[]>();
    for (const f of findings) {
      const k = f.rule ?? '';
      m.set(k, [...(m.get(k) ?? []), f]);
    }
    return m;
  };

  const select = (nameAttr: string, id: string, values: readonly string[], value: string, label: string): Html =>
    html`<select name="${nameAttr}" id="${id}" aria-label="${label}">${[...new Set([...values, value])].filter((x) => x !== '').map((x) => html`<option value="${x}"${x === value ? html` selected` : ''}>${x}</option>`)}${value === '' ? html`<option value="" selected>–</option>` : ''}</select>`;

  function ruleTable(d: PolicyVersionDetail, findings: Map<string, LintFindingView[]>, editable: boolean): Html {
    const rows = editable ? [...d.rules, { id: '', role: '', doel: '', partner: '', category: '', action: 'bevragen', effect: 'allow', grondslag: '' }] : d.rules;
    const cell = (rule: RuleView, i: number, f: (typeof RULE_FIELDS)[number]): Html => {
      if (!editable) return html`${rule[f]}`;
      const id = `rule-${i}-${f}`;
      const label = `${RULE_LABELS[f]}, rij ${i + 1}`;
      switch (f) {
        case 'role': return select(id, id, p.roles.map((x) => x.id), rule.role, label);
        case 'doel': return select(id, id, p.doelen.map((x) => x.id), rule.doel, label);
        case 'partner': return select(id, id, p.partners.map((x) => x.id), rule.partner, label);
        case 'category': return select(id, id, categories, rule.category, label);
        case 'action': return select(id, id, ACTIONS, rule.action, label);
        case 'effect': return select(id, id, ['allow', 'deny'], rule.effect, label);
        default: return html`<input type="text" name="${id}" id="${id}" value="${rule[f]}" aria-label="${label}"${f === 'id' ? html` size="5"` : html` size="40"`}>`;
      }
    };
    return html`<div class="table-wrap"><table class="utrecht-table" data-rules><caption>Regels${editable ? ' (de laatste rij is voor een nieuwe regel)' : ''}</caption>
<thead><tr>${RULE_FIELDS.map((f) => html`<th scope="col">${RULE_LABELS[f]}</th>`)}<th scope="col">Lint</th>${editable ? html`<th scope="col">Verwijderen</th>` : ''}</tr></thead>
<tbody>${rows.map((rule, i) => {
      const fs = rule.id ? (findings.get(rule.id) ?? []) : [];
      return html`<tr data-rule="${rule.id}">${RULE_FIELDS.map((f) => html`<td>${cell(rule, i, f)}</td>`)}
  <td data-lint>${fs.length ? html`<ul>${fs.map((x) => html`<li class="${x.severity === 'error' ? 'bad' : ''}">${SEVERITY[x.severity] ?? x.severity}: <span lang="en">${x.message}</span></li>`)}</ul>` : rule.id ? 'geen bevindingen' : ''}</td>
  ${editable ? html`<td>${rule.id ? html`<input type="checkbox" name="delete-${i}" id="delete-${i}" value="ja" aria-label="Regel ${rule.id} verwijderen">` : ''}</td>` : ''}</tr>`;
    })}</tbody></table></div>`;
  }

  function diffSection(diff: DiffView | undefined): Html {
    if (!diff) return html`<p>Dit is de actieve versie.</p>`;
    const line = (x: RuleView): string => `${x.id}: ${x.effect} ${x.role} / ${x.doel} / ${x.partner} / ${x.category} / ${x.action} — ${x.grondslag}`;
    return html`<p>Vergeleken met versie ${diff.from.version}: ${diff.added.length} toegevoegd, ${diff.removed.length} verwijderd, ${diff.changed.length} gewijzigd, ${diff.unchanged} gelijk.</p>
${diff.added.length ? html`<h3>Toegevoegd</h3><ul data-diff-added>${diff.added.map((x) => html`<li>${line(x)}</li>`)}</ul>` : ''}
${diff.removed.length ? html`<h3>Verwijderd</h3><ul data-diff-removed>${diff.removed.map((x) => html`<li>${line(x)}</li>`)}</ul>` : ''}
${diff.changed.length ? html`<h3>Gewijzigd</h3><ul data-diff-changed>${diff.changed.map((c) => html`<li>${c.id}: ${c.fields.map((f) => html`${f} <del>${String((c.before as unknown as Record<string, string>)[f])}</del> → <ins>${String((c.after as unknown as Record<string, string>)[f])}</ins>; `)}</li>`)}</ul>` : ''}`;
  }

  async function detail(req: Request, res: Response, problem?: Html, status = 200, notice?: string): Promise<void> {
    const principal = ctx.principal(req);
    const d = await policies.get(principal, v(req));
    const list = await policies.list(principal, {});
    const [lint, tests, diff] = await Promise.all([
      policies.lint(principal, v(req)),
      policies.test(principal, v(req)),
      list.active !== null && list.active !== d.id ? policies.diff(principal, v(req), { against: String(list.active) }) : Promise.resolve(undefined),
    ]);
    const user = ctx.user(req);
    const a = ctx.abilities(req);
    const isAuthor = d.author.id === user.id;
    const editable = a.managePolicies && d.status === 'draft' && isAuthor;
    const csrf = csrfField(ctx.csrf(req));
    const findings = findingsByRule(lint.findings);
    const general = lint.findings.filter((f) => !f.rule || !d.rules.some((x) => x.id === f.rule));
    ctx.render(req, res, {
      title: `Beleid versie ${d.id}`,
      current: '/beleid',
      scripts: ['pseudonymise'],
      status,
      body: html`${problem ? alert('error', problem) : ''}${notice ? alert('ok', notice) : ''}
<dl class="facts">
  <dt>Status</dt><dd data-status="${d.status}"><strong>${POLICY_STATUS[d.status] ?? d.status}</strong>${d.activeFrom ? ` (actief vanaf ${formatDateTime(d.activeFrom)})` : ''}</dd>
  <dt>Auteur</dt><dd>${d.author.id}${isAuthor ? ' (u)' : ''}</dd>
  <dt>Beoordeeld door</dt><dd>${d.reviewer ? `${d.reviewer.id}, ${formatDateTime(d.reviewedAt!)}` : '–'}</dd>
  <dt>Gebaseerd op</dt><dd>${d.basedOn !== null ? html`<a href="${ctx.href(`/beleid/${d.basedOn}`)}">versie ${d.basedOn}</a>` : d.source}</dd>
  <dt>Toelichting</dt><dd>${d.note || '–'}</dd>
  <dt>Inhoud (hash)</dt><dd class="mono">${d.contentHash}</dd>
</dl>
<section aria-labelledby="steps-title"><h2 id="steps-title">Volgende stap</h2>
${a.managePolicies && d.status === 'draft' && isAuthor
  ? html`<form method="post" action="${ctx.href(`/beleid/${d.id}/indienen`)}">${csrf}<p>Indienen kan als er geen lintfouten zijn en alle tests slagen (nu: ${lint.errors} ${lint.errors === 1 ? 'fout' : 'fouten'}, ${tests.failed} van ${tests.passed + tests.failed} tests mislukt).</p>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Indienen ter goedkeuring</button></form>`
  : a.managePolicies && d.status === 'submitted'
    ? isAuthor
      ? html`<p>Wacht op goedkeuring door een andere privacy officer (vier ogen).</p>`
      : html`<p><a href="${ctx.href(`/beleid/${d.id}/beoordelen`)}" class="utrecht-button-link utrecht-button-link--primary-action">Beoordelen: effect bekijken en goedkeuren of afwijzen</a></p>`
    : a.managePolicies && d.status === 'approved'
      ? html`<form method="post" action="${ctx.href(`/beleid/${d.id}/activeren`)}">${csrf}<div class="field"><label for="activeFrom">Actief vanaf (leeg: nu)</label><input type="datetime-local" id="activeFrom" name="activeFrom"></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Activeren</button></form>`
      : a.managePolicies && d.status === 'superseded'
        ? html`<form method="post" action="${ctx.href(`/beleid/${d.id}/terugdraaien`)}" data-rollback data-guard-identity>${csrf}
<p>Deze versie was eerder actief. Terugdraaien maakt een nieuw concept met precies deze regels en tests; dat gaat, zoals elke wijziging, pas in na indienen, goedkeuring door een tweede privacy officer en activeren.</p>
<div class="field"><label for="rollback-note">Toelichting (optioneel)</label><span class="hint" id="rollback-note-hint">Leeg: "Terug naar versie ${d.id}".</span><input type="text" id="rollback-note" name="note" aria-describedby="rollback-note-hint"></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Terugdraaien naar deze versie: nieuw concept</button></form>`
        : html`<p>${d.status === 'draft' ? 'Alleen de auteur kan dit concept bewerken en indienen.' : 'Geen stap open voor deze versie.'}</p>`}
<p><a href="${ctx.href(`/beleid/${d.id}/simulator`)}">Wat-als-simulator voor deze versie</a></p>
</section>
<section aria-labelledby="rules-title"><h2 id="rules-title">Regels en lint</h2>
<p>${lint.errors} ${lint.errors === 1 ? 'fout' : 'fouten'}, ${lint.warnings} ${lint.warnings === 1 ? 'waarschuwing' : 'waarschuwingen'}, ${lint.infos} info. Fouten blokkeren het indienen.</p>
${general.length ? html`<ul data-lint-general>${general.map((x) => html`<li class="${x.severity === 'error' ? 'bad' : ''}">${SEVERITY[x.severity] ?? x.severity}: <span lang="en">${x.message}</span></li>`)}</ul>` : ''}
${editable
  ? html`<form method="post" action="${ctx.href(`/beleid/${d.id}/regels`)}" data-guard-identity>${csrf}<input type="hidden" name="rowCount" value="${d.rules.length + 1}"><input type="hidden" name="expectedHash" value="${d.contentHash}">
${ruleTable(d, findings, true)}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Regels opslaan</button></form>`
  : ruleTable(d, findings, false)}
</section>
<section aria-labelledby="tests-title"><h2 id="tests-title">Beleidstests</h2>
<p data-tests-summary>${tests.passed} geslaagd, ${tests.failed} mislukt.</p>
<div class="table-wrap"><table class="utrecht-table" data-tests><caption>Beslistabel: verwacht tegenover werkelijk</caption>
<thead><tr><th scope="col">Rol</th><th scope="col">Doel</th><th scope="col">Partner</th><th scope="col">Categorie</th><th scope="col">Handeling</th><th scope="col">Verwacht</th><th scope="col">Werkelijk</th><th scope="col">Uitslag</th></tr></thead>
<tbody>${tests.results.map(
  (t) => html`<tr data-pass="${t.pass ? 'ja' : 'nee'}"><td>${t.role}</td><td>${t.doel}</td><td>${t.partner}</td><td>${t.category}</td><td>${t.action}</td><td>${t.expect}${t.expectRule ? ` (${t.expectRule})` : ''}</td><td>${t.actual}${t.actualRule ? ` (${t.actualRule})` : ''}</td>
  <td class="${t.pass ? 'ok' : 'bad'}">${t.pass ? 'geslaagd' : 'mislukt'}</td></tr>`,
)}</tbody></table></div>
</section>
<section aria-labelledby="diff-title"><h2 id="diff-title">Verschil met de actieve versie</h2>${diffSection(diff)}</section>
<p><a href="${ctx.href(`/beleid`)}">Terug naar de versies</a></p>`,
    });
  }

  r.get('/beleid/:version', async (req, res) => {
    requireAbility(ctx, req, 'readPolicy');
    await detail(req, res);
  });

  /** A lifecycle step: run it and show the version again, with the service's refusal if any. */
  const step = (path: string, run: (req: Request, res: Response) => Promise<unknown>, notice: string): void => {
    r.post(`/beleid/:version${path}`, async (req, res) => {
      requireAbility(ctx, req, 'managePolicies');
      try {
        await run(req, res);
      } catch (err) {
        if (!(err instanceof AppError) || !['validation', 'conflict', 'forbidden'].includes(err.code)) throw err;
        await detail(req, res, errorMessage(err), err.status);
        return;
      }
      await detail(req, res, undefined, 200, notice);
    });
  };
  const body = (req: Request): Record<string, string> => (req.body ?? {}) as Record<string, string>;

  step('/regels', async (req, res) => {
    const d = await policies.get(ctx.principal(req), v(req));
    return policies.putRules(ctx.principal(req), v(req), { rules: rulesFromForm(body(req)), groupings: d.groupings, expectedHash: body(req)['expectedHash'] }, ctx.traceId(res));
  }, 'De regels zijn opgeslagen.');
  step('/indienen', (req, res) => policies.submit(ctx.principal(req), v(req), {}, ctx.traceId(res)), 'Ingediend: een andere privacy officer kan het nu beoordelen.');
  step('/activeren', (req, res) => {
    const from = body(req)['activeFrom'];
    return policies.activate(ctx.principal(req), v(req), from ? { activeFrom: new Date(from).toISOString() } : {}, ctx.traceId(res));
  }, 'Geactiveerd.');

  async function review(req: Request, res: Response, problem?: Html, status = 200): Promise<void> {
    const d = await policies.get(ctx.principal(req), v(req));
    const impact = await policies.impact(ctx.principal(req), v(req), { days: '30' }, ctx.traceId(res));
    const csrf = csrfField(ctx.csrf(req));
    const counts = (c: Record<string, number>): Html => html`${Object.entries(c).map(([k, n]) => html`${k}: ${n}; `)}`;
    const opens = impact.newlyAllowed.total > 0;
    ctx.render(req, res, {
      title: `Beoordelen: beleid versie ${d.id}`,
      current: '/beleid',
      scripts: ['pseudonymise'],
      status,
      body: html`${problem ? alert('error', problem) : ''}
<p>Auteur: ${d.author.id}. Toelichting: ${d.note || '–'}. <a href="${ctx.href(`/beleid/${d.id}`)}">Regels, lint, tests en verschil bekijken</a>.</p>
<section aria-labelledby="impact-title"><h2 id="impact-title">Effect op de afgelopen ${impact.days} dagen</h2>
<p>${impact.replayed} bevragingen opnieuw beslist met deze versie; ${impact.unchanged} blijven gelijk.</p>
<dl class="facts" data-impact>
  <dt>Nieuw toegestaan</dt><dd data-newly-allowed="${impact.newlyAllowed.total}"><strong>${impact.newlyAllowed.total}</strong> ${counts(impact.newlyAllowed.byPartner)}</dd>
  <dt>Nieuw geweigerd</dt><dd data-newly-denied="${impact.newlyDenied.total}"><strong>${impact.newlyDenied.total}</strong> ${counts(impact.newlyDenied.byPartner)}</dd>
</dl>
${impact.changes.length ? html`<div class="table-wrap"><table class="utrecht-table"><caption>Beslissingen die veranderen</caption>
<thead><tr><th scope="col">Rol</th><th scope="col">Doel</th><th scope="col">Partner</th><th scope="col">Handeling</th><th scope="col">Was</th><th scope="col">Wordt</th><th scope="col">Aantal</th></tr></thead>
<tbody>${impact.changes.map((c) => html`<tr><td>${c.role}</td><td>${c.doel}</td><td>${c.partner}</td><td>${c.action}</td><td>${c.before}</td><td>${c.after}${c.afterRules?.length ? ` (${c.afterRules.join(', ')})` : ''}</td><td>${c.count}</td></tr>`)}</tbody></table></div>` : ''}
</section>
<form method="post" action="${ctx.href(`/beleid/${d.id}/goedkeuren`)}" data-guard-identity>${csrf}<input type="hidden" name="previewId" value="${impact.previewId}">
<fieldset><legend>Goedkeuren</legend>
${opens
  ? html`${alert('warning', `Deze versie geeft nieuwe toegang: ${impact.newlyAllowed.total} bevragingen zouden nu wel beantwoord worden.`)}
<div class="field"><span><input type="checkbox" id="confirmNewAccess" name="confirmNewAccess" value="ja"> <label for="confirmNewAccess">Ik heb gezien dat deze versie nieuwe toegang geeft, en keur dat bewust goed</label></span></div>`
  : html`<p>Deze versie geeft geen nieuwe toegang.</p>`}
<div class="field"><label for="approve-note">Toelichting (optioneel)</label><input type="text" id="approve-note" name="note"></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Goedkeuren</button></fieldset></form>
<form method="post" action="${ctx.href(`/beleid/${d.id}/afwijzen`)}" data-guard-identity>${csrf}<fieldset><legend>Afwijzen</legend>
<div class="field"><label for="reject-note">Reden (verplicht)</label><input type="text" id="reject-note" name="note"></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Afwijzen</button></fieldset></form>`,
    });
  }

  // Rollback: a new draft copying a superseded version (POST /v1/policies/{version}/rollback).
  r.post('/beleid/:version/terugdraaien', async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const note = (body(req)['note'] ?? '').trim();
    let created: { id: number };
    try {
      created = await policies.rollback(ctx.principal(req), v(req), note ? { note } : {}, ctx.traceId(res));
    } catch (err) {
      if (!(err instanceof AppError) || !['validation', 'conflict', 'forbidden'].includes(err.code)) throw err;
      await detail(req, res, errorMessage(err, { '/note': 'Toelichting' }), err.status);
      return;
    }
    res.redirect(303, ctx.href(`/beleid/${created.id}`));
  });

  r.get('/beleid/:version/beoordelen', async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    await review(req, res);
  });
  for (const [path, run, notice] of [
    ['/goedkeuren', (req: Request, res: Response) => policies.approve(ctx.principal(req), v(req), { previewId: body(req)['previewId'], confirmNewAccess: body(req)['confirmNewAccess'] === 'ja', ...(body(req)['note'] ? { note: body(req)['note'] } : {}) }, ctx.traceId(res)), 'Goedgekeurd. Activeer de versie om haar te laten gelden.'],
    ['/afwijzen', (req: Request, res: Response) => policies.reject(ctx.principal(req), v(req), { note: body(req)['note'] ?? '' }, ctx.traceId(res)), 'Afgewezen.'],
  ] as const) {
    r.post(`/beleid/:version${path}`, async (req, res) => {
      requireAbility(ctx, req, 'managePolicies');
      try {
        await run(req, res);
      } catch (err) {
        if (!(err instanceof AppError) || !['validation', 'conflict', 'forbidden'].includes(err.code)) throw err;
        await review(req, res, errorMessage(err), err.status);
        return;
      }
      await detail(req, res, undefined, 200, notice);
    });
  }

  r.get('/beleid/:version/simulator', async (req, res) => {
    requireAbility(ctx, req, 'readPolicy');
    const q = req.query as Record<string, string | undefined>;
    const asked = Boolean(q['role'] && q['doel'] && q['partner'] && q['category']);
    const sel = (n: string, label: string, values: readonly string[]): Html => html`<div class="field"><label for="s-${n}">${label}</label>${select(n, `s-${n}`, values, q[n] ?? values[0] ?? '', label)}</div>`;
    let outcome: Html = html``;
    if (asked) {
      const e = await policies.simulate(ctx.principal(req), v(req), { role: q['role'], doel: q['doel'], partner: q['partner'], category: q['category'], action: q['action'] ?? 'bevragen' });
      outcome = html`<section aria-labelledby="sim-result" data-decision="${e.decision}"><h2 id="sim-result">Uitkomst: ${e.decision === 'allow' ? 'toegestaan' : 'niet toegestaan'}</h2>
${e.rule ? html`<p>Beslist door regel <strong>${e.rule.rule}</strong> (${e.rule.effect}), grondslag: ${e.rule.grondslag}.</p>` : html`<p>Geen regel past: standaard niet toegestaan.</p>`}
${e.nearest
  ? html`<p>Dichtstbijzijnde regel die wel toestaat: <strong>${e.nearest.rule.id}</strong> (${e.nearest.score} van de 5 velden passen: ${e.nearest.matched.join(', ')}).</p>
<ul data-nearest>${e.nearest.mismatched.map((m) => html`<li>${m.field}: de regel vraagt "${m.expected}", de vraag heeft "${m.actual}". <span lang="en" class="hint">${m.reason}</span></li>`)}</ul>`
  : ''}</section>`;
    }
    ctx.render(req, res, {
      title: `Wat-als-simulator, versie ${v(req)}`,
      current: '/beleid',
      body: html`<p>Kies een vraag; de simulator zegt wat deze versie zou beslissen, en waarom. Simuleren wordt niet gelogd: er is geen persoon bij betrokken.</p>
<form method="get" action="${ctx.href(`/beleid/${v(req)}/simulator`)}"><div class="form-grid">
${sel('role', 'Rol', p.roles.map((x) => x.id))}${sel('doel', 'Doel', p.doelen.map((x) => x.id))}${sel('partner', 'Partner', p.partners.map((x) => x.id))}${sel('category', 'Categorie', categories)}${sel('action', 'Handeling', ACTIONS)}
</div><button type="submit" class="utrecht-button utrecht-button--primary-action">Simuleren</button></form>
${outcome}
<p><a href="${ctx.href(`/beleid/${v(req)}`)}">Terug naar versie ${v(req)}</a></p>`,
    });
  });
}
