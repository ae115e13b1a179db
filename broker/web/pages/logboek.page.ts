/**
 * The jurist's logboek: every disclosure, newest first, filtered by period, partner, role,
 * doel, grondslag, outcome and casus, in pages that say how many match in total and whether more
 * follow (never silently cut off), paged forwards and back. Who asked is shown by name. The
 * disclosure service checks the role and logs the read.
 */
import type { Request, Router } from 'express';
import type { DisclosurePage, DisclosureService } from '../../disclosures/disclosure.service.js';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert } from '../layout.js';
import { errorMessage, requireAbility, type WebContext } from '../web-context.js';
import { isDate, startOfDay, startOfNextDay } from '../amsterdam-date.js';
import { ANSWER_LABEL } from './screening.page.js';
import { decisionWords } from './policy-texts.js';

export const PAGE_SIZE = 50;

/** The form's filter names (Dutch, in the URL) and the service's. */
const FILTERS = ['van', 'tot', 'partner', 'rol', 'doel', 'grondslag', 'uitkomst', 'casus'] as const;
type FilterValues = Partial<Record<(typeof FILTERS)[number], string>>;

export function filterValues(req: Request): FilterValues {
  const v: FilterValues = {};
  for (const f of FILTERS) {
    const x = req.query[f];
    if (typeof x === 'string' && x.trim() !== '') v[f] = x.trim();
  }
  return v;
}

/** The disclosure service's query from the form's values; a bad date is a validation error naming the field. */
export function serviceQuery(v: FilterValues, extra: Record<string, unknown> = {}): Record<string, unknown> {
  for (const f of ['van', 'tot'] as const) {
    if (v[f] !== undefined && !isDate(v[f])) throw new AppError('validation', `${f} must be a date`, [{ pointer: `/${f}`, code: 'invalid-format', detail: 'is not a date (jjjj-mm-dd)' }]);
  }
  return {
    ...(v.van ? { from: startOfDay(v.van) } : {}),
    ...(v.tot ? { to: startOfNextDay(v.tot) } : {}),
    ...(v.partner ? { partner: v.partner } : {}),
    ...(v.rol ? { role: v.rol } : {}),
    ...(v.doel ? { doel: v.doel } : {}),
    ...(v.grondslag ? { grondslag: v.grondslag } : {}),
    ...(v.uitkomst ? { outcome: v.uitkomst } : {}),
    ...(v.casus ? { caseRef: v.casus } : {}),
    ...extra,
  };
}

