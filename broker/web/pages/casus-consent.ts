/**
 * Consent on the voorzitter's casus page (issue 18 item 5): the records of the casus with their
 * state, a form to record one (who consented, partners, doel, given on, valid until) and a button to
 * record a withdrawal; and the choice of a record in force when screening. Fragments only: the
 * routes are casus.page.ts's steps; the consent service checks, decides and logs.
 *
 * Invariant: no name, scan or signature is asked; who recorded it and when is in the logboek.
 */
import { formatDate, formatDateTime, html, type Html } from '../html.js';
import type { CasusDetail } from '../web-ports.js';
import type { WebContext } from '../web-context.js';
import { askableDoelen } from './identity-fields.js';

export const CONSENT_GIVER: Record<string, string> = { jongere: 'De jongere', ouder: 'Een ouder of voogd', beiden: 'De jongere en een ouder of voogd' };
export const CONSENT_STATUS: Record<string, string> = { 'in-force': 'Geldig', withdrawn: 'Ingetrokken', expired: 'Verlopen', 'not-yet-valid': 'Nog niet geldig' };

/** Dutch labels of the consent form's fields, for the service's field errors. */
export const CONSENT_FIELDS = {
  '/subjectId': 'Jongere',
  '/givenBy': 'Wie gaf toestemming',
  '/partners': 'Partners',
  '/givenOn': 'Gegeven op',
  '/validUntil': 'Geldig tot en met',
  '/consentId': 'Toestemming',
};

const names = (ctx: WebContext, ids: readonly string[]): string => ids.map((id) => ctx.platform.partners.find((p) => p.id === id)?.name ?? id).join(', ');

function youthOf(c: CasusDetail, subjectId: string): string {
  const i = c.subjects.findIndex((s) => s.subjectId === subjectId);
  return c.subjects.length === 1 ? 'de jongere' : `jongere ${i + 1}`;
}

/** The form body of a consent record, as the consent service's request. */
export function consentBody(b: Record<string, unknown>, c: CasusDetail): Record<string, unknown> {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)]);
  const one = (k: string): string | undefined => (typeof b[k] === 'string' && (b[k] as string).trim() !== '' ? (b[k] as string).trim() : undefined);
  return {
    subjectId: one('subjectId') ?? c.subjects[0]?.subjectId,
    givenBy: one('givenBy'),
    partners: list(b['partners']),
    doel: one('doel') ?? c.doel,
    givenOn: one('givenOn'),
    validUntil: one('validUntil'),
  };
}

/** The choice of consent in the screening form: without, or one record in force for the casus's doel. */
export function consentChoice(ctx: WebContext, c: CasusDetail): Html {
  const usable = (c.consents ?? []).filter((k) => k.status === 'in-force' && k.doel === c.doel);
  if (usable.length === 0) return html`<p class="hint">Er is geen geldige toestemming vastgelegd; partners die alleen met toestemming mogen antwoorden, worden niet bevraagd.</p>`;
  return html`<div class="field"><label for="consentId">Toestemming</label>
  <select id="consentId" name="consentId"><option value="">Zonder toestemming</option>${usable.map(
    (k) => html`<option value="${k.consentId}">${CONSENT_GIVER[k.givenBy]} (${youthOf(c, k.subjectId)}), voor ${names(ctx, k.partners)}, tot en met ${formatDate(k.validUntil)}</option>`,
  )}</select></div>`;
}

/** The consent section of the casus page: the records, withdrawal, and a form for a new record. */
export function consentSection(ctx: WebContext, c: CasusDetail, csrf: Html): Html {
  const consents = c.consents ?? [];
  const group = c.subjects.length > 1;
  const today = new Date().toISOString().slice(0, 10);
  return html`<section aria-labelledby="consent-title"><h2 id="consent-title">Toestemming (AVG art. 7)</h2>
<p class="hint">Voor partners die alleen met toestemming informatie mogen delen, zoals jongerenwerk. Leg vast wie toestemming gaf, voor welke partners en hoe lang. Geen namen, scans of handtekeningen: wie het vastlegde en wanneer staat in de geschiedenis en het logboek.</p>
${consents.length === 0 ? html`<p>Nog geen toestemming vastgelegd.</p>` : html`<div class="table-wrap"><table class="utrecht-table" data-consents><caption>Vastgelegde toestemming</caption>
<thead><tr>${group ? html`<th scope="col">Jongere</th>` : ''}<th scope="col">Gegeven door</th><th scope="col">Partners</th><th scope="col">Gegeven op</th><th scope="col">Geldig tot en met</th><th scope="col">Stand</th></tr></thead>
<tbody>${consents.map(
  (k, i) => html`<tr data-consent="${i}" data-consent-status="${k.status}">${group ? html`<td>${youthOf(c, k.subjectId)}</td>` : ''}<td>${CONSENT_GIVER[k.givenBy]}</td><td>${names(ctx, k.partners)}</td><td>${formatDate(k.givenOn)}</td><td>${formatDate(k.validUntil)}</td>
  <td>${CONSENT_STATUS[k.status]}${k.withdrawnAt ? ` op ${formatDateTime(k.withdrawnAt)}` : ''}${k.status === 'in-force' ? html` <form method="post" action="${ctx.href(`/casussen/${c.caseId}/toestemming/${k.consentId}/intrekken`)}" class="inline-form">${csrf}<button type="submit" class="utrecht-button utrecht-button--secondary-action">Ingetrokken</button></form>` : ''}</td></tr>`,
)}</tbody></table></div>`}
${c.status === 'afgesloten' ? '' : html`<form method="post" action="${ctx.href(`/casussen/${c.caseId}/toestemming`)}">${csrf}
<fieldset><legend>Toestemming vastleggen</legend><div class="form-grid">
  ${group ? html`<div class="field"><label for="tg-subject">Jongere</label><select id="tg-subject" name="subjectId">${c.subjects.map((s, i) => html`<option value="${s.subjectId}">Jongere ${i + 1}</option>`)}</select></div>` : ''}
  <div class="field"><label for="tg-by">Wie gaf toestemming</label><select id="tg-by" name="givenBy">${Object.entries(CONSENT_GIVER).map(([id, label]) => html`<option value="${id}">${label}</option>`)}</select>
    <span class="hint">Onder de ${ctx.platform.consent.parentBelowAge} jaar geeft een ouder of voogd toestemming, vanaf ${ctx.platform.consent.parentBelowAge} jaar de jongere.</span></div>
  <div class="field"><label for="tg-doel">Doel</label><select id="tg-doel" name="doel">${askableDoelen(ctx).map((d) => html`<option value="${d.id}"${d.id === c.doel ? html` selected` : ''}>${d.name}</option>`)}</select></div>
  <div class="field"><label for="tg-on">Gegeven op</label><input type="date" id="tg-on" name="givenOn" value="${today}"></div>
  <div class="field"><label for="tg-until">Geldig tot en met</label><input type="date" id="tg-until" name="validUntil"></div>
</div>
<fieldset class="field"><legend>Voor welke partners</legend>${ctx.platform.partners.map(
  (p) => html`<span><input type="checkbox" id="tg-partner-${p.id}" name="partners" value="${p.id}"> <label for="tg-partner-${p.id}">${p.name}</label></span>`,
)}</fieldset>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Toestemming vastleggen</button></fieldset></form>`}
</section>`;
}
