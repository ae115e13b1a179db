/**
 * What the policy pages share: a handler wrapper that shows every refusal of the lifecycle
 * service in Dutch (never the API's English), the notices after a step (post, redirect, get),
 * the version's sub-navigation, and labelled form controls that stay readable at 1280 px and
 * at 200% zoom (one column, full width; WCAG 1.4.4, 1.4.10).
 */
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../errors/app-error.js';
import { html, type Html } from '../html.js';
import { alert } from '../layout.js';
import type { WebContext } from '../web-context.js';
import type { PolicyPort } from '../web-ports.js';
import { refusalSentences } from './policy-texts.js';

export interface PolicyPageDeps {
  readonly policies: PolicyPort;
}

/** The notice a step leaves behind, by the key in `?melding=` (fixed texts only: nothing typed is echoed). */
const NOTICES: Readonly<Record<string, string>> = {
  'concept-gemaakt': 'Het concept is gemaakt. Pas de regels en de tests aan en dien het in.',
  'regel-opgeslagen': 'De regel is opgeslagen.',
  'regel-verwijderd': 'De regel is verwijderd.',
  'test-opgeslagen': 'De test is opgeslagen en de tests zijn opnieuw uitgevoerd.',
  'test-verwijderd': 'De test is verwijderd en de tests zijn opnieuw uitgevoerd.',
  ingediend: 'Ingediend: een andere privacy officer kan het nu beoordelen.',
  goedgekeurd: 'Goedgekeurd. Activeer de versie om haar te laten gelden.',
  afgewezen: 'Afgewezen. De versie blijft bewaard, maar wordt nooit actief.',
  ingetrokken: 'Ingetrokken. De versie blijft bewaard, maar wordt nooit actief.',
  geactiveerd: 'Geactiveerd: vanaf nu beslist deze versie elke vraag.',
  gepland: 'Gepland: de versie wordt actief op het gekozen moment.',
};

export function noticeOf(req: Request): Html | undefined {
  const key = typeof req.query['melding'] === 'string' ? req.query['melding'] : undefined;
  const text = key !== undefined ? NOTICES[key] : undefined;
  return text ? alert('ok', text) : undefined;
}

/** Redirects after a step to `path` with its notice (post/redirect/get). */
export function redirectWithNotice(ctx: WebContext, res: Response, path: string, notice: keyof typeof NOTICES, anchor = ''): void {
  res.redirect(303, ctx.href(`${path}?melding=${notice}${anchor}`));
}

/** A refusal of the service as an error box in Dutch. */
export function refusalBox(err: AppError, opts: { forbidden?: string; labels?: Readonly<Record<string, string>> } = {}): Html {
  const [first, ...rest] = refusalSentences(err, opts);
  return alert('error', html`<p>${first}</p>${rest.length ? html`<ul>${rest.map((s) => html`<li>${s}</li>`)}</ul>` : ''}`);
}

/** Whether a page shows an error as a refusal on the page itself (the rest go to the error page). */
export const isRefusal = (err: unknown): err is AppError =>
  err instanceof AppError && ['validation', 'identity-detected', 'conflict', 'forbidden', 'too-many-requests', 'payload-too-large'].includes(err.code);

/**
 * A policy page handler: any error of the service that the page does not handle itself is
 * shown on a Dutch error page (a version that does not exist, a role that may not).
 */
export function policyHandler(ctx: WebContext, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'internal' || err.code === 'unavailable') throw err;
      ctx.render(req, res, {
        title: err.code === 'not-found' ? 'Niet gevonden' : 'Dat lukte niet',
        current: '/beleid',
        status: err.status,
        body: html`${refusalBox(err)}<p><a href="${ctx.href('/beleid')}">Naar de beleidsversies</a></p>`,
      });
    }
  };
}