export function queryString(v: FilterValues, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams({ ...(v as Record<string, string>), ...extra });
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function logboekPages(r: Router, ctx: WebContext, deps: { disclosures: DisclosureService; names: (ids: readonly string[]) => Promise<ReadonlyMap<string, string>> }): void {
  // A long name up to its first colon or bracket, so that the list reads whole at 200% zoom (WCAG 1.4.10).
  const shortName = (n: string): string => (n.length > 48 ? n.split(/\s*[:(]/)[0]!.trim() || n : n);
  const select = (name: string, label: string, options: ReadonlyArray<{ id: string; name: string }>, value: string | undefined): Html =>
    html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">
      <option value="">Alle</option>
      ${options.map((o) => html`<option value="${o.id}"${o.id === value ? html` selected` : ''}>${shortName(o.name)}</option>`)}
    </select></div>`;

  r.get('/logboek', async (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const v = filterValues(req);
    const cursor = typeof req.query['na'] === 'string' ? req.query['na'] : undefined;
    const after = typeof req.query['voor'] === 'string' && !cursor ? req.query['voor'] : undefined;
    let result: DisclosurePage | undefined;
    let problem: Html | undefined;
    try {
      result = await deps.disclosures.list(ctx.principal(req), serviceQuery(v, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}), ...(after ? { after } : {}) }), ctx.traceId(res));
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'identity-detected')) throw err;
      problem = errorMessage(err, { '/van': 'Van (datum)', '/tot': 'Tot en met (datum)', '/caseRef': 'Casusnummer', '/grondslag': 'Grondslag', '/cursor': 'Pagina', '/after': 'Pagina' });
    }
    const p = ctx.platform;
    const name = (list: ReadonlyArray<{ id: string; name: string }>, id: string): string => list.find((x) => x.id === id)?.name ?? id;
    const filters = html`<form method="get" action="${ctx.href(`/logboek`)}" class="filters" data-guard-identity>
<fieldset><legend>Filters</legend>
<div class="form-grid">
  <div class="field"><label for="f-van">Van (datum)</label><input type="date" id="f-van" name="van" value="${v.van ?? ''}"></div>
  <div class="field"><label for="f-tot">Tot en met (datum)</label><input type="date" id="f-tot" name="tot" value="${v.tot ?? ''}"></div>
  ${select('partner', 'Partner', p.partners, v.partner)}
  ${select('rol', 'Rol van de vrager', p.roles, v.rol)}
  ${select('doel', 'Doel', p.doelen, v.doel)}
  ${select('uitkomst', 'Uitkomst', (['hit', 'no-hit', 'not-permitted'] as const).map((o) => ({ id: o, name: ANSWER_LABEL[o] })), v.uitkomst)}
  <div class="field"><label for="f-casus">Casusnummer</label><input type="text" id="f-casus" name="casus" value="${v.casus ?? ''}" autocomplete="off"></div>
  <div class="field"><label for="f-grondslag">Grondslag (precies)</label><input type="text" id="f-grondslag" name="grondslag" value="${v.grondslag ?? ''}" autocomplete="off"></div>
</div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Filteren</button> <a href="${ctx.href(`/logboek`)}">Filters wissen</a>
</fieldset></form>`;
    const rows = result?.items ?? [];
    const names = await deps.names(rows.map((d) => d.user));
    const pager = (where: string): Html | '' => result
      ? html`<nav class="pager" aria-label="Pagina's (${where})">
  <p data-page-count="${rows.length}" data-total="${result.total}">${rows.length === 0 ? 'Geen regels gevonden met deze filters.' : `${rows.length} ${rows.length === 1 ? 'regel' : 'regels'} op deze pagina, van ${result.total} in totaal.`} ${result.nextCursor ? 'Er volgen meer regels.' : rows.length > 0 ? 'Dit is de laatste pagina.' : ''}</p>
  ${result.prevCursor ? html`<a href="${ctx.href(`/logboek${queryString(v)}`)}">Eerste pagina</a> <a href="${ctx.href(`/logboek${queryString(v, { voor: result.prevCursor })}`)}" rel="prev">Vorige pagina</a>` : ''}
  ${result.nextCursor ? html`<a href="${ctx.href(`/logboek${queryString(v, { na: result.nextCursor })}`)}" rel="next">Volgende pagina</a>` : ''}
</nav>`
      : '';
    const table = rows.length
      ? html`<div class="table-wrap"><table class="utrecht-table stack">
<caption>Bevragingen, nieuwste eerst</caption>
<thead><tr><th scope="col">Tijd</th><th scope="col">Vrager</th><th scope="col">Partner</th><th scope="col">Doel</th><th scope="col">Casus</th><th scope="col">Uitkomst</th><th scope="col">Grondslag</th><th scope="col">Logboekregel</th></tr></thead>
<tbody>
${rows.map(
  (d) => html`<tr>
  <td data-label="Tijd">${formatDateTime(d.loggedAt)}</td>
  <td data-label="Vrager">${names.get(d.user) ?? 'een gebruiker die niet meer in het register staat'}<br><span class="hint">${name(p.roles, d.role)}, ${name(p.organisations, d.organisation)}</span></td>
  <td data-label="Partner">${name(p.partners, d.partner)}</td>
  <td data-label="Doel">${name(p.doelen, d.doel)}</td>
  <td data-label="Casus"><a href="${ctx.href(`/logboek${queryString({ casus: d.caseRef })}`)}">${d.caseRef}</a></td>
  <td data-label="Uitkomst"><span class="answer answer-${d.outcome}">${ANSWER_LABEL[d.outcome]}</span>${d.consent ? html`<br><span class="hint">met toestemming</span>` : ''}</td>
  <td data-label="Grondslag">${d.rules.length ? html`<ul>${d.rules.map((x) => html`<li><a href="${ctx.href(`/logboek${queryString({ grondslag: x.grondslag })}`)}">${x.grondslag}</a><br><span class="hint">${decisionWords(x.effect, x.rule)} van beleidsversie ${d.policyVersion}</span></li>`)}</ul>` : 'geen: zonder regel is bevragen niet toegestaan'}</td>
  <td data-label="Logboekregel">${d.seq !== null ? html`<a href="${ctx.href(`/logboek/regel/${d.seq}`)}">Nummer ${d.seq} bekijken</a>` : html`<span class="hint">nog niet verzegeld</span>`}</td>
</tr>`,
)}
</tbody></table></div>`
      : '';
    ctx.render(req, res, {
      title: 'Logboek',
      current: '/logboek',
      scripts: ['pseudonymise'],
      status: problem ? 422 : 200,
      body: html`<p>Elke bevraging, ook "niet toegestaan", staat hier. Uw raadpleging wordt zelf ook gelogd.</p>
${filters}${problem ? alert('error', problem) : ''}${pager('boven')}${table}${rows.length > 10 ? pager('onder') : ''}
<p><a href="${ctx.href(`/logboek/export${queryString(v)}`)}">Deze selectie exporteren</a></p>`,
    });
  });
}
