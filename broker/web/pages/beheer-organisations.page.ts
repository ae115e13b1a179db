/**
 * Organisaties, for the functioneel beheerder (docs/register.md): the organisations people work
 * for, from the platform file and registered here; registering one; ending and restoring the
 * access of an organisation's people (with a confirmation). The register's service admits,
 * validates and logs.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { OrganisationsService } from '../../register/organisations.service.js';
import { html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, requireAbility, type WebContext } from '../web-context.js';
import { registerRefusal } from './beheer-texts.js';

const NOTICES: Record<string, string> = {
  geregistreerd: 'De organisatie is geregistreerd. Registreer nu de mensen die ervoor werken.',
  beeindigd: 'De toegang van de mensen van deze organisatie is beëindigd, vanaf hun volgende verzoek.',
  heractiveerd: 'De mensen van deze organisatie hebben weer toegang (voor zover hun eigen toegang loopt).',
};

const text = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};

export function beheerOrganisationPages(r: Router, ctx: WebContext, deps: { organisations: OrganisationsService }): void {
  async function show(req: Request, res: Response, problem?: Html, status = 200): Promise<void> {
    const { items } = await deps.organisations.list(ctx.principal(req));
    const melding = typeof req.query['melding'] === 'string' ? NOTICES[req.query['melding']] : undefined;
    const csrf = csrfField(ctx.csrf(req));
    ctx.render(req, res, {
      title: 'Organisaties',
      current: '/beheer/organisaties',
      status,
      body: html`${problem ? alert('error', problem) : ''}${melding ? alert('ok', melding) : ''}
<p>De organisaties waarvoor mensen werken. Die uit het platformbestand zijn ook partners of de ZVH: hun naam volgt het platformbestand. Een organisatie die u hier registreert (bijvoorbeeld een tweede team) heeft mensen, maar geen signalen of beleidsregels.</p>
<div class="table-wrap"><table class="utrecht-table" data-organisations><caption>Organisaties (${items.length})</caption>
<thead><tr><th scope="col">Naam</th><th scope="col">Herkomst</th><th scope="col">Partner</th><th scope="col">Stand</th><th scope="col">Actie</th></tr></thead>
<tbody>${items.map((o) => html`<tr data-organisation="${o.organisationId}" data-active="${o.active ? 'ja' : 'nee'}"><td>${o.name}</td><td>${o.source === 'platform' ? 'platformbestand' : 'register'}</td><td>${o.partner ? 'ja' : 'nee'}</td><td>${o.active ? 'actief' : 'toegang beëindigd'}</td>
<td>${o.active
  ? html`<form method="post" action="${ctx.href(`/beheer/organisaties/${o.organisationId}/beeindigen`)}" class="inline-form">${csrf}<span><input type="checkbox" id="confirm-${o.organisationId}" name="confirm" value="ja" required> <label for="confirm-${o.organisationId}">Ik begrijp dat niemand van ${o.name} nog toegang heeft</label></span> <button type="submit" class="utrecht-button utrecht-button--secondary-action">Toegang beëindigen</button></form>`
  : html`<form method="post" action="${ctx.href(`/beheer/organisaties/${o.organisationId}/heractiveren`)}" class="inline-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label="Toegang van ${o.name} herstellen">Toegang herstellen</button></form>`}</td></tr>`)}</tbody></table></div>
<form method="post" action="${ctx.href('/beheer/organisaties')}" class="policy-form" data-register-organisation>${csrf}<h2>Organisatie registreren</h2>
<div class="field"><label for="organisationId">Code van de organisatie</label><span class="hint" id="organisationId-hint">Kleine letters, cijfers en streepjes, bijvoorbeeld "zvh-team-zuid".</span><input type="text" id="organisationId" name="organisationId" value="${text(req, 'organisationId')}" required autocomplete="off" aria-describedby="organisationId-hint"></div>
<div class="field"><label for="name">Naam van de organisatie</label><input type="text" id="name" name="name" value="${text(req, 'name')}" required autocomplete="off"></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Registreren</button></form>`,
    });
  }
  const guarded = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    requireAbility(ctx, req, 'administer');
    await handler(req, res);
  };
  const act = (run: (req: Request, res: Response) => Promise<string>) =>
    guarded((req, res) =>
      attempt(
        async () => res.redirect(303, ctx.href(`/beheer/organisaties?melding=${await run(req, res)}`)),
        (err) => show(req, res, registerRefusal(err), err.status),
      ),
    );

  r.get('/beheer/organisaties', guarded((req, res) => show(req, res)));
  r.post('/beheer/organisaties', act(async (req, res) => {
    await deps.organisations.register(ctx.principal(req), { organisationId: text(req, 'organisationId'), name: text(req, 'name') }, ctx.traceId(res));
    return 'geregistreerd';
  }));
  r.post('/beheer/organisaties/:organisationId/beeindigen', act(async (req, res) => {
    if (text(req, 'confirm') !== 'ja') throw new AppError('validation', 'the confirmation was not given', [{ pointer: '/confirm', code: 'not-confirmed', detail: 'is required' }]);
    await deps.organisations.deactivate(ctx.principal(req), String(req.params['organisationId']), ctx.traceId(res));
    return 'beeindigd';
  }));
  r.post('/beheer/organisaties/:organisationId/heractiveren', act(async (req, res) => {
    await deps.organisations.reactivate(ctx.principal(req), String(req.params['organisationId']), ctx.traceId(res));
    return 'heractiveerd';
  }));
}
