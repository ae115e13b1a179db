/**
 * Tasks from verzoeken van betrokkenen (issue 19 item 3), in Dutch:
 * - for the jurist, on a verzoek's page: to which partners it was forwarded, with their own
 *   signal kenmerken, and each partner's answer (gecorrigeerd, ingetrokken, geweigerd met reden);
 * - for the people of a partner organisation (`/verzoektaken`): the tasks of their partner(s),
 *   with the type, the termijn and their own kenmerken only, and how to answer (the adapter,
 *   which holds the partner's records: `jpp-adapter verzoektaken`).
 * The rights service reads and checks; these pages show. Never a subject or another partner's data.
 */
import type { Router } from 'express';
import { formatDate, formatDateTime, html, type Html } from '../html.js';
import type { WebContext } from '../web-context.js';
import type { RightsPort } from '../web-ports.js';
import type { PartnerTaakView, TaakView } from '../../rights/rights.service.js';
import { VERZOEK_TYPE } from '../dutch-labels.js';

export const TAAK_STATUS: Record<string, string> = {
  open: 'Wacht op antwoord van de partner',
  corrected: 'Gecorrigeerd door de partner',
  withdrawn: 'Ingetrokken en gewist; de partner stuurt ze niet opnieuw',
  refused: 'Geweigerd door de partner',
};

/** The tasks of one verzoek, for the jurist's page of that verzoek. */
export function takenSection(taken: readonly TaakView[]): Html {
  return html`<section aria-labelledby="taken-title"><h2 id="taken-title">Doorgestuurd naar partners</h2>
${taken.length === 0
  ? html`<p data-no-taken>Dit verzoek is nog niet naar een partner doorgestuurd.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-list="taken"><caption>Taken per partner (${taken.length})</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Kenmerken van de signalen</th><th scope="col">Doorgestuurd</th><th scope="col">Antwoord</th></tr></thead>
<tbody>${taken.map(
  (t) => html`<tr data-taak="${t.partner}" data-status="${t.status}"><td>${t.partnerName}</td><td class="mono">${t.refs.join(', ')}</td><td>${formatDateTime(t.forwardedAt)}</td>
<td>${TAAK_STATUS[t.status] ?? t.status}${t.answeredAt ? html` op ${formatDateTime(t.answeredAt)}` : ''}${t.reason ? html`<br>Reden: ${t.reason}` : ''}</td></tr>`,
)}</tbody></table></div>`}
</section>`;
}

/** The form that forwards a rectificatie or wissing to every partner holding signals about the youth. */
export function forwardForm(ctx: WebContext, verzoekId: string, csrf: Html, problem: Html): Html {
  return html`<section aria-labelledby="forward-title"><h2 id="forward-title">Doorsturen naar de partners</h2>${problem}
<p>Het verzoek gaat naar elke partner die een signaal over deze jongere heeft. Die partner ziet alleen het soort verzoek, de termijn en de kenmerken van zijn eigen signalen, niet wie de jongere is. De partner beslist en antwoordt: gecorrigeerd, ingetrokken of geweigerd met een reden.</p>
<form method="post" action="${ctx.href(`/verzoeken/${verzoekId}/doorsturen`)}">${csrf}
  <button type="submit" class="utrecht-button utrecht-button--secondary-action">Naar de partners doorsturen</button>
</form></section>`;
}

function partnerTable(name: string, items: readonly PartnerTaakView[]): Html {
  return html`<section aria-label="${name}"><h2>${name}</h2>
${items.length === 0
  ? html`<p>Er zijn geen verzoeken voor ${name}.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-list="verzoektaken"><caption>Verzoeken voor ${name} (${items.length}), vroegste termijn eerst</caption>
<thead><tr><th scope="col">Soort verzoek</th><th scope="col">Termijn</th><th scope="col">Kenmerken van uw signalen</th><th scope="col">Stand</th></tr></thead>
<tbody>${items.map(
  (t) => html`<tr data-taak="${t.taakId}" data-status="${t.status}"><td>${VERZOEK_TYPE[t.type] ?? t.type}</td><td>${formatDate(t.deadline)}</td><td class="mono">${t.refs.join(', ')}</td>
<td>${TAAK_STATUS[t.status] ?? t.status}${t.answeredAt ? html` op ${formatDateTime(t.answeredAt)}` : ''}${t.reason ? html`<br>Reden: ${t.reason}` : ''}</td></tr>`,
)}</tbody></table></div>`}
</section>`;
}

export function verzoekTaakPages(r: Router, ctx: WebContext, deps: { rights: RightsPort }): void {
  r.get('/verzoektaken', async (req, res) => {
    const { partners } = await deps.rights.organisationTaken(ctx.principal(req));
    ctx.render(req, res, {
      title: 'Verzoeken van jongeren en ouders',
      current: '/verzoektaken',
      body: html`<p>Vraagt een jongere of ouder het samenwerkingsverband om zijn gegevens te verbeteren (rectificatie) of te wissen, dan geldt dat ook voor uw organisatie (Wet gegevensverwerking door samenwerkingsverbanden). De jurist van het samenwerkingsverband stuurt zo'n verzoek hier naar u door, met de kenmerken van uw eigen signalen. U ziet niet over wie het gaat: zoek de kenmerken op in uw eigen systeem.</p>
<p>U beantwoordt een verzoek met de koppeling van uw organisatie (<span class="mono">jpp-adapter verzoektaken</span> en <span class="mono">jpp-adapter verzoektaak-answer</span>): gecorrigeerd, ingetrokken of geweigerd met een reden. Een ingetrokken signaal is gewist en wordt bij een volgende levering niet meer aangenomen.</p>
${partners.length === 0 ? html`<p data-no-partner>Uw organisatie levert geen signalen aan dit samenwerkingsverband, dus er zijn geen verzoeken voor u.</p>` : partners.map((p) => partnerTable(p.name, p.items))}`,
    });
  });
}
