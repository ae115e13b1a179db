/**
 * The start page of a broker process that serves several platforms: which platforms it serves,
 * each with a link to its own web interface under `/p/<platform>/`. It holds no session and
 * shows no data of any platform beyond its name and doelgroep. Dutch, NL Design System, WCAG 2.1
 * AA like every page (layout.ts).
 */
import { Router } from 'express';
import { html } from '../html.js';
import { page } from '../layout.js';
import { assetRoutes } from '../assets.js';
import { pageHeaders } from '../web-app.js';
import type { Platform } from '../../platform/platform.js';

export interface ListedPlatform {
  readonly platform: Platform;
  /** Where its web interface and API live: `/p/<id>`. */
  readonly basePath: string;
}

export function platformsPage(platforms: readonly ListedPlatform[]): Router {
  const r = Router();
  r.use(assetRoutes());
  r.get('/', pageHeaders, (_req, res) => {
    const body = html`<p>Deze broker deelt gegevens voor meerdere samenwerkingsverbanden. Elk platform heeft zijn eigen partners, beleid, logboek en sleutels; gegevens van het ene platform zijn in het andere niet te zien. Kies het platform waarvoor u werkt. U logt daar apart in.</p>
<ul class="platform-list">
${platforms.map(
  ({ platform: p, basePath }) => html`<li><a href="${basePath}/">${p.name}</a>
  <span class="hint">– doelgroep ${p.doelgroep.minAge} tot en met ${p.doelgroep.maxAge} jaar, ${p.partners.length} partners</span>
  <br><span class="hint">API-documentatie: <a href="${basePath}/docs/" lang="en">${basePath}/docs/</a></span></li>`,
)}
</ul>`;
    res.type('html').send(page({ title: 'Kies uw platform', body, platformName: 'jpp-broker' }).text);
  });
  return r;
}
