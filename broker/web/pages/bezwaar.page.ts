/**
 * Bezwaar (AVG art. 21) for a privacy officer or jurist: record a decided objection for one
 * youth (identity typed and pseudonymised in the browser under the rights doel, as for inzage),
 * list the bezwaren, lift an upheld one. The rights service checks the capability again,
 * validates, writes and logs; these pages collect and show. A bezwaar is known here by its
 * kenmerk (bezwaarId) only, never by whom it is about.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import type { RightsPort } from '../web-ports.js';
import { BEZWAAR_DECISION } from '../dutch-labels.js';
import { askableDoelen, identityFields, pseudonymiseAttributes, subjectOfField } from './identity-fields.js';
import { RIGHTS_DOEL } from './inzage.page.js';

const FIELDS = { '/subject': 'Identiteit van de jongere', '/doelen': 'Doelen', '/decision': 'Beslissing' };

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

export function bezwaarPages(r: Router, ctx: WebContext, deps: { rights: RightsPort; custodian: WebCustodian | undefined }): void {
  const doelName = (id: string): string => ctx.platform.doelen.find((d) => d.id === id)?.name ?? id;

  async function show(req: Request, res: Response, o: { problem?: Html; status?: number; values?: { doelen: string[]; decision: string } } = {}): Promise<void> {
    const all = req.query['alle'] === 'ja';
    const recorded = typeof req.query['kenmerk'] === 'string' ? req.query['kenmerk'] : undefined;
    const lifted = typeof req.query['opgeheven'] === 'string' ? req.query['opgeheven'] : undefined;
    const { items } = await deps.rights.listBezwaren(ctx.principal(req), { active: all ? 'false' : 'true' });
    const attrs = await pseudonymiseAttributes(deps.custodian, RIGHTS_DOEL);
    const csrf = csrfField(ctx.csrf(req));
    const v = o.values ?? { doelen: [], decision: '' };
    ctx.render(req, res, {
      title: 'Bezwaar (AVG art. 21)',
      current: '/bezwaren',
      scripts: ['pseudonymise'],
      ...(o.status ? { status: o.status } : {}),
      body: html`${o.problem ? alert('error', o.problem) : ''}
${recorded ? alert('ok', html`Het bezwaar is vastgelegd, met kenmerk <strong class="mono" data-recorded>${recorded}</strong>. Noteer dit kenmerk in het dossier: dit systeem kent de jongere alleen als pseudoniem.`) : ''}
${lifted ? alert('ok', html`Het bezwaar met kenmerk <span class="mono">${lifted}</span> is opgeheven. Vragen over de jongere worden weer gewoon beantwoord.`) : ''}
<p>Een toegewezen bezwaar blokkeert de jongere voor de gekozen doelen: zolang het loopt, antwoordt elke partner op een vraag over de jongere "niet bekend", precies zoals voor een onbekende jongere, en er wordt niets opgezocht. Een afgewezen bezwaar wordt alleen vastgelegd. Vastleggen en opheffen staan in het logboek.</p>
<section aria-labelledby="new-title"><h2 id="new-title">Beslissing op een bezwaar vastleggen</h2>
${attrs
  ? html`<form method="post" action="${ctx.href(`/bezwaren`)}" ${attrs}>${csrf}
  ${identityFields({ legend: 'Van welke jongere is het bezwaar?' })}
  <fieldset><legend>Tegen welke doelen?</legend>
  ${askableDoelen(ctx).map((d) => html`<div class="field"><span><input type="checkbox" name="doelen" id="doel-${d.id}" value="${d.id}"${v.doelen.includes(d.id) ? html` checked` : ''}> <label for="doel-${d.id}">${d.name}</label></span></div>`)}
  </fieldset>
  <fieldset><legend>Beslissing</legend>
  ${Object.entries(BEZWAAR_DECISION).map(([id, label]) => html`<div class="field"><span><input type="radio" name="decision" id="decision-${id}" value="${id}"${v.decision === id ? html` checked` : ''}> <label for="decision-${id}">${label}${id === 'upheld' ? ': de jongere wordt voor deze doelen geblokkeerd' : ': alleen vastleggen'}</label></span></div>`)}
  </fieldset>
  <p class="hint" data-pseudonymise-status aria-live="polite"></p>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Beslissing vastleggen</button>
</form>`
  : alert('warning', 'Pseudonimiseren in de browser is niet ingesteld (JPP_CUSTODIAN_URL).')}
</section>
<section aria-labelledby="list-title"><h2 id="list-title">${all ? 'Alle beslissingen op bezwaren' : 'Bezwaren die nu blokkeren'}</h2>
<p><a href="${ctx.href(all ? '/bezwaren' : '/bezwaren?alle=ja')}">${all ? 'Alleen de bezwaren tonen die nu blokkeren' : 'Alle beslissingen tonen, ook afgewezen en opgeheven bezwaren'}</a></p>
${items.length === 0
  ? html`<p>${all ? 'Er is nog geen bezwaar vastgelegd.' : 'Geen: er blokkeert nu geen bezwaar.'}</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-bezwaren><caption>Nieuwste eerst, volledig (${items.length})</caption>
<thead><tr><th scope="col">Kenmerk</th><th scope="col">Doelen</th><th scope="col">Beslissing</th><th scope="col">Vastgelegd</th><th scope="col">Stand</th></tr></thead>
<tbody>${items.map(
  (b) => html`<tr data-bezwaar="${b.bezwaarId}" data-active="${b.active ? 'ja' : 'nee'}"><td class="mono">${b.bezwaarId}</td><td><ul>${b.doelen.map((d) => html`<li>${doelName(d)}</li>`)}</ul></td>
  <td>${b.kind === 'beperking' ? 'Beperking van de verwerking (art. 18), alle doelen' : (BEZWAAR_DECISION[b.decision] ?? b.decision)}</td><td>${formatDateTime(b.decidedAt)} door ${b.decidedBy}</td>
  <td>${b.active
    ? html`<strong>blokkeert</strong><form method="post" action="${ctx.href(`/bezwaren/${b.bezwaarId}/opheffen`)}" class="inline-form">${csrf} <button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label="Bezwaar ${b.bezwaarId} opheffen">Opheffen</button></form>`
    : b.liftedAt ? `opgeheven op ${formatDateTime(b.liftedAt)}` : 'blokkeert niet'}</td></tr>`,
)}</tbody></table></div>`}
</section>`,
    });
  }

  r.get('/bezwaren', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    await show(req, res);
  });

  r.post('/bezwaren', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const values = { doelen: list(b['doelen']), decision: typeof b['decision'] === 'string' ? b['decision'] : '' };
    await attempt(
      async () => {
        const subject = subjectOfField(b['subject']);
        if (subject === undefined) throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', [{ pointer: '/subject', code: 'not-pseudonymised', detail: 'is missing' }]);
        const body = { subject, doelen: values.doelen, ...(values.decision ? { decision: values.decision } : {}) };
        const made = await deps.rights.decideBezwaar(ctx.principal(req), body, ctx.traceId(res));
        res.redirect(303, ctx.href(`/bezwaren?kenmerk=${made.bezwaarId}`));
      },
      (err) => show(req, res, { problem: errorMessage(err, FIELDS), status: err.status, values }),
    );
  });

  r.post('/bezwaren/:bezwaarId/opheffen', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    await attempt(
      async () => {
        const lifted = await deps.rights.liftBezwaar(ctx.principal(req), String(req.params['bezwaarId']), ctx.traceId(res));
        res.redirect(303, ctx.href(`/bezwaren?opgeheven=${lifted.bezwaarId}`));
      },
      (err) => show(req, res, { problem: errorMessage(err), status: err.status }),
    );
  });
}