/** The sub-navigation of one version's pages. */
export function versionNav(ctx: WebContext, version: number, current: 'overzicht' | 'tests' | 'beoordelen' | 'simulator', canReview: boolean): Html {
  const items: Array<[typeof current, string, string]> = [
    ['overzicht', `/beleid/${version}`, 'Regels en verschil'],
    ['tests', `/beleid/${version}/tests`, 'Beleidstests'],
    ...(canReview ? [['beoordelen', `/beleid/${version}/beoordelen`, 'Beoordelen'] as [typeof current, string, string]] : []),
    ['simulator', `/beleid/${version}/simulator`, 'Wat-als-simulator'],
  ];
  return html`<nav aria-label="Versie ${version}" class="policy-subnav"><ul>${items.map(
    ([key, path, label]) => html`<li><a href="${ctx.href(path)}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>`;
}

/** A labelled select in one column; `groups` adds the version's groups under their own heading. */
export function selectField(o: {
  name: string;
  label: string;
  options: ReadonlyArray<[string, string]>;
  groups?: ReadonlyArray<[string, string]>;
  value: string;
  hint?: string;
  /** An option for "none", first. */
  empty?: string;
}): Html {
  const id = `f-${o.name}`;
  const known = [...o.options, ...(o.groups ?? [])].some(([v]) => v === o.value) || (o.empty !== undefined && o.value === '');
  const option = ([v, text]: [string, string]): Html => html`<option value="${v}"${v === o.value ? html` selected` : ''}>${text}</option>`;
  return html`<div class="field"><label for="${id}">${o.label}</label>${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''}
<select id="${id}" name="${o.name}"${o.hint ? html` aria-describedby="${id}-hint"` : ''}>
${o.empty !== undefined ? option(['', o.empty]) : ''}${!known ? html`<option value="${o.value}" selected>„${o.value}” (onbekend)</option>` : ''}
${o.groups?.length ? html`<optgroup label="Waarden">${o.options.map(option)}</optgroup><optgroup label="Groepen in deze versie">${o.groups.map(option)}</optgroup>` : o.options.map(option)}
</select></div>`;
}

/**
 * Labelled radio buttons in a fieldset: for choices whose words are long (doelen, rules), which
 * wrap here where a select would cut them. A value that is not among the options is kept, marked.
 */
export function radioField(o: { name: string; legend: string; options: ReadonlyArray<[string, string]>; value: string; hint?: string }): Html {
  const known = o.options.some(([v]) => v === o.value) || o.value === '';
  const options: ReadonlyArray<[string, string]> = known ? o.options : [...o.options, [o.value, `„${o.value}” (onbekend)`]];
  const idOf = (v: string): string => `f-${o.name}-${v === '' ? 'geen' : v}`;
  return html`<fieldset class="field radio-group"${o.hint ? html` aria-describedby="f-${o.name}-hint"` : ''}><legend>${o.legend}</legend>${o.hint ? html`<span class="hint" id="f-${o.name}-hint">${o.hint}</span>` : ''}${options.map(
    ([v, text]) => html`<span><input type="radio" id="${idOf(v)}" name="${o.name}" value="${v}"${v === o.value ? html` checked` : ''}> <label for="${idOf(v)}">${text}</label></span>`,
  )}</fieldset>`;
}

/** A labelled text area sized to its text, so nothing of it is hidden. */
export function textField(o: { name: string; label: string; value: string; hint?: string; rows?: number; id?: string }): Html {
  const id = o.id ?? `f-${o.name}`;
  const rows = Math.max(o.rows ?? 3, Math.ceil(o.value.length / 60) + 1);
  return html`<div class="field"><label for="${id}">${o.label}</label>${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''}
<textarea id="${id}" name="${o.name}" rows="${rows}"${o.hint ? html` aria-describedby="${id}-hint"` : ''}>${o.value}</textarea></div>`;
}

/** The body of a form post, as strings. */
export const formOf = (req: Request): Record<string, string | string[]> => (req.body ?? {}) as Record<string, string | string[]>;
export const fieldOf = (req: Request, name: string): string => {
  const v = formOf(req)[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};
