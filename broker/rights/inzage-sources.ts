/**
 * The sources of an inzage report (AVG art. 15; issue 19 item 1), in ONE list: INZAGE_SOURCES.
 * Each source lists what the broker holds about the subject, each item with a Dutch sentence
 * (plain language, B1; Europe/Amsterdam local time; organisation and partner names, never raw
 * ids) for the web page and the PDF, and its data for the jurist's JSON export; and each COUNTS
 * the same rows with a query of its own (inzage-sources.repository.ts), so the report's
 * completeness is checked independently of its listing.
 *
 * EXTENSION POINT: a new kind of data about youths (as the casusoverleg's agenda and invitations were) is
 * added as one more entry of INZAGE_SOURCES (a `list` and an independent `count`); the report,
 * its completeness count, the web page, the PDF and the JSON export all follow from this list.
 */
import type { Executor } from '../db/database.js';
import type { LogContent } from '../logboek/log-entry.js';
import { DISCLOSURE_ACTIONS, disclosuresOf } from '../logboek/disclosure-fns.js';
import { bezwarenAbout } from './bezwaar.repository.js';
import { entriesAboutSubject } from './inzage.repository.js';
import { verzoekenAbout } from './verzoek.repository.js';
import {
  countBezwaren, countCasussen, countConsents, countDisclosuresAbout, countEntries, countSignals, countStatusChanges, countVervolgacties, countVerzoeken,
  listCasussen, listConsents, listSignals, listStatusChanges, listVervolgacties,
} from './inzage-sources.repository.js';
import { CASE_STATUS, CLOSE_OUTCOME, NOTIFICATION_STATE, VERVOLG_KIND, VERZOEK_DECISION, VERZOEK_TYPE } from '../web/dutch-labels.js';

/** Names for the ids the broker keeps: the platform definition's. */
export interface InzageNames {
  partner(id: string): string;
  organisation(id: string): string;
  role(id: string): string;
  doel(id: string): string;
}

export interface InzageItem {
  /** One sentence in plain Dutch, local time, names only. */
  text: string;
  /** The same facts for the jurist's JSON export. */
  data: Record<string, unknown>;
}

export interface InzageSource {
  readonly id: string;
  /** The Dutch heading. */
  readonly title: string;
  /** The Dutch sentence when there is nothing. */
  readonly empty: string;
  list(ex: Executor, hashes: readonly Buffer[], names: InzageNames): Promise<InzageItem[]>;
  /** Counts the same rows with a query of its own, never from `list`'s result. */
  count(ex: Executor, hashes: readonly Buffer[]): Promise<number>;
}

const TZ = 'Europe/Amsterdam';
/** "5 december 2026 om 14:03" in Amsterdam time. */
export const moment = (d: Date | string): string => {
  const at = new Date(d);
  const day = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ }).format(at);
  const time = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: TZ }).format(at);
  return `${day} om ${time}`;
};
/** "5 december 2026" in Amsterdam time. */
export const dag = (d: Date | string): string => new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ }).format(new Date(d));
const label = (labels: Record<string, string>, code: string | null | undefined): string => (code ? (labels[code] ?? code) : '');
const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

const ANSWER: Record<string, string> = { hit: 'gaf aan de jongere te kennen', 'no-hit': 'gaf aan de jongere niet te kennen', 'not-permitted': 'is niet gevraagd (dat mocht niet)' };
/** The signal categories in plain Dutch (the codes of signal-category.ts). */
export const CATEGORY_NL: Record<string, string> = {
  'politie-registratie': 'registratie bij de politie',
  'boa-registratie': 'registratie door een boa van de gemeente',
  'halt-afdoening': 'Halt-straf',
  'leerplicht-verzuim': 'schoolverzuim (leerplicht)',
  'jeugdreclassering-toezicht': 'toezicht door de jeugdreclassering',
  'rvdk-onderzoek': 'onderzoek door de Raad voor de Kinderbescherming',
  zorgsignaal: 'zorgen over de jongere',
  'jeugdhulp-traject': 'hulp van de gemeente (jeugdhulp)',
  'jongerenwerk-contact': 'contact met het jongerenwerk',
  'preforensisch-traject': 'begeleiding door het pre-forensisch jeugdwerk',
};
/** The casusoverleg's steps about a youth: on an agenda, a partner invited or not (a meeting's planning names no youth). */
const CASUSOVERLEG_OUTCOMES = ['agendered', 'invited', 'not-permitted'];
/** Why a partner was invited (casusoverleg-fns.ts grounds), as the reason in a sentence. */
const INVITED_BECAUSE: Record<string, string> = {
  hit: 'die partner de jongere kende',
  aanmelder: 'die partner de jongere had aangemeld',
  regiehouder: 'die partner de regie heeft',
  toegevoegd: 'de voorzitter die partner erbij vroeg',
};
const GIVEN_BY: Record<string, string> = { jongere: 'de jongere', ouder: 'een ouder of voogd', beiden: 'de jongere en een ouder of voogd' };

