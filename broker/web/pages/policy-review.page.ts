/**
 * The second privacy officer's review of a submitted version, on one page: the toelichting,
 * the diff against the active version, the exact impact (every decision that becomes allowed,
 * each to be confirmed, and every one that becomes denied, with the rule on both sides), and
 * how many real questions of the last 30 days would have been answered differently; then
 * approve or reject.
 *
 * Invariants:
 * - Opening the page fetches an impact preview for the reviewer (recorded and logged by the
 *   service); the approval names it.
 * - No approval without every newly allowed decision ticked: the page refuses it itself, and
 *   sends the service the digest of exactly the ticked decisions, which the service (and the
 *   database) compare with the preview's.
 */
import type { Request, Response, Router } from 'express';
import { newAccessDigest, tupleOfKey, type DecisionTuple } from '../../policy/policy-impact-fns.js';
import { html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { requireAbility, type WebContext } from '../web-context.js';
import { changesTable, diffSection, versionFacts } from './policy-fragments.js';
import { formOf, fieldOf, isRefusal, policyHandler, redirectWithNotice, refusalBox, textField, versionNav, type PolicyPageDeps } from './policy-page-kit.js';
import { policyWords } from './policy-texts.js';

/** The decisions ticked in the approval form. */
function ticked(req: Request): DecisionTuple[] {
  const raw = formOf(req)['bevestig'];
  const keys = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return keys.map(tupleOfKey).filter((t): t is DecisionTuple => t !== null);
}

export function policyReviewPages(r: Router, ctx: WebContext, deps: { policies: PolicyPageDeps['policies'] }): void {
  const { policies } = deps;
  const p = ctx.platform;
  const v = (req: Request): string => String(req.params['version']);

  async function review(req: Request, res: Response, problem?: Html, status = 200): Promise<void> {
    requireAbility(ctx, req, 'managePolicies');
    const principal = ctx.principal(req);
    const d = await policies.get(principal, v(req));
    const you = ctx.user(req).id;
    const w = policyWords(p, d.groupings);
    if (d.status !== 'submitted' || d.author.id === you) {
      ctx.render(req, res, {
        scripts: ['pseudonymise'],
        title: `Beoordelen: beleid versie ${d.id}`,
        current: '/beleid',
        status: problem ? status : 200,
        body: html`${problem ?? ''}${versionNav(ctx, d.id, 'beoordelen', false)}<p>${d.status !== 'submitted'
          ? 'Deze versie wacht niet op een beoordeling.'
          : 'U heeft deze versie zelf gemaakt. Een andere privacy officer moet haar beoordelen (vier ogen).'}</p>
<p><a href="${ctx.href(`/beleid/${d.id}`)}">Naar versie ${d.id}</a></p>`,
      });
      return;
    }
    const list = await policies.list(principal, {});
    const [impact, diff] = await Promise.all([
      policies.impact(principal, v(req), { days: '30' }, ctx.traceId(res)),
      list.active !== null && list.active !== d.id ? policies.diff(principal, v(req), { against: String(list.active) }) : Promise.resolve(undefined),
    ]);
    const exact = impact.exact;
    const opens = exact.newlyAllowed.length;
    const byPartner = (c: Record<string, number>): string =>
      Object.entries(c).map(([k, n]) => `${w.value('partner', k)}: ${n}`).join('; ');
    ctx.render(req, res, {
      scripts: ['pseudonymise'],
      title: `Beoordelen: beleid versie ${d.id}`,
      current: '/beleid',
      status,
      body: html`${problem ?? ''}${versionNav(ctx, d.id, 'beoordelen', true)}
${versionFacts(ctx, d, w, you)}
<section aria-labelledby="diff-title"><h2 id="diff-title">Wat verandert er in de regels</h2>${diffSection(diff, w, list.active)}
<p><a href="${ctx.href(`/beleid/${d.id}/tests`)}">De beleidstests van deze versie</a></p></section>
<section aria-labelledby="exact-title" data-exact><h2 id="exact-title">Wat verandert er in de toegang</h2>
<p>Alle ${exact.decisions} vragen die het platform kent (elke rol, elk doel, elke partner en elke categorie die die partner heeft, met en zonder toestemming) zijn met deze versie en met versie ${exact.against.version}, de actieve versie, beslist. Ook vragen die nog nooit zijn gesteld.</p>
<p data-exact-summary><strong data-new-access="${opens}">${opens}</strong> ${opens === 1 ? 'vraag wordt' : 'vragen worden'} nieuw toegestaan, <strong data-new-denied="${exact.newlyDenied.length}">${exact.newlyDenied.length}</strong> nieuw geweigerd.</p>
${exact.newlyDenied.length ? changesTable({ changes: exact.newlyDenied, w, caption: 'Vragen die deze versie weigert en die nu zijn toegestaan', allowed: false, attr: 'data-newly-denied-table' }) : ''}
</section>
<section aria-labelledby="replay-title" data-replay><h2 id="replay-title">Effect op de vragen van de afgelopen ${impact.days} dagen</h2>
<p>${impact.replayed} antwoorden uit het logboek opnieuw beslist met deze versie: ${impact.unchanged} blijven gelijk, <span data-newly-allowed="${impact.newlyAllowed.total}">${impact.newlyAllowed.total} zouden nu wel beantwoord worden</span>${impact.newlyAllowed.total ? ` (${byPartner(impact.newlyAllowed.byPartner)})` : ''}, <span data-newly-denied="${impact.newlyDenied.total}">${impact.newlyDenied.total} niet meer</span>${impact.newlyDenied.total ? ` (${byPartner(impact.newlyDenied.byPartner)})` : ''}.</p>
</section>
<form method="post" action="${ctx.href(`/beleid/${d.id}/goedkeuren`)}" data-approve data-guard-identity>${csrfField(ctx.csrf(req))}<input type="hidden" name="previewId" value="${impact.previewId}"><input type="hidden" name="newAccessCount" value="${opens}">
<h2>Goedkeuren</h2>
${opens
  ? html`${alert('warning', html`<p>Deze versie geeft nieuwe toegang: ${opens} ${opens === 1 ? 'vraag wordt' : 'vragen worden'} toegestaan die nu worden geweigerd. Bevestig elke vraag afzonderlijk; zonder dat kunt u niet goedkeuren.</p>`)}
${changesTable({ changes: exact.newlyAllowed, w, caption: 'Nieuwe toegang: bevestig elke vraag', allowed: true, confirm: true, attr: 'data-newly-allowed-table' })}`
  : html`<p data-no-new-access>Deze versie geeft geen nieuwe toegang: geen enkele vraag wordt toegestaan die nu wordt geweigerd.</p>`}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Goedkeuren</button></form>
<form method="post" action="${ctx.href(`/beleid/${d.id}/afwijzen`)}" class="policy-form" data-reject data-guard-identity>${csrfField(ctx.csrf(req))}<h2>Afwijzen</h2>
${textField({ name: 'note', label: 'Reden (verplicht)', value: '', id: 'reject-note', hint: 'De reden komt bij de toelichting van de versie te staan.' })}
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Afwijzen</button></form>`,
    });
  }

  r.get('/beleid/:version/beoordelen', policyHandler(ctx, (req, res) => review(req, res)));

  r.post('/beleid/:version/goedkeuren', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    const confirmed = ticked(req);
    const expected = Number(fieldOf(req, 'newAccessCount')) || 0;
    if (confirmed.length < expected) {
      // Refused here already; the service would refuse the digest of a partial set too.
      await review(req, res, alert('error', html`<p>Bevestig elke nieuwe toegang voordat u goedkeurt: u heeft er ${confirmed.length} van de ${expected} aangevinkt. Er is niets goedgekeurd.</p>`), 422);
      return;
    }
    try {
      await policies.approve(
        ctx.principal(req),
        v(req),
        { previewId: fieldOf(req, 'previewId'), ...(confirmed.length ? { confirmNewAccess: newAccessDigest(confirmed) } : {}) },
        ctx.traceId(res),
      );
      redirectWithNotice(ctx, res, `/beleid/${v(req)}`, 'goedgekeurd');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await review(req, res, refusalBox(err, { forbidden: 'U heeft deze versie zelf gemaakt; een andere privacy officer moet haar beoordelen.' }), err.status);
    }
  }));

  r.post('/beleid/:version/afwijzen', policyHandler(ctx, async (req, res) => {
    requireAbility(ctx, req, 'managePolicies');
    try {
      await policies.reject(ctx.principal(req), v(req), { note: fieldOf(req, 'note') }, ctx.traceId(res));
      redirectWithNotice(ctx, res, `/beleid/${v(req)}`, 'afgewezen');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const problem = err.code === 'validation' && err.errors.some((e) => e.pointer === '/note')
        ? alert('error', html`<p>Vul de reden in waarom u deze versie afwijst.</p>`)
        : refusalBox(err);
      await review(req, res, problem, err.status);
    }
  }));
}
