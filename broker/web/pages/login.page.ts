/**
 * Logging in and out. Demo mode: pick one of the demo people. Otherwise: OpenID Connect
 * (oidc-login.ts), and where the person register gives several usable roles, the person
 * chooses one. A login regenerates the session (no session fixation) and so also the CSRF
 * token; logging out destroys the session in the database, and then sends the browser to the
 * provider's end-session endpoint when it has one (RP-initiated logout), which returns it to
 * `/uitgelogd`.
 *
 * Every refused login is one `web login refused` line in the operational log with its stable
 * reason code, and a Dutch page that says what to do. Neither holds a token or a claim value.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import type { WebContext } from '../web-context.js';
import { CALLBACK_PATH, LOGGED_OUT_PATH, LoginRefused, type OidcLogin } from '../oidc-login.js';
import type { RefusalReason } from '../oidc-claims.js';
import type { WebUser } from '../web-user.js';

const ROLE_CHOICE_PATH = '/inloggen/rol';

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

async function logIn(req: Request, user: WebUser, tokens?: { accessToken: string; idToken: string }): Promise<void> {
  await regenerate(req);
  req.session.user = user;
  if (tokens) {
    req.session.accessToken = tokens.accessToken;
    req.session.idToken = tokens.idToken;
  }
  await save(req);
  req.log?.info({ event: 'web-login', role: user.role }, 'web login');
}

/** What the person reads when their login is refused: what happened, and what to do. */
function refusalMessage(reason: RefusalReason, platform: string): string {
  switch (reason) {
    case 'not-registered':
      return `U bent bij de inlogdienst van uw organisatie ingelogd, maar u staat niet (meer) als gebruiker in het register van ${platform}. Vraag de functioneel beheerder van het platform om u te registreren, met uw organisatie en rol.`;
    case 'deactivated':
      return `Uw toegang tot ${platform} is beëindigd. Denkt u dat dit niet klopt? Neem dan contact op met de functioneel beheerder van het platform.`;
    case 'role-not-granted':
      return `De inlogdienst van uw organisatie geeft u geen van de rollen die u in ${platform} heeft. Vraag de beheerder van de inlogdienst van uw organisatie, of de functioneel beheerder van het platform, om uw rol na te kijken.`;
    case 'organisation-not-granted':
      return `De inlogdienst noemt een andere organisatie dan die waarvoor u in ${platform} bent geregistreerd. Vraag de functioneel beheerder van het platform om uw registratie na te kijken.`;
    case 'wrong-platform':
      return `De inlogdienst heeft u aangemeld voor een ander platform dan ${platform}. Ga naar het platform waarvoor u werkt, of vraag de beheerder van de inlogdienst van uw organisatie om dit na te kijken.`;
    case 'wrong-audience':
      return 'Het antwoord van de inlogdienst was niet voor deze website bestemd. Probeer opnieuw in te loggen. Gebeurt dit weer, meld het dan aan de functioneel beheerder van het platform.';
    case 'invalid-id-token':
    case 'userinfo-mismatch':
      return 'Het antwoord van de inlogdienst kon niet worden gecontroleerd. Probeer opnieuw in te loggen. Gebeurt dit weer, meld het dan aan de functioneel beheerder van het platform.';
    case 'state-mismatch':
      return 'Dit inloggen is verlopen, of is in een ander venster of een andere browser begonnen. Begin opnieuw met inloggen.';
    case 'provider-error':
      return 'De inlogdienst van uw organisatie heeft het inloggen niet afgerond. Probeer het opnieuw. Lukt het weer niet, neem dan contact op met de helpdesk van uw organisatie.';
    case 'provider-unreachable':
      return 'De inlogdienst van uw organisatie is nu niet bereikbaar. Probeer het over een paar minuten opnieuw.';
  }
}

/** Refusals that another try may cure; the others need someone to change the register or the provider. */
const RETRYABLE: ReadonlySet<RefusalReason> = new Set(['wrong-audience', 'invalid-id-token', 'userinfo-mismatch', 'state-mismatch', 'provider-error', 'provider-unreachable']);

/** Demo mode's login: anyone the register confirms now, with the roles they may act in now. */
export interface DemoLogin {
  people(): Promise<ReadonlyArray<{ id: string; displayName: string; organisation: string; roles: readonly string[] }>>;
}

