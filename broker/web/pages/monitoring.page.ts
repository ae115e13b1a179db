/**
 * Monitoring for the partneroverleg: aggregates per calendar month, quarter or year as tables
 * with charts beside them (Chart.js, client/monitoring-chart.ts, drawn from the tables), and the
 * trend over the last months and quarters. Small cells arrive suppressed from the monitoring
 * service and are shown as "< 5", never as a number.
 */
import type { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { html, type Html } from '../html.js';
import { alert } from '../layout.js';
import { errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { MonitoringPort, MonitoringView } from '../web-ports.js';
import { CASE_STATUS, CLOSE_OUTCOME, ROUTE_IN_OTHER, VERZOEK_TYPE } from '../dutch-labels.js';
import { lastPeriodsOver, periodById, type CalendarPeriod } from '../../monitoring/calendar-period-fns.js';
import { ANSWER_LABEL } from './screening.page.js';

const TITLES: Record<string, string> = {
  'cases-by-status': 'Casussen naar status (aan het eind van de periode)',
  'cases-by-route-in': 'Casussen naar aanmelder',
  'screening-results-by-partner': 'Screeningsuitkomsten per partner',
  'closed-cases-by-outcome': 'Afgesloten casussen naar uitkomst',
  'days-aanmelding-to-bespreking': 'Dagen van aanmelding tot bespreking',
  'verzoeken-by-type': 'Verzoeken van betrokkenen naar soort en termijn',
  'cases-by-aanmeldcriterium': 'Casussen naar aanmeldcriterium (een casus kan er meer hebben)',
  'cases-by-regiehouder': 'Casussen naar regiehouder (aan het eind van de periode)',
  'youths-by-age-band': 'Jongeren naar leeftijd bij aanmelding',
  'days-aanmelding-to-afsluiting': 'Dagen van aanmelding tot afsluiting',
  'days-bespreking-to-afsluiting': 'Dagen van bespreking tot afsluiting',
  'vervolgacties-by-timeliness': 'Vervolgacties met een einddatum in de periode',
  'invitations-by-ground': 'Uitnodigingen voor het casusoverleg naar reden (een hit gaat voor)',
};

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/** A period in Dutch: "november 2026", "4e kwartaal 2026", "2026". */
export function periodName(p: Pick<CalendarPeriod, 'kind' | 'id'>): string {
  if (p.kind === 'month') return `${MONTHS[Number(p.id.slice(5, 7)) - 1]} ${p.id.slice(0, 4)}`;
  if (p.kind === 'quarter') return `${p.id.slice(6)}e kwartaal ${p.id.slice(0, 4)}`;
  return `jaar ${p.id}`;
}

const DIMENSION: Record<string, string> = {
  status: 'Status', routeIn: 'Aangemeld door', partner: 'Partner', outcome: 'Uitkomst', bucket: 'Duur', type: 'Soort verzoek', timeliness: 'Termijn',
  aanmeldcriterium: 'Aanmeldcriterium', regiehouder: 'Regiehouder', ageBand: 'Leeftijd', ground: 'Uitgenodigd omdat',
};
const TIMELINESS: Record<string, string> = { 'on-time': 'Op tijd', late: 'Te laat', open: 'Open, binnen de termijn' };
const INVITATION_CATEGORY: Record<string, string> = {
  hit: 'De partner kent de jongere (hit)',
  'aanmelder-of-regiehouder': 'Aanmelder of regiehouder, zonder hit',
  toegevoegd: 'Toegevoegd door de voorzitter',
};

export function monitoringPages(r: Router, ctx: WebContext, deps: { monitoring: MonitoringPort; now: () => Date }): void {
  const label = (dim: string, value: string): string => {
    switch (dim) {
      case 'status': return CASE_STATUS[value] ?? value;
      case 'outcome': return ANSWER_LABEL[value as 'hit'] ?? CLOSE_OUTCOME[value] ?? value;
      case 'partner': return ctx.platform.partners.find((p) => p.id === value)?.name ?? value;
      case 'routeIn': return ROUTE_IN_OTHER[value] ?? ctx.platform.partners.find((p) => p.id === value)?.name ?? value;
      case 'bucket': return `${value} dagen`;
      case 'type': return VERZOEK_TYPE[value] ?? value;
      case 'timeliness': return TIMELINESS[value] ?? value;
      case 'ground': return INVITATION_CATEGORY[value] ?? value;
      case 'aanmeldcriterium': return ctx.platform.aanmeldcriteria.find((c) => c.id === value)?.name ?? value;
      case 'regiehouder': return value === 'geen' ? 'Nog geen regiehouder' : ctx.platform.partners.find((p) => p.id === value)?.name ?? value;
      case 'ageBand': return value === 'onbekend' ? 'Niet vastgelegd' : `${value.replace('-', ' tot en met ').replace('+', ' of ouder')} jaar`;
      default: return value;
    }
  };

  /** A chart beside a table, drawn from it; none when every cell is withheld (it would be an empty frame). */
  const chart = (id: string, title: string, cells: ReadonlyArray<{ count: number | null }>): Html =>
    cells.some((c) => c.count !== null)
      ? html`<canvas data-chart-table="${id}" role="img" aria-label="Grafiek bij de tabel ${title}; de tabel bevat dezelfde cijfers."></canvas>`
      : html`<p class="hint">Geen grafiek: elk aantal in deze tabel is te klein om te tonen.</p>`;

  function table(t: MonitoringView['tables'][number], threshold: number): Html {
    const id = `t-${t.id}`;
    const cellText = (c: { count: number | null; suppressed?: boolean } | undefined): Html =>
      !c ? html`<td>0</td>` : c.suppressed || c.count === null ? html`<td data-suppressed>&lt; ${threshold}</td>` : html`<td data-value="${c.count}">${c.count}</td>`;
    if (t.dimensions.length === 1) {
      const d = t.dimensions[0]!;
      return html`<div class="table-wrap"><table class="utrecht-table" id="${id}"><caption>${TITLES[t.id] ?? t.id}</caption>
<thead><tr><th scope="col">${DIMENSION[d] ?? d}</th><th scope="col">Aantal</th></tr></thead>
<tbody>${t.cells.map((c) => html`<tr><th scope="row">${label(d, c.key[d]!)}</th>${cellText(c)}</tr>`)}</tbody>
<tfoot><tr><th scope="row">Totaal</th>${cellText(t.total)}</tr></tfoot></table></div>
${chart(id, TITLES[t.id] ?? t.id, t.cells)}`;
    }
    const [rowDim, colDim] = t.dimensions as [string, string];
    const rows = [...new Set(t.cells.map((c) => c.key[rowDim]!))];
    const cols = [...new Set(t.cells.map((c) => c.key[colDim]!))];
    const at = (row: string, col: string) => t.cells.find((c) => c.key[rowDim] === row && c.key[colDim] === col);
    return html`<div class="table-wrap"><table class="utrecht-table" id="${id}"><caption>${TITLES[t.id] ?? t.id}</caption>
<thead><tr><th scope="col">${DIMENSION[rowDim] ?? rowDim}</th>${cols.map((c) => html`<th scope="col">${label(colDim, c)}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr><th scope="row">${label(rowDim, row)}</th>${cols.map((col) => cellText(at(row, col)))}</tr>`)}</tbody></table></div>
${chart(id, TITLES[t.id] ?? t.id, t.cells)}`;
  }

  const shareText = (x: number | null): string => (x === null ? 'niet te tonen (te weinig)' : `${Math.round(x * 100)}%`);
  const daysText = (x: number | null): string => (x === null ? 'niet te tonen (te weinig)' : `${x} dagen`);

  /** The trend: one row per period, its totals (withheld as in the period's own report). */
  function trendTable(id: string, caption: string, reports: readonly MonitoringView[], threshold: number): Html {
    const total = (rep: MonitoringView, table: string) => rep.tables.find((t) => t.id === table)?.total;
    const cell = (c: { count: number | null } | undefined): Html =>
      !c || c.count === null ? html`<td data-suppressed>&lt; ${threshold}</td>` : html`<td data-value="${c.count}">${c.count}</td>`;
    return html`<div class="table-wrap"><table class="utrecht-table" id="${id}"><caption>${caption}</caption>
<thead><tr><th scope="col">Periode</th><th scope="col">Aangemeld</th><th scope="col">Jongeren</th><th scope="col">Afgesloten</th><th scope="col">Vervolgacties met einddatum</th><th scope="col">Uitnodigingen</th></tr></thead>
<tbody>${reports.map((rep) => html`<tr><th scope="row">${periodName(rep.period)}</th>${cell(total(rep, 'cases-by-status'))}${cell(total(rep, 'youths-by-age-band'))}${cell(total(rep, 'closed-cases-by-outcome'))}${cell(total(rep, 'vervolgacties-by-timeliness'))}${cell(total(rep, 'invitations-by-ground'))}</tr>`)}</tbody></table></div>
${chart(id, caption, reports.flatMap((rep) => ['cases-by-status', 'youths-by-age-band', 'closed-cases-by-outcome', 'vervolgacties-by-timeliness', 'invitations-by-ground'].map((x) => total(rep, x) ?? { count: null })))}`;
  }

  r.get('/monitoring', async (req, res) => {
    requireAbility(ctx, req, 'monitoring');
    const today = deps.now().toISOString().slice(0, 10);
    const choices = [...lastPeriodsOver(today, 'month', 12), ...lastPeriodsOver(today, 'quarter', 8), ...lastPeriodsOver(today, 'year', 3)];
    const askedId = typeof req.query['periode'] === 'string' ? req.query['periode'] : undefined;
    const asked = askedId === undefined ? null : periodById(askedId);
    const period = asked ?? lastPeriodsOver(today, 'quarter', 1)[0]!;
    if (asked && !choices.some((c) => c.id === asked.id)) choices.unshift(asked);
    let report: MonitoringView | undefined;
    let months: MonitoringView[] = [];
    let quarters: MonitoringView[] = [];
    let problem: Html | undefined =
      askedId !== undefined && !asked ? html`<p>Dit kan zo niet.</p><ul><li>Periode: kies een maand, kwartaal of jaar uit de lijst.</li></ul>` : undefined;
    if (!problem) try {
      report = await deps.monitoring.report(ctx.principal(req), { from: period.from, to: period.to }, ctx.traceId(res));
      const last = choices[0]!.to;
      months = (await deps.monitoring.trend(ctx.principal(req), { from: lastPeriodsOver(today, 'month', 12).at(-1)!.from, to: last, per: 'month' }, ctx.traceId(res))).periods;
      quarters = (await deps.monitoring.trend(ctx.principal(req), { from: lastPeriodsOver(today, 'quarter', 8).at(-1)!.from, to: last, per: 'quarter' }, ctx.traceId(res))).periods;
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      problem = errorMessage(err, { '/from': 'Periode', '/to': 'Periode' });
    }
    const threshold = report?.threshold ?? 5;
    ctx.render(req, res, {
      title: 'Monitoring voor het partneroverleg',
      current: '/monitoring',
      status: problem ? 422 : 200,
      scripts: report ? ['monitoring-chart'] : [],
      body: html`<p>Alleen totalen, nooit een jongere. Cellen met minder dan ${threshold} worden niet getoond, en ook geen cellen waaruit zo'n aantal terug te rekenen is: niet uit de totalen, niet uit een andere indeling en niet uit de maanden of kwartalen waaruit een periode bestaat. Daarom zijn de perioden hele maanden, kwartalen en jaren die voorbij zijn.</p>
<form method="get" action="${ctx.href(`/monitoring`)}"><div class="form-grid">
<div class="field"><label for="m-periode">Periode</label><select id="m-periode" name="periode">${choices.map((c) => html`<option value="${c.id}"${c.id === period.id ? ' selected' : ''}>${periodName(c)}</option>`)}</select></div>
</div><button type="submit" class="utrecht-button utrecht-button--primary-action">Tonen</button></form>
${problem ? alert('error', problem) : ''}
${report
  ? html`<h2>${periodName(report.period)}</h2>
<ul>
<li>Mediaan van aanmelding tot bespreking: ${daysText(report.medianDaysAanmeldingToBespreking)}.</li>
<li>Mediaan van aanmelding tot afsluiting: ${daysText(report.medianDaysAanmeldingToAfsluiting)}.</li>
<li>Vervolgacties op tijd gedaan: <span data-vervolg-on-time-share>${shareText(report.vervolgactiesOnTimeShare)}</span>.</li>
<li>Verzoeken van betrokkenen op tijd beantwoord: <span data-on-time-share>${shareText(report.verzoekenOnTimeShare)}</span>.</li>
</ul>
${report.tables.map((t) => html`<section class="monitoring-table">${table(t, report!.threshold)}</section>`)}
<h2>Verloop</h2>
<section class="monitoring-table">${trendTable('t-trend-maand', 'Per maand, de laatste twaalf maanden', months, threshold)}</section>
<section class="monitoring-table">${trendTable('t-trend-kwartaal', 'Per kwartaal, de laatste acht kwartalen', quarters, threshold)}</section>`
  : ''}`,
    });
  });
}
