/**
 * The page shell of every web page: skip link, banner, navigation, main and footer
 * landmarks (WCAG 2.1 AA: 2.4.1 bypass blocks, 1.3.1 info and relationships, 2.4.7 focus
 * visible via site.css), in Dutch (3.1.1 language of page), with NL Design System CSS.
 * The navigation shows only what the user's role may do.
 */
import { html, type Html } from './html.js';
import type { WebAbilities, WebUser } from './web-user.js';

export interface PageOptions {
  readonly title: string;
  readonly user?: WebUser | undefined;
  readonly abilities?: WebAbilities | undefined;
  readonly csrfToken?: string | undefined;
  /** The path of the current menu item (aria-current). */
  readonly current?: string;
  readonly body: Html;
  /** Browser bundles to load (names from assets.ts), as modules. */
  readonly scripts?: readonly string[];
  readonly platformName: string;
  /** The Dutch name of the user's role (the platform file's), never its id. */
  readonly roleName?: string;
  /** Where the web interface is mounted ('' at the root); prefixes every local address. */
  readonly basePath?: string;
  /** The user works for a partner organisation: its verzoektaken (verzoek-taken.page.ts) are in the menu. */
  readonly partnerOrganisation?: boolean;
}

function menu(o: PageOptions): Array<{ href: string; label: string }> {
  const a = o.abilities;
  if (!o.user || !a) return [];
  const items = [{ href: '/', label: 'Start' }];
  if (a.manageCases) items.push({ href: '/casussen', label: 'Mijn casussen' }, { href: '/casusoverleggen', label: 'Casusoverleg' }, { href: '/vervolgacties', label: 'Vervolgacties over tijd' });
  // A voorzitter screens inside a casus; other asking roles screen by case number.
  if (a.query && !a.manageCases) items.push({ href: '/screening', label: 'Screening' }, { href: '/uitnodigingen', label: 'Uitnodigingen' });
  if (a.readPolicy) items.push({ href: '/beleid', label: 'Beleid' });
  if (a.readLog) {
    items.push({ href: '/logboek', label: 'Logboek' });
    items.push({ href: '/logboek/verificatie', label: 'Verificatie' });
    items.push({ href: '/logboek/export', label: 'Exports' });
  }
  if (a.rights) {
    items.push({ href: '/verzoeken', label: 'Verzoeken' });
    items.push({ href: '/inzage', label: 'Inzage' });
    items.push({ href: '/bezwaren', label: 'Bezwaar' });
    items.push({ href: '/bewaarplicht', label: 'Bewaarplicht' });
    items.push({ href: '/bewaartermijnen', label: 'Bewaartermijnen' });
    items.push({ href: '/verwerkingsregister', label: 'Verwerkingsregister' });
  }
  if (o.partnerOrganisation) items.push({ href: '/verzoektaken', label: 'Verzoektaken' });
  if (a.monitoring) items.push({ href: '/monitoring', label: 'Monitoring' });
  if (a.administer) {
    items.push({ href: '/beheer', label: 'Personen' });
    items.push({ href: '/beheer/organisaties', label: 'Organisaties' });
    items.push({ href: '/beheer/koppelingen', label: 'Koppelingen' });
  }
  return items;
}

export function page(o: PageOptions): Html {
  const items = menu(o);
  const base = o.basePath ?? '';
  return html`<!doctype html>
<html lang="nl" class="utrecht-theme utrecht-html">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="jpp-base" content="${base}">
<link rel="icon" href="data:,">
<title>${o.title} – ${o.platformName}</title>
<link rel="stylesheet" href="${base}/assets/css/design-tokens.css">
<link rel="stylesheet" href="${base}/assets/css/components.css">
<link rel="stylesheet" href="${base}/assets/css/html.css">
<link rel="stylesheet" href="${base}/assets/css/site.css">
${(o.scripts ?? []).map((s) => html`<script type="module" src="${base}/assets/js/${s}.js"></script>`)}
</head>
<body class="utrecht-body">
<a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">Direct naar de inhoud</a>
<header class="site-header">
  <div class="site-width">
    <p class="site-name"><a href="${base}/">${o.platformName}</a> <span class="site-sub">gegevensdeling hit/no-hit</span></p>
    ${o.user
      ? html`<div class="site-user">
          <span>Ingelogd als <strong>${o.user.displayName}</strong> (${o.roleName ?? ''})</span>
          <form method="post" action="${base}/uitloggen" class="inline-form">
            <input type="hidden" name="_csrf" value="${o.csrfToken ?? ''}">
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">Uitloggen</button>
          </form>
        </div>`
      : ''}
  </div>
  ${items.length > 0
    ? html`<nav aria-label="Hoofdmenu" class="site-nav"><ul class="site-width">
        ${items.map((i) => html`<li><a href="${base}${i.href}"${o.current === i.href ? html` aria-current="page"` : ''}>${i.label}</a></li>`)}
      </ul></nav>`
    : ''}
</header>
<main id="inhoud" class="site-width" tabindex="-1">
<h1>${o.title}</h1>
${o.body}
</main>
<footer class="site-footer"><div class="site-width">
  <p>Dit systeem deelt alleen of een partner een jongere kent (hit/no-hit), nooit inhoud. Elke bevraging staat in het logboek.</p>
</div></footer>
</body>
</html>`;
}

/** A form's hidden CSRF field (synchronizer token pattern, OWASP). */
export function csrfField(token: string | undefined): Html {
  return html`<input type="hidden" name="_csrf" value="${token ?? ''}">`;
}

/** A message box (NL Design System alert): info, ok, warning or error. */
export function alert(kind: 'info' | 'ok' | 'warning' | 'error', body: Html | string): Html {
  return html`<div class="utrecht-alert utrecht-alert--${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><div class="utrecht-alert__content"><div class="utrecht-alert__message">${body}</div></div></div>`;
}
