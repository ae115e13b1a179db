/**
 * The what-if simulator: how a version decides one question, by which rule and grondslag,
 * and for a denial the allow rule that came nearest and why it did not match, in Dutch.
 * Simulating involves no person or subject and is not logged.
 */
import type { Request, Router } from 'express';
import { html, type Html } from '../html.js';
import { requireAbility, type WebContext } from '../web-context.js';
import { policyHandler, radioField, selectField, versionNav, type PolicyPageDeps } from './policy-page-kit.js';
import { EFFECT, mismatchSentence, policyWords, REQUEST_ACTION } from './policy-texts.js';
import { ACTIONS } from '../../policy/policy-actions.js';

export function policySimulatorPages(r: Router, ctx: WebContext, deps: { policies: PolicyPageDeps['policies'] }): void {
  const { policies } = deps;
  const p = ctx.platform;

  r.get('/beleid/:version/simulator', policyHandler(ctx, async (req: Request, res) => {
    requireAbility(ctx, req, 'readPolicy');
    const principal = ctx.principal(req);
    const d = await policies.get(principal, String(req.params['version']));
    const w = policyWords(p, d.groupings);
    const q = req.query as Record<string, string | undefined>;
    const value = (k: string, fallback: string): string => (typeof q[k] === 'string' ? q[k] : fallback);
    const asked = Boolean(q['role'] && q['doel'] && q['partner'] && q['category']);
    const first = (kind: 'role' | 'doel' | 'partner' | 'category'): string => w.options(kind)[0]?.[0] ?? '';
    let outcome: Html = html``;
    if (asked) {
      const action = (ACTIONS as readonly string[]).includes(q['action'] ?? '') ? q['action'] : 'bevragen';
      const e = await policies.simulate(principal, String(d.id), { role: q['role'], doel: q['doel'], partner: q['partner'], category: q['category'], action });
      const nearest = e.nearest;
      outcome = html`<section aria-labelledby="sim-result" data-decision="${e.decision}"><h2 id="sim-result">Uitkomst: ${e.decision === 'allow' ? 'toegestaan' : 'niet toegestaan'}</h2>
${e.rule
  ? html`<p>Beslist door regel <strong>${e.rule.rule}</strong> (${(EFFECT[e.rule.effect] ?? '').toLowerCase()}), grondslag: ${e.rule.grondslag}.</p>`
  : html`<p>Geen enkele regel past: de vraag wordt standaard niet toegestaan.</p>`}
${nearest
  ? html`<p>Dichtstbijzijnde regel die wel toestaat: <strong>${nearest.rule.id}</strong> (${nearest.score} van de 5 onderdelen passen).</p>
${nearest.overriddenBy ? html`<p>Regel ${nearest.rule.id} past op alle onderdelen, maar weigerregel <strong>${nearest.overriddenBy}</strong> gaat voor.</p>` : ''}
<ul data-nearest>${nearest.overriddenBy ? '' : nearest.mismatched.map((m) => html`<li>${mismatchSentence(m, w, String(q['partner']))}</li>`)}</ul>`
  : ''}</section>`;
    }
    ctx.render(req, res, {
      title: `Wat-als-simulator, versie ${d.id}`,
      current: '/beleid',
      body: html`${versionNav(ctx, d.id, 'simulator', ctx.abilities(req).managePolicies && d.status === 'submitted' && d.author.id !== ctx.user(req).id)}
<p>Kies een vraag; de simulator zegt wat deze versie zou beslissen, en waarom. Simuleren wordt niet gelogd: er is geen persoon bij betrokken.</p>
<form method="get" action="${ctx.href(`/beleid/${d.id}/simulator`)}" class="policy-form" data-simulator>
${selectField({ name: 'role', label: 'Rol: wie vraagt', options: w.options('role'), value: value('role', first('role')) })}
${radioField({ name: 'doel', legend: 'Doel', options: w.options('doel'), value: value('doel', first('doel')) })}
${selectField({ name: 'partner', label: 'Partner: wie wordt gevraagd', options: w.options('partner'), value: value('partner', first('partner')) })}
${selectField({ name: 'category', label: 'Categorie van het signaal', options: w.options('category'), value: value('category', first('category')) })}
${radioField({ name: 'action', legend: 'Toestemming', options: Object.entries(REQUEST_ACTION), value: value('action', 'bevragen') })}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Simuleren</button></form>
${outcome}
<p><a href="${ctx.href(`/beleid/${d.id}`)}">Terug naar versie ${d.id}</a></p>`,
    });
  }));
}
