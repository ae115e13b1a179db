/**
 * One logboek entry, with its inclusion proof checked in the browser (client/verify-entry.ts)
 * against the latest signed checkpoint. The page embeds the entry's content as JSON, so the
 * browser recomputes the leaf hash from exactly what it shows. A `question` entry (issue 21 step B)
 * shows every partner's answer in a table, a chunk of intake records (migration 0240) every
 * stored signal's record: the one leaf the browser checks covers them all.
 */
import type { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { formatDateTime, html, Html } from '../html.js';
import { requireAbility, type WebContext } from '../web-context.js';
import type { LogboekReadService } from '../../logboek/logboek-read.service.js';
import { LOG_ACTION_LABEL, LOG_OUTCOME_LABEL } from '../log-action-labels.js';
import { CATEGORY_NAMES, decisionWords } from './policy-texts.js';
import { disclosuresOf } from '../../logboek/disclosure-fns.js';
import { intakeRecordsOf, isIntakeChunk } from '../../logboek/intake-fns.js';
import type { LogContent } from '../../logboek/log-entry.js';

/** JSON that is safe inside a <script> element (no "</script>", no HTML comment openers). */
function scriptJson(value: unknown): Html {
  return new Html(JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'));
}

export function entryPages(r: Router, ctx: WebContext, deps: { logboek: LogboekReadService; names: (ids: readonly string[]) => Promise<ReadonlyMap<string, string>> }): void {
  const p = ctx.platform;
  const nameOf = (list: ReadonlyArray<{ id: string; name: string }>, id: unknown): string => (id ? list.find((x) => x.id === id)?.name ?? String(id) : '–');
  r.get('/logboek/regel/:seq', async (req, res) => {
    requireAbility(ctx, req, 'readLog');
    const seq = Number(req.params['seq']);
    if (!/^\d{1,15}$/.test(String(req.params['seq']))) throw new AppError('not-found', 'no such entry');
    const page = await deps.logboek.entries(ctx.principal(req), seq, 1, ctx.traceId(res), 'read');
    const entry = page.entries.find((e) => e.seq === seq);
    if (!entry) throw new AppError('not-found', 'no such entry');
    const c = entry.content as Record<string, any> | null;
    const actor = c?.['actor'] as { kind?: string; id?: string; role?: string; organisation?: string; partner?: string } | undefined;
    const people = actor?.kind === 'person' && actor.id ? await deps.names([actor.id]) : new Map<string, string>();
    const who =
      actor?.kind === 'person'
        ? `${people.get(actor.id!) ?? 'een gebruiker die niet meer in het register staat'} (${nameOf(p.roles, actor.role)}, ${nameOf(p.organisations, actor.organisation)})`
        : actor?.kind === 'adapter' ? `de koppeling van ${nameOf(p.partners, actor.partner)}`
        : 'de broker zelf';
    const facts: Array<[string, Html | string]> = c
      ? [
          ['Handeling', LOG_ACTION_LABEL[c['action'] as keyof typeof LOG_ACTION_LABEL] ?? 'overig'],
          ['Verwerkingsactiviteit', nameOf(p.verwerkingsactiviteiten, c['activity'])],
          ['Wie', who],
          ['Wanneer', c['endedAt'] ? formatDateTime(String(c['endedAt'])) : ''],
          ['Doel', nameOf(p.doelen, c['doel'])],
          ['Partner', nameOf(p.partners, c['partner'])],
          ['Casus', String(c['caseRef'] ?? '–')],
          ['Uitkomst', c['outcome'] ? LOG_OUTCOME_LABEL[String(c['outcome'])] ?? 'overig' : '–'],
          ['Regels en grondslag', Array.isArray(c['rules']) && c['rules'].length ? html`<ul>${(c['rules'] as Array<{ rule: string; grondslag: string; effect: string }>).map((x) => html`<li>${x.grondslag}<br><span class="hint">${decisionWords(x.effect, x.rule)}</span></li>`)}</ul>` : '–'],
          ['Beleid', c['policy'] ? html`versie ${String(c['policy'].version)}<br><span class="mono">${String(c['policy'].hash)}</span>` : '–'],
          ['Onderwerp (hash)', html`<span class="mono">${String(c['subject'] ?? '–')}</span>`],
          ['Trace', html`<span class="mono">${String(c['traceId'] ?? '')}</span>`],
        ]
      : [['Inhoud', 'verwijderd volgens de bewaartermijn; alleen de hash is bewaard']];
    // A question (issue 21 step B) holds every partner's answer: one row each, as one disclosure entry showed one.
    const answers = c?.['action'] === 'question' ? disclosuresOf(c as LogContent) : [];
    const rulesOf = (rules: ReadonlyArray<{ rule: string; grondslag: string; effect: string }>): Html | string =>
      rules.length ? html`<ul>${rules.map((x) => html`<li>${x.grondslag}<br><span class="hint">${decisionWords(x.effect, x.rule)}</span></li>`)}</ul>` : '–';
    const answersTable = answers.length
      ? html`<h2>Antwoorden van de partners</h2>
<table class="utrecht-table" data-answers><thead><tr><th scope="col">Partner</th><th scope="col">Antwoord</th><th scope="col">Regels en grondslag</th><th scope="col">Meegetelde categorieën</th></tr></thead>
<tbody>${answers.map((a) => html`<tr data-partner="${a.partner}"><td>${nameOf(p.partners, a.partner)}</td><td>${LOG_OUTCOME_LABEL[a.outcome] ?? 'overig'}</td><td>${rulesOf(a.rules)}</td><td>${a.categoriesCounted.length ? a.categoriesCounted.map((k) => CATEGORY_NAMES[k] ?? k).join(', ') : '–'}</td></tr>`)}</tbody></table>`
      : html``;
    // A chunk of intake records (migration 0240) holds one record per stored signal: one row each, as a per-signal entry showed one.
    const records = c?.['action'] === 'signal-intake' && isIntakeChunk(c['details']) ? intakeRecordsOf(c as LogContent) : [];
    const recordsTable = records.length
      ? html`<h2>Opgeslagen signalen (één record per jongere)</h2>
<table class="utrecht-table" data-records><thead><tr><th scope="col">Nr.</th><th scope="col">Onderwerp (hash)</th><th scope="col">Ref</th><th scope="col">Categorie</th></tr></thead>
<tbody>${records.map((r) => html`<tr><td>${String(r.record ?? 0)}</td><td class="mono">${r.subject}</td><td class="mono">${r.ref}</td><td>${CATEGORY_NAMES[r.category] ?? r.category}</td></tr>`)}</tbody></table>`
      : html``;
    ctx.render(req, res, {
      title: `Logboekregel ${seq}`,
      current: '/logboek',
      scripts: ['verify-entry'],
      body: html`<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
<dt>Leaf-hash</dt><dd class="mono">${entry.leafHash}</dd></dl>
${answersTable}
${recordsTable}
<h2>Controle in uw browser</h2>
<p>Uw browser haalt het nieuwste ondertekende checkpoint en het inclusiebewijs op, controleert de handtekening, berekent de hash van deze regel opnieuw en volgt het bewijs naar de root van het checkpoint.</p>
<script type="application/json" id="entry-content">${scriptJson(c)}</script>
<div data-verify-entry data-seq="${seq}" data-leaf-hash="${entry.leafHash}" role="status" aria-live="polite">Controle start zodra de pagina geladen is (JavaScript nodig).</div>
<p><button type="button" class="utrecht-button utrecht-button--secondary-action" data-verify-start>Opnieuw controleren</button></p>
<p><a href="${ctx.href(`/logboek`)}">Terug naar het logboek</a></p>`,
    });
  });
}
