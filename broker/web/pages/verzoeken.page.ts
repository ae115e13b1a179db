/**
 * Verzoeken van betrokkenen (issue 19 item 2) for a privacy officer or jurist: register a request
 * of a youth or parent (identity typed and pseudonymised in the browser under the rights doel),
 * see the open requests with their deadlines and the overdue ones first, extend a deadline once
 * with a reason, record the answer with its grondslag. The rights service checks, writes and
 * logs; these pages collect and show. A request is known here by its kenmerk only.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { formatDate, formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import type { RightsPort } from '../web-ports.js';
import type { VerzoekView } from '../../rights/rights.service.js';
import { IDENTITY_CHECK, VERZOEK_DECISION, VERZOEK_REQUESTER, VERZOEK_TYPE } from '../dutch-labels.js';
import { identityFields, pseudonymiseAttributes, subjectOfField } from './identity-fields.js';
import { RIGHTS_DOEL } from './inzage.page.js';
import { forwardForm, takenSection } from './verzoek-taken.page.js';
import { FORWARDABLE_TYPES } from '../../rights/verzoek-taak-fns.js';

const FIELDS = {
  '/subject': 'Identiteit van de jongere',
  '/type': 'Soort verzoek',
  '/receivedOn': 'Ontvangen op',
  '/requester': 'Wie vraagt',
  '/identityCheck': 'Controle van de identiteit',
  '/reason': 'Reden van de verlenging',
  '/decision': 'Beslissing',
  '/grondslag': 'Grondslag',
  '/answeredOn': 'Beantwoord op',
  '/partners': 'Partners',
};

const str = (b: Record<string, unknown>, k: string): string => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');

const select = (id: string, name: string, labels: Record<string, string>, selected: string, hint?: string): Html =>
  html`<select id="${id}" name="${name}"${hint ? html` aria-describedby="${hint}"` : ''}><option value="">– kies –</option>${Object.entries(labels).map(([v, l]) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${l}</option>`)}</select>`;

/** Where a request stands, in words: open (with its deadline), over tijd, or answered (on time or not). */
function stand(v: VerzoekView): Html {
  const due = formatDate(v.extendedUntil ?? v.deadline);
  if (v.status === 'answered') return html`${VERZOEK_DECISION[v.decision ?? ''] ?? ''} op ${formatDate(v.answeredOn ?? '')}${v.onTime ? ' (op tijd)' : html` <strong>(te laat)</strong>`}`;
  return v.overdue ? html`<strong>Over tijd</strong>: termijn was ${due}` : html`Open, termijn ${due}${v.extendedUntil ? ' (verlengd)' : ''}`;
}

