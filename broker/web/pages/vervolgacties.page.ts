/**
 * *Vervolgacties over tijd* for the voorzitter (issue 18 item 3, docs/casusoverleg.md): every
 * vervolgactie of an open casus whose due date has passed and that is not done, oldest first, with
 * the casus, the action, the partner that owns it, the due date and the regiehouder; optionally only
 * the casussen of one regiehouder. The regiehouder's own professionals see theirs on *Uitnodigingen*.
 *
 * Invariants:
 * - The page calls the casus service's overdue list (`GET /v1/vervolgacties/overdue`) with the
 *   session's principal: the access gate (`manage-cases`) is the API's.
 * - Dutch for people: partners by their name, actions by their Dutch label, never a raw id or a
 *   subject; the casus by its own case number.
 */
import type { Router } from 'express';
import { formatDate, html } from '../html.js';
import { alert } from '../layout.js';
import { requireAbility, type WebContext } from '../web-context.js';
import type { CasusPort } from '../web-ports.js';
import { VERVOLG_KIND } from '../dutch-labels.js';

export function vervolgactiesPage(r: Router, ctx: WebContext, deps: { casus: Pick<CasusPort, 'overdueVervolgacties'> }): void {
  const partnerName = (id: string): string => ctx.platform.partners.find((p) => p.id === id)?.name ?? id;

  r.get('/vervolgacties', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    const q = req.query['regiehouder'];
    // Only a partner of this platform filters; anything else shows the whole list.
    const regiehouder = typeof q === 'string' && ctx.platform.partners.some((p) => p.id === q) ? q : undefined;
    const { items, total } = await deps.casus.overdueVervolgacties(ctx.principal(req), regiehouder ? { regiehouder } : {});
    const chosen = regiehouder ? partnerName(regiehouder) : undefined;
    ctx.render(req, res, {
      title: 'Vervolgacties over tijd',
      current: '/vervolgacties',
      body: html`<p>Vervolgacties van open casussen waarvan de datum voorbij is en die nog niet zijn afgerond. De regiehouder ziet de vervolgacties van zijn eigen casussen ook bij <em>Uitnodigingen</em>.</p>
<form method="get" action="${ctx.href('/vervolgacties')}"><div class="form-grid"><div class="field"><label for="vo-regie">Regiehouder</label>
<select id="vo-regie" name="regiehouder"><option value="">Alle regiehouders</option>${ctx.platform.partners.map((p) => html`<option value="${p.id}"${p.id === regiehouder ? html` selected` : ''}>${p.name}</option>`)}</select></div></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Tonen</button></form>
<section aria-labelledby="overdue-title"><h2 id="overdue-title">Over tijd${chosen ? ` (regie bij ${chosen})` : ''}</h2>
${total === 0
  ? html`<p data-overdue-count="0">Geen: geen enkele vervolgactie${chosen ? ` van een casus met ${chosen} als regiehouder` : ''} is over tijd.</p>`
  : html`${alert('warning', `${total} ${total === 1 ? 'vervolgactie is' : 'vervolgacties zijn'} over tijd.`)}
<div class="table-wrap"><table class="utrecht-table stack" data-overdue-vervolgacties data-overdue-count="${String(total)}"><caption>Oudste datum eerst</caption>
<thead><tr><th scope="col">Casus</th><th scope="col">Actie</th><th scope="col">Uitgevoerd door</th><th scope="col">Uiterlijk</th><th scope="col">Regiehouder</th></tr></thead>
<tbody>${items.map((v) => html`<tr data-overdue-action="${v.caseRef}"><td data-label="Casus"><a href="${ctx.href(`/casussen/${v.caseId}`)}">${v.caseRef}</a></td><td data-label="Actie">${VERVOLG_KIND[v.kind] ?? v.kind}</td><td data-label="Uitgevoerd door">${partnerName(v.partner)}</td><td data-label="Uiterlijk">${formatDate(v.dueDate)}</td><td data-label="Regiehouder">${v.regiehouder ? partnerName(v.regiehouder) : 'nog niet vastgelegd'}</td></tr>`)}</tbody></table></div>`}
</section>`,
    });
  });
}
