/**
 * The voorzitter's screening: "is deze jongere bij u bekend?". The identity is typed in the
 * browser and pseudonymised there (client/pseudonymise.ts); the form sends the pseudonym,
 * the doel and the casus reference (a question with consent is asked from the casus, citing its
 * consent record: casus-consent.ts). The answer per partner is
 * explained in plain Dutch. The query service decides and logs, exactly as for the API.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { QueryResponse, QueryService, Outcome } from '../../queries/query.service.js';
import { html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import { askableDoelen, identityFields, keysAttribute, subjectOfField } from './identity-fields.js';

export const ANSWER_LABEL: Record<Outcome, string> = { hit: 'Bekend', 'no-hit': 'Niet bekend', 'not-permitted': 'Niet toegestaan' };

export const ANSWER_EXPLANATION: Record<Outcome, string> = {
  hit: 'Deze partner heeft een actueel signaal over de jongere, in een soort die u volgens het beleid mag laten meetellen. Vraag de partner om zijn informatie mee te nemen naar het casusoverleg. Wat de partner weet, staat niet in dit systeem.',
  'no-hit': 'Deze partner heeft geen actueel signaal over de jongere dat u mag laten meetellen. Een signaal van een soort die het beleid voor u uitsluit, telt als afwezig; "niet bekend" zegt dus niet dat de partner de jongere nooit heeft gezien.',
  'not-permitted': 'Het beleid staat niet toe dat u deze partner voor dit doel bevraagt. Er is bij deze partner niets opgezocht. Soms mag het wel met vastgelegde toestemming van de jongere of de ouders.',
};

export function screeningPages(r: Router, ctx: WebContext, deps: { queries: QueryService; custodian: WebCustodian | undefined }): void {
  const form = async (req: Request, values: { doel?: string; caseRef?: string }, problem?: Html): Promise<Html> => {
    if (!deps.custodian) return alert('warning', 'Pseudonimiseren in de browser is niet ingesteld (JPP_CUSTODIAN_URL). Screenen via de webinterface kan daarom niet.');
    const keys = await deps.custodian.keys();
    return html`${problem ? alert('error', problem) : ''}
<form method="post" action="${ctx.href(`/screening`)}" data-pseudonymise ${keysAttribute(keys)} novalidate>
  ${csrfField(ctx.csrf(req))}
  <div class="field">
    <label for="caseRef">Casusnummer (uit het systeem van het Zorg- en Veiligheidshuis)</label>
    <span class="hint" id="caseRef-hint">Bijvoorbeeld ZVH-2026-0001. Geen naam of BSN.</span>
    <input type="text" id="caseRef" name="caseRef" required autocomplete="off" aria-describedby="caseRef-hint" value="${values.caseRef ?? ''}">
  </div>
  <div class="field">
    <label for="doel">Doel</label>
    <select id="doel" name="doel">
      ${askableDoelen(ctx, ctx.user(req).role).map((d) => html`<option value="${d.id}"${values.doel === d.id ? html` selected` : ''}>${d.name}</option>`)}
    </select>
  </div>
  ${identityFields()}
  <p class="hint">Een vraag met toestemming stelt u vanuit de casus: daar kiest u de vastgelegde toestemming.</p>
  <p class="hint" data-pseudonymise-status aria-live="polite"></p>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Vraag de partners: bekend?</button>
</form>`;
  };

  r.get('/screening', async (req: Request, res: Response) => {
    requireAbility(ctx, req, 'query');
    ctx.render(req, res, {
      title: 'Screening',
      current: '/screening',
      scripts: ['pseudonymise'],
      body: html`<p>Vraag alle partners tegelijk of zij de jongere kennen. U ziet per partner alleen <em>bekend</em>, <em>niet bekend</em> of <em>niet toegestaan</em>, nooit wat de partner weet.</p>
${await form(req, {})}`,
    });
  });

  r.post('/screening', async (req: Request, res: Response) => {
    requireAbility(ctx, req, 'query');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const values = { doel: String(b['doel'] ?? ''), caseRef: String(b['caseRef'] ?? '').trim() };
    let answer: QueryResponse;
    try {
      const subject = subjectOfField(b['subject']);
      if (subject === undefined) {
        throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', [{ pointer: '/subject', code: 'not-pseudonymised', detail: 'is missing' }]);
      }
      answer = await deps.queries.ask(ctx.principal(req), { subject, doel: values.doel, caseRef: values.caseRef }, ctx.traceId(res));
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'internal' || err.code === 'forbidden') throw err;
      ctx.render(req, res, { title: 'Screening', current: '/screening', scripts: ['pseudonymise'], status: err.status, body: await form(req, values, errorMessage(err)) });
      return;
    }
    ctx.render(req, res, { title: 'Uitkomst van de screening', current: '/screening', body: screeningResult(ctx, answer) });
  });

}

/** The answers per partner, explained; `who` names the youth asked about in a group casus ("Jongere 2 van 3"). */
export function screeningResult(ctx: WebContext, a: QueryResponse, again = '/screening', who?: string): Html {
  const partnerName = (id: string): string => ctx.platform.partners.find((p) => p.id === id)?.name ?? id;
  const doel = ctx.platform.doelen.find((d) => d.id === a.doel)?.name ?? a.doel;
  const count = (o: Outcome): number => a.answers.filter((x) => x.answer === o).length;
  return html`<dl class="facts">
<dt>Casus</dt><dd>${a.caseRef}</dd>
${who ? html`<dt>Jongere</dt><dd data-screened-subject="${a.subjectId}">${who}</dd>` : ''}
<dt>Doel</dt><dd>${doel}</dd>
<dt>Beleidsversie</dt><dd>${a.policyVersion}</dd>
<dt>Vraagnummer</dt><dd class="mono">${a.queryId}</dd>
</dl>
<p>${count('hit')} ${count('hit') === 1 ? 'partner kent' : 'partners kennen'} de jongere, ${count('no-hit')} niet; bij ${count('not-permitted')} ${count('not-permitted') === 1 ? 'partner' : 'partners'} mocht u niet vragen. Deze bevraging staat in het logboek.</p>
<div class="table-wrap"><table class="utrecht-table">
<caption>Antwoord per partner</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Antwoord</th><th scope="col">Wat betekent dit?</th><th scope="col">Grondslag (regel)</th></tr></thead>
<tbody>
${a.answers.map(
(x) => html`<tr data-partner="${x.partner}" data-answer="${x.answer}">
<th scope="row">${partnerName(x.partner)}</th>
<td><span class="answer answer-${x.answer}">${ANSWER_LABEL[x.answer]}</span></td>
<td>${ANSWER_EXPLANATION[x.answer]}</td>
<td>${x.basis.length > 0 ? html`<ul>${x.basis.map((b) => html`<li>${b.grondslag} <span class="hint">(${b.rule})</span></li>`)}</ul>` : html`Geen regel staat dit toe (standaard: niet toegestaan).`}</td>
</tr>`,
)}
</tbody></table></div>
<p><a href="${ctx.href(again)}">${again === '/screening' ? 'Terug' : 'Terug naar de casus'}</a></p>`;
}
