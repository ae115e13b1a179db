/**
 * Logging in and out. Demo mode: pick one of the demo people. Otherwise: OpenID Connect
 * (oidc-login.ts). A login regenerates the session (no session fixation) and so also the
 * CSRF token; logging out destroys the session in the database.
 */
import type { Request, Router } from 'express';
import type { DemoPerson } from '../../demo/demo-platform.js';
import { AppError } from '../../errors/app-error.js';
import { html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import type { WebContext } from '../web-context.js';
import type { OidcLogin } from '../oidc-login.js';
import { CALLBACK_PATH } from '../oidc-login.js';
import type { WebUser } from '../web-user.js';

/** Only local paths, so a login link cannot send the user elsewhere (open redirect). */
export function safeReturn(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : fallback;
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

async function logIn(req: Request, user: WebUser, accessToken?: string): Promise<void> {
  await regenerate(req);
  req.session.user = user;
  if (accessToken) req.session.accessToken = accessToken;
  await save(req);
}

export function loginPages(r: Router, ctx: WebContext, o: { demoPeople?: readonly DemoPerson[]; oidc?: OidcLogin }): void {
  const roleName = (id: string): string => ctx.platform.roles.find((x) => x.id === id)?.name ?? id;

  r.get('/inloggen', (req, res) => {
    const returnTo = safeReturn(req.query['terug'], ctx.href('/'));
    const body = o.demoPeople
      ? html`<p>Dit is de demo. Kies als wie u wilt inloggen. Alle gegevens in de demo zijn verzonnen.</p>
<form method="post" action="${ctx.href(`/inloggen`)}">
  ${csrfField(ctx.csrf(req))}
  <input type="hidden" name="terug" value="${returnTo}">
  <fieldset>
    <legend>Demogebruiker</legend>
    <ul class="people">
    ${o.demoPeople.map(
      (p, i) => html`<li><input type="radio" name="user" id="user-${p.id}" value="${p.id}"${i === 0 ? html` checked` : ''}>
      <label for="user-${p.id}">${p.displayName} <span class="hint">– ${roleName(p.role)}</span></label></li>`,
    )}
    </ul>
  </fieldset>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Inloggen</button>
</form>`
      : o.oidc
        ? html`<p>U logt in via de inlogdienst van uw organisatie.</p>
<form method="post" action="${ctx.href(`/inloggen`)}">
  ${csrfField(ctx.csrf(req))}
  <input type="hidden" name="terug" value="${returnTo}">
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Inloggen via uw organisatie</button>
</form>`
        : alert('warning', 'Inloggen via de webinterface is niet ingesteld. Vraag de beheerder om JPP_OIDC_ISSUER in te stellen.');
    ctx.render(req, res, { title: 'Inloggen', body });
  });

  r.post('/inloggen', async (req, res) => {
    const returnTo = safeReturn(req.body?.terug, ctx.href('/'));
    if (o.demoPeople) {
      const person = o.demoPeople.find((p) => p.id === req.body?.user);
      if (!person) throw new AppError('validation', 'choose a demo user', [{ pointer: '/user', detail: 'is not a demo user' }]);
      await logIn(req, { id: person.id, displayName: person.displayName, organisation: person.organisation, role: person.role });
      res.redirect(303, returnTo);
      return;
    }
    if (!o.oidc) throw new AppError('unavailable', 'web login is not configured');
    const start = await o.oidc.start();
    req.session.oidc = { verifier: start.verifier, state: start.state, nonce: start.nonce, returnTo };
    await save(req);
    res.redirect(303, start.url);
  });

  r.get(CALLBACK_PATH, async (req, res) => {
    const pending = req.session.oidc;
    if (!o.oidc || !pending) throw new AppError('unauthenticated', 'no login was started in this browser; start again');
    delete req.session.oidc;
    const url = new URL(req.originalUrl, ctx.publicUrl);
    const { user, accessToken } = await o.oidc.finish(url, pending);
    await logIn(req, user, accessToken);
    res.redirect(303, pending.returnTo);
  });

  r.post('/uitloggen', async (req, res) => {
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(ctx.cookieName, { path: ctx.cookiePath, httpOnly: true, sameSite: 'lax', secure: ctx.publicUrl.startsWith('https://') });
    res.redirect(303, ctx.href('/inloggen'));
  });
}
