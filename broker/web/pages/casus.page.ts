/**
 * The voorzitter's casussen: open a casus for one youth or a group (each identity typed and
 * pseudonymised in the browser), screen each subject, move the casus through its statuses,
 * record vervolgacties and notificatie per subject, close it; a list of own cases with overdue
 * notifications. The casus and query services check, decide and log; these pages only collect
 * and show. Subjects cannot be added to an existing casus: the API does not offer it.
 */
import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { QueryService } from '../../queries/query.service.js';
import { formatDate, formatDateTime, html, type Html } from '../html.js';
import { alert, csrfField } from '../layout.js';
import { attempt, errorMessage, requireAbility, type WebContext } from '../web-context.js';
import type { WebCustodian } from '../web-custodian.js';
import type { CasusDetail, CasusPort } from '../web-ports.js';
import { TRANSITIONS } from '../../casus/casus-workflow.js';
import { CASE_STATUS, CLOSE_OUTCOME, DEFER_REASON, ESCALATION_REASON, NOTIFICATION_STATE, ROUTE_IN_OTHER, VERVOLG_KIND } from '../dutch-labels.js';
import { askableDoelen, identityBlocks, identityFields, keysAttribute, subjectOfField } from './identity-fields.js';
import { SUBJECT_COUNT } from '../../casus/casus-workflow.js';

/** Dutch labels of the casus form's fields, for the service's field errors. */
const CASUS_FIELDS = {
  '/caseRef': 'Casusnummer',
  '/doel': 'Doel',
  '/routeIn': 'Aangemeld door',
  '/aanmeldcriteria': 'Aanmeldcriteria',
  '/agesAtAanmelding': (pointer: string): string => {
    const i = /^\/agesAtAanmelding\/(\d+)/.exec(pointer);
    return i ? `Leeftijd van jongere ${Number(i[1]) + 1}` : 'Leeftijden';
  },
  '/subjects': (pointer: string): string => {
    const i = /^\/subjects\/(\d+)/.exec(pointer);
    return i ? `Jongere ${Number(i[1]) + 1}` : 'Jongeren';
  },
  '/subject': 'Identiteit van de jongere',
  '/to': 'Nieuwe status',
  '/reason': 'Reden',
  '/outcome': 'Uitkomst',
  '/partner': 'Partner',
  '/kind': 'Actie',
  '/dueDate': 'Uiterlijk',
  '/state': 'Stand',
  '/informedAt': 'Geïnformeerd op',
  '/deferReason': 'Reden van uitstel',
  '/deferredUntil': 'Uitgesteld tot',
  ...CONSENT_FIELDS,
};

/** The subjects of a form: one hidden `subject` field per identity block (a string, or an array for several), each with its pseudonyms per key epoch. */
const subjectsOfBody = (b: Record<string, unknown>): Array<string | string[]> => {
  const v = b['subject'];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => subjectOfField(x) ?? '');
};
import { screeningResult } from './screening.page.js';
import { historyTable, peopleOf } from './casus-history.js';
import { CONSENT_FIELDS, consentBody, consentChoice, consentSection } from './casus-consent.js';

interface NewCaseValues {
  caseRef: string;
  doel: string;
  routeIn: string;
  aanmeldcriteria: string[];
  ages: string[];
}

/** A form field that may come once, several times, or not at all. */
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/**
 * The refusals of an aanmelding in plain Dutch (issue 18): no criterium chosen, or a youth outside
 * the doelgroep. Undefined for any other error, which errorMessage shows.
 */
/** The aanmelding's own refusals in plain Dutch, followed by every other field's (a case number, a youth). */
function newCaseProblem(err: AppError, doelgroep: { minAge: number; maxAge: number }): Html {
  const problem = aanmeldingProblem(err, doelgroep);
  if (!problem) return errorMessage(err, CASUS_FIELDS);
  const rest = err.errors.filter((e) => !/^\/(aanmeldcriteria|agesAtAanmelding)(\/|$)/.test(e.pointer));
  return rest.length === 0 ? problem : html`${problem}${errorMessage(new AppError(err.code, err.message, rest), CASUS_FIELDS)}`;
}

