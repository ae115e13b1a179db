/**
 * Inzage (AVG art. 15) for a privacy officer or jurist: the subject's identity is typed and
 * pseudonymised in the browser (client/pseudonymise.ts); only the pseudonym reaches the
 * broker. The rights service produces the complete report and logs that it did, for the page
 * and for the PDF alike.
 *
 * During a key rotation's overlap the browser sends the pseudonym under every active epoch, and
 * the report covers them all (identity-fields.ts, subjectOfField).
 *
 * The PDF is a POST (with the CSRF token) of the pseudonym the browser made, from a hidden
 * field of the report page: never the identity, and never a pseudonym in a URL, where it would
 * end up in access logs and the browser's history. Each PDF is a report of its own: checked
 * and logged again, exactly as `POST /v1/inzage` with `Accept: application/pdf`.
 */
import type { Request, Router } from 'express';
import { renderInzagePdf } from '../../rights/inzage-pdf.js';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import type { InzageView, RightsPort } from '../web-ports.js';
import { identityFields, keysAttribute, subjectOfField } from './identity-fields.js';
import { ANSWER_LABEL } from './screening.page.js';
import { BEZWAAR_DECISION, NOTIFICATION_STATE } from '../dutch-labels.js';

/** The doel under which people with the `rights` capability have identities pseudonymised (docs/casus.md). */
export const RIGHTS_DOEL = 'jpp-rechten-betrokkenen';

