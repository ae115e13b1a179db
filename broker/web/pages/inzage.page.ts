/**
 * Inzage (AVG art. 15) for a privacy officer or jurist: the subject's identity is typed and
 * pseudonymised in the browser (client/pseudonymise.ts); only the pseudonym reaches the
 * broker. The rights service produces the complete report and logs that it did.
 */
import type { Request, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import type { InzageView, RightsPort } from '../web-ports.js';
import { identityFields } from './identity-fields.js';
import { ANSWER_LABEL } from './screening.page.js';

/** The doel under which people with the `rights` capability have identities pseudonymised (docs/casus.md). */
export const RIGHTS_DOEL = 'jpp-rechten-betrokkenen';

export function inzagePages(r: Router, ctx: WebContext, deps: { rights: RightsPort; custodian: WebCustodian | undefined }): void {
  const name = (list: ReadonlyArray<{ id: string; name: string }>, id: string): string => list.find((x) => x.id === id)?.name ?? id;

  const form = async (req: Request, problem?: Html): Promise<Html> => {
    if (!deps.custodian) return alert('warning', 'Pseudonimiseren in de browser is niet ingesteld (JPP_CUSTODIAN_URL).');
    const keys = await deps.custodian.keys();
    return html`${problem ? alert('error', problem) : ''}
<form method="post" action="${ctx.href(`/inzage`)}" data-pseudonymise data-doel="${RIGHTS_DOEL}" data-epoch="${keys.current}" data-public-key="${keys.epochs.find((e) => e.epoch === keys.current)!.publicKey}" novalidate>
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

  r.post('/inzage', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    const subject = (req.body as Record<string, string> | undefined)?.['subject'];
    let report: InzageView;
    try {
      if (!subject) throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', [{ pointer: '/subject', detail: 'is missing' }]);
      report = await deps.rights.inzage(ctx.principal(req), { subject }, ctx.traceId(res));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      ctx.render(req, res, { title: 'Inzageverzoek (AVG art. 15)', current: '/inzage', scripts: ['pseudonymise'], status: err.status, body: await form(req, errorMessage(err)) });
      return;
    }
    ctx.render(req, res, {
      title: 'Inzagerapport',
      current: '/inzage',
      body: html`<dl class="facts"><dt>Rapport</dt><dd class="mono">${report.reportId}</dd><dt>Gemaakt</dt><dd>${formatDateTime(report.generatedAt)} door ${report.generatedBy}</dd>
<dt>Volledig</dt><dd data-complete="${report.complete ? 'ja' : 'nee'}">${report.complete ? 'ja' : 'nee'}; ${report.total} ${report.total === 1 ? 'bevraging' : 'bevragingen'}</dd></dl>
${report.total === 0
  ? html`<p>Er is geen bevraging over deze jongere gelogd.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-inzage><caption>Elke bevraging, oudste eerst</caption>
<thead><tr><th scope="col">Wanneer</th><th scope="col">Partner</th><th scope="col">Uitkomst</th><th scope="col">Aan (rol, organisatie)</th><th scope="col">Doel</th><th scope="col">Grondslag</th><th scope="col">Casus</th></tr></thead>
<tbody>${report.disclosures.map(
  (d) => html`<tr><td>${formatDateTime(d.loggedAt)}</td><td>${name(ctx.platform.partners, d.partner)}</td><td>${ANSWER_LABEL[d.outcome as 'hit'] ?? d.outcome}</td>
  <td>${name(ctx.platform.roles, d.toRole)}, ${name(ctx.platform.organisations, d.toOrganisation)}</td><td>${name(ctx.platform.doelen, d.doel)}</td>
  <td>${d.grondslagen.length ? html`<ul>${d.grondslagen.map((g) => html`<li>${g.grondslag} (${g.rule})</li>`)}</ul>` : '–'}</td><td>${d.caseRef ?? '–'}</td></tr>`,
)}</tbody></table></div>`}
<p><a href="${ctx.href(`/inzage`)}">Nieuw inzageverzoek</a></p>`,
    });
  });
}
