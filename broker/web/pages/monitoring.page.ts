/**
 * Monitoring for the partneroverleg: aggregates per period as tables with charts beside
 * them (Chart.js, client/monitoring-chart.ts, drawn from the tables). Small cells arrive
 * suppressed from the monitoring service and are shown as "< 5", never as a number.
 */
import type { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { html, type Html } from '../html.js';
import { alert } from '../layout.js';
import { errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { MonitoringPort, MonitoringView } from '../web-ports.js';
import { isDate } from '../amsterdam-date.js';
import { CASE_STATUS, CLOSE_OUTCOME, ROUTE_IN_OTHER, VERZOEK_TYPE } from '../dutch-labels.js';
import { ANSWER_LABEL } from './screening.page.js';

const TITLES: Record<string, string> = {
  'cases-by-status': 'Casussen naar status (aan het eind van de periode)',
  'cases-by-route-in': 'Casussen naar aanmelder',
  'screening-results-by-partner': 'Screeningsuitkomsten per partner',
  'closed-cases-by-outcome': 'Afgesloten casussen naar uitkomst',
  'days-aanmelding-to-bespreking': 'Dagen van aanmelding tot bespreking',
  'verzoeken-by-type': 'Verzoeken van betrokkenen naar soort en termijn',
};

const DIMENSION: Record<string, string> = { status: 'Status', routeIn: 'Aangemeld door', partner: 'Partner', outcome: 'Uitkomst', bucket: 'Duur', type: 'Soort verzoek', timeliness: 'Termijn' };
const TIMELINESS: Record<string, string> = { 'on-time': 'Op tijd beantwoord', late: 'Te laat', open: 'Open, binnen de termijn' };

export function monitoringPages(r: Router, ctx: WebContext, deps: { monitoring: MonitoringPort }): void {
  const label = (dim: string, value: string): string => {
    switch (dim) {
      case 'status': return CASE_STATUS[value] ?? value;
      case 'outcome': return ANSWER_LABEL[value as 'hit'] ?? CLOSE_OUTCOME[value] ?? value;
      case 'partner': return ctx.platform.partners.find((p) => p.id === value)?.name ?? value;
      case 'routeIn': return ROUTE_IN_OTHER[value] ?? ctx.platform.partners.find((p) => p.id === value)?.name ?? value;
      case 'bucket': return `${value} dagen`;
      case 'type': return VERZOEK_TYPE[value] ?? value;
      case 'timeliness': return TIMELINESS[value] ?? value;
      default: return value;
    }
  };

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
<canvas data-chart-table="${id}" role="img" aria-label="Grafiek bij de tabel ${TITLES[t.id] ?? t.id}; de tabel bevat dezelfde cijfers."></canvas>`;
    }
    const [rowDim, colDim] = t.dimensions as [string, string];
    const rows = [...new Set(t.cells.map((c) => c.key[rowDim]!))];
    const cols = [...new Set(t.cells.map((c) => c.key[colDim]!))];
    const at = (row: string, col: string) => t.cells.find((c) => c.key[rowDim] === row && c.key[colDim] === col);
    return html`<div class="table-wrap"><table class="utrecht-table" id="${id}"><caption>${TITLES[t.id] ?? t.id}</caption>
<thead><tr><th scope="col">${DIMENSION[rowDim] ?? rowDim}</th>${cols.map((c) => html`<th scope="col">${label(colDim, c)}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr><th scope="row">${label(rowDim, row)}</th>${cols.map((col) => cellText(at(row, col)))}</tr>`)}</tbody></table></div>
<canvas data-chart-table="${id}" role="img" aria-label="Grafiek bij de tabel ${TITLES[t.id] ?? t.id}; de tabel bevat dezelfde cijfers."></canvas>`;
  }

  r.get('/monitoring', async (req, res) => {
    requireAbility(ctx, req, 'monitoring');
    const today = new Date().toISOString().slice(0, 10);
    const from = isDate(req.query['van']) ? req.query['van'] : `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
    const to = isDate(req.query['tot']) ? req.query['tot'] : new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    let report: MonitoringView | undefined;
    let problem: Html | undefined;
    try {
      report = await deps.monitoring.report(ctx.principal(req), { from, to }, ctx.traceId(res));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      problem = errorMessage(err);
    }
    ctx.render(req, res, {
      title: 'Monitoring voor het partneroverleg',
      current: '/monitoring',
      status: problem ? 422 : 200,
      scripts: report ? ['monitoring-chart'] : [],
      body: html`<p>Alleen totalen, nooit een jongere. Cellen met minder dan ${report?.threshold ?? 5} worden niet getoond, en ook geen cellen waaruit zo'n aantal terug te rekenen is.</p>
<form method="get" action="${ctx.href(`/monitoring`)}"><div class="form-grid">
<div class="field"><label for="m-van">Van</label><input type="date" id="m-van" name="van" value="${from}"></div>
<div class="field"><label for="m-tot">Tot en met</label><input type="date" id="m-tot" name="tot" value="${to}"></div>
</div><button type="submit" class="utrecht-button utrecht-button--primary-action">Tonen</button></form>
${problem ? alert('error', problem) : ''}
${report
  ? html`<p>Periode ${report.period.from} tot en met ${report.period.to}. Mediaan van aanmelding tot bespreking: ${report.medianDaysAanmeldingToBespreking ?? 'niet te tonen'}${report.medianDaysAanmeldingToBespreking !== null ? ' dagen' : ''}. Verzoeken van betrokkenen op tijd beantwoord: <span data-on-time-share>${report.verzoekenOnTimeShare === null ? 'niet te tonen (te weinig)' : `${Math.round(report.verzoekenOnTimeShare * 100)}%`}</span>.</p>
${report.tables.map((t) => html`<section class="monitoring-table">${table(t, report!.threshold)}</section>`)}`
  : ''}`,
    });
  });
}
