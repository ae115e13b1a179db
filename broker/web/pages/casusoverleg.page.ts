/**
 * The casusoverleg in the web (docs/casusoverleg.md, docs/web.md): for the voorzitter *Casusoverleg*
 * (plan a meeting; its agenda; per casus the invited partners with why, the grondslag and their
 * contact point, and the partners the policy did not let in, with why), and for a partner's
 * professionals *Uitnodigingen* (the casussen their organisation is invited to, with their own
 * matching kenmerken, the regiehouder and their own vervolgacties; the regiehouder's overdue ones).
 *
 * Invariants:
 * - Pages call the casusoverleg service with the session's principal: every check, the policy's
 *   decision and every logboek entry are the API's.
 * - Dutch for people: codes become sentences (dutch-labels.ts), no raw id is shown but a casus's own
 *   case number and a partner's own kenmerken; a refusal re-renders the form with the field in Dutch.
 */
import type { Request, Response, Router } from 'express';
import { formatDate, formatDateTime, html, type Html } from '../html.js';
import { alert } from '../layout.js';
import { attempt, errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { CasusoverlegPort, CasusPort } from '../web-ports.js';
import { CASE_STATUS, EXCLUSION_REASON, INVITATION_GROUND, INVITATION_REASON, VERVOLG_KIND } from '../dutch-labels.js';
import type { AgendaItemView, MeetingView } from '../../casusoverleg/casusoverleg.service.js';
import type { AppError } from '../../errors/app-error.js';

const options = (labels: Record<string, string>): Html => html`${Object.entries(labels).map(([id, name]) => html`<option value="${id}">${name}</option>`)}`;

const DONE: Record<string, string> = {
  gepland: 'Het casusoverleg is gepland.',
  agenda: 'De casus staat op de agenda. De partners hieronder zijn uitgenodigd.',
  toegevoegd: 'De partner is beoordeeld: zie de uitnodigingen hieronder.',
};

const FIELDS = { '/date': 'Datum', '/caseId': 'Casus', '/add': 'Partner toevoegen', '/partner': 'Partner', '/reason': 'Reden' };

export function casusoverlegPages(r: Router, ctx: WebContext, deps: { overleg: CasusoverlegPort; casus: CasusPort }): void {
  const { overleg } = deps;
  const partnerName = (id: string): string => ctx.platform.partners.find((p) => p.id === id)?.name ?? id;
  const field = (req: Request, k: string): string | undefined => {
    const v = (req.body as Record<string, string> | undefined)?.[k];
    return v && v.trim() !== '' ? v.trim() : undefined;
  };

  const listPage = async (req: Request, res: Response, problem?: Html, status = 200): Promise<void> => {
    const { items } = await overleg.listMeetings(ctx.principal(req), {});
    ctx.render(req, res, {
      title: 'Casusoverleg',
      current: '/casusoverleggen',
      status,
      body: html`<section aria-labelledby="plan-title"><h2 id="plan-title">Casusoverleg plannen</h2>
${problem ? alert('error', problem) : ''}
<form method="post" action="${ctx.href('/casusoverleggen')}"><input type="hidden" name="_csrf" value="${ctx.csrf(req)}">
<div class="field"><label for="co-date">Datum</label><input type="date" id="co-date" name="date" required></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Plannen</button></form></section>
<section aria-labelledby="list-title"><h2 id="list-title">Geplande casusoverleggen</h2>
${items.length === 0
  ? html`<p>Nog geen casusoverleg gepland.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-meetings><caption>Nieuwste datum eerst</caption>
<thead><tr><th scope="col">Datum</th><th scope="col">Casussen op de agenda</th></tr></thead>
<tbody>${items.map((m) => html`<tr data-meeting="${m.date}"><td><a href="${ctx.href(`/casusoverleggen/${m.meetingId}`)}">Casusoverleg van ${formatDate(m.date)}</a></td><td>${String(m.agendaCount)}</td></tr>`)}</tbody></table></div>`}
</section>`,
    });
  };

  r.get('/casusoverleggen', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    await listPage(req, res);
  });

  r.post('/casusoverleggen', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    await attempt(
      async () => {
        const m = await overleg.planMeeting(ctx.principal(req), { date: field(req, 'date') ?? '' }, ctx.traceId(res));
        res.redirect(303, ctx.href(`/casusoverleggen/${m.meetingId}?gedaan=gepland`));
      },
      (err: AppError) => listPage(req, res, errorMessage(err, FIELDS), err.status),
    );
  });

  const item = (req: Request, m: MeetingView, a: AgendaItemView): Html => html`<section aria-labelledby="casus-${a.caseId}" data-agenda-case="${a.caseRef}">
<h3 id="casus-${a.caseId}">Casus <a href="${ctx.href(`/casussen/${a.caseId}`)}">${a.caseRef}</a></h3>
<p>Status: ${CASE_STATUS[a.status] ?? a.status}. Regiehouder: ${a.regiehouder ? partnerName(a.regiehouder) : 'nog niet vastgelegd'}.</p>
${a.invitations.length === 0
  ? html`<p>Geen partner uitgenodigd.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-invitations><caption>Uitgenodigd</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Waarom</th><th scope="col">Grondslag</th><th scope="col">Contactpunt</th></tr></thead>