const entries = (ex: Executor, hashes: readonly Buffer[], action: string) =>
  entriesAboutSubject(ex, hashes, [action]).then((rows) => rows.map((e) => ({ ...e, c: JSON.parse(e.content) as LogContent & { details?: Record<string, unknown> } })));

export const INZAGE_SOURCES: readonly InzageSource[] = [
  {
    id: 'signalen',
    title: 'Signalen die partners over de jongere hebben doorgegeven',
    empty: 'Geen enkele partner heeft nu een signaal over de jongere.',
    list: async (ex, hashes, names) =>
      (await listSignals(ex, hashes)).map((s) => ({
        text: `${names.partner(s.partnerId)}: signaal "${label(CATEGORY_NL, s.category)}", geregistreerd op ${dag(s.registeredAt)}, geldig tot ${dag(s.expiresAt)}. Niet ingetrokken.`,
        data: { partner: s.partnerId, category: s.category, registeredAt: iso(s.registeredAt), expiresAt: iso(s.expiresAt), withdrawn: false },
      })),
    count: countSignals,
  },
  {
    id: 'ingetrokken-signalen',
    title: 'Signalen die zijn ingetrokken of gewist',
    empty: 'Er is geen signaal over de jongere ingetrokken.',
    list: async (ex, hashes, names) =>
      (await entries(ex, hashes, 'signal-withdrawal'))
        .filter((e) => e.c.outcome === 'withdrawn')
        .map((e) => ({
          text: `${names.partner(e.c.partner ?? '')}: signaal "${label(CATEGORY_NL, String(e.c.details?.['category'] ?? ''))}" ingetrokken op ${moment(e.loggedAt)}${e.c.details?.['verzoekId'] ? ', op uw verzoek gewist' : ''}.`,
          data: { partner: e.c.partner, category: e.c.details?.['category'] ?? null, withdrawnAt: e.loggedAt.toISOString(), withdrawn: true, onVerzoek: e.c.details?.['verzoekId'] ?? null },
        })),
    count: (ex, hashes) => countEntries(ex, hashes, ['signal-withdrawal'], ['withdrawn']),
  },
  {
    id: 'casussen',
    title: 'Casussen waarin de jongere is besproken',
    empty: 'De jongere is in geen enkele casus opgenomen.',
    list: async (ex, hashes, names) =>
      (await listCasussen(ex, hashes)).map((c) => ({
        text:
          `Casus ${c.caseRef}${c.kind === 'group' ? ' (groep)' : ''}: gestart op ${dag(c.openedAt)}, stand nu: ${label(CASE_STATUS, c.status)}` +
          `${c.closedAt ? `, afgesloten op ${dag(c.closedAt)}${c.outcome ? ` (${label(CLOSE_OUTCOME, c.outcome)})` : ''}` : ''}. ` +
          `${c.regiehouder ? `Regie: ${names.partner(c.regiehouder)}${c.regiehouderSince ? ` sinds ${dag(c.regiehouderSince)}` : ''}. ` : 'Nog geen regiehouder. '}` +
          `Informeren van de jongere: ${label(NOTIFICATION_STATE, c.notificationState)}${c.informedAt ? ` op ${dag(c.informedAt)}` : ''}${c.deferredUntil ? ` tot ${dag(c.deferredUntil)}` : ''}.`,
        data: { ...c, openedAt: iso(c.openedAt), closedAt: iso(c.closedAt), regiehouderSince: iso(c.regiehouderSince), informedAt: iso(c.informedAt), deferredUntil: iso(c.deferredUntil) },
      })),
    count: countCasussen,
  },
  {
    id: 'statuswijzigingen',
    title: 'Hoe de casussen verliepen',
    empty: 'Er zijn geen stappen in een casus vastgelegd.',
    list: async (ex, hashes) =>
      (await listStatusChanges(ex, hashes)).map((h) => ({
        text: `Casus ${h.caseRef}: ${h.fromStatus ? `van ${label(CASE_STATUS, h.fromStatus)} naar ` : ''}${label(CASE_STATUS, h.toStatus)} op ${moment(h.changedAt)}.`,
        data: { ...h, changedAt: iso(h.changedAt) },
      })),
    count: countStatusChanges,
  },
  {
    id: 'vervolgacties',
    title: 'Afspraken over wie wat doet (vervolgacties)',
    empty: 'Er zijn geen vervolgacties afgesproken.',
    list: async (ex, hashes, names) =>
      (await listVervolgacties(ex, hashes)).map((v) => ({
        text: `Casus ${v.caseRef}: ${names.partner(v.partnerId)} doet "${label(VERVOLG_KIND, v.kind)}", afgesproken op ${dag(v.createdAt)}, klaar uiterlijk ${dag(v.dueDate)}${v.completedAt ? `, gedaan op ${dag(v.completedAt)}` : ', nog niet gedaan'}.`,
        data: { ...v, dueDate: iso(v.dueDate), createdAt: iso(v.createdAt), completedAt: iso(v.completedAt) },
      })),
    count: countVervolgacties,
  },
  {
    id: 'toestemmingen',
    title: 'Toestemming',
    empty: 'Er is geen toestemming vastgelegd.',
    list: async (ex, hashes, names) =>
      (await listConsents(ex, hashes)).map((k) => ({
        text: `Casus ${k.caseRef}: toestemming van ${GIVEN_BY[k.givenBy] ?? k.givenBy} op ${dag(k.givenOn)} voor ${names.doel(k.doel)}, om gegevens te delen met ${k.partners.map((p) => names.partner(p)).join(', ')}, geldig tot ${dag(k.validUntil)}${k.withdrawnAt ? `; ingetrokken op ${dag(k.withdrawnAt)}` : ''}.`,
        data: { ...k, givenOn: iso(k.givenOn), validUntil: iso(k.validUntil), withdrawnAt: iso(k.withdrawnAt) },
      })),
    count: countConsents,
  },
  {
    id: 'verstrekkingen',
    title: 'Wie heeft gevraagd of een partner de jongere kent',
    empty: 'Niemand heeft via het samenwerkingsverband naar de jongere gevraagd.',
    list: async (ex, hashes, names) =>
      // Each answer is one item, whether its entry holds one partner's answer or every partner's (disclosure-fns.ts).
      (await entriesAboutSubject(ex, hashes, DISCLOSURE_ACTIONS)).flatMap((e) => {
        const c = JSON.parse(e.content) as LogContent;
        const actor = c.actor as { organisation?: string; role?: string };
        return disclosuresOf(c).map((d) => ({
          text: `Op ${moment(e.loggedAt)} vroeg ${names.role(actor.role ?? '')} van ${names.organisation(actor.organisation ?? '')} voor ${names.doel(c.doel ?? '')} of ${names.partner(d.partner)} de jongere kent. ${names.partner(d.partner)} ${ANSWER[d.outcome] ?? d.outcome}.${c.caseRef ? ` Casus ${c.caseRef}.` : ''}`,
          data: { entryId: e.id, loggedAt: e.loggedAt.toISOString(), partner: d.partner, outcome: d.outcome, role: actor.role, organisation: actor.organisation, doel: c.doel, caseRef: c.caseRef },
        }));
      }),
    count: countDisclosuresAbout,
  },
  {
    id: 'casusoverleggen',
    title: 'Casusoverleg: agenda en uitnodigingen',
    empty: 'De jongere is niet op de agenda van een casusoverleg gezet.',
    list: async (ex, hashes, names) =>
      (await entries(ex, hashes, 'casusoverleg')).filter((e) => CASUSOVERLEG_OUTCOMES.includes(e.c.outcome)).map((e) => {
        const d = (e.c.details ?? {}) as { meetingDate?: string; grounds?: string[] };
        const overleg = `het casusoverleg van ${d.meetingDate ? dag(d.meetingDate) : 'een datum die niet is vastgelegd'}`;
        const partner = names.partner(e.c.partner ?? '');
        const text =
          e.c.outcome === 'agendered'
            ? `Op ${moment(e.loggedAt)} is casus ${e.c.caseRef ?? ''} op de agenda gezet van ${overleg}.`
            : e.c.outcome === 'invited'
              ? `Op ${moment(e.loggedAt)} is ${partner} uitgenodigd voor ${overleg} over casus ${e.c.caseRef ?? ''}, omdat ${(d.grounds ?? []).map((g) => INVITED_BECAUSE[g] ?? 'de voorzitter dat nodig vond').join(' en ')}.`
              : `Op ${moment(e.loggedAt)} is ${partner} niet uitgenodigd voor ${overleg} over casus ${e.c.caseRef ?? ''}: dat mocht niet.`;
        return { text, data: { entryId: e.id, loggedAt: e.loggedAt.toISOString(), outcome: e.c.outcome, partner: e.c.partner ?? null, caseRef: e.c.caseRef, meetingDate: d.meetingDate ?? null, grounds: d.grounds ?? [] } };
      }),
    count: (ex, hashes) => countEntries(ex, hashes, ['casusoverleg'], CASUSOVERLEG_OUTCOMES),
  },
  {
    id: 'notificaties',
    title: 'Informeren van de jongere en ouders',
    empty: 'Er is nog niet vastgelegd of de jongere is geïnformeerd.',
    list: async (ex, hashes) =>
      (await entries(ex, hashes, 'casus-notificatie')).map((e) => ({
        text: `${e.c.caseRef ? `Casus ${e.c.caseRef}: ` : ''}${e.c.outcome === 'informed' ? 'de jongere of ouders zijn geïnformeerd' : 'het informeren is uitgesteld'} (vastgelegd op ${moment(e.loggedAt)}).`,
        data: { caseRef: e.c.caseRef, state: e.c.outcome, at: e.loggedAt.toISOString() },
      })),
    count: (ex, hashes) => countEntries(ex, hashes, ['casus-notificatie']),
  },
  {
    id: 'bezwaren',
    title: 'Bezwaren en beperkingen',
    empty: 'Er is geen bezwaar of beperking vastgelegd.',
    list: async (ex, hashes, names) =>
      (await bezwarenAbout(ex, hashes)).map((b) => ({
        text:
          `${b.kind === 'beperking' ? 'Beperking van het gebruik van de gegevens' : `Bezwaar tegen ${b.doelen.map((d) => names.doel(d)).join(', ')}`}: ` +
          `${b.decision === 'upheld' ? 'toegewezen' : 'afgewezen'} op ${dag(b.decidedAt)}${b.liftedAt ? `, opgeheven op ${dag(b.liftedAt)}` : b.decision === 'upheld' ? ', geldt nog' : ''}.`,
        data: { bezwaarId: b.id, kind: b.kind, doelen: b.doelen, decision: b.decision, decidedAt: iso(b.decidedAt), liftedAt: iso(b.liftedAt) },
      })),
    count: countBezwaren,
  },
  {
    id: 'verzoeken',
    title: 'Uw verzoeken aan het samenwerkingsverband',
    empty: 'Er is geen eerder verzoek vastgelegd.',
    list: async (ex, hashes) =>
      (await verzoekenAbout(ex, hashes)).map((v) => ({
        text: `${label(VERZOEK_TYPE, v.type)}: ontvangen op ${dag(v.receivedOn)}, ${v.status === 'answered' ? `beantwoord op ${dag(v.answeredOn ?? v.receivedOn)} (${label(VERZOEK_DECISION, v.decision)})` : `wordt behandeld, uiterlijk ${dag(v.extendedUntil ?? v.deadline)}`}.`,
        data: { verzoekId: v.id, type: v.type, receivedOn: v.receivedOn, deadline: v.extendedUntil ?? v.deadline, status: v.status, decision: v.decision, answeredOn: v.answeredOn },
      })),
    count: countVerzoeken,
  },
];