export function verzoekPages(
  r: Router,
  ctx: WebContext,
  deps: { rights: RightsPort; custodian: WebCustodian | undefined; names: (ids: readonly string[]) => Promise<ReadonlyMap<string, string>> },
): void {
  const table = (items: VerzoekView[], caption: string, marker: string): Html =>
    html`<div class="table-wrap"><table class="utrecht-table" data-list="${marker}"><caption>${caption} (${items.length})</caption>
<thead><tr><th scope="col">Kenmerk</th><th scope="col">Soort</th><th scope="col">Ontvangen</th><th scope="col">Stand</th></tr></thead>
<tbody>${items.map(
  (v) => html`<tr data-verzoek="${v.verzoekId}" data-overdue="${v.overdue ? 'ja' : 'nee'}"><td><a href="${ctx.href(`/verzoeken/${v.verzoekId}`)}" class="mono">${v.verzoekId}</a></td><td>${VERZOEK_TYPE[v.type] ?? v.type}</td><td>${formatDate(v.receivedOn)}</td><td>${stand(v)}</td></tr>`,
)}</tbody></table></div>`;

  async function showList(req: Request, res: Response, o: { problem?: Html; status?: number; values?: Record<string, string> } = {}): Promise<void> {
    const all = req.query['alle'] === 'ja';
    const registered = typeof req.query['kenmerk'] === 'string' ? req.query['kenmerk'] : undefined;
    const principal = ctx.principal(req);
    const { items } = await deps.rights.listVerzoeken(principal, { status: all ? 'all' : 'open' });
    const overdue = (await deps.rights.overdueVerzoeken(principal)).items;
    const attrs = await pseudonymiseAttributes(deps.custodian, RIGHTS_DOEL);
    const csrf = csrfField(ctx.csrf(req));
    const v = o.values ?? {};
    ctx.render(req, res, {
      title: 'Verzoeken van betrokkenen',
      current: '/verzoeken',
      scripts: ['pseudonymise'],
      ...(o.status ? { status: o.status } : {}),
      body: html`${o.problem ? alert('error', o.problem) : ''}
${registered ? alert('ok', html`Het verzoek is geregistreerd, met kenmerk <strong class="mono" data-registered>${registered}</strong>. Noteer dit kenmerk in het dossier: dit systeem kent de jongere alleen als pseudoniem.`) : ''}
<p>Een verzoek van een jongere of ouder aan het samenwerkingsverband geldt als verzoek aan alle partners samen (Wet gegevensverwerking door samenwerkingsverbanden). U beantwoordt het binnen een maand na ontvangst. Is meer tijd nodig, dan kunt u de termijn één keer met twee maanden verlengen, binnen die eerste maand en met een reden (AVG art. 12 lid 3). Registreren, verlengen en beantwoorden staan in het logboek.</p>
<section aria-labelledby="overdue-title"><h2 id="overdue-title">Over tijd</h2>
${overdue.length === 0 ? html`<p data-no-overdue>Geen: geen enkel open verzoek is over tijd.</p>` : table(overdue, 'Oudste termijn eerst, volledig', 'overdue')}
</section>
<section aria-labelledby="new-title"><h2 id="new-title">Een verzoek registreren</h2>
${attrs
  ? html`<form method="post" action="${ctx.href('/verzoeken')}" ${attrs}>${csrf}
  ${identityFields({ legend: 'Over welke jongere gaat het verzoek?' })}
  <div class="form-grid">
  <div class="field"><label for="verzoek-type">Soort verzoek</label>${select('verzoek-type', 'type', VERZOEK_TYPE, v['type'] ?? '')}</div>
  <div class="field"><label for="verzoek-receivedOn">Ontvangen op</label><span class="hint" id="verzoek-receivedOn-hint">De dag waarop het verzoek binnenkwam. De termijn van een maand telt vanaf die dag.</span>
    <input type="date" id="verzoek-receivedOn" name="receivedOn" aria-describedby="verzoek-receivedOn-hint" value="${v['receivedOn'] ?? ''}"></div>
  <div class="field"><label for="verzoek-requester">Wie vraagt</label>${select('verzoek-requester', 'requester', VERZOEK_REQUESTER, v['requester'] ?? '')}</div>
  <div class="field"><label for="verzoek-identityCheck">Hoe is de identiteit van de aanvrager gecontroleerd?</label><span class="hint" id="verzoek-identityCheck-hint">Alleen de manier. Maak en bewaar geen kopie van een identiteitsbewijs.</span>
    ${select('verzoek-identityCheck', 'identityCheck', IDENTITY_CHECK, v['identityCheck'] ?? '', 'verzoek-identityCheck-hint')}</div>
  </div>
  <p class="hint" data-pseudonymise-status aria-live="polite"></p>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Verzoek registreren</button>
</form>`
  : alert('warning', 'Pseudonimiseren in de browser is niet ingesteld (JPP_CUSTODIAN_URL).')}
</section>
<section aria-labelledby="list-title"><h2 id="list-title">${all ? 'Alle verzoeken' : 'Open verzoeken'}</h2>
<p><a href="${ctx.href(all ? '/verzoeken' : '/verzoeken?alle=ja')}">${all ? 'Alleen de open verzoeken tonen' : 'Alle verzoeken tonen, ook de beantwoorde'}</a></p>
${items.length === 0 ? html`<p>${all ? 'Er is nog geen verzoek geregistreerd.' : 'Geen: er staat geen verzoek open.'}</p>` : table(items, 'Vroegste termijn eerst, volledig', 'verzoeken')}
</section>`,
    });
  }

  async function showOne(req: Request, res: Response, o: { problem?: Html; status?: number; form?: 'verlengen' | 'besluit' | 'doorsturen'; values?: Record<string, string> } = {}): Promise<void> {
    const v = await deps.rights.getVerzoek(ctx.principal(req), String(req.params['verzoekId']));
    const taken = (await deps.rights.takenOfVerzoek(ctx.principal(req), v.verzoekId)).items;
    const names = await deps.names([v.registeredBy, ...(v.answeredBy ? [v.answeredBy] : [])]);
    const who = (id: string): string => names.get(id) ?? 'een gebruiker die niet meer in het register staat';
    const csrf = csrfField(ctx.csrf(req));
    const done = typeof req.query['gedaan'] === 'string' ? req.query['gedaan'] : undefined;
    const problemFor = (form: 'verlengen' | 'besluit' | 'doorsturen'): Html => (o.problem && o.form === form ? alert('error', o.problem) : html``);
    const val = o.values ?? {};
    const row = (label: string, value: Html | string): Html => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
    ctx.render(req, res, {
      title: `Verzoek ${VERZOEK_TYPE[v.type] ?? v.type}`,
      current: '/verzoeken',
      ...(o.status ? { status: o.status } : {}),
      body: html`${o.problem && !o.form ? alert('error', o.problem) : ''}
${done === 'verlengd' ? alert('ok', 'De termijn is met twee maanden verlengd. Laat de aanvrager dit weten, met de reden.') : ''}
${done === 'beantwoord' ? alert('ok', 'Het antwoord is vastgelegd.') : ''}
${done === 'doorgestuurd' ? alert('ok', 'Het verzoek is naar de partners doorgestuurd. Zij zien het bij hun verzoeken en in hun koppeling.') : ''}
<p><a href="${ctx.href('/verzoeken')}">Terug naar de verzoeken</a></p>
<table class="utrecht-table" data-verzoek-detail="${v.verzoekId}"><caption>Kenmerk <span class="mono">${v.verzoekId}</span></caption><tbody>
${row('Soort', VERZOEK_TYPE[v.type] ?? v.type)}
${row('Wie vraagt', VERZOEK_REQUESTER[v.requester] ?? v.requester)}
${row('Identiteit gecontroleerd', IDENTITY_CHECK[v.identityCheck] ?? v.identityCheck)}
${row('Ontvangen op', formatDate(v.receivedOn))}
${row('Termijn', html`${formatDate(v.deadline)}${v.extendedUntil ? html`, verlengd tot <strong>${formatDate(v.extendedUntil)}</strong>` : ''}`)}
${v.extensionReason ? row('Reden van de verlenging', v.extensionReason) : ''}
${row('Stand', stand(v))}
${v.grondslag ? row('Grondslag', v.grondslag) : ''}
${v.answeredBy ? row('Beantwoord door', who(v.answeredBy)) : ''}
${row('Geregistreerd', `${formatDateTime(v.registeredAt)} door ${who(v.registeredBy)}`)}
</tbody></table>
${takenSection(taken)}
${v.status === 'open' && FORWARDABLE_TYPES.includes(v.type) ? forwardForm(ctx, v.verzoekId, csrf, problemFor('doorsturen')) : ''}
${v.status === 'open'
  ? html`${v.extendedUntil === null && !v.overdue
      ? html`<section aria-labelledby="extend-title"><h2 id="extend-title">Termijn verlengen</h2>${problemFor('verlengen')}
<form method="post" action="${ctx.href(`/verzoeken/${v.verzoekId}/verlengen`)}">${csrf}
  <div class="field"><label for="extend-reason">Reden</label><span class="hint" id="extend-reason-hint">Bijvoorbeeld: het verzoek raakt vier partners. Geen naam of BSN.</span>
  <textarea id="extend-reason" name="reason" rows="3" aria-describedby="extend-reason-hint">${val['reason'] ?? ''}</textarea></div>
  <button type="submit" class="utrecht-button utrecht-button--secondary-action">Met twee maanden verlengen</button>
</form></section>`
      : ''}
<section aria-labelledby="answer-title"><h2 id="answer-title">Antwoord vastleggen</h2>${problemFor('besluit')}
<form method="post" action="${ctx.href(`/verzoeken/${v.verzoekId}/besluit`)}">${csrf}
  <div class="form-grid">
  <div class="field"><label for="answer-decision">Beslissing</label>${select('answer-decision', 'decision', VERZOEK_DECISION, val['decision'] ?? '')}</div>
  <div class="field"><label for="answer-answeredOn">Beantwoord op</label><span class="hint" id="answer-answeredOn-hint">Leeg laten: vandaag.</span>
    <input type="date" id="answer-answeredOn" name="answeredOn" aria-describedby="answer-answeredOn-hint" value="${val['answeredOn'] ?? ''}"></div>
  </div>
  <div class="field"><label for="answer-grondslag">Grondslag</label><span class="hint" id="answer-grondslag-hint">Bijvoorbeeld: AVG art. 15, inzage verstrekt. Geen naam of BSN.</span>
  <textarea id="answer-grondslag" name="grondslag" rows="3" aria-describedby="answer-grondslag-hint">${val['grondslag'] ?? ''}</textarea></div>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Antwoord vastleggen</button>
</form></section>`
  : ''}`,
    });
  }

  r.get('/verzoeken', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    await showList(req, res);
  });

  r.post('/verzoeken', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(['type', 'receivedOn', 'requester', 'identityCheck'].map((k) => [k, str(b, k)]));
    await attempt(
      async () => {
        // One pseudonym per active key epoch, joined by commas (a rotation's overlap): identity-fields.ts.
        const subject = subjectOfField(b['subject']);
        if (subject === undefined) throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', [{ pointer: '/subject', code: 'not-pseudonymised', detail: 'is missing' }]);
        const body = { subject, ...Object.fromEntries(Object.entries(values).filter(([, x]) => x !== '')) };
        const made = await deps.rights.registerVerzoek(ctx.principal(req), body, ctx.traceId(res));
        res.redirect(303, ctx.href(`/verzoeken?kenmerk=${made.verzoekId}`));
      },
      (err) => showList(req, res, { problem: errorMessage(err, FIELDS), status: err.status, values }),
    );
  });

  r.get('/verzoeken/:verzoekId', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    await showOne(req, res);
  });

  const act = (path: 'verlengen' | 'besluit' | 'doorsturen', keys: string[], call: (req: Request, body: Record<string, string>, traceId: string) => Promise<unknown>, done: string): void => {
    r.post(`/verzoeken/:verzoekId/${path}`, async (req, res) => {
      requireAbility(ctx, req, 'rights');
      const b = (req.body ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(keys.map((k) => [k, str(b, k)]));
      await attempt(
        async () => {
          await call(req, Object.fromEntries(Object.entries(values).filter(([, x]) => x !== '')), ctx.traceId(res));
          res.redirect(303, ctx.href(`/verzoeken/${String(req.params['verzoekId'])}?gedaan=${done}`));
        },
        (err) =>
          showOne(req, res, {
            problem:
              path === 'doorsturen' && err.code === 'conflict'
                ? html`<p>Niet doorgestuurd: geen partner heeft een signaal over deze jongere, of het verzoek ging al naar elke partner die er een heeft.</p>`
                : errorMessage(err, FIELDS),
            status: err.status,
            form: path,
            values,
          }),
      );
    });
  };
  act('verlengen', ['reason'], (req, body, t) => deps.rights.extendVerzoek(ctx.principal(req), String(req.params['verzoekId']), body, t), 'verlengd');
  act('doorsturen', [], (req, body, t) => deps.rights.forwardVerzoek(ctx.principal(req), String(req.params['verzoekId']), body, t), 'doorgestuurd');
  act('besluit', ['decision', 'grondslag', 'answeredOn'], (req, body, t) => deps.rights.answerVerzoek(ctx.principal(req), String(req.params['verzoekId']), body, t), 'beantwoord');
}
