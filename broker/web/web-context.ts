/**
 * What every web page handler needs: the logged-in user (or a redirect to the login page),
 * the CSRF token for its forms, the principal for the services, and one way to render a
 * page. Also the web interface's error page: services' AppErrors shown in Dutch, in the
 * page shell, with the right status.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import { unavailableProblem } from '../db/database-faults.js';
import type { Platform } from '../platform/platform.js';
import type { PersonPrincipal } from '../auth/principal.js';
import { html, type Html } from './html.js';
import { alert, page } from './layout.js';
import { fieldErrorSentence } from './field-error-texts.js';
import { abilitiesOf, principalOfUser, webUserOf, type WebAbilities, type WebUser } from './web-user.js';

/** Thrown by a page that needs a login; the error handler redirects to the login page. */
export class LoginRequired extends Error {
  constructor(readonly returnTo: string) {
    super('login required');
  }
}

export interface WebContext {
  readonly platform: Platform;
  /** The broker's address as browsers reach it (config JPP_PUBLIC_URL). */
  readonly publicUrl: string;
  readonly cookieName: string;
  /** The session cookie's path ('/' unless the platform has its own, web-app.ts sessionCookieOf). */
  readonly cookiePath: string;
  /**
   * Where this web interface is mounted ('' at the root; `/p/<platform>` when one process
   * serves several platforms). Every link, form action and redirect goes through `href`.
   */
  readonly basePath: string;
  /** A local path (starting with '/') as the browser must request it, under `basePath`. */
  href(path: string): string;
  /** The CSRF token of this session (made on first use). */
  csrf(req: Request): string;
  user(req: Request): WebUser;
  principal(req: Request): PersonPrincipal;
  abilities(req: Request): WebAbilities;
  traceId(res: Response): string;
  render(req: Request, res: Response, o: { title: string; current?: string; body: Html; scripts?: readonly string[]; status?: number }): void;
}

export function createWebContext(
  platform: Platform,
  generateToken: (req: Request) => string,
  publicUrl: string,
  cookieName: string,
  basePath = '',
  cookiePath = '/',
): WebContext {
  const user = (req: Request): WebUser => {
    const u = webUserOf(req);
    if (!u) throw new LoginRequired(req.originalUrl);
    return u;
  };
  const ctx: WebContext = {
    platform,
    publicUrl,
    cookieName,
    cookiePath,
    basePath,
    href: (path) => `${basePath}${path}`,
    csrf: (req) => generateToken(req),
    user,
    principal: (req) => principalOfUser(user(req)),
    abilities: (req) => abilitiesOf(platform, user(req)),
    traceId: (res) => res.locals['traceId'] as string,
    render(req, res, o) {
      const u = webUserOf(req);
      res
        .status(o.status ?? 200)
        .type('html')
        .send(
          page({
            title: o.title,
            user: u,
            abilities: u ? abilitiesOf(platform, u) : undefined,
            csrfToken: u ? generateToken(req) : undefined,
            ...(o.current ? { current: o.current } : {}),
            body: o.body,
            ...(o.scripts ? { scripts: o.scripts } : {}),
            platformName: platform.name,
            ...(u ? { roleName: platform.roles.find((x) => x.id === u.role)?.name ?? 'onbekende rol' } : {}),
            basePath,
            partnerOrganisation: u !== undefined && platform.partners.some((p) => p.organisation === u.organisation),
          }).text,
        );
    },
  };
  return ctx;
}

/** Requires a capability for a page; the service checks again below. */
export function requireAbility(ctx: WebContext, req: Request, ability: keyof WebAbilities): void {
  if (!ctx.abilities(req)[ability]) throw new AppError('forbidden', 'uw rol mag deze pagina niet gebruiken');
}

/**
 * Runs a form's action; a refusal of the service (bad input, a conflict, a quota) re-renders the
 * page with the message. Access denials, unknown items and failures go to the error page.
 */
export async function attempt(
  action: () => Promise<void>,
  onRefusal: (err: AppError) => Promise<void>,
  /** A not-found that names a form field (e.g. a case number typed) is the form's refusal too. */
  notFoundOfField = false,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    const fieldNotFound = notFoundOfField && err instanceof AppError && err.code === 'not-found' && err.errors.length > 0;
    if (!(err instanceof AppError) || err.code === 'internal' || err.code === 'forbidden' || (err.code === 'not-found' && !fieldNotFound)) throw err;
    await onRefusal(err);
  }
}