export function inzagePages(r: Router, ctx: WebContext, deps: { rights: RightsPort; custodian: WebCustodian | undefined }): void {
  const name = (list: ReadonlyArray<{ id: string; name: string }>, id: string): string => list.find((x) => x.id === id)?.name ?? id;

  const form = async (req: Request, problem?: Html): Promise<Html> => {
    if (!deps.custodian) return alert('warning', 'Pseudonimiseren in de browser is niet ingesteld (JPP_CUSTODIAN_URL).');
    const keys = await deps.custodian.keys();
    return html`${problem ? alert('error', problem) : ''}
<form method="post" action="${ctx.href(`/inzage`)}" data-pseudonymise data-doel="${RIGHTS_DOEL}" ${keysAttribute(keys)} novalidate>
  ${csrfField(ctx.csrf(req))}
  ${identityFields()}
  <p class="hint" data-pseudonymise-status aria-live="polite"></p>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Inzagerapport maken</button>
</form>`;
  };

  r.get('/inzage', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    ctx.render(req, res, {
      title: 'Inzageverzoek (AVG art. 15)',
      current: '/inzage',
      scripts: ['pseudonymise'],
      body: html`<p>Een overzicht van elke bevraging over één jongere: wanneer, aan welke rol en organisatie, voor welk doel en op welke grondslag. Het maken van het rapport wordt gelogd.</p>${await form(req)}`,
    });
  });

  /** The report for the posted pseudonym, or undefined after rendering the form with the refusal. */
  const reportFor = async (req: Request, res: Parameters<WebContext['traceId']>[0]): Promise<{ report: InzageView; subject: string } | undefined> => {
    const field = (req.body as Record<string, unknown> | undefined)?.['subject'];
    const subject = subjectOfField(field);
    try {
      if (subject === undefined) throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', [{ pointer: '/subject', code: 'not-pseudonymised', detail: 'is missing' }]);
      return { report: await deps.rights.inzage(ctx.principal(req), { subject }, ctx.traceId(res)), subject: String(field) };
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      ctx.render(req, res, { title: 'Inzageverzoek (AVG art. 15)', current: '/inzage', scripts: ['pseudonymise'], status: err.status, body: await form(req, errorMessage(err, { '/subject': 'Identiteit van de jongere' })) });
      return undefined;
    }
  };

  r.post('/inzage/pdf', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    const made = await reportFor(req, res);
    if (!made) return;
    const pdf = await renderInzagePdf(made.report, ctx.platform.name);
    res
      .status(200)
      .type('application/pdf')
      .set('content-disposition', `attachment; filename="inzage-${made.report.reportId}.pdf"`)
      .send(pdf);
  });

  // The jurist's JSON export: the same report as POST /v1/inzage answers (made and logged again).
  r.post('/inzage/json', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    const made = await reportFor(req, res);
    if (!made) return;
    res
      .status(200)
      .type('application/json')
      .set('content-disposition', `attachment; filename="inzage-${made.report.reportId}.json"`)
      .set('cache-control', 'no-store')
      .send(JSON.stringify(made.report, null, 2));
  });

  r.post('/inzage', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    const made = await reportFor(req, res);
    if (!made) return;
    const { report, subject } = made;
    ctx.render(req, res, {
      title: 'Inzagerapport',
      current: '/inzage',
      body: html`<dl class="facts"><dt>Rapport</dt><dd class="mono">${report.reportId}</dd><dt>Gemaakt</dt><dd>${formatDateTime(report.generatedAt)} door de ${report.generatedByName}</dd>
<dt>Volledig</dt><dd data-complete="${report.complete ? 'ja' : 'nee'}">${report.complete ? 'ja' : 'nee'}; ${report.total} ${report.total === 1 ? 'bevraging' : 'bevragingen'}</dd>
<dt>Nageteld</dt><dd data-completeness data-listed="${report.completeness.listed}" data-counted="${report.completeness.counted}">${report.completeness.complete
  ? `${report.completeness.listed} onderdelen in het overzicht; apart nageteld ook ${report.completeness.counted}`
  : html`<strong>${report.completeness.listed} onderdelen in het overzicht, maar apart nageteld ${report.completeness.counted}</strong>: maak het rapport opnieuw`}</dd></dl>
<section aria-labelledby="overzicht-title" data-inzage-overzicht><h2 id="overzicht-title">Alles wat over de jongere is vastgelegd</h2>
<p>Zo staat het ook in de PDF voor de jongere of de ouders: in gewone taal, in Nederlandse tijd.</p>
${report.sections.map(
  (x) => html`<section aria-labelledby="bron-${x.source}" data-inzage-section="${x.source}" data-listed="${x.listed}" data-counted="${x.counted}"><h3 id="bron-${x.source}">${x.title} (${x.listed})</h3>
${x.items.length === 0 ? html`<p>${x.empty}</p>` : html`<ol>${x.items.map((i) => html`<li>${i.text}</li>`)}</ol>`}</section>`,
)}
</section>
<h2>Details voor de jurist</h2>
${report.total === 0
  ? html`<p>Er is geen bevraging over deze jongere gelogd.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-inzage><caption>Elke bevraging, oudste eerst</caption>
<thead><tr><th scope="col">Wanneer</th><th scope="col">Partner</th><th scope="col">Uitkomst</th><th scope="col">Aan (rol, organisatie)</th><th scope="col">Doel</th><th scope="col">Grondslag</th><th scope="col">Casus</th></tr></thead>
<tbody>${report.disclosures.map(
  (d) => html`<tr><td>${formatDateTime(d.loggedAt)}</td><td>${name(ctx.platform.partners, d.partner)}</td><td>${ANSWER_LABEL[d.outcome as 'hit'] ?? d.outcome}</td>
  <td>${name(ctx.platform.roles, d.toRole)}, ${name(ctx.platform.organisations, d.toOrganisation)}</td><td>${name(ctx.platform.doelen, d.doel)}</td>
  <td>${d.grondslagen.length ? html`<ul>${d.grondslagen.map((g) => html`<li>${g.grondslag} (${g.rule})</li>`)}</ul>` : '–'}</td><td>${d.caseRef ?? '–'}</td></tr>`,
)}</tbody></table></div>`}
${report.notifications.length > 0
  ? html`<div class="table-wrap"><table class="utrecht-table" data-inzage-notifications><caption>Notificatie: wanneer de jongere of de ouders zijn geïnformeerd, of waarom dat is uitgesteld</caption>
<thead><tr><th scope="col">Wanneer</th><th scope="col">Casus</th><th scope="col">Stand</th></tr></thead>
<tbody>${report.notifications.map((n) => html`<tr><td>${formatDateTime(n.at)}</td><td>${n.caseRef}</td><td>${NOTIFICATION_STATE[n.state] ?? n.state}</td></tr>`)}</tbody></table></div>`
  : html`<p>Er is geen notificatie over deze jongere vastgelegd.</p>`}
${report.bezwaren.length > 0
  ? html`<div class="table-wrap"><table class="utrecht-table" data-inzage-bezwaren><caption>Bezwaren (AVG art. 21)</caption>
<thead><tr><th scope="col">Kenmerk</th><th scope="col">Doelen</th><th scope="col">Beslissing</th><th scope="col">Vastgelegd</th><th scope="col">Stand</th></tr></thead>
<tbody>${report.bezwaren.map((b) => html`<tr><td class="mono">${b.bezwaarId}</td><td>${b.doelen.map((d) => name(ctx.platform.doelen, d)).join(', ')}</td><td>${BEZWAAR_DECISION[b.decision] ?? b.decision}</td><td>${formatDateTime(b.decidedAt)} door ${b.decidedBy}</td><td>${b.active ? 'blokkeert' : b.liftedAt ? `opgeheven op ${formatDateTime(b.liftedAt)}` : 'blokkeert niet'}</td></tr>`)}</tbody></table></div>`
  : html`<p>Er is geen bezwaar van deze jongere vastgelegd.</p>`}
<form method="post" action="${ctx.href(`/inzage/pdf`)}" data-inzage-pdf>${csrfField(ctx.csrf(req))}<input type="hidden" name="subject" value="${subject}">
<p>Het rapport als PDF, om aan de jongere of de ouders te geven. Uw browser stuurt daarvoor opnieuw alleen het pseudoniem; ook de PDF wordt gelogd.</p>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Rapport als PDF downloaden</button></form>
<form method="post" action="${ctx.href(`/inzage/json`)}" data-inzage-json>${csrfField(ctx.csrf(req))}<input type="hidden" name="subject" value="${subject}">
<p>Hetzelfde rapport als gegevensbestand (JSON) voor het dossier van de jurist; ook dit wordt gelogd.</p>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Rapport als gegevensbestand (JSON) downloaden</button></form>
<p><a href="${ctx.href(`/inzage`)}">Nieuw inzageverzoek</a></p>`,
    });
  });
}
