/**
 * The register of verwerkingsactiviteiten (AVG art. 30) and the arrangement between the joint
 * controllers (art. 26), as a Dutch page for everyone with a session: what the platform
 * processes, why, about whom, for whom, how long and on which grondslag. The same register is
 * served as JSON at /v1/verwerkingsactiviteiten; logboek entries name its activities.
 */
import type { Router } from 'express';
import { html } from '../html.js';
import type { WebContext } from '../web-context.js';
import { verwerkingsregister } from '../../platform/verwerkingsregister.js';

export function verwerkingsregisterPage(r: Router, ctx: WebContext): void {
  r.get('/verwerkingsregister', (req, res) => {
    ctx.user(req);
    const reg = verwerkingsregister(ctx.platform);
    const jc = reg.jointControllers;
    const list = (items: string[]) => (items.length === 0 ? html`<em>niet ingevuld</em>` : html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`);
    ctx.render(req, res, {
      title: 'Register van verwerkingsactiviteiten',
      current: '/verwerkingsregister',
      body: html`<p>Dit register (AVG artikel 30) beschrijft per verwerkingsactiviteit van ${reg.platform.name} het doel, over wie en welke gegevens het gaat, wie ze krijgt, hoe lang ze bewaard worden en op welke grondslag. Elke regel in het logboek noemt de activiteit waar zij bij hoort. Het register staat ook als <a href="${ctx.href('/v1/verwerkingsactiviteiten')}">JSON</a> beschikbaar.</p>
<section aria-labelledby="jc-title"><h2 id="jc-title">Gezamenlijke verwerkingsverantwoordelijken (AVG artikel 26)</h2>
${jc
  ? html`<p data-joint-controllers>${jc.arrangement}</p>
<p>Aanspreekpunt voor betrokkenen: <strong>${jc.contactPoint.name}</strong>.${jc.document ? html` Vastgelegd in: ${jc.document}.` : ''}</p>
<p>Verwerkingsverantwoordelijken:</p><ul>${jc.controllers.map((c) => html`<li>${c.name}</li>`)}</ul>`
  : html`<p><em>De regeling tussen de partners is niet in de platformdefinitie vastgelegd.</em></p>`}
</section>
${reg.activities.map(
  (a) => html`<section aria-labelledby="va-${a.id}" data-activity="${a.id}"><h2 id="va-${a.id}">${a.name}</h2>
<dl class="register">
<dt>Doel</dt><dd>${a.purpose ?? html`<em>niet ingevuld</em>`}</dd>
<dt>Betrokkenen</dt><dd>${list(a.categoriesOfSubjects)}</dd>
<dt>Gegevens</dt><dd>${list(a.categoriesOfData)}</dd>
<dt>Ontvangers</dt><dd>${list(a.recipients)}</dd>
<dt>Bewaartermijn</dt><dd>${a.retention ?? html`<em>niet ingevuld</em>`}</dd>
<dt>Grondslag</dt><dd>${a.grondslag ?? html`<em>niet ingevuld</em>`}</dd>
<dt>Vaste verwijzing</dt><dd><span class="mono">${a.uri}</span></dd>
</dl></section>`,
)}`,
    });
  });
}