export function loginPages(r: Router, ctx: WebContext, o: { demoLogin?: DemoLogin; oidc?: OidcLogin }): void {
  const roleName = (id: string): string => ctx.platform.roles.find((x) => x.id === id)?.name ?? id;

  /** Logs the refusal (reason code, names of failed checks; no token, no claim value) and shows the person what to do. */
  function refuse(req: Request, res: Response, err: LoginRefused): void {
    req.log?.warn({ event: 'web-login-refused', reason: err.reason, ...err.logContext }, 'web login refused');
    const body: Html = html`${alert(err.status >= 500 ? 'warning' : 'error', html`<p>${refusalMessage(err.reason, ctx.platform.name)}</p>`)}
${RETRYABLE.has(err.reason) ? html`<p><a href="${ctx.href('/inloggen')}">Opnieuw inloggen</a></p>` : ''}`;
    ctx.render(req, res, { title: 'Inloggen is niet gelukt', status: err.status, body });
  }

  r.get('/inloggen', async (req, res) => {
    const returnTo = safeReturn(req.query['terug'], ctx.href('/'));
    const demoPeople = o.demoLogin ? await o.demoLogin.people() : undefined;
    const body = demoPeople
      ? html`<p>Dit is de demo. Kies als wie u wilt inloggen: iedereen die in het register staat. Alle gegevens in de demo zijn verzonnen.</p>
<form method="post" action="${ctx.href(`/inloggen`)}">
  ${csrfField(ctx.csrf(req))}
  <input type="hidden" name="terug" value="${returnTo}">
  <fieldset>
    <legend>Demogebruiker</legend>
    <ul class="people">
    ${demoPeople.map(
      (p, i) => html`<li><input type="radio" name="user" id="user-${p.id}" value="${p.id}"${i === 0 ? html` checked` : ''}>
      <label for="user-${p.id}">${p.displayName} <span class="hint">– ${p.roles.map(roleName).join(', ')}</span></label></li>`,
    )}
    </ul>
  </fieldset>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Inloggen</button>
</form>`
      : o.oidc
        ? html`<p>U logt in via de inlogdienst van uw organisatie. Daarna kijkt ${ctx.platform.name} in zijn eigen register of u toegang heeft, en in welke rol.</p>
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
    if (o.demoLogin) {
      // The register decides, as for a real login: only someone it confirms now, in a role it gives.
      const person = (await o.demoLogin.people()).find((p) => p.id === req.body?.user);
      if (!person) return refuse(req, res, new LoginRefused('not-registered', 'the demo login names no one the register confirms'));
      const who = { id: person.id, displayName: person.displayName, organisation: person.organisation };
      if (person.roles.length === 1) {
        await logIn(req, { ...who, role: person.roles[0]! });
        res.redirect(303, returnTo);
        return;
      }
      req.session.roleChoice = { person: who, roles: [...person.roles], returnTo };
      await save(req);
      res.redirect(303, ctx.href(ROLE_CHOICE_PATH));
      return;
    }
    if (!o.oidc) throw new AppError('unavailable', 'web login is not configured');
    let start;
    try {
      start = await o.oidc.start();
    } catch (err) {
      if (err instanceof LoginRefused) return refuse(req, res, err);
      throw err;
    }
    req.session.oidc = { verifier: start.verifier, state: start.state, nonce: start.nonce, returnTo };
    await save(req);
    res.redirect(303, start.url);
  });

  r.get(CALLBACK_PATH, async (req, res) => {
    const pending = req.session.oidc;
    try {
      if (!o.oidc || !pending) throw new LoginRefused('state-mismatch', 'no login was started in this browser');
      delete req.session.oidc;
      const url = new URL(req.originalUrl, ctx.publicUrl);
      const { person, roles, accessToken, idToken } = await o.oidc.finish(url, pending);
      if (roles.length === 1) {
        await logIn(req, { ...person, role: roles[0]! }, { accessToken, idToken });
        res.redirect(303, pending.returnTo);
        return;
      }
      req.session.roleChoice = { person, roles: [...roles], accessToken, idToken, returnTo: pending.returnTo };
      await save(req);
      res.redirect(303, ctx.href(ROLE_CHOICE_PATH));
    } catch (err) {
      if (err instanceof LoginRefused) {
        if (pending) await save(req);
        return refuse(req, res, err);
      }
      throw err;
    }
  });

  const roleChoicePage = (req: Request, res: Response, error?: string): void => {
    const choice = req.session.roleChoice!;
    ctx.render(req, res, {
      title: 'Kies uw rol',
      status: error ? 422 : 200,
      body: html`${error ? alert('error', error) : ''}
<p>U heeft in ${ctx.platform.name} meer dan één rol. Kies de rol waarin u nu werkt. Wilt u later in een andere rol werken, log dan uit en opnieuw in.</p>
<form method="post" action="${ctx.href(ROLE_CHOICE_PATH)}">
  ${csrfField(ctx.csrf(req))}
  <fieldset>
    <legend>Rol</legend>
    <ul class="people">
    ${choice.roles.map(
      (role, i) => html`<li><input type="radio" name="rol" id="rol-${role}" value="${role}"${i === 0 ? html` checked` : ''}>
      <label for="rol-${role}">${roleName(role)}</label></li>`,
    )}
    </ul>
  </fieldset>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Verder</button>
</form>`,
    });
  };

  r.get(ROLE_CHOICE_PATH, (req, res) => {
    if (!req.session.roleChoice) return res.redirect(303, ctx.href('/inloggen'));
    roleChoicePage(req, res);
  });

  r.post(ROLE_CHOICE_PATH, async (req, res) => {
    const choice = req.session.roleChoice;
    if (!choice) return res.redirect(303, ctx.href('/inloggen'));
    const role = req.body?.rol;
    if (typeof role !== 'string' || !choice.roles.includes(role)) return roleChoicePage(req, res, 'Kies een van de rollen hieronder.');
    await logIn(req, { ...choice.person, role }, choice.accessToken && choice.idToken ? { accessToken: choice.accessToken, idToken: choice.idToken } : undefined);
    res.redirect(303, choice.returnTo);
  });

  r.post('/uitloggen', async (req, res) => {
    const idToken = req.session.idToken;
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(ctx.cookieName, { path: ctx.cookiePath, httpOnly: true, sameSite: 'lax', secure: ctx.publicUrl.startsWith('https://') });
    // The local session has ended whatever happens next; then the provider's, where it offers that.
    const providerLogout = o.oidc ? await o.oidc.logoutUrl(idToken) : undefined;
    res.redirect(303, providerLogout ?? ctx.href('/inloggen'));
  });

  r.get(LOGGED_OUT_PATH, (req, res) => {
    if (req.session.user) return res.redirect(303, ctx.href('/'));
    ctx.render(req, res, {
      title: 'U bent uitgelogd',
      body: html`${alert('ok', html`<p>U bent uitgelogd bij ${ctx.platform.name} en bij de inlogdienst van uw organisatie.</p>`)}
<p><a href="${ctx.href('/inloggen')}">Opnieuw inloggen</a></p>`,
    });
  });
}
