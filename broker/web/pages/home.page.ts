/** The start page: what this user's role can do here, and nothing else. */
import type { Router } from 'express';
import { html } from '../html.js';
import type { WebContext } from '../web-context.js';

export function homePage(r: Router, ctx: WebContext): void {
  r.get('/', (req, res) => {
    const user = ctx.user(req);
    const a = ctx.abilities(req);
    const role = ctx.platform.roles.find((x) => x.id === user.role)?.name ?? user.role;
    const tasks = [
      a.manageCases && html`<li><a href="${ctx.href(`/casussen`)}">Mijn casussen</a>: open een casus, screen de jongere, leg vervolgacties en notificatie vast, sluit af. Notificaties die over tijd zijn, ziet u daar bovenaan.</li>`,
      a.manageCases && html`<li><a href="${ctx.href(`/casusoverleggen`)}">Casusoverleg</a>: plan een overleg, zet casussen op de agenda en zie wie het beleid uitnodigt, waarom en hoe u de partner bereikt.</li>`,
      a.manageCases && html`<li><a href="${ctx.href(`/vervolgacties`)}">Vervolgacties over tijd</a>: de vervolgacties van open casussen waarvan de datum voorbij is, met de partner die ze uitvoert en de regiehouder.</li>`,
      a.readPolicy && html`<li><a href="${ctx.href(`/beleid`)}">Beleid</a>: versies, regels met lintbevindingen, tests, verschil, effect, goedkeuren (vier ogen) en de wat-als-simulator.</li>`,
      a.rights && html`<li><a href="${ctx.href(`/verzoeken`)}">Verzoeken</a>: verzoeken van jongeren en ouders registreren, met de termijn van een maand (AVG art. 12), verlengen, beantwoorden; wat over tijd is, ziet u bovenaan.</li>`,
      a.rights && html`<li><a href="${ctx.href(`/inzage`)}">Inzage</a>: het overzicht van elke bevraging over één jongere (AVG art. 15), op het scherm of als PDF.</li>`,
      a.rights && html`<li><a href="${ctx.href(`/bezwaren`)}">Bezwaar</a>: een beslissing op een bezwaar vastleggen (AVG art. 21); een toegewezen bezwaar blokkeert de jongere voor de gekozen doelen, tot u het opheft.</li>`,
      a.rights && html`<li><a href="${ctx.href(`/bewaarplicht`)}">Bewaarplicht</a>: de bewaartermijnen opschorten voor een casus of een jongere, zolang een klacht of procedure loopt.</li>`,
      a.rights && html`<li><a href="${ctx.href(`/bewaartermijnen`)}">Bewaartermijnen</a>: de termijnen, wat de retentie verwijderde (met het verslag in het logboek), en de retentie nu uitvoeren.</li>`,
      a.monitoring && html`<li><a href="${ctx.href(`/monitoring`)}">Monitoring</a>: totalen voor het partneroverleg, kleine aantallen verborgen.</li>`,
      a.query && !a.manageCases && html`<li><a href="${ctx.href(`/screening`)}">Screening</a>: vraag de partners of zij een jongere kennen ("is deze jongere bij u bekend?"). U typt het BSN; uw browser maakt er een pseudoniem van en alleen dat wordt verstuurd.</li>`,
      a.readLog && html`<li><a href="${ctx.href(`/logboek`)}">Logboek</a>: alle bevragingen, met filters, per regel te controleren tegen het ondertekende logboek.</li>`,
      a.readLog && html`<li><a href="${ctx.href(`/logboek/verificatie`)}">Verificatie</a>: controleer het hele logboek en zie waar het eventueel breekt.</li>`,
      a.readLog && html`<li><a href="${ctx.href(`/logboek/export`)}">Exports</a>: CSV, JSON lines met manifest en FHIR AuditEvent.</li>`,
      a.administer && html`<li><a href="${ctx.href(`/beheer`)}">Personen</a>: mensen registreren, rollen toekennen en intrekken, rollen van een collega goedkeuren (vier ogen), toegang beëindigen.</li>`,
      a.administer && html`<li><a href="${ctx.href(`/beheer/organisaties`)}">Organisaties</a> en <a href="${ctx.href(`/beheer/koppelingen`)}">koppelingen</a>: organisaties waarvoor mensen werken, en de koppelingen (adapters) van de partners met hun sleutels.</li>`,
      html`<li><a href="${ctx.href(`/verwerkingsregister`)}">Register van verwerkingsactiviteiten</a>: wat dit platform verwerkt, waarom, over wie, voor wie, hoe lang en op welke grondslag (AVG art. 30), en de afspraken tussen de partners (art. 26).</li>`,
    ].filter(Boolean);
    ctx.render(req, res, {
      title: 'Start',
      current: '/',
      body: html`<p>U werkt als <strong>${role}</strong> voor ${ctx.platform.organisations.find((o) => o.id === user.organisation)?.name ?? user.organisation}.</p>
${tasks.length > 0 ? html`<h2>Wat u hier kunt doen</h2><ul>${tasks}</ul>` : html`<p>Uw rol heeft in deze webinterface geen taken.</p>`}`,
    });
  });
}