function aanmeldingProblem(err: AppError, doelgroep: { minAge: number; maxAge: number }): Html | undefined {
  const outside = err.errors.flatMap((e) => {
    const m = /^\/agesAtAanmelding\/(\d+)$/.exec(e.pointer);
    return m && e.detail.startsWith('is outside the doelgroep') ? [Number(m[1]) + 1] : [];
  });
  const noCriteria = err.errors.some((e) => e.pointer === '/aanmeldcriteria');
  if (outside.length === 0 && !noCriteria) return undefined;
  return html`<p>De casus is niet geopend.</p><ul>${noCriteria ? html`<li>Kies ten minste één aanmeldcriterium.</li>` : ''}${outside.map(
    (n) => html`<li>Jongere ${n} valt buiten de doelgroep van dit platform: ${doelgroep.minAge} tot en met ${doelgroep.maxAge} jaar. Een jongere buiten de doelgroep komt niet op de agenda.</li>`,
  )}</ul>`;
}

const options = (labels: Record<string, string>, selected?: string): Html =>
  html`${Object.entries(labels).map(([id, name]) => html`<option value="${id}"${id === selected ? html` selected` : ''}>${name}</option>`)}`;

/** What a step on a casus says when it worked (PRG: the casus page shows it after the redirect). */
const DONE: Record<string, string> = {
  geopend: 'De casus is geopend.',
  status: 'De status is gewijzigd.',
  vervolgactie: 'De vervolgactie is toegevoegd.',
  afgerond: 'De vervolgactie is afgerond.',
  regie: 'De regiehouder is vastgelegd.',
  notificatie: 'De notificatie is vastgelegd.',
  toestemming: 'De toestemming is vastgelegd.',
  ingetrokken: 'De intrekking van de toestemming is vastgelegd.',
};

