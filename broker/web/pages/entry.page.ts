/**
 * One logboek entry, with its inclusion proof checked in the browser (client/verify-entry.ts)
 * against the latest signed checkpoint. The page embeds the entry's content as JSON, so the
 * browser recomputes the leaf hash from exactly what it shows.
 */
import type { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, Html } from '../html.js';
import { requireAbility, type WebContext } from '../web-context.js';
import type { LogboekReadService } from '../../logboek/logboek-read.service.js';

/** JSON that is safe inside a <script> element (no "</script>", no HTML comment openers). */
function scriptJson(value: unknown): Html {
  return new Html(JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'));
}

export function entryPages(r: Router, ctx: WebContext, deps: { logboek: LogboekReadService }): void {
  r.get('/logboek/regel/:seq', async (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const seq = Number(req.params['seq']);
    if (!/^\d{1,15}$/.test(String(req.params['seq']))) throw new AppError('not-found', 'no such entry');
    const page = await deps.logboek.entries(ctx.principal(req), seq, 1, ctx.traceId(res), 'read');
    const entry = page.entries.find((e) => e.seq === seq);
    if (!entry) throw new AppError('not-found', 'no such entry');
    const c = entry.content as Record<string, any> | null;
    const facts: Array<[string, Html | string]> = c
      ? [
          ['Handeling', String(c['action'])],
          ['Verwerkingsactiviteit', ctx.platform.verwerkingsactiviteiten.find((a) => a.id === c['activity'])?.name ?? String(c['activity'])],
          ['Wie', c['actor']?.kind === 'person' ? `${c['actor'].id} (${c['actor'].role}, ${c['actor'].organisation})` : `${c['actor']?.kind ?? ''} ${c['actor']?.partner ?? c['actor']?.id ?? ''}`],
          ['Wanneer', c['endedAt'] ? formatDateTime(String(c['endedAt'])) : ''],
          ['Doel', String(c['doel'] ?? '–')],
          ['Partner', String(c['partner'] ?? '–')],
          ['Casus', String(c['caseRef'] ?? '–')],
          ['Uitkomst', String(c['outcome'] ?? '–')],
          ['Regels en grondslag', Array.isArray(c['rules']) && c['rules'].length ? html`<ul>${(c['rules'] as Array<{ rule: string; grondslag: string }>).map((x) => html`<li>${x.grondslag} (${x.rule})</li>`)}</ul>` : '–'],
          ['Beleid', c['policy'] ? `versie ${c['policy'].version}, ${c['policy'].hash}` : '–'],
          ['Onderwerp (hash)', html`<span class="mono">${String(c['subject'] ?? '–')}</span>`],
          ['Trace', html`<span class="mono">${String(c['traceId'] ?? '')}</span>`],
        ]
      : [['Inhoud', 'verwijderd volgens de bewaartermijn; alleen de hash is bewaard']];
    ctx.render(req, res, {
      title: `Logboekregel ${seq}`,
      current: '/logboek',
      scripts: ['verify-entry'],
      body: html`<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
<dt>Leaf-hash</dt><dd class="mono">${entry.leafHash}</dd></dl>
<h2>Controle in uw browser</h2>
<p>Uw browser haalt het nieuwste ondertekende checkpoint en het inclusiebewijs op, controleert de handtekening, berekent de hash van deze regel opnieuw en volgt het bewijs naar de root van het checkpoint.</p>
<script type="application/json" id="entry-content">${scriptJson(c)}</script>
<div data-verify-entry data-seq="${seq}" data-leaf-hash="${entry.leafHash}" role="status" aria-live="polite">Controle start zodra de pagina geladen is (JavaScript nodig).</div>
<p><button type="button" class="utrecht-button utrecht-button--secondary-action" data-verify-start>Opnieuw controleren</button></p>
<p><a href="${ctx.href(`/logboek`)}">Terug naar het logboek</a></p>`,
    });
  });
}
