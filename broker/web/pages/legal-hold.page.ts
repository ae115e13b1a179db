/**
 * Bewaarplicht (legal holds) for a privacy officer or jurist: place a hold on a casus (by the
 * ZVH's case number) or on a youth (identity typed and pseudonymised in the browser under the
 * rights doel), with a reason; list the holds; release one. While a hold is active, retention
 * removes nothing of what it protects. The rights service checks, writes and logs.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import type { RightsPort } from '../web-ports.js';
import { HOLD_REASON } from '../dutch-labels.js';
import { identityFields, pseudonymiseAttributes, subjectOfField } from './identity-fields.js';
import { RIGHTS_DOEL } from './inzage.page.js';

const FIELDS = { '/caseRef': 'Casusnummer', '/subject': 'Identiteit van de jongere', '/reason': 'Reden' };

export function legalHoldPages(r: Router, ctx: WebContext, deps: { rights: RightsPort; custodian: WebCustodian | undefined }): void {
  const reasons = (id: string, selected?: string): Html =>
    html`<select id="${id}" name="reason"><option value="">– kies een reden –</option>${Object.entries(HOLD_REASON).map(([v, label]) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${label}</option>`)}</select>`;

  async function show(req: Request, res: Response, o: { problem?: Html; status?: number; values?: { form: 'casus' | 'jongere'; caseRef?: string; reason?: string } } = {}): Promise<void> {
    const all = req.query['alle'] === 'ja';
    const placed = typeof req.query['geplaatst'] === 'string' ? req.query['geplaatst'] : undefined;
    const released = typeof req.query['vrijgegeven'] === 'string' ? req.query['vrijgegeven'] : undefined;
    const { items } = await deps.rights.listHolds(ctx.principal(req), { active: all ? 'false' : 'true' });
    const attrs = await pseudonymiseAttributes(deps.custodian, RIGHTS_DOEL);
    const csrf = csrfField(ctx.csrf(req));
    const v = o.values;
    const problemFor = (form: 'casus' | 'jongere'): Html => (o.problem && v?.form === form ? alert('error', o.problem) : html``);
    ctx.render(req, res, {
      title: 'Bewaarplicht (legal hold)',
      current: '/bewaarplicht',
      scripts: ['pseudonymise'],
      ...(o.status ? { status: o.status } : {}),
      body: html`${o.problem && !v ? alert('error', o.problem) : ''}
${placed ? alert('ok', html`De bewaarplicht is geplaatst (kenmerk <span class="mono" data-placed>${placed}</span>). Zolang zij loopt, verwijdert de retentie niets van wat zij beschermt.`) : ''}
${released ? alert('ok', html`De bewaarplicht met kenmerk <span class="mono">${released}</span> is vrijgegeven. De gewone bewaartermijnen gelden weer.`) : ''}
<p>Een bewaarplicht schort de bewaartermijnen op, bijvoorbeeld zolang een klacht, bezwaar, rechtszaak, inzageverzoek of onderzoek van de FG loopt. Op een casus: de casus met haar geschiedenis, vervolgacties en bevragingen blijft bewaard. Op een jongere: alles over de jongere blijft bewaard (signalen, de casussen waarin zij staat, de logregels over haar). Plaatsen en vrijgeven staan in het logboek.</p>
<section aria-labelledby="case-title"><h2 id="case-title">Bewaarplicht op een casus</h2>
${problemFor('casus')}
<form method="post" action="${ctx.href(`/bewaarplicht/casus`)}" data-guard-identity>${csrf}
  <div class="form-grid">
  <div class="field"><label for="hold-caseRef">Casusnummer (uit het systeem van het Zorg- en Veiligheidshuis)</label>
    <span class="hint" id="hold-caseRef-hint">Bijvoorbeeld ZVH-2026-0042. Geen naam of BSN.</span>
    <input type="text" id="hold-caseRef" name="caseRef" autocomplete="off" aria-describedby="hold-caseRef-hint" value="${v?.form === 'casus' ? (v.caseRef ?? '') : ''}"></div>
  <div class="field"><label for="hold-case-reason">Reden</label>${reasons('hold-case-reason', v?.form === 'casus' ? v.reason : undefined)}</div>
  </div>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Bewaarplicht op de casus plaatsen</button>
</form>
</section>
<section aria-labelledby="subject-title"><h2 id="subject-title">Bewaarplicht op een jongere</h2>
${problemFor('jongere')}
${attrs
  ? html`<form method="post" action="${ctx.href(`/bewaarplicht/jongere`)}" ${attrs}>${csrf}
  ${identityFields({ legend: 'Voor welke jongere?' })}
  <div class="field"><label for="hold-subject-reason">Reden</label>${reasons('hold-subject-reason', v?.form === 'jongere' ? v.reason : undefined)}</div>
  <p class="hint" data-pseudonymise-status aria-live="polite"></p>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Bewaarplicht op de jongere plaatsen</button>
</form>`
  : alert('warning', 'Pseudonimiseren in de browser is niet ingesteld (JPP_CUSTODIAN_URL).')}
</section>
<section aria-labelledby="list-title"><h2 id="list-title">${all ? 'Alle bewaarplichten' : 'Lopende bewaarplichten'}</h2>
<p><a href="${ctx.href(all ? '/bewaarplicht' : '/bewaarplicht?alle=ja')}">${all ? 'Alleen de lopende tonen' : 'Ook de vrijgegeven bewaarplichten tonen'}</a></p>
${items.length === 0
  ? html`<p>${all ? 'Er is nog geen bewaarplicht geplaatst.' : 'Geen: er loopt nu geen bewaarplicht.'}</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-holds><caption>Nieuwste eerst, volledig (${items.length})</caption>
<thead><tr><th scope="col">Op</th><th scope="col">Reden</th><th scope="col">Geplaatst</th><th scope="col">Stand</th></tr></thead>
<tbody>${items.map(
  (h) => html`<tr data-hold="${h.holdId}" data-scope="${h.scope}"><td>${h.scope === 'case' ? html`casus <strong>${h.caseRef ?? '?'}</strong>` : 'een jongere (alleen als pseudoniem bekend)'}<br><span class="hint mono">kenmerk ${h.holdId}</span></td>
  <td>${HOLD_REASON[h.reason] ?? h.reason}</td><td>${formatDateTime(h.placedAt)} door ${h.placedBy}</td>
  <td>${h.releasedAt
    ? `vrijgegeven op ${formatDateTime(h.releasedAt)}`
    : html`<strong>loopt</strong><form method="post" action="${ctx.href(`/bewaarplicht/${h.holdId}/vrijgeven`)}" class="inline-form">${csrf} <button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label="Bewaarplicht ${h.holdId} vrijgeven">Vrijgeven</button></form>`}</td></tr>`,
)}</tbody></table></div>`}
</section>`,
    });
  }

  r.get('/bewaarplicht', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    await show(req, res);
  });

  const str = (b: Record<string, unknown>, k: string): string => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
  const place = (form: 'casus' | 'jongere', bodyOf: (b: Record<string, unknown>) => Record<string, unknown>): void => {
    r.post(`/bewaarplicht/${form}`, async (req, res) => {
      requireAbility(ctx, req, 'rights');
      const b = (req.body ?? {}) as Record<string, unknown>;
      const values = { form, caseRef: str(b, 'caseRef'), reason: str(b, 'reason') };
      await attempt(
        async () => {
          const body = bodyOf(b);
          const hold = await deps.rights.placeHold(ctx.principal(req), { ...body, ...(values.reason ? { reason: values.reason } : {}) }, ctx.traceId(res));
          res.redirect(303, ctx.href(`/bewaarplicht?geplaatst=${hold.holdId}`));
        },
        (err) => show(req, res, { problem: errorMessage(err, FIELDS), status: err.status, values }),
        true,
      );
    });
  };
  place('casus', (b) => {
    const caseRef = str(b, 'caseRef');
    if (!caseRef) throw new AppError('validation', 'type the case number', [{ pointer: '/caseRef', code: 'required', detail: 'is missing' }]);
    return { caseRef };
  });
  place('jongere', (b) => {
    const subject = subjectOfField(b['subject']);
    if (subject === undefined) throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', [{ pointer: '/subject', code: 'not-pseudonymised', detail: 'is missing' }]);
    return { subject };
  });

  r.post('/bewaarplicht/:holdId/vrijgeven', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    await attempt(
      async () => {
        const h = await deps.rights.releaseHold(ctx.principal(req), String(req.params['holdId']), ctx.traceId(res));
        res.redirect(303, ctx.href(`/bewaarplicht?vrijgegeven=${h.holdId}`));
      },
      (err) => show(req, res, { problem: errorMessage(err), status: err.status }),
    );
  });
}