export function casusPages(
  r: Router,
  ctx: WebContext,
  deps: { casus: CasusPort; queries: QueryService; custodian: WebCustodian | undefined; names: (ids: readonly string[]) => Promise<ReadonlyMap<string, string>> },
): void {
  const { casus } = deps;
  const name = (list: ReadonlyArray<{ id: string; name: string }>, id: string): string => list.find((x) => x.id === id)?.name ?? id;
  const routeInName = (id: string): string => ROUTE_IN_OTHER[id] ?? name(ctx.platform.partners, id);
  const caseId = (req: Request): string => String(req.params['caseId']);
  const keysOf = async (): Promise<Html | undefined> => (deps.custodian ? keysAttribute(await deps.custodian.keys()) : undefined);

  const newForm = async (req: Request, values: NewCaseValues, problem?: Html, youths = 1): Promise<Html> => {
    const keys = await keysOf();
    if (!keys) return alert('warning', 'Pseudonimiseren in de browser is niet ingesteld (JPP_CUSTODIAN_URL).');
    const max = SUBJECT_COUNT.group.max;
    return html`${problem ? alert('error', problem) : ''}
<form method="post" action="${ctx.href(`/casussen`)}" data-pseudonymise ${keys} novalidate>
  ${csrfField(ctx.csrf(req))}
  <div class="field"><label for="caseRef">Casusnummer (uit het systeem van het Zorg- en Veiligheidshuis)</label>
    <span class="hint" id="caseRef-hint">Bijvoorbeeld ZVH-2026-0042. Geen naam of BSN.</span>
    <input type="text" id="caseRef" name="caseRef" autocomplete="off" aria-describedby="caseRef-hint" value="${values['caseRef'] ?? ''}"></div>
  <div class="field"><label for="doel">Doel</label><select id="doel" name="doel">${askableDoelen(ctx, ctx.user(req).role).map((d) => html`<option value="${d.id}"${values['doel'] === d.id ? html` selected` : ''}>${d.name}</option>`)}</select></div>
  <div class="field"><label for="routeIn">Aangemeld door</label><select id="routeIn" name="routeIn">
    ${ctx.platform.partners.map((p) => html`<option value="${p.id}"${values.routeIn === p.id ? html` selected` : ''}>${p.name}</option>`)}${options(ROUTE_IN_OTHER, values.routeIn)}</select></div>
  <fieldset class="field" aria-describedby="criteria-hint"><legend>Aanmeldcriteria</legend>
    <span class="hint" id="criteria-hint">Kies ten minste één criterium van dit platform waarom de jongere op de agenda komt.</span>
    ${ctx.platform.aanmeldcriteria.map((c) => html`<span><input type="checkbox" id="criterium-${c.id}" name="aanmeldcriteria" value="${c.id}"${values.aanmeldcriteria.includes(c.id) ? html` checked` : ''}> <label for="criterium-${c.id}">${c.name}</label></span>`)}
  </fieldset>
  <h2>Jongeren</h2>
  <p class="hint">Eén jongere, of een groep: voeg dan per jongere een blok toe (tot ${max}). Met twee of meer jongeren wordt het een groepscasus; elke jongere wordt apart gescreend en geïnformeerd. Later jongeren toevoegen kan niet: open dan een nieuwe casus.</p>
  ${identityBlocks(youths, max, { values: values.ages, doelgroep: ctx.platform.doelgroep })}
  <p class="hint" data-pseudonymise-status aria-live="polite"></p>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Casus openen</button>
</form>`;
  };

  r.get('/casussen/nieuw', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    ctx.render(req, res, { title: 'Nieuwe casus', current: '/casussen', scripts: ['pseudonymise'], body: await newForm(req, { caseRef: '', doel: '', routeIn: '', aanmeldcriteria: [], ages: [] }) });
  });

  r.post('/casussen', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    const b = (req.body ?? {}) as Record<string, string>;
    const values: NewCaseValues = {
      caseRef: String(b['caseRef'] ?? '').trim(),
      doel: String(b['doel'] ?? ''),
      routeIn: String(b['routeIn'] ?? ''),
      aanmeldcriteria: listOf(b['aanmeldcriteria']),
      ages: listOf(b['age']),
    };
    const subjects = subjectsOfBody(b);
    await attempt(
      async () => {
        const missing = subjects.length === 0 ? [0] : subjects.flatMap((s, i) => (s === '' ? [i] : []));
        if (missing.length > 0) {
          throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', missing.map((i) => ({ pointer: `/subjects/${i}`, code: 'not-pseudonymised', detail: 'is missing' })));
        }
        // One youth is a person casus, two or more a group (the service checks the counts).
        const { ages, ...rest } = values;
        const agesAtAanmelding = ages.map((a) => (/^\d{1,3}$/.test(a.trim()) ? Number(a) : a));
        const created = await casus.create(ctx.principal(req), { ...rest, agesAtAanmelding, kind: subjects.length > 1 ? 'group' : 'person', subjects }, ctx.traceId(res));
        res.redirect(303, ctx.href(`/casussen/${created.caseId}?gedaan=geopend`));
      },
      async (err) => ctx.render(req, res, {
        title: 'Nieuwe casus', current: '/casussen', scripts: ['pseudonymise'], status: err.status,
        body: await newForm(req, values, newCaseProblem(err, ctx.platform.doelgroep), Math.max(1, Math.min(subjects.length, SUBJECT_COUNT.group.max))),
      }),
    );
  });

  async function detail(req: Request, res: Response, c: CasusDetail, problem?: Html, status = 200): Promise<void> {
    const keys = await keysOf();
    const names = await deps.names(peopleOf(c));
    const closed = c.status === 'afgesloten';
    const done = typeof req.query['gedaan'] === 'string' && !problem ? DONE[req.query['gedaan']] : undefined;
    const next = TRANSITIONS[c.status] ?? [];
    const csrf = csrfField(ctx.csrf(req));
    const history = c.history ?? [];
    const acties = c.vervolgacties ?? [];
    const canAct = c.status === 'besproken' || c.status === 'vervolg';
    const group = c.kind === 'group';
    const screenedCount = c.subjects.filter((s) => (s.screenings?.count ?? 0) > 0).length;
    ctx.render(req, res, {
      title: `Casus ${c.caseRef}`,
      current: '/casussen',
      status,
      scripts: ['pseudonymise'],
      body: html`${problem ? alert('error', problem) : ''}${done ? alert('ok', html`<p data-done>${done}</p>`) : ''}
<dl class="facts">
  <dt>Status</dt><dd data-status="${c.status}"><strong>${CASE_STATUS[c.status] ?? c.status}</strong>${c.outcome ? ` (${CLOSE_OUTCOME[c.outcome] ?? c.outcome})` : ''}</dd>
  <dt>Soort</dt><dd data-kind="${c.kind}">${group ? `Groepscasus: ${c.subjects.length} jongeren` : 'Eén jongere'}</dd>
  <dt>Doel</dt><dd>${name(ctx.platform.doelen, c.doel)}</dd>
  <dt>Aangemeld door</dt><dd>${routeInName(c.routeIn)}</dd>
  <dt>Aanmeldcriteria</dt><dd data-aanmeldcriteria="${c.aanmeldcriteria.join(' ')}">${c.aanmeldcriteria.length === 0 ? 'niet vastgelegd' : c.aanmeldcriteria.map((id) => name(ctx.platform.aanmeldcriteria, id)).join('; ')}</dd>
  <dt>Geopend</dt><dd>${formatDateTime(c.openedAt)} door ${names.get(c.openedBy) ?? 'een gebruiker die niet meer in het register staat'}</dd>
  ${c.legalHold ? html`<dt>Bewaarplicht</dt><dd>Er loopt een procedure: niets van deze casus wordt verwijderd.</dd>` : ''}
</dl>

<section aria-labelledby="screening-title"><h2 id="screening-title">Screening</h2>
${group ? html`<p data-screened-count="${screenedCount}">${screenedCount} van de ${c.subjects.length} jongeren ${screenedCount === 1 ? 'is' : 'zijn'} gescreend in deze casus (zie "Jongeren" hieronder).</p>` : ''}
${c.queryable && keys
  ? html`<p>Typ de identiteit van ${group ? 'één jongere uit de groep' : 'de jongere'} opnieuw; uw browser maakt er een pseudoniem van. Het systeem bewaart geen identiteiten, dus ook geen koppeling die u dit bespaart.${group ? ' Screen zo elke jongere apart; de uitkomst zegt om welke jongere het ging. Wie niet in deze casus staat, wordt geweigerd.' : ''}</p>
<form method="post" action="${ctx.href(`/casussen/${c.caseId}/screening`)}" data-pseudonymise data-doel="${c.doel}" ${keys} novalidate>
  ${csrf}
  ${identityFields(group ? { legend: 'Welke jongere uit de groep screent u?' } : {})}
  ${consentChoice(ctx, c)}
  <p class="hint" data-pseudonymise-status aria-live="polite"></p>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Vraag de partners: bekend?</button>
</form>`
  : html`<p>In de status "${CASE_STATUS[c.status] ?? c.status}" kunt u de partners niet bevragen.</p>`}
</section>

<section aria-labelledby="status-title"><h2 id="status-title">Status wijzigen</h2>
${next.length === 0
  ? html`<p>Deze casus is afgesloten.</p>`
  : html`<form method="post" action="${ctx.href(`/casussen/${c.caseId}/status`)}">${csrf}
  <div class="form-grid">
  <div class="field"><label for="to">Nieuwe status</label><select id="to" name="to">${next.map((s) => html`<option value="${s}">${CASE_STATUS[s] ?? s}</option>`)}</select></div>
  <div class="field"><label for="reason">Reden (bij op- of afschalen)</label><select id="reason" name="reason"><option value="">–</option>${options(ESCALATION_REASON)}</select></div>
  <div class="field"><label for="outcome">Uitkomst (bij afsluiten)</label><select id="outcome" name="outcome"><option value="">–</option>${options(CLOSE_OUTCOME)}</select></div>
  </div>
  <button type="submit" class="utrecht-button utrecht-button--primary-action">Status wijzigen</button></form>`}
</section>

<section aria-labelledby="regie-title"><h2 id="regie-title">Regie</h2>
<p data-regiehouder="${c.regie?.partner ?? ''}">Regiehouder: ${c.regie ? html`<strong>${name(ctx.platform.partners, c.regie.partner)}</strong> (sinds ${formatDateTime(c.regie.since)})` : 'nog niet vastgelegd'}.</p>
${canAct ? html`<form method="post" action="${ctx.href(`/casussen/${c.caseId}/regiehouder`)}">${csrf}<div class="field"><label for="rh-partner">Regiehouder</label><select id="rh-partner" name="partner">${ctx.platform.partners.map((p) => html`<option value="${p.id}"${p.id === c.regie?.partner ? html` selected` : ''}>${p.name}</option>`)}</select></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Regie toewijzen</button></form>` : html`<p class="hint">De regiehouder legt u vast als de casus besproken is.</p>`}
</section>

<section aria-labelledby="vervolg-title"><h2 id="vervolg-title">Vervolgacties</h2>
${acties.length === 0 ? html`<p>Nog geen vervolgacties.</p>` : html`<div class="table-wrap"><table class="utrecht-table" data-vervolgacties><caption>Wie doet wat, wanneer</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Actie</th><th scope="col">Uiterlijk</th><th scope="col">Afgerond</th></tr></thead>
<tbody>${acties.map(
  (a) => html`<tr><td>${name(ctx.platform.partners, a.partner)}</td><td>${VERVOLG_KIND[a.kind] ?? a.kind}${a.toPartner ? ` aan ${name(ctx.platform.partners, a.toPartner)}` : ''}</td><td>${formatDate(a.dueDate)}</td>
  <td>${a.completedAt ? formatDateTime(a.completedAt) : closed ? 'niet afgerond' : html`<form method="post" action="${ctx.href(`/casussen/${c.caseId}/vervolgacties/${a.actionId}/afgerond`)}" class="inline-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--secondary-action">Afgerond</button></form>`}</td></tr>`,
)}</tbody></table></div>`}
${canAct
  ? html`<form method="post" action="${ctx.href(`/casussen/${c.caseId}/vervolgacties`)}">${csrf}
<fieldset><legend>Vervolgactie toevoegen (geen vrije tekst)</legend><div class="form-grid">
  <div class="field"><label for="va-partner">Partner</label><select id="va-partner" name="partner">${ctx.platform.partners.map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select></div>
  <div class="field"><label for="va-kind">Actie</label><select id="va-kind" name="kind">${options(VERVOLG_KIND)}</select></div>
  <div class="field"><label for="va-to">Overdragen aan (alleen bij een warme overdracht, met toestemming)</label><select id="va-to" name="toPartner"><option value="">–</option>${ctx.platform.partners.map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select></div>
  <div class="field"><label for="va-due">Uiterlijk</label><input type="date" id="va-due" name="dueDate"></div>
</div><button type="submit" class="utrecht-button utrecht-button--primary-action">Toevoegen</button></fieldset></form>`
  : html`<p class="hint">Vervolgacties legt u vast als de casus besproken is.</p>`}
</section>

<section aria-labelledby="notif-title"><h2 id="notif-title">${group ? 'Jongeren: screening en notificatie (AVG art. 13/14)' : 'Notificatie (AVG art. 13/14)'}</h2>
${group ? html`<p>De jongeren staan in de volgorde waarin u ze bij de aanmelding typte. Het systeem kent alleen hun pseudoniemen; wie welke jongere is, houdt u bij in het systeem van het Zorg- en Veiligheidshuis.</p>` : ''}
${c.subjects.map(
  (s, i) => html`<div data-subject="${i}" id="jongere-${s.subjectId}">${group ? html`<h3>Jongere ${i + 1}</h3>` : ''}
  <p data-age-band="${s.ageBand ?? ''}"><strong>Leeftijd bij aanmelding</strong>: ${s.ageBand ? `${s.ageBand.replace('-', ' tot en met ').replace('+', ' of ouder')} jaar` : 'niet vastgelegd'}${s.parentConsentNeeded ? ' (toestemming van een ouder of voogd nodig)' : ''}.</p>
  <p data-screenings="${s.screenings?.count ?? 0}"><strong>Screening</strong>: ${(s.screenings?.count ?? 0) === 0 ? 'nog niet gescreend.' : `${s.screenings!.count} keer gescreend, laatst ${formatDateTime(s.screenings!.lastAt!)}.`}</p>
  <p><strong>Notificatie</strong>: ${NOTIFICATION_STATE[s.notification.state] ?? s.notification.state}${
    s.notification.informedAt ? ` op ${formatDate(s.notification.informedAt)}` : ''}${
    s.notification.deferReason && s.notification.deferredUntil ? ` (${DEFER_REASON[s.notification.deferReason] ?? s.notification.deferReason}, tot ${formatDate(s.notification.deferredUntil)})` : ''}${
    s.notification.dueAt && s.notification.state !== 'informed' ? `; uiterlijk ${formatDateTime(s.notification.dueAt)}` : ''}
  ${s.notification.overdue ? html` <strong class="bad">Over tijd.</strong>` : ''}</p>
  ${closed ? '' : html`<form method="post" action="${ctx.href(`/casussen/${c.caseId}/onderwerpen/${s.subjectId}/notificatie`)}">${csrf}
  <fieldset><legend>Vastleggen voor jongere ${i + 1}</legend><div class="form-grid">
    <div class="field"><label for="n-state-${i}">Stand</label><select id="n-state-${i}" name="state"><option value="informed">Geïnformeerd</option><option value="deferred">Uitgesteld</option></select></div>
    <div class="field"><label for="n-informed-${i}">Geïnformeerd op</label><input type="date" id="n-informed-${i}" name="informedAt"></div>
    <div class="field"><label for="n-reason-${i}">Reden van uitstel</label><select id="n-reason-${i}" name="deferReason"><option value="">–</option>${options(DEFER_REASON)}</select></div>
    <div class="field"><label for="n-until-${i}">Uitgesteld tot</label><input type="date" id="n-until-${i}" name="deferredUntil"></div>
  </div><button type="submit" class="utrecht-button utrecht-button--secondary-action">Vastleggen</button></fieldset></form>`}</div>`,
)}
</section>

${consentSection(ctx, c, csrf)}

<section aria-labelledby="hist-title"><h2 id="hist-title">Geschiedenis</h2>
${historyTable(c, names, (id) => name(ctx.platform.partners, id))}
</section>
<p><a href="${ctx.href(`/casussen`)}">Terug naar mijn casussen</a></p>`,
    });
  }

  r.get('/casussen/:caseId', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    await detail(req, res, await casus.get(ctx.principal(req), caseId(req)));
  });

  /** A POST on a casus: run it, then show the casus (PRG), or the casus with the service's refusal. */
  const step = (path: string, done: keyof typeof DONE, run: (req: Request, res: Response) => Promise<unknown>): void => {
    r.post(`/casussen/:caseId${path}`, async (req, res) => {
      requireAbility(ctx, req, 'manageCases');
      await attempt(
        async () => {
          // A step that returns false showed a page of its own (a confirmation) and changed nothing.
          if ((await run(req, res)) === false) return;
          res.redirect(303, ctx.href(`/casussen/${caseId(req)}?gedaan=${done}`));
        },
        async (err) => detail(req, res, await casus.get(ctx.principal(req), caseId(req)), errorMessage(err, CASUS_FIELDS), err.status),
      );
    });
  };
  const field = (req: Request, k: string): string | undefined => {
    const v = (req.body as Record<string, string> | undefined)?.[k];
    return v && v.trim() !== '' ? v.trim() : undefined;
  };

  step('/status', 'status', async (req, res) => {
    const to = field(req, 'to');
    const body = { to, ...(to === 'opgeschaald' || to === 'afgeschaald' ? { reason: field(req, 'reason') } : {}), ...(to === 'afgesloten' ? { outcome: field(req, 'outcome') } : {}) };
    // Closing cannot be undone: ask first, with what will happen, unless confirmed.
    if (to === 'afgesloten' && body.outcome && field(req, 'bevestigd') !== 'ja') {
      const c = await casus.get(ctx.principal(req), caseId(req));
      ctx.render(req, res, {
        title: `Casus ${c.caseRef} afsluiten?`,
        current: '/casussen',
        body: html`${alert('warning', html`<p>Een afgesloten casus gaat niet meer open. U kunt de partners dan niet meer bevragen en geen vervolgacties of notificaties meer vastleggen. Uitkomst: <strong>${CLOSE_OUTCOME[body.outcome] ?? 'onbekend'}</strong>.</p>`)}
<form method="post" action="${ctx.href(`/casussen/${c.caseId}/status`)}">${csrfField(ctx.csrf(req))}
<input type="hidden" name="to" value="afgesloten"><input type="hidden" name="outcome" value="${body.outcome}"><input type="hidden" name="bevestigd" value="ja">
<button type="submit" class="utrecht-button utrecht-button--primary-action">Ja, casus afsluiten</button> <a href="${ctx.href(`/casussen/${c.caseId}`)}">Nee, terug naar de casus</a></form>`,
      });
      return false;
    }
    return casus.transition(ctx.principal(req), caseId(req), body, ctx.traceId(res));
  });
  step('/vervolgacties', 'vervolgactie', (req, res) =>
    casus.addVervolgactie(ctx.principal(req), caseId(req), { partner: field(req, 'partner'), kind: field(req, 'kind'), ...(field(req, 'toPartner') ? { toPartner: field(req, 'toPartner') } : {}), dueDate: field(req, 'dueDate') }, ctx.traceId(res)),
  );
  step('/regiehouder', 'regie', (req, res) => casus.setRegiehouder(ctx.principal(req), caseId(req), { partner: field(req, 'partner') }, ctx.traceId(res)));
  step('/vervolgacties/:actionId/afgerond', 'afgerond', (req, res) => casus.completeVervolgactie(ctx.principal(req), caseId(req), String(req.params['actionId']), ctx.traceId(res)));
  step('/onderwerpen/:subjectId/notificatie', 'notificatie', (req, res) => {
    const state = field(req, 'state');
    const body = state === 'informed' ? { state, informedAt: field(req, 'informedAt') } : { state, deferReason: field(req, 'deferReason'), deferredUntil: field(req, 'deferredUntil') };
    return casus.setNotification(ctx.principal(req), caseId(req), String(req.params['subjectId']), body, ctx.traceId(res));
  });

  step('/toestemming', 'toestemming', async (req, res) =>
    casus.recordConsent(ctx.principal(req), caseId(req), consentBody((req.body ?? {}) as Record<string, unknown>, await casus.get(ctx.principal(req), caseId(req))), ctx.traceId(res)),
  );
  step('/toestemming/:consentId/intrekken', 'ingetrokken', (req, res) => casus.withdrawConsent(ctx.principal(req), caseId(req), String(req.params['consentId']), ctx.traceId(res)));

  r.post('/casussen/:caseId/screening', async (req, res) => {
    requireAbility(ctx, req, 'manageCases');
    const c = await casus.get(ctx.principal(req), caseId(req));
    const b = (req.body ?? {}) as Record<string, string>;
    await attempt(
      async () => {
        const subject = subjectOfField(b['subject']);
        if (subject === undefined) throw new AppError('validation', 'the identity was not pseudonymised in the browser: JavaScript is needed for that', [{ pointer: '/subject', code: 'not-pseudonymised', detail: 'is missing' }]);
        const consentId = typeof b['consentId'] === 'string' && b['consentId'] !== '' ? b['consentId'] : undefined;
        const answer = await deps.queries.ask(ctx.principal(req), { subject, doel: c.doel, caseId: c.caseId, ...(consentId ? { consent: true, consentId } : {}) }, ctx.traceId(res));
        const position = c.subjects.findIndex((s) => s.subjectId === answer.subjectId);
        const who = c.kind === 'group' && position >= 0 ? `Jongere ${position + 1} van ${c.subjects.length}` : undefined;
        ctx.render(req, res, { title: `Uitkomst van de screening – ${c.caseRef}`, current: '/casussen', body: screeningResult(ctx, answer, `/casussen/${c.caseId}`, who) });
      },
      async (err) => detail(req, res, c, errorMessage(err, CASUS_FIELDS), err.status),
    );
  });
}