const DUTCH: Record<string, string> = {
  validation: 'De invoer klopt niet.',
  'identity-detected': 'De invoer lijkt een identiteit te bevatten. Die wordt nooit verstuurd of bewaard.',
  unauthenticated: 'U bent niet (meer) ingelogd.',
  forbidden: 'Uw rol mag dit niet.',
  'not-found': 'Deze pagina bestaat niet.',
  conflict: 'Dit botst met wat al is vastgelegd.',
  'too-many-requests': 'U heeft het maximum voor nu bereikt. Probeer het later opnieuw.',
  'payload-too-large': 'Het formulier is te groot.',
  unavailable: 'De dienst is tijdelijk niet beschikbaar.',
  internal: 'Er ging iets mis. Er is niets beantwoord.',
};

/**
 * A service's error in Dutch for the page: a sentence plus, where the service named fields,
 * each field as the form labels it and what to do (field-error-texts.ts). `fields` gives the
 * Dutch label of the form field behind a JSON Pointer (the longest matching prefix wins, so
 * '/subjects' labels '/subjects/2' too, with its number). Neither the service's English
 * detail nor a pointer is shown: the trace id in the operational log leads to them.
 */
export function errorMessage(err: AppError, fields: Readonly<Record<string, string | ((pointer: string) => string)>> = {}): Html {
  const sentence =
    err.code === 'not-found' && err.errors.length > 0 ? 'Dat bestaat niet: controleer wat u invulde.'
    : err.code === 'too-many-requests' && err.retryAfterSeconds !== undefined ? `U heeft het maximum voor nu bereikt. Probeer het over ${dutchWait(err.retryAfterSeconds)} opnieuw.`
    : (DUTCH[err.code] ?? DUTCH['internal']);
  const conflictHint = err.code === 'conflict' && err.errors.length === 0 ? html`<p>Vernieuw de pagina: dan ziet u de huidige stand.</p>` : '';
  return html`<p>${sentence}</p>${conflictHint}${err.errors.length > 0
    ? html`<ul>${err.errors.map((e) => html`<li>${fieldErrorSentence(e, fields)}</li>`)}</ul>`
    : ''}`;
}

/** A wait in whole minutes or hours, rounded up, in Dutch ("1 minuut", "5 minuten", "3 uur"). */
export function dutchWait(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minuut' : `${minutes} minuten`;
  return `${Math.ceil(minutes / 60)} uur`;
}

export function webErrorHandler(ctx: WebContext): ErrorRequestHandler {
  return (err, req, res, next) => {
    const csrf = (err as { code?: string }).code === 'EBADCSRFTOKEN';
    if (req.path.startsWith('/web-api/')) {
      return next(csrf ? new AppError('forbidden', 'send the session\'s CSRF token in the x-csrf-token header') : err);
    }
    if (err instanceof LoginRequired) {
      res.redirect(303, ctx.href(`/inloggen?terug=${encodeURIComponent(err.returnTo)}`));
      return;
    }
    const bodyType = (err as { type?: string }).type;
    const known =
      err instanceof AppError ? err
      : unavailableProblem(err) ?? (csrf ? new AppError('forbidden', 'csrf')
      : bodyType === 'parameters.too.many' || bodyType === 'entity.too.large' ? new AppError('payload-too-large', 'the form is larger than this page accepts')
      : undefined);
    if (!known || known.code === 'internal') req.log?.error({ err }, 'web page failed');
    const status = known?.status ?? 500;
    ctx.render(req, res, {
      title: csrf ? 'Formulier verlopen' : status === 404 ? 'Niet gevonden' : 'Dat lukte niet',
      status,
      body: csrf
        ? alert('warning', html`<p>Het formulier is verlopen of kwam niet van deze site. Ga terug, vernieuw de pagina en probeer het opnieuw.</p>`)
        : alert('error', known ? errorMessage(known) : html`<p>${DUTCH['internal']}</p>`),
    });
  };
}
