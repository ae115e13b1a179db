/**
 * Personen, for the functioneel beheerder (docs/register.md): the people in the register, one
 * person's roles with their state, registering a person, granting, approving (vier ogen) and
 * revoking roles, changing name and validity, and ending access. The register's services admit
 * (capability `administer` and the register's own confirmation), validate and log every change;
 * these pages collect and show, in Dutch.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { PeopleService } from '../../register/people.service.js';
import type { OrganisationsService } from '../../register/organisations.service.js';
import type { PersonView } from '../../register/register-types.js';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, requireAbility, type WebContext } from '../web-context.js';
import { GRANT_STATE, PERSON_STATE, registerRefusal } from './beheer-texts.js';

export interface BeheerPeopleDeps {
  readonly people: PeopleService;
  readonly organisations: Pick<OrganisationsService, 'list'>;
}

const NOTICES: Record<string, string> = {
  geregistreerd: 'De persoon is geregistreerd. Rollen die het logboek, rechten, het beleid of het register raken, tellen pas als een andere beheerder ze goedkeurt.',
  toegekend: 'De rol is toegekend.',
  goedgekeurd: 'De rol is goedgekeurd en telt vanaf nu.',
  ingetrokken: 'De rol is ingetrokken. Wie in die rol was ingelogd, wordt bij de volgende stap uitgelogd.',
  beeindigd: 'De toegang is beëindigd: tokens worden vanaf het volgende verzoek geweigerd en open sessies zijn beëindigd.',
  heractiveerd: 'De persoon heeft weer toegang.',
  gewijzigd: 'De gegevens zijn gewijzigd.',
};

const text = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);
const day = (iso: string | null): string => (iso ? formatDateTime(iso) : '–');

export function beheerPeoplePages(r: Router, ctx: WebContext, deps: BeheerPeopleDeps): void {
  const roleName = (id: string): string => ctx.platform.roles.find((x) => x.id === id)?.name ?? id;
  const orgNames = async (req: Request): Promise<Map<string, string>> =>
    new Map((await deps.organisations.list(ctx.principal(req))).items.map((o) => [o.organisationId, o.name]));
  const peopleNames = async (req: Request): Promise<Map<string, string>> =>
    new Map((await deps.people.list(ctx.principal(req), { limit: '500' })).items.map((p) => [p.personId, p.displayName]));
  const who = (names: Map<string, string>, id: string | null): string =>
    id === null ? '–' : id.startsWith('system:') ? 'het platform (eerste inrichting)' : (names.get(id) ?? 'een persoon die niet meer in het register staat');
  const notice = (req: Request): Html => {
    const n = typeof req.query['melding'] === 'string' ? NOTICES[req.query['melding']] : undefined;
    return n ? alert('ok', n) : html``;
  };

  async function overview(req: Request, res: Response): Promise<void> {
    const principal = ctx.principal(req);
    const [{ items }, pending, orgs] = await Promise.all([deps.people.list(principal, { limit: '500' }), deps.people.pending(principal), orgNames(req)]);
    ctx.render(req, res, {
      title: 'Personen',
      current: '/beheer',
      body: html`${notice(req)}
<p>Wie hier staat, kan inloggen via de inlogdienst van de eigen organisatie, in de rollen die hier actief zijn. Het register beslist, niet de inlogdienst.</p>
<div class="button-row"><a class="utrecht-button-link utrecht-button-link--primary-action" href="${ctx.href('/beheer/personen/nieuw')}">Persoon registreren</a>
<a class="utrecht-button-link utrecht-button-link--secondary-action" href="${ctx.href('/beheer/goedkeuringen')}">Goedkeuren (${pending.items.length})</a></div>
<div class="table-wrap"><table class="utrecht-table" data-people><caption>Personen in het register (${items.length})</caption>
<thead><tr><th scope="col">Naam</th><th scope="col">Organisatie</th><th scope="col">Rollen</th><th scope="col">Stand</th></tr></thead>
<tbody>${items.map(
  (p) => html`<tr data-person="${p.personId}"><td><a href="${ctx.href(`/beheer/personen/${encodeURIComponent(p.personId)}`)}">${p.displayName}</a></td><td>${orgs.get(p.organisation) ?? p.organisation}</td>
<td><ul>${p.roles.filter((g) => g.state !== 'revoked').map((g) => html`<li>${roleName(g.role)} <span class="hint">(${GRANT_STATE[g.state]})</span></li>`)}</ul></td><td data-state="${p.state}">${PERSON_STATE[p.state]}</td></tr>`,
)}</tbody></table></div>`,
    });
  }

  async function newForm(req: Request, res: Response, problem?: Html, status = 200): Promise<void> {
    const orgs = (await deps.organisations.list(ctx.principal(req))).items.filter((o) => o.active);
    const chosen = list((req.body as Record<string, unknown> | undefined)?.['roles']);
    const csrf = csrfField(ctx.csrf(req));
    ctx.render(req, res, {
      title: 'Persoon registreren',
      current: '/beheer',
      status,
      body: html`${problem ? alert('error', problem) : ''}
<form method="post" action="${ctx.href('/beheer/personen')}" class="policy-form" data-register-person>${csrf}
<div class="field"><label for="personId">Inlognaam bij de inlogdienst</label><span class="hint" id="personId-hint">Het onderwerp (sub) dat de inlogdienst van de organisatie voor deze persoon geeft, precies zoals het in de tokens staat.</span>
<input type="text" id="personId" name="personId" value="${text(req, 'personId')}" required autocomplete="off" aria-describedby="personId-hint"></div>
<div class="field"><label for="displayName">Naam</label><span class="hint" id="displayName-hint">Zoals collega's de persoon kennen, bijvoorbeeld "J. de Vries (Halt)". Geen cijfers of e-mailadres.</span>
<input type="text" id="displayName" name="displayName" value="${text(req, 'displayName')}" required autocomplete="off" aria-describedby="displayName-hint"></div>
<div class="field"><label for="organisation">Organisatie</label><select id="organisation" name="organisation" required>
${orgs.map((o) => html`<option value="${o.organisationId}"${text(req, 'organisation') === o.organisationId ? html` selected` : ''}>${o.name}</option>`)}</select></div>
<fieldset><legend>Rollen</legend><span class="hint">Een rol die het logboek, rechten van betrokkenen, het beleid of het register raakt, telt pas na goedkeuring door een andere beheerder.</span>
${ctx.platform.roles.map((role) => html`<div class="field"><span><input type="checkbox" name="roles" id="role-${role.id}" value="${role.id}"${chosen.includes(role.id) ? html` checked` : ''}> <label for="role-${role.id}">${role.name}</label></span></div>`)}
</fieldset>
<div class="field"><label for="validFrom">Geldig vanaf</label><span class="hint" id="validFrom-hint">Leeg: vandaag.</span><input type="date" id="validFrom" name="validFrom" value="${text(req, 'validFrom')}" aria-describedby="validFrom-hint"></div>
<div class="field"><label for="validUntil">Geldig tot</label><span class="hint" id="validUntil-hint">Leeg: onbepaalde tijd. Vanaf deze dag heeft de persoon geen toegang meer.</span><input type="date" id="validUntil" name="validUntil" value="${text(req, 'validUntil')}" aria-describedby="validUntil-hint"></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Registreren</button>
</form>`,
    });
  }

  async function detail(req: Request, res: Response, problem?: Html, status = 200): Promise<void> {
    const principal = ctx.principal(req);
    const p: PersonView = await deps.people.get(principal, String(req.params['personId']));
    const [names, orgs] = await Promise.all([peopleNames(req), orgNames(req)]);
    const you = ctx.user(req).id;
    const csrf = csrfField(ctx.csrf(req));
    const base = `/beheer/personen/${encodeURIComponent(p.personId)}`;
    const held = new Set(p.roles.filter((g) => g.state !== 'revoked').map((g) => g.role));
    ctx.render(req, res, {
      title: p.displayName,
      current: '/beheer',
      status,
      body: html`${problem ? alert('error', problem) : ''}${notice(req)}
<dl class="facts">
  <dt>Inlognaam bij de inlogdienst</dt><dd class="mono">${p.personId}</dd>
  <dt>Organisatie</dt><dd>${orgs.get(p.organisation) ?? p.organisation}</dd>
  <dt>Stand</dt><dd data-state="${p.state}"><strong>${PERSON_STATE[p.state]}</strong>${p.deactivatedAt ? ` (op ${day(p.deactivatedAt)} door ${who(names, p.deactivatedBy)})` : ''}</dd>
  <dt>Geldig</dt><dd>vanaf ${day(p.validFrom)}${p.validUntil ? ` tot ${day(p.validUntil)}` : ', voor onbepaalde tijd'}</dd>
  <dt>Geregistreerd</dt><dd>${day(p.createdAt)} door ${who(names, p.createdBy)}</dd>
</dl>
<section aria-labelledby="roles-title"><h2 id="roles-title">Rollen</h2>
<div class="table-wrap"><table class="utrecht-table" data-grants><caption>Rollen van ${p.displayName}</caption>
<thead><tr><th scope="col">Rol</th><th scope="col">Stand</th><th scope="col">Geldig</th><th scope="col">Toegekend</th><th scope="col">Goedgekeurd</th><th scope="col">Actie</th></tr></thead>
<tbody>${p.roles.map((g) => {
  const canApprove = g.state === 'pending-approval' && g.grantedBy !== you && p.personId !== you;
  return html`<tr data-grant="${g.role}" data-state="${g.state}"><td>${roleName(g.role)}${g.privileged ? html` <span class="hint">(vier ogen)</span>` : ''}</td><td>${GRANT_STATE[g.state]}</td>
<td>vanaf ${day(g.validFrom)}${g.validUntil ? ` tot ${day(g.validUntil)}` : ''}</td><td>${day(g.grantedAt)} door ${who(names, g.grantedBy)}</td>
<td>${g.approvedAt ? `${day(g.approvedAt)} door ${who(names, g.approvedBy)}` : g.revokedAt ? '–' : 'nog niet'}</td>
<td>${canApprove ? html`<form method="post" action="${ctx.href(`${base}/rollen/${g.role}/goedkeuren`)}" class="inline-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--primary-action" aria-label="Rol ${roleName(g.role)} goedkeuren">Goedkeuren</button></form>` : ''}
${g.state === 'pending-approval' && !canApprove ? html`<span class="hint">Een andere beheerder keurt goed.</span>` : ''}
${g.state !== 'revoked' ? html`<form method="post" action="${ctx.href(`${base}/rollen/${g.role}/intrekken`)}" class="inline-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label="Rol ${roleName(g.role)} intrekken">Intrekken</button></form>` : `ingetrokken op ${day(g.revokedAt)}`}</td></tr>`;
})}</tbody></table></div>
<form method="post" action="${ctx.href(`${base}/rollen`)}" class="policy-form" data-grant-role>${csrf}<h3>Rol toekennen</h3>
<div class="field"><label for="role">Rol</label><select id="role" name="role" required>${ctx.platform.roles.filter((x) => !held.has(x.id)).map((x) => html`<option value="${x.id}">${x.name}</option>`)}</select></div>
<div class="field"><label for="grantFrom">Geldig vanaf</label><span class="hint" id="grantFrom-hint">Leeg: vandaag.</span><input type="date" id="grantFrom" name="validFrom" aria-describedby="grantFrom-hint"></div>
<div class="field"><label for="grantUntil">Geldig tot</label><span class="hint" id="grantUntil-hint">Leeg: onbepaalde tijd.</span><input type="date" id="grantUntil" name="validUntil" aria-describedby="grantUntil-hint"></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Rol toekennen</button></form>
</section>
<section aria-labelledby="edit-title"><h2 id="edit-title">Gegevens wijzigen</h2>
<form method="post" action="${ctx.href(`${base}/wijzigen`)}" class="policy-form" data-edit-person>${csrf}
<div class="field"><label for="editName">Naam</label><input type="text" id="editName" name="displayName" value="${p.displayName}" required autocomplete="off"></div>
<div class="field"><label for="editUntil">Geldig tot</label><span class="hint" id="editUntil-hint">Leeg: onbepaalde tijd.</span><input type="date" id="editUntil" name="validUntil" value="${p.validUntil ? p.validUntil.slice(0, 10) : ''}" aria-describedby="editUntil-hint"></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Opslaan</button></form>
</section>
<section aria-labelledby="access-title"><h2 id="access-title">Toegang</h2>
${p.active
  ? html`<form method="post" action="${ctx.href(`${base}/beeindigen`)}" class="policy-form" data-deactivate>${csrf}
<p>Beëindigen werkt direct: de inlogdienst en tokens worden vanaf het volgende verzoek geweigerd, en open sessies worden beëindigd. De gegevens blijven bewaard.</p>
<div class="field"><span><input type="checkbox" id="confirm" name="confirm" value="ja" required> <label for="confirm">Ik begrijp dat ${p.displayName} direct geen toegang meer heeft.</label></span></div>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Toegang beëindigen</button></form>`
  : html`<form method="post" action="${ctx.href(`${base}/heractiveren`)}" class="policy-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--secondary-action">Toegang herstellen</button></form>`}
</section>`,
    });
  }

  const guarded = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    requireAbility(ctx, req, 'administer');
    await handler(req, res);
  };
  /** A form's action: on a refusal, the detail page again with the reason in Dutch. */
  const act = (run: (req: Request, res: Response, personId: string) => Promise<string>) =>
    guarded(async (req, res) => {
      const personId = String(req.params['personId']);
      await attempt(
        async () => {
          const melding = await run(req, res, personId);
          res.redirect(303, ctx.href(`/beheer/personen/${encodeURIComponent(personId)}?melding=${melding}`));
        },
        (err) => detail(req, res, registerRefusal(err), err.status),
      );
    });

  r.get('/beheer', guarded(overview));
  r.get('/beheer/personen/nieuw', guarded((req, res) => newForm(req, res)));
  r.post('/beheer/personen', guarded(async (req, res) => {
    const body = {
      personId: text(req, 'personId'),
      displayName: text(req, 'displayName'),
      organisation: text(req, 'organisation'),
      roles: list((req.body as Record<string, unknown> | undefined)?.['roles']).map((role) => ({ role })),
      ...(text(req, 'validFrom') ? { validFrom: text(req, 'validFrom') } : {}),
      ...(text(req, 'validUntil') ? { validUntil: text(req, 'validUntil') } : {}),
    };
    await attempt(
      async () => {
        const p = await deps.people.register(ctx.principal(req), body, ctx.traceId(res));
        res.redirect(303, ctx.href(`/beheer/personen/${encodeURIComponent(p.personId)}?melding=geregistreerd`));
      },
      (err) => newForm(req, res, registerRefusal(err), err.status),
    );
  }));
  r.get('/beheer/personen/:personId', guarded((req, res) => detail(req, res)));
  r.post('/beheer/personen/:personId/rollen', act(async (req, res, personId) => {
    const body = { role: text(req, 'role'), ...(text(req, 'validFrom') ? { validFrom: text(req, 'validFrom') } : {}), ...(text(req, 'validUntil') ? { validUntil: text(req, 'validUntil') } : {}) };
    await deps.people.grant(ctx.principal(req), personId, body, ctx.traceId(res));
    return 'toegekend';
  }));
  r.post('/beheer/personen/:personId/rollen/:role/goedkeuren', act(async (req, res, personId) => {
    await deps.people.approve(ctx.principal(req), personId, String(req.params['role']), ctx.traceId(res));
    return 'goedgekeurd';
  }));
  r.post('/beheer/personen/:personId/rollen/:role/intrekken', act(async (req, res, personId) => {
    await deps.people.revoke(ctx.principal(req), personId, String(req.params['role']), ctx.traceId(res));
    return 'ingetrokken';
  }));
  r.post('/beheer/personen/:personId/wijzigen', act(async (req, res, personId) => {
    await deps.people.update(ctx.principal(req), personId, { displayName: text(req, 'displayName'), validUntil: text(req, 'validUntil') || null }, ctx.traceId(res));
    return 'gewijzigd';
  }));
  r.post('/beheer/personen/:personId/beeindigen', act(async (req, res, personId) => {
    // A confirmation step before an irreversible-feeling step: the checkbox must be ticked.
    if (text(req, 'confirm') !== 'ja') throw new AppError('validation', 'the confirmation was not given', [{ pointer: '/confirm', code: 'not-confirmed', detail: 'is required' }]);
    await deps.people.deactivate(ctx.principal(req), personId, ctx.traceId(res));
    return 'beeindigd';
  }));
  r.post('/beheer/personen/:personId/heractiveren', act(async (req, res, personId) => {
    await deps.people.reactivate(ctx.principal(req), personId, ctx.traceId(res));
    return 'heractiveerd';
  }));

  r.get('/beheer/goedkeuringen', guarded(async (req, res) => {
    const principal = ctx.principal(req);
    const [pending, names, orgs] = await Promise.all([deps.people.pending(principal), peopleNames(req), orgNames(req)]);
    const you = ctx.user(req).id;
    const csrf = csrfField(ctx.csrf(req));
    ctx.render(req, res, {
      title: 'Rollen goedkeuren (vier ogen)',
      current: '/beheer',
      body: html`${notice(req)}
<p>Een rol die het logboek, rechten van betrokkenen, het beleid of het register raakt, telt pas als een tweede beheerder hem goedkeurt. U keurt niet goed wat u zelf toekende, en niet wat aan uzelf is toegekend.</p>
${pending.items.length === 0 ? html`<p>Er wacht niets op goedkeuring.</p>` : html`<div class="table-wrap"><table class="utrecht-table" data-pending><caption>Wacht op goedkeuring (${pending.items.length}), oudste eerst</caption>
<thead><tr><th scope="col">Persoon</th><th scope="col">Organisatie</th><th scope="col">Rol</th><th scope="col">Toegekend</th><th scope="col">Actie</th></tr></thead>
<tbody>${pending.items.map((g) => html`<tr data-pending-grant="${g.personId}:${g.role}"><td><a href="${ctx.href(`/beheer/personen/${encodeURIComponent(g.personId)}`)}">${g.displayName}</a></td><td>${orgs.get(g.organisation) ?? g.organisation}</td><td>${roleName(g.role)}</td><td>${day(g.grantedAt)} door ${who(names, g.grantedBy)}</td>
<td>${g.grantedBy === you || g.personId === you ? html`<span class="hint">Een andere beheerder keurt goed.</span>` : html`<form method="post" action="${ctx.href(`/beheer/personen/${encodeURIComponent(g.personId)}/rollen/${g.role}/goedkeuren`)}" class="inline-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--primary-action" aria-label="Rol ${roleName(g.role)} van ${g.displayName} goedkeuren">Goedkeuren</button></form>`}</td></tr>`)}</tbody></table></div>`}`,
    });
  }));
}
