/**
 * Bewaartermijnen (retention) for a privacy officer or jurist: the platform's terms, the past
 * runs with their records (counts per kind, the range of moments at which the removed items
 * expired, what holds kept), each linked to its logboek entry, whose inclusion proof the entry
 * page checks in the browser against the signed checkpoint; and "nu uitvoeren" for whoever the
 * retention service lets run it (capability `rights`, checked again there).
 */
import type { Request, Response, Router } from 'express';
import { formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { RetentionPort, RetentionRunView } from '../web-ports.js';
import { RETENTION_TRIGGER } from '../dutch-labels.js';

const SHORT = 20;
const LONG = 200;

const n = (count: number, one: string, more: string): string => `${count} ${count === 1 ? one : more}`;

export function retentionPages(r: Router, ctx: WebContext, deps: { retention: RetentionPort }): void {
  const t = ctx.platform;
  const range = (x: RetentionRunView['removed']['signals']): Html =>
    x.count === 0 ? html`<span data-count="0">0</span>` : html`<span data-count="${x.count}"><strong>${x.count}</strong></span><br><span class="hint">verlopen tussen ${formatDateTime(x.from!)} en ${formatDateTime(x.to!)}</span>`;

  async function show(req: Request, res: Response, problem?: Html, status?: number): Promise<void> {
    const many = req.query['aantal'] === String(LONG);
    const limit = many ? LONG : SHORT;
    const { items } = await deps.retention.list(ctx.principal(req), { limit: String(limit) });
    const done = typeof req.query['uitgevoerd'] === 'string' ? req.query['uitgevoerd'] : undefined;
    const justRun = done ? items.find((x) => x.runId === done) : undefined;
    const readLog = ctx.abilities(req).readLog;
    ctx.render(req, res, {
      title: 'Bewaartermijnen',
      current: '/bewaartermijnen',
      ...(status ? { status } : {}),
      body: html`${problem ? alert('error', problem) : ''}
${justRun
  ? alert('ok', html`De retentie is uitgevoerd: ${n(justRun.removed.signals.count, 'signaal', 'signalen')}, ${n(justRun.removed.cases.count, 'casus', 'casussen')} ${n(justRun.removed.bezwaren.count, 'beëindigd bezwaar', 'beëindigde bezwaren')} en ${n(justRun.removed.verzoeken.count, 'afgehandeld verzoek', 'afgehandelde verzoeken')} van betrokkenen verwijderd, ${n(justRun.removed.logContent.count, 'logregel', 'logregels')} ingekort; ${n(justRun.kept.onHold, 'onderdeel', 'onderdelen')} bewaard wegens een bewaarplicht. Het verslag staat in het logboek.`)
  : ''}
<p>Wat zijn bewaartermijn voorbij is, wordt verwijderd: elke dag volgens schema, of nu, hieronder. Een logregel wordt niet verwijderd maar ingekort: wie en wat verdwijnt, wanneer en welk soort stap blijft, en de regel blijft in het ondertekende logboek passen. Een bewaarplicht houdt tegen wat zij beschermt.</p>
<div class="table-wrap"><table class="utrecht-table" data-terms><caption>Bewaartermijnen van ${t.name}</caption>
<thead><tr><th scope="col">Wat</th><th scope="col">Gaat weg</th><th scope="col">Termijn</th></tr></thead>
<tbody>
<tr><td>Signaal van een partner</td><td>op de einddatum die de partner gaf (verwijderd)</td><td>hoogstens ${t.signalMaxValidityDays} dagen na aanlevering</td></tr>
<tr><td>Afgesloten casus, met jongeren, geschiedenis, vervolgacties en bevragingen</td><td>na afsluiting (verwijderd)</td><td>${t.bewaartermijnen.closedCaseDays} dagen</td></tr>
<tr><td>Inhoud van een logregel</td><td>na het loggen (ingekort)</td><td>${t.bewaartermijnen.logContentDays} dagen</td></tr>
<tr><td>Beëindigd bezwaar (afgewezen, of gehonoreerd en weer opgeheven); een bezwaar dat geldt, blijft</td><td>na het einde, en pas als van de jongere niets meer over is (verwijderd)</td><td>${t.bewaartermijnen.bezwaarDays} dagen</td></tr>
<tr><td>Afgehandeld verzoek van een betrokkene (inzage, wissing en dergelijke), met de taken voor partners; een open verzoek blijft. Wat een partner na een wissing niet opnieuw mag aanleveren, blijft bewaard</td><td>na de beantwoording, en pas als van de jongere niets meer over is (verwijderd)</td><td>${t.bewaartermijnen.verzoekDays} dagen</td></tr>
<tr><td>Tellers van de sleutelbeheerder (pseudonimiseringen per aanvrager per minuut, zonder jongeren)</td><td>als de limieten ze niet meer nodig hebben (verwijderd)</td><td>24 uur</td></tr>
</tbody></table></div>
<form method="post" action="${ctx.href(`/bewaartermijnen/uitvoeren`)}">${csrfField(ctx.csrf(req))}
<p>Nu uitvoeren verwijdert meteen alles wat zijn termijn voorbij is. Dat kan niet ongedaan worden gemaakt; het verslag komt in het logboek, op uw naam.</p>
<button type="submit" class="utrecht-button utrecht-button--primary-action">Retentie nu uitvoeren</button></form>
<section aria-labelledby="runs-title"><h2 id="runs-title">Uitgevoerde retentie</h2>
${items.length === 0
  ? html`<p>De retentie is nog niet uitgevoerd.</p>`
  : html`<div class="table-wrap"><table class="utrecht-table" data-runs><caption>${items.length < limit ? `${items.length === 1 ? 'De enige uitvoering' : `Alle ${items.length} uitvoeringen, nieuwste eerst`}` : `De laatste ${limit} uitvoeringen, nieuwste eerst`}</caption>
<thead><tr><th scope="col">Wanneer</th><th scope="col">Aanleiding</th><th scope="col">Signalen verwijderd</th><th scope="col">Casussen verwijderd</th><th scope="col">Logregels ingekort</th><th scope="col">Bezwaren verwijderd</th><th scope="col">Verzoeken verwijderd</th><th scope="col">Tellers verwijderd</th><th scope="col">Bewaard wegens bewaarplicht</th><th scope="col">Verslag in het logboek</th></tr></thead>
<tbody>${items.map(
  (x) => html`<tr data-run="${x.runId}"><td>${formatDateTime(x.ranAt)}</td><td>${RETENTION_TRIGGER[x.trigger] ?? x.trigger}</td>
  <td data-kind="signals">${range(x.removed.signals)}</td><td data-kind="cases">${range(x.removed.cases)}</td><td data-kind="logContent">${range(x.removed.logContent)}</td>
  <td data-kind="bezwaren">${range(x.removed.bezwaren)}</td><td data-kind="verzoeken">${range(x.removed.verzoeken)}</td><td data-kind="custodianUsage">${range(x.removed.custodianUsage)}</td>
  <td data-kept="${x.kept.onHold}">${x.kept.onHold}</td>
  <td>${x.logSeq === null || x.logSeq === undefined
    ? 'nog niet in de boom geplaatst'
    : readLog ? html`<a href="${ctx.href(`/logboek/regel/${x.logSeq}`)}" data-log-seq="${x.logSeq}">Logboekregel ${x.logSeq}</a> (ondertekend, te controleren)` : `logboekregel ${x.logSeq}`}</td></tr>`,
)}</tbody></table></div>
${items.length >= limit && !many ? html`<p>Er kunnen oudere uitvoeringen zijn. <a href="${ctx.href(`/bewaartermijnen?aantal=${LONG}`)}">De laatste ${LONG} tonen</a>; alle verslagen staan ook in de export van het hele logboek, als regels met handeling retention-run.</p>` : ''}
${items.length >= limit && many ? html`<p>Er kunnen oudere uitvoeringen zijn; alle verslagen staan in de export van het hele logboek, als regels met handeling retention-run.</p>` : ''}`}
</section>`,
    });
  }

  r.get('/bewaartermijnen', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    await show(req, res);
  });

  r.post('/bewaartermijnen/uitvoeren', async (req, res) => {
    requireAbility(ctx, req, 'rights');
    // Deleting cannot be undone: a confirmation step first (the form's button only asks).
    if ((req.body as Record<string, unknown> | undefined)?.['bevestigd'] !== 'ja') {
      ctx.render(req, res, {
        title: 'Retentie nu uitvoeren?',
        current: '/bewaartermijnen',
        body: html`${alert('warning', html`<p>Alles wat zijn bewaartermijn voorbij is, wordt nu verwijderd of ingekort. Dat kan niet ongedaan worden gemaakt. Wat onder een bewaarplicht valt, blijft. Het verslag komt in het logboek, op uw naam.</p>`)}
<form method="post" action="${ctx.href(`/bewaartermijnen/uitvoeren`)}">${csrfField(ctx.csrf(req))}<input type="hidden" name="bevestigd" value="ja">
<button type="submit" class="utrecht-button utrecht-button--primary-action">Ja, nu uitvoeren</button> <a href="${ctx.href('/bewaartermijnen')}">Nee, terug</a></form>`,
      });
      return;
    }
    await attempt(
      async () => {
        const run = await deps.retention.runFor(ctx.principal(req), ctx.traceId(res));
        res.redirect(303, ctx.href(`/bewaartermijnen?uitgevoerd=${run.runId}`));
      },
      (err) => show(req, res, errorMessage(err), err.status),
    );
  });
}
