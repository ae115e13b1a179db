/**
 * Koppelingen, for the functioneel beheerder (docs/register.md): each partner's adapter as the
 * register knows it (the subject of its tokens, its certificate's name, validity, whether it may
 * deliver now) and its partner's signing keys; registering an adapter, adding and revoking keys,
 * ending and restoring its access (with a confirmation). The register's service admits,
 * validates and logs.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { AdaptersService } from '../../register/adapters.service.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, requireAbility, type WebContext } from '../web-context.js';
import { PERSON_STATE, registerRefusal } from './beheer-texts.js';

const NOTICES: Record<string, string> = {
  geregistreerd: 'De koppeling is geregistreerd. Voeg de publieke sleutel toe waarmee de partner zijn aanleveringen ondertekent.',
  sleutel: 'De sleutel is toegevoegd.',
  ingetrokken: 'De sleutel is ingetrokken: aanleveringen die ermee ondertekend zijn, worden vanaf nu geweigerd.',
  beeindigd: 'De toegang van de koppeling is beëindigd, vanaf het volgende verzoek.',
  heractiveerd: 'De koppeling heeft weer toegang.',
};

const text = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};
const confirmed = (req: Request): void => {
  if (text(req, 'confirm') !== 'ja') throw new AppError('validation', 'the confirmation was not given', [{ pointer: '/confirm', code: 'not-confirmed', detail: 'is required' }]);
};

export function beheerAdapterPages(r: Router, ctx: WebContext, deps: { adapters: AdaptersService }): void {
  const partnerName = (id: string): string => ctx.platform.partners.find((p) => p.id === id)?.name ?? id;
  const notice = (req: Request): Html => {
    const n = typeof req.query['melding'] === 'string' ? NOTICES[req.query['melding']] : undefined;
    return n ? alert('ok', n) : html``;
  };

  async function list(req: Request, res: Response, problem?: Html, status = 200): Promise<void> {
    const { items } = await deps.adapters.list(ctx.principal(req), {});
    const csrf = csrfField(ctx.csrf(req));
    ctx.render(req, res, {
      title: 'Koppelingen',
      current: '/beheer/koppelingen',
      status,
      body: html`${problem ? alert('error', problem) : ''}${notice(req)}
<p>Een koppeling (adapter) levert de signalen van één partner aan. Het platform laat haar alleen toe als haar tokens het geregistreerde onderwerp dragen en, over mTLS, haar certificaat de geregistreerde naam heeft.</p>
<div class="table-wrap"><table class="utrecht-table" data-adapters><caption>Koppelingen (${items.length})</caption>
<thead><tr><th scope="col">Naam</th><th scope="col">Partner</th><th scope="col">Onderwerp van de tokens</th><th scope="col">Stand</th><th scope="col">Sleutels</th></tr></thead>
<tbody>${items.map((a) => html`<tr data-adapter="${a.adapterId}" data-state="${a.state}"><td><a href="${ctx.href(`/beheer/koppelingen/${a.adapterId}`)}">${a.adapterId}</a></td><td>${partnerName(a.partner)}</td><td class="mono">${a.clientId}</td><td>${PERSON_STATE[a.state]}</td><td>${a.keys.filter((k) => !k.revokedAt).length} geldig</td></tr>`)}</tbody></table></div>
<form method="post" action="${ctx.href('/beheer/koppelingen')}" class="policy-form" data-register-adapter>${csrf}<h2>Koppeling registreren</h2>
<div class="field"><label for="adapterId">Naam van de koppeling</label><span class="hint" id="adapterId-hint">Kleine letters, cijfers en streepjes, bijvoorbeeld "halt-nachtelijk".</span><input type="text" id="adapterId" name="adapterId" value="${text(req, 'adapterId')}" required autocomplete="off" aria-describedby="adapterId-hint"></div>
<div class="field"><label for="partner">Partner</label><select id="partner" name="partner" required>${ctx.platform.partners.map((p) => html`<option value="${p.id}"${text(req, 'partner') === p.id ? html` selected` : ''}>${p.name}</option>`)}</select></div>
<div class="field"><label for="clientId">Client-id (onderwerp van de tokens)</label><span class="hint" id="clientId-hint">Het onderwerp (sub) in de tokens die de inlogdienst aan de koppeling geeft.</span><input type="text" id="clientId" name="clientId" value="${text(req, 'clientId')}" required autocomplete="off" aria-describedby="clientId-hint"></div>
<div class="field"><label for="certificateSubject">Naam in het certificaat (CN)</label><span class="hint" id="certificateSubject-hint">Leeg: het certificaat hoeft alleen van deze partner te zijn.</span><input type="text" id="certificateSubject" name="certificateSubject" value="${text(req, 'certificateSubject')}" autocomplete="off" aria-describedby="certificateSubject-hint"></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Registreren</button></form>`,
    });
  }

  async function detail(req: Request, res: Response, problem?: Html, status = 200): Promise<void> {
    const a = await deps.adapters.get(ctx.principal(req), String(req.params['adapterId']));
    const csrf = csrfField(ctx.csrf(req));
    const base = `/beheer/koppelingen/${a.adapterId}`;
    ctx.render(req, res, {
      title: `Koppeling ${a.adapterId}`,
      current: '/beheer/koppelingen',
      status,
      body: html`${problem ? alert('error', problem) : ''}${notice(req)}
<dl class="facts"><dt>Partner</dt><dd>${partnerName(a.partner)}</dd><dt>Onderwerp van de tokens</dt><dd class="mono">${a.clientId}</dd>
<dt>Naam in het certificaat</dt><dd>${a.certificateSubject ?? 'niet vastgelegd'}</dd><dt>Stand</dt><dd data-state="${a.state}"><strong>${PERSON_STATE[a.state]}</strong></dd>
<dt>Geldig</dt><dd>vanaf ${formatDateTime(a.validFrom)}${a.validUntil ? ` tot ${formatDateTime(a.validUntil)}` : ', voor onbepaalde tijd'}</dd></dl>
<section aria-labelledby="keys-title"><h2 id="keys-title">Sleutels van ${partnerName(a.partner)}</h2>
${a.keys.length === 0 ? html`<p>Nog geen sleutel: ondertekende aanleveringen worden geweigerd.</p>` : html`<div class="table-wrap"><table class="utrecht-table" data-keys><caption>Sleutels, oudste eerst</caption>
<thead><tr><th scope="col">Sleutel-id</th><th scope="col">Toegevoegd</th><th scope="col">Stand</th></tr></thead>
<tbody>${a.keys.map((k) => html`<tr data-key="${k.kid}"><td class="mono">${k.kid}</td><td>${formatDateTime(k.addedAt)}</td><td>${k.revokedAt ? `ingetrokken op ${formatDateTime(k.revokedAt)}` : html`geldig <form method="post" action="${ctx.href(`${base}/sleutels/${encodeURIComponent(k.kid)}/intrekken`)}" class="inline-form">${csrf}<span><input type="checkbox" id="confirm-${k.kid}" name="confirm" value="ja" required> <label for="confirm-${k.kid}">Voorgoed intrekken</label></span> <button type="submit" class="utrecht-button utrecht-button--secondary-action">Intrekken</button></form>`}</td></tr>`)}</tbody></table></div>`}
<form method="post" action="${ctx.href(`${base}/sleutels`)}" class="policy-form" data-add-key>${csrf}<h3>Sleutel toevoegen</h3>
<div class="field"><label for="kid">Sleutel-id</label><input type="text" id="kid" name="kid" required autocomplete="off"></div>
<div class="field"><label for="jwk">Publieke sleutel (JWK)</label><span class="hint" id="jwk-hint">De publieke sleutel als JSON, Ed25519 of P-256. Nooit de geheime sleutel.</span><textarea id="jwk" name="jwk" rows="4" required aria-describedby="jwk-hint"></textarea></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Sleutel toevoegen</button></form></section>
<section aria-labelledby="access-title"><h2 id="access-title">Toegang</h2>
${a.active
  ? html`<form method="post" action="${ctx.href(`${base}/beeindigen`)}" class="policy-form" data-deactivate>${csrf}<div class="field"><span><input type="checkbox" id="confirm" name="confirm" value="ja" required> <label for="confirm">Ik begrijp dat deze koppeling direct niets meer kan aanleveren.</label></span></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Toegang beëindigen</button></form>`
  : html`<form method="post" action="${ctx.href(`${base}/heractiveren`)}" class="policy-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--secondary-action">Toegang herstellen</button></form>`}</section>`,
    });
  }

  const guarded = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    requireAbility(ctx, req, 'administer');
    await handler(req, res);
  };
  const act = (run: (req: Request, res: Response, adapterId: string) => Promise<string>) =>
    guarded((req, res) =>
      attempt(
        async () => {
          const adapterId = String(req.params['adapterId']);
          const melding = await run(req, res, adapterId);
          res.redirect(303, ctx.href(`/beheer/koppelingen/${adapterId}?melding=${melding}`));
        },
        (err) => detail(req, res, registerRefusal(err), err.status),
      ),
    );

  r.get('/beheer/koppelingen', guarded((req, res) => list(req, res)));
  r.post('/beheer/koppelingen', guarded((req, res) =>
    attempt(
      async () => {
        const body = {
          adapterId: text(req, 'adapterId'),
          partner: text(req, 'partner'),
          clientId: text(req, 'clientId'),
          ...(text(req, 'certificateSubject') ? { certificateSubject: text(req, 'certificateSubject') } : {}),
        };
        const a = await deps.adapters.register(ctx.principal(req), body, ctx.traceId(res));
        res.redirect(303, ctx.href(`/beheer/koppelingen/${a.adapterId}?melding=geregistreerd`));
      },
      (err) => list(req, res, registerRefusal(err), err.status),
    ),
  ));
  r.get('/beheer/koppelingen/:adapterId', guarded((req, res) => detail(req, res)));
  r.post('/beheer/koppelingen/:adapterId/sleutels', act(async (req, res, adapterId) => {
    let jwk: unknown;
    try {
      jwk = JSON.parse(text(req, 'jwk'));
    } catch {
      throw new AppError('validation', 'the key is not JSON', [{ pointer: '/jwk', code: 'invalid-format', detail: 'is not JSON' }]);
    }
    await deps.adapters.addKey(ctx.principal(req), adapterId, { kid: text(req, 'kid'), jwk }, ctx.traceId(res));
    return 'sleutel';
  }));
  r.post('/beheer/koppelingen/:adapterId/sleutels/:kid/intrekken', act(async (req, res, adapterId) => {
    confirmed(req);
    await deps.adapters.revokeKey(ctx.principal(req), adapterId, String(req.params['kid']), ctx.traceId(res));
    return 'ingetrokken';
  }));
  r.post('/beheer/koppelingen/:adapterId/beeindigen', act(async (req, res, adapterId) => {
    confirmed(req);
    await deps.adapters.deactivate(ctx.principal(req), adapterId, ctx.traceId(res));
    return 'beeindigd';
  }));
  r.post('/beheer/koppelingen/:adapterId/heractiveren', act(async (req, res, adapterId) => {
    await deps.adapters.reactivate(ctx.principal(req), adapterId, ctx.traceId(res));
    return 'heractiveerd';
  }));
}
