/**
 * Field errors in Dutch for the web pages: the API names a refused field by JSON Pointer and a
 * stable code (problem.schema.json `errors[].code`); a page says which field, as its form
 * labels it, and what to do, in plain Dutch (B1).
 *
 * Invariants:
 * - No English and no JSON Pointer reaches the page: an unknown field is "Een veld", never its
 *   pointer; the service's English `detail` is not shown.
 * - Every code of `FIELD_ERROR_CODES` has a sentence (the Record type makes it so).
 */
import type { FieldError, FieldErrorCode } from '../../protocol/schemas/schema-registry.js';

/** What to do, per code: the second half of "Casusnummer: vul dit in." */
export const FIELD_ERROR_SENTENCE: Readonly<Record<FieldErrorCode, string>> = {
  required: 'vul dit in.',
  'unknown-field': 'dit veld hoort niet bij dit formulier. Vernieuw de pagina en probeer het opnieuw.',
  'not-in-list': 'kies een waarde uit de lijst.',
  'invalid-format': 'de vorm klopt niet. Controleer wat u invulde.',
  'wrong-type': 'dit is niet het soort waarde dat hier hoort (bijvoorbeeld een getal of een datum).',
  'too-short': 'vul dit in; het is nu leeg of te kort.',
  'too-long': 'dit is te lang. Maak het korter.',
  'too-few': 'dit zijn er te weinig. Vul er meer in.',
  'too-many': 'dit zijn er te veel. Haal er een paar weg.',
  'too-small': 'dit getal is te klein.',
  'too-large': 'dit is te groot of te ver weg. Kies een kleinere waarde.',
  duplicate: 'dit komt twee keer voor. Haal de dubbele weg.',
  invalid: 'dit klopt niet. Controleer wat u invulde.',
  identity: 'dit lijkt een persoonsgegeven (zoals een BSN, naam, geboortedatum of adres). Haal het weg: er is niets opgeslagen.',
  'in-use': 'dit bestaat al. Kies een ander.',
  'not-found': 'dit bestaat niet. Controleer wat u invulde.',
  'not-applicable': 'dit hoort niet bij deze keuze. Laat het leeg.',
  'not-reachable': 'deze stap kan niet vanuit de huidige status. Kies een status uit de lijst.',
  'in-past': 'deze datum ligt in het verleden. Kies een datum vanaf vandaag.',
  'in-future': 'deze datum ligt in de toekomst. Kies vandaag of een eerdere datum.',
  'before-start': 'deze datum ligt vóór de begindatum. Kies een latere datum.',
  'period-too-short': 'de periode is te kort. Kies een langere periode, zodat geen jongere herkenbaar is.',
  'not-a-calendar-period': 'kies een hele maand, een heel kwartaal of een heel jaar, zodat twee overzichten niet van elkaar af te trekken zijn.',
  'period-not-over': 'deze periode is nog niet voorbij. Kies een maand, kwartaal of jaar dat al afgelopen is.',
  'not-pseudonymised': 'uw browser heeft de identiteit niet versleuteld. Zet JavaScript aan en probeer het opnieuw.',
  'not-confirmed': 'bevestig dit eerst.',
  outdated: 'dit is intussen gewijzigd. Vernieuw de pagina en probeer het opnieuw.',
  mismatch: 'dit komt niet overeen met wat verwacht werd.',
  'selection-too-large': 'de selectie is te groot. Kies een kortere periode of voeg een filter toe.',
  'no-consent': 'hiervoor is toestemming nodig die nu geldt voor elke jongere van de casus en deze partner noemt. Leg die eerst vast.',
};

/**
 * Dutch labels of the fields the API's requests use, by property name: the fallback when a
 * page gives no label of its own. Terms of art stay as the glossary has them.
 */
export const FIELD_LABEL_NL: Readonly<Record<string, string>> = {
  caseRef: 'Casusnummer',
  caseId: 'Casus',
  doel: 'Doel',
  doelen: 'Doelen',
  routeIn: 'Aangemeld door',
  kind: 'Soort',
  subject: 'Identiteit van de jongere',
  subjects: 'Jongeren',
  to: 'Tot en met',
  from: 'Van',
  van: 'Van',
  tot: 'Tot en met',
  reason: 'Reden',
  outcome: 'Uitkomst',
  partner: 'Partner',
  dueDate: 'Uiterlijk',
  state: 'Stand',
  informedAt: 'Geïnformeerd op',
  deferReason: 'Reden van uitstel',
  deferredUntil: 'Uitgesteld tot',
  note: 'Toelichting',
  consent: 'Toestemming',
  confirm: 'Bevestiging',
  organisation: 'Organisatie',
  organisationId: 'Organisatiecode',
  personId: 'Persoon',
  role: 'Rol',
  roles: 'Rollen',
  validFrom: 'Geldig vanaf',
  validUntil: 'Geldig tot',
  adapterId: 'Koppeling',
  clientId: 'Client-id',
  jwk: 'Sleutel',
  kid: 'Sleutelnummer',
  name: 'Naam',
  displayName: 'Naam',
  cursor: 'Pagina',
  limit: 'Aantal',
  outcomeFilter: 'Uitkomst',
  decision: 'Besluit',
  holdReason: 'Reden',
  activeFrom: 'Actief vanaf',
  toPartner: 'Overdragen aan',
  date: 'Datum',
  meetingDate: 'Datum',
};

/** The label of the field a pointer names: the page's own (longest prefix wins), else the property's, else "Een veld". */
export function fieldLabelOf(pointer: string, fields: Readonly<Record<string, string | ((pointer: string) => string)>>): string {
  const key = Object.keys(fields).filter((k) => pointer === k || pointer.startsWith(`${k}/`)).sort((a, b) => b.length - a.length)[0];
  if (key !== undefined) {
    const l = fields[key]!;
    return typeof l === 'function' ? l(pointer) : l;
  }
  const names = pointer.split('/').filter((s) => s !== '' && !/^\d+$/.test(s));
  return FIELD_LABEL_NL[names[names.length - 1] ?? ''] ?? 'Een veld';
}

/** One field error as a Dutch sentence: "Casusnummer: dit bestaat al. Kies een ander." */
export function fieldErrorSentence(e: FieldError, fields: Readonly<Record<string, string | ((pointer: string) => string)>> = {}): string {
  return `${fieldLabelOf(e.pointer, fields)}: ${FIELD_ERROR_SENTENCE[e.code] ?? FIELD_ERROR_SENTENCE.invalid}`;
}