<tbody>${a.invitations.map((i) => html`<tr data-invited="${i.partner}"><td>${partnerName(i.partner)}</td>
<td>${i.grounds.map((g) => INVITATION_GROUND[g] ?? g).join(', ')}${i.addedReason ? ` (${(INVITATION_REASON[i.addedReason] ?? i.addedReason).toLowerCase()})` : ''}${i.consent ? ', met toestemming' : ''}</td>
<td>${i.basis.map((b) => b.grondslag).join('; ')}</td>
<td>${i.contact ? html`${i.contact.team}<br><a href="mailto:${i.contact.email}">${i.contact.email}</a>` : 'niet bekend'}</td></tr>`)}</tbody></table></div>`}
${a.excluded.length === 0 ? '' : html`<div data-excluded>${alert('warning', html`<ul>${a.excluded.map((e) => html`<li data-excluded-partner="${e.partner}"><strong>${partnerName(e.partner)}</strong> (${e.grounds.map((g) => (INVITATION_GROUND[g] ?? g).toLowerCase()).join(', ')}): ${EXCLUSION_REASON[e.reason] ?? e.reason}</li>`)}</ul>`)}</div>`}
<form method="post" action="${ctx.href(`/casusoverleggen/${m.meetingId}/agenda/${a.caseId}/uitnodigingen`)}"><input type="hidden" name="_csrf" value="${ctx.csrf(req)}">
<fieldset><legend>Nog een partner uitnodigen voor casus ${a.caseRef}</legend><div class="form-grid">
<div class="field"><label for="add-${a.caseId}">Partner</label><select id="add-${a.caseId}" name="partner">${ctx.platform.partners.map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select></div>
<div class="field"><label for="reason-${a.caseId}">Reden</label><select id="reason-${a.caseId}" name="reason">${options(INVITATION_REASON)}</select></div>
</div><button type="submit" class="utrecht-button utrecht-button--secondary-action">Uitnodigen</button></fieldset></form>
</section>`;

  const meetingPage = async (req: Request, res: Response, problem?: Html, status = 200): Promise<void> => {
    const p = ctx.principal(req);
    const m = await overleg.getMeeting(p, String(req.params['meetingId']));
    const onAgenda = new Set(m.agenda.map((a) => a.caseId));
    const open = (await deps.casus.list(p, { mine: 'false', limit: '100' })).items.filter((c) => c.status !== 'afgesloten' && !onAgenda.has(c.caseId));
    const done = typeof req.query['gedaan'] === 'string' ? DONE[req.query['gedaan']] : undefined;
    ctx.render(req, res, {
      title: `Casusoverleg van ${formatDate(m.date)}`,
      current: '/casusoverleggen',
      status,
      body: html`${done ? alert('ok', done) : ''}${problem ? alert('error', problem) : ''}
<p>Gepland op ${formatDateTime(m.plannedAt)}. Wie wordt uitgenodigd volgt uit de casus: de partners die de jongere kennen, wie aanmeldde en de regiehouder. Elke uitnodiging vertelt de partner dat de jongere op de agenda staat; het beleid beslist of dat mag, en het logboek legt het vast.</p>
<section aria-labelledby="add-title"><h2 id="add-title">Casus op de agenda zetten</h2>
${open.length === 0
  ? html`<p>Er is geen open casus die nog niet op deze agenda staat.</p>`
  : html`<form method="post" action="${ctx.href(`/casusoverleggen/${m.meetingId}/agenda`)}"><input type="hidden" name="_csrf" value="${ctx.csrf(req)}">
<div class="form-grid"><div class="field"><label for="ag-case">Casus</label><select id="ag-case" name="caseId">${open.map((c) => html`<option value="${c.caseId}">${c.caseRef} (${(CASE_STATUS[c.status] ?? c.status).toLowerCase()})</option>`)}</select></div>
<div class="field"><label for="ag-partner">Ook uitnodigen (niet verplicht)</label><select id="ag-partner" name="partner"><option value="">–</option>${ctx.platform.partners.map((x) => html`<option value="${x.id}">${x.name}</option>`)}</select></div>
<div class="field"><label for="ag-reason">Reden om die partner uit te nodigen</label><select id="ag-reason" name="reason"><option value="">–</option>${options(INVITATION_REASON)}</select></div></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Op de agenda zetten</button></form>`}
</section>
<section aria-labelledby="agenda-title"><h2 id="agenda-title">Agenda</h2>
${m.agenda.length === 0 ? html`<p>Nog geen casus op de agenda.</p>` : html`${m.agenda.map((a) => item(req, m, a))}`}
</section>`,
    });
  };

  r.get('/casusoverleggen/:meetingId', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    await meetingPage(req, res);
  });

  r.post('/casusoverleggen/:meetingId/agenda', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    const partner = field(req, 'partner');
    const reason = field(req, 'reason');
    await attempt(
      async () => {
        const body = { caseId: field(req, 'caseId') ?? '', ...(partner || reason ? { add: [{ partner: partner ?? '', reason: reason ?? '' }] } : {}) };
        const m = await overleg.addToAgenda(ctx.principal(req), String(req.params['meetingId']), body, ctx.traceId(res));
        res.redirect(303, ctx.href(`/casusoverleggen/${m.meetingId}?gedaan=agenda`));
      },
      (err: AppError) => meetingPage(req, res, errorMessage(err, { ...FIELDS, '/add': 'Ook uitnodigen' }), err.status),
    );
  });

  r.post('/casusoverleggen/:meetingId/agenda/:caseId/uitnodigingen', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    await attempt(
      async () => {
        const body = { partner: field(req, 'partner') ?? '', reason: field(req, 'reason') ?? '' };
        const m = await overleg.invitePartner(ctx.principal(req), String(req.params['meetingId']), String(req.params['caseId']), body, ctx.traceId(res));
        res.redirect(303, ctx.href(`/casusoverleggen/${m.meetingId}?gedaan=toegevoegd#casus-${String(req.params['caseId'])}`));
      },
      (err: AppError) => meetingPage(req, res, errorMessage(err, FIELDS), err.status),
    );
  });

  r.get('/uitnodigingen', async (req, res) => {
    requireAbility(ctx, req, 'query');
    const o = await overleg.partnerOverview(ctx.principal(req), ctx.traceId(res));
    ctx.render(req, res, {
      title: 'Uitnodigingen',
      current: '/uitnodigingen',
      body: html`<p>De casussen waarvoor uw organisatie is uitgenodigd voor het casusoverleg. Bij elke casus staan alleen de kenmerken uit uw eigen systeem waarmee de jongere bij u bekend is, zodat u het overleg kunt voorbereiden. Gegevens van andere partners ziet u niet.</p>
<section aria-labelledby="inv-title"><h2 id="inv-title">Uitnodigingen</h2>
${o.items.length === 0
  ? html`<p data-invitation-count="0">Uw organisatie is voor geen enkele casus uitgenodigd.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-partner-invitations><caption>Nieuwste overleg eerst</caption>
<thead><tr><th scope="col">Casusoverleg</th><th scope="col">Casus</th><th scope="col">Voor</th><th scope="col">Uw kenmerken</th><th scope="col">Regiehouder</th><th scope="col">Uw vervolgacties</th></tr></thead>
<tbody>${o.items.map((i) => html`<tr data-invitation="${i.caseRef}"><td>${formatDate(i.date)}</td><td>${i.caseRef}</td><td>${partnerName(i.partner)}</td>
<td data-own-refs>${i.ownRefs.length === 0 ? 'geen (uitgenodigd zonder eigen signaal)' : i.ownRefs.join(', ')}</td>
<td>${i.regiehouder ? partnerName(i.regiehouder) : 'nog niet vastgelegd'}</td>
<td>${i.vervolgacties.length === 0 ? 'geen' : html`<ul>${i.vervolgacties.map((v) => html`<li>${VERVOLG_KIND[v.kind] ?? v.kind}${v.toPartner ? ` aan ${partnerName(v.toPartner)}` : ''}, uiterlijk ${formatDate(v.dueDate)}${v.completedAt ? ' (afgerond)' : v.overdue ? html` <strong class="bad">over tijd</strong>` : ''}</li>`)}</ul>`}</td></tr>`)}</tbody></table></div>`}
</section>
<section aria-labelledby="regie-title"><h2 id="regie-title">Regie: vervolgacties over tijd</h2>
${o.regieOverdue.length === 0
  ? html`<p>Geen: uw organisatie heeft de regie over geen casus met een vervolgactie over tijd.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-regie-overdue><caption>Casussen waarvan uw organisatie de regie heeft, oudste eerst</caption>
<thead><tr><th scope="col">Casus</th><th scope="col">Partner</th><th scope="col">Actie</th><th scope="col">Uiterlijk</th></tr></thead>
<tbody>${o.regieOverdue.map((v) => html`<tr data-overdue-case="${v.caseRef}"><td>${v.caseRef}</td><td>${partnerName(v.partner)}</td><td>${VERVOLG_KIND[v.kind] ?? v.kind}</td><td>${formatDate(v.dueDate)}</td></tr>`)}</tbody></table></div>`}
</section>`,
    });
  });
}
