/**
 * A person's name beside a date, and a date named as a date of birth: in prose these make a
 * date an identity (a name with a birth date identifies a youth; a date alone, such as the
 * date a law took effect, does not).
 *
 * A name is written as a first name or initials, optional tussenvoegsels, and a surname with
 * a capital: Jan Jansen, J. de Vries, J.P. van der Berg, Sanne van den Heuvel-Bakker,
 * Mohamed El Amrani, Ö. d'Hondt. Capitalised words that are not names in this domain (laws, bodies,
 * months, sentence openers: Wet, Besluit, Rechtbank, Raad, Per, Vanaf) do not count.
 * A surname alone (Jansen, 12-03-2011) is not recognised: it cannot be told from a word
 * that opens a sentence. A date of birth is named by geboren, geb., geboortedatum, DOB,
 * date of birth or born (not an asterisk: notes use it for bullets).
 */
import type { TextSpan } from './text-span.js';

const CAPITALISED = "(?:[dlDL]['’])?[A-ZÀ-ÖØ-Ý][a-zß-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Ý][a-zß-öø-ÿ'’]+)?";
const INITIALS = '(?:[A-ZÀ-ÖØ-Ý]\\.\\s?){1,4}';
const TUSSENVOEGSEL = "(?:van|de|der|den|het|ter|ten|te|op|in|'t|’t|la|le|du|da|di|von|vd|v\\.d\\.)";
/** First name(s) or initials, tussenvoegsels, a surname. */
const NAME = `(?:${INITIALS}|${CAPITALISED}\\s+)(?:${TUSSENVOEGSEL}\\s+)*${CAPITALISED}`;
/** What may stand between a name and a date: a comma, brackets, a dash, a colon. */
const BETWEEN = "[\\s,;:()\\[\\]–—-]{1,4}";

/** Capitalised words that are not part of a name in this domain. */
const NOT_NAMES = new Set(
  [
    'wet', 'wetboek', 'besluit', 'regeling', 'staatsblad', 'stb', 'stcrt', 'staatscourant', 'kamerstukken', 'kamerstuk', 'artikel', 'art',
    'lid', 'sub', 'versie', 'beleid', 'beleidsversie', 'regel', 'regels', 'grondslag', 'convenant', 'protocol', 'privacyprotocol', 'uitspraak',
    'rechtbank', 'hof', 'gerechtshof', 'raad', 'gemeente', 'politie', 'halt', 'jeugdwet', 'gemeentewet', 'leerplichtwet', 'jeugdreclassering',
    'kinderbescherming', 'veiligheidshuis', 'veiligheidshuizen', 'zorg', 'openbaar', 'ministerie', 'minister', 'college', 'burgemeester',
    'ingang', 'vastgesteld', 'goedgekeurd', 'gewijzigd', 'ingetrokken', 'per', 'vanaf', 'sinds', 'tot', 'op', 'in', 'de', 'het', 'een', 'van',
    'voor', 'na', 'bij', 'met', 'door', 'zie', 'datum', 'nota', 'toelichting', 'bijlage', 'overleg', 'casusoverleg', 'partneroverleg',
    'januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december',
    'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag', 'nederland', 'limburg', 'sittard', 'geleen', 'maastricht',
    'parkstad', 'heerlen', 'leiden', 'hollands', 'midden', 'zuid', 'noord', 'oost', 'west', 'team', 'jeugd', 'leren', 'jongeren',
    'jongerenwerk', 'preventie', 'gezag', 'platform', 'verwijsindex', 'risicojongeren', 'veilig', 'thuis', 'ecli', 'avg', 'wpg', 'wjsg',
  ],
);

const NAME_BEFORE = new RegExp(`(${NAME})${BETWEEN}$`);
const NAME_AFTER = new RegExp(`^${BETWEEN}(${NAME})`);
const BIRTH_CUE = /(?<![a-z])(?:geboren|geb\.?|geboortedatum|geb\.?\s?datum|d\.o\.b\.?|dob|date of birth|born)\s*(?:op|on|:)?\s*$/i;

const isName = (candidate: string): boolean =>
  candidate
    .split(/[\s.-]+/)
    .filter((w) => /^[A-ZÀ-ÖØ-Ý]/.test(w) && w.length > 1)
    .every((w) => !NOT_NAMES.has(w.toLowerCase().replace(/['’]/g, '')));

/** Whether a person's name stands right before or after `span` in `text`. */
export function nameBeside(text: string, span: TextSpan): boolean {
  const before = NAME_BEFORE.exec(text.slice(Math.max(0, span.start - 80), span.start));
  if (before && isName(before[1]!)) return true;
  const after = NAME_AFTER.exec(text.slice(span.end, span.end + 80));
  return after !== null && isName(after[1]!);
}

/** Whether the words right before `span` call it a date of birth. */
export function namedAsBirthDate(text: string, span: TextSpan): boolean {
  return BIRTH_CUE.test(text.slice(Math.max(0, span.start - 30), span.start));
}
