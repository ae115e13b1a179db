/**
 * The policy pages' Dutch: names for what the API gives as ids and codes (roles, doelen and
 * partners by their names in the platform file; categories, actions, effects and groups in
 * words), lint findings, the simulator's explanations, test outcomes and the services'
 * refusals, each from its code and facts, never from the API's English text.
 *
 * Invariants:
 * - Pure: no request, no service; everything a sentence needs comes in.
 * - No JSON Pointer, English word or raw id reaches a sentence: a value the platform does
 *   not know is shown quoted as typed, marked as unknown.
 */
import type { Platform } from '../../platform/platform.js';
import type { AppError } from '../../errors/app-error.js';
import type { Grouping } from '../../policy/policy-content.js';
import type { LintFinding } from '../../policy/policy-lint-fns.js';
import type { Mismatch } from '../../policy/policy-explain-fns.js';
import type { PersonRef } from '../../policy/policy-version.repository.js';
import type { FieldError } from '../../../protocol/schemas/schema-registry.js';
import { FIELD_ERROR_SENTENCE, fieldLabelOf } from '../field-error-texts.js';

/** Dutch names of the signal categories (the closed list of signal-category.ts). */
export const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  'politie-registratie': 'Politieregistratie',
  'boa-registratie': 'Registratie jeugdBOA',
  'halt-afdoening': 'Halt-afdoening',
  'leerplicht-verzuim': 'Verzuim (leerplicht)',
  'jeugdreclassering-toezicht': 'Toezicht jeugdreclassering',
  'rvdk-onderzoek': 'Onderzoek Raad voor de Kinderbescherming',
  zorgsignaal: 'Zorgsignaal',
  'jeugdhulp-traject': 'Jeugdhulptraject',
  'jongerenwerk-contact': 'Contact jongerenwerk',
  'preforensisch-traject': 'Pre-forensisch traject',
};

/** A rule's action: which questions it covers. */
export const RULE_ACTION: Readonly<Record<string, string>> = {
  bevragen: 'Met of zonder toestemming',
  'bevragen-met-toestemming': 'Alleen met toestemming',
  uitnodigen: 'Uitnodigen voor het casusoverleg, met of zonder toestemming',
  'uitnodigen-met-toestemming': 'Uitnodigen voor het casusoverleg, alleen met toestemming',
};
/** A question's action: asked with or without recorded consent. */
export const REQUEST_ACTION: Readonly<Record<string, string>> = {
  bevragen: 'Zonder toestemming',
  'bevragen-met-toestemming': 'Met toestemming',
  uitnodigen: 'Uitnodiging zonder toestemming',
  'uitnodigen-met-toestemming': 'Uitnodiging met toestemming',
};
export const EFFECT: Readonly<Record<string, string>> = { allow: 'Toestaan', deny: 'Weigeren' };
export const OUTCOME: Readonly<Record<string, string>> = { allow: 'Toegestaan', deny: 'Niet toegestaan' };

/** The form labels of a rule's and a test's fields. */
export const FIELD_LABEL: Readonly<Record<string, string>> = {
  id: 'Regelnummer',
  role: 'Rol',
  doel: 'Doel',
  partner: 'Partner',
  category: 'Categorie',
  action: 'Toestemming',
  effect: 'Effect',
  grondslag: 'Grondslag',
  member: 'Lid',
  group: 'Groep',
  expect: 'Verwacht',
  rule: 'Beslissende regel',
  note: 'Toelichting',
};

const SYSTEM_PEOPLE: Readonly<Record<string, string>> = {
  'system:seed': 'Het systeem (startbeleid)',
  'system:platform-file': 'Vastgesteld met het platformbestand',
};

export type ValueKind = 'role' | 'doel' | 'partner' | 'category' | 'action';
const GROUP_TYPE: Record<ValueKind, Grouping['type'] | null> = { role: 'g', doel: null, partner: 'g3', category: 'g2', action: 'g4' };

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The words for one platform and (optionally) the groups of one policy version. */
export interface PolicyWords {
  /** A role, doel, partner, category or action (as a rule names it) in words; a group as "… (groep)". */
  value(kind: ValueKind, id: string): string;
  /** The concrete values of a kind, as [id, name], in platform order. */
  options(kind: ValueKind): Array<[string, string]>;
  /** The groups of a kind that the version defines, as [id, name]. */
  groups(kind: ValueKind): Array<[string, string]>;
  requestAction(action: string): string;
  person(ref: PersonRef | null): string;
  source(source: string): string;
  note(note: string): string;
}

export function policyWords(platform: Platform, groupings: readonly Grouping[] = []): PolicyWords {
  const concrete: Record<ValueKind, Map<string, string>> = {
    role: new Map(platform.roles.map((r) => [r.id, r.name])),
    doel: new Map(platform.doelen.map((d) => [d.id, d.name])),
    partner: new Map(platform.partners.map((p) => [p.id, p.name])),
    category: new Map([...new Set(platform.partners.flatMap((p) => p.categories))].map((c) => [c, CATEGORY_NAMES[c] ?? capitalise(c.replace(/-/g, ' '))])),
    action: new Map(Object.entries(RULE_ACTION)),
  };
  const groupIds = (kind: ValueKind): string[] => {
    const type = GROUP_TYPE[kind];
    if (!type || kind === 'action') return [];
    return [...new Set(groupings.filter((g) => g.type === type).map((g) => g.group))].filter((g) => !concrete[kind].has(g));
  };
  const groupName = (id: string): string => `${capitalise(id.replace(/-/g, ' '))} (groep)`;
  return {
    value(kind, id) {
      const name = concrete[kind].get(id);
      if (name !== undefined) return name;
      if (groupIds(kind).includes(id)) return groupName(id);
      return id === '' ? '(leeg)' : `„${id}” (onbekend)`;
    },
    options: (kind) => [...concrete[kind].entries()],
    groups: (kind) => groupIds(kind).map((id) => [id, groupName(id)]),
    requestAction: (action) => REQUEST_ACTION[action] ?? `„${action}” (onbekend)`,
    person(ref) {
      if (!ref) return '–';
      return SYSTEM_PEOPLE[ref.id] ?? ref.name ?? 'Onbekende medewerker (niet in het register)';
    },
    source(source) {
      const [kind, rest = ''] = source.split(/:(.*)/s) as [string, string?];
      switch (kind) {
        case 'copy': return `Kopie van versie ${rest}`;
        case 'rollback': return `Terugdraaien naar versie ${rest}`;
        case 'seed': return `Startbeleid uit het platformbestand (${rest})`;
        case 'import': return rest === 'text' ? 'Ingelezen tekst' : `Ingelezen uit het bestand ${rest}`;
        default: return 'Onbekende herkomst';
      }
    },
    // Versions seeded before the seed's note was Dutch.
    note: (note) => (note === 'seed set from the platform file' ? 'Startbeleid uit het platformbestand' : note),
  };
}

/** The test number (1-based) a pointer such as /tests/3/role names, or null. */
export const testNumberOf = (pointer: string): number | null => {
  const m = /^\/tests\/(\d+)/.exec(pointer);
  return m ? Number(m[1]) + 1 : null;
};
/** The rule position (1-based) a pointer such as /rules/3/role names, or null. */
export const ruleNumberOf = (pointer: string): number | null => {
  const m = /^\/rules\/(\d+)/.exec(pointer);
  return m ? Number(m[1]) + 1 : null;
};

const KIND_OF_FIELD: Record<string, ValueKind> = { role: 'role', doel: 'doel', partner: 'partner', category: 'category', action: 'action' };

/** A lint finding in Dutch, from its code and facts. */
export function lintSentence(f: LintFinding, w: PolicyWords): string {
  const field = f.field ?? '';
  const label = (FIELD_LABEL[field] ?? 'Veld').toLowerCase();
  const kind = KIND_OF_FIELD[field];
  const shown = (v: string | undefined): string => (kind && v !== undefined ? w.value(kind, v) : `„${v ?? ''}”`);
  const others = (f.related ?? []).join(', ');
  const test = testNumberOf(f.pointer);
  const grouping = f.rule?.startsWith('g') ? /^g\d?:(.*)>(.*)$/.exec(f.rule) : null;
  switch (f.code) {
    case 'missing-grondslag': return 'Deze regel heeft geen grondslag. Elk antwoord noemt de wettelijke grondslag van zijn regel: vul die in.';
    case 'missing-id': return 'Deze regel heeft geen regelnummer.';
    case 'duplicate-id': return `Regelnummer ${f.value ?? ''} komt twee keer voor: geef deze regel een eigen nummer.`;
    case 'invalid-effect': return `Effect „${f.value ?? ''}” bestaat niet: kies toestaan of weigeren.`;
    case 'malformed-rule': return `Deze regel heeft ${f.value ?? 'een verkeerd aantal'} velden in plaats van 8; de regel is niet te lezen.`;
    case 'malformed-grouping': return 'Deze groepering heeft niet precies één lid en één groep.';
    case 'unknown-ptype': return `Regelsoort „${f.value ?? ''}” bestaat niet.`;
    case 'unknown-role': case 'unknown-partner': case 'unknown-category': case 'unknown-action':
      return `${capitalise(label)} „${f.value ?? ''}” kent het platform niet en is geen groep in deze versie. Kies er een uit de lijst.`;
    case 'unknown-doel': return `Doel „${f.value ?? ''}” kent het platform niet. Kies er een uit de lijst.`;
    case 'wildcard':
      return grouping ? 'Deze groepering bevat een jokerteken; noem de rollen, partners of categorieën zelf.'
        : `${capitalise(label)} is leeg of een jokerteken (${f.value ? `„${f.value}”` : 'leeg'}): kies een ${label} of een groep uit de lijst.`;
    case 'shadowed': return `Overbodig: alles wat deze regel beslist, beslist regel ${others} al op dezelfde manier.`;
    case 'conflict':
      return f.everywhere ? `Deze regel staat nooit iets toe: weigerregel ${others} gaat bij elke vraag voor.`
        : `Weigerregel ${others} gaat voor bij een deel van de vragen die deze regel toestaat.`;
    case 'matches-nothing': return 'Deze regel past op geen enkele vraag: geen van deze partners heeft signalen van deze categorie, of een groep is leeg.';
    case 'doel-without-rule': return `Doel „${w.value('doel', f.value ?? '')}” heeft geen enkele regel: elke vraag voor dat doel wordt geweigerd zonder dat een regel dat zegt.`;
    case 'doel-without-allow': return `Doel „${w.value('doel', f.value ?? '')}” staat niets toe: er zijn alleen weigerregels (bij monitoring en rechten van betrokkenen is dat zo bedoeld).`;
    case 'grouping-onto-value': return `Groepering ${grouping?.[1] ?? ''} → ${grouping?.[2] ?? ''}: „${f.value ?? ''}” is zelf een waarde van het platform, geen groep.`;
    case 'grouping-unknown-member': return `Groepering ${grouping?.[1] ?? ''} → ${grouping?.[2] ?? ''}: „${f.value ?? ''}” kent het platform niet.`;
    case 'test-unknown-role': case 'test-unknown-doel': case 'test-unknown-partner': case 'test-unknown-category': case 'test-unknown-action':
      return `Test ${test}: ${label} ${shown(f.value)} is geen enkele ${label} van het platform (een groep of onbekend). Die vraag stelt niemand, dus ze wordt altijd geweigerd.`;
    case 'test-category-not-held': return `Test ${test}: deze partner heeft geen signalen van de categorie ${shown(f.value)}. Die vraag stelt niemand, dus ze wordt altijd geweigerd.`;
    case 'test-unknown-rule': return `Test ${test}: regel ${f.value ?? ''} bestaat niet in deze versie; deze test kan nooit slagen.`;
    case 'test-rule-effect': return `Test ${test}: regel ${f.value ?? ''} heeft het andere effect dan deze test verwacht; deze test kan nooit slagen.`;
    case 'test-allow-without-rule': return `Test ${test}: verwacht toegestaan zonder beslissende regel, maar alleen een regel kan iets toestaan; deze test kan nooit slagen.`;
    case 'test-duplicate': return `Test ${test}: stelt dezelfde vraag als test ${others}.`;
    default: return 'Deze regel heeft een probleem dat deze pagina niet kan omschrijven; bekijk haar in het beleidsbestand.';
  }
}

/** Why the nearest allow rule did not match, in Dutch (the simulator). */
export function mismatchSentence(m: Mismatch, w: PolicyWords, partner: string): string {
  if (m.notHeld) return `${w.value('partner', partner)} heeft geen signalen van de categorie ${w.value('category', m.actual)}: die vraag stelt niemand.`;
  switch (m.field) {
    case 'role': return `Rol: de regel geldt voor ${w.value('role', m.expected)}; ${w.value('role', m.actual)} valt daar niet onder.`;
    case 'doel': return `Doel: de regel geldt voor „${w.value('doel', m.expected)}”, de vraag is voor „${w.value('doel', m.actual)}”.`;
    case 'partner': return `Partner: de regel geldt voor ${w.value('partner', m.expected)}; ${w.value('partner', m.actual)} valt daar niet onder.`;
    case 'category': return `Categorie: de regel geldt voor ${w.value('category', m.expected)}; ${w.value('category', m.actual)} valt daar niet onder.`;
    case 'action':
      if (m.expected.startsWith('uitnodigen') !== m.actual.startsWith('uitnodigen')) {
        return `Handeling: de regel geldt voor ${(RULE_ACTION[m.expected] ?? m.expected).toLowerCase()}; deze vraag is ${w.requestAction(m.actual).toLowerCase()}.`;
      }
      return `Toestemming: de regel geldt ${m.expected.endsWith('-met-toestemming') ? 'alleen met toestemming' : 'met of zonder toestemming'}; deze vraag is ${w.requestAction(m.actual).toLowerCase()}.`;
  }
}

/** Who decides: "door regel S01" or "zonder regel (standaard geweigerd)". */
export const byRule = (rule: string | null | undefined): string => (rule ? `door regel ${rule}` : 'zonder regel (standaard geweigerd)');

/** A decision and who made it: "Toegestaan door regel S01". */
export const decisionWords = (effect: string, rule: string | null | undefined): string => `${OUTCOME[effect] ?? `„${effect}”`} ${byRule(rule)}`;

/** A test's outcome in one sentence: why it passed or failed. */
export function testOutcomeSentence(r: { pass: boolean; expect: string; expectRule: string; actual: string; actualRule: string | null }): string {
  const lower = (effect: string, rule: string | null): string => `${(OUTCOME[effect] ?? `„${effect}”`).toLowerCase()} ${byRule(rule)}`;
  const expected = lower(r.expect, r.expectRule);
  const actual = lower(r.actual, r.actualRule);
  return r.pass ? `Geslaagd: ${actual}.` : `Mislukt: verwacht ${expected}, maar deze versie beslist ${actual}.`;
}

/** One field error in Dutch: "Test 3, Rol: vul dit in." (the code says what; field-error-texts.ts). */
function fieldProblem(e: FieldError, labels: Readonly<Record<string, string>>): string {
  const segments = e.pointer.split('/').filter((s) => s !== '');
  const last = segments[segments.length - 1] ?? '';
  const field = FIELD_LABEL[last] ?? labels[e.pointer] ?? fieldLabelOf(e.pointer, {});
  const where = segments[0] === 'tests' ? `Test ${Number(segments[1]) + 1}, ` : segments[0] === 'rules' ? 'Regel, ' : '';
  const what = e.code === 'too-short' ? 'vul dit in.' : e.code === 'duplicate' && last === 'id' ? 'dit regelnummer bestaat al.' : FIELD_ERROR_SENTENCE[e.code] ?? FIELD_ERROR_SENTENCE.invalid;
  return `${where}${field}: ${what}`;
}

/**
 * A service's refusal on a policy page, in Dutch: one sentence for what happened and what
 * to do, and the fields it names by their form labels. `forbidden` is the sentence for a
 * refusal of this step by role or authorship.
 */
export function refusalSentences(err: AppError, opts: { forbidden?: string; labels?: Readonly<Record<string, string>> } = {}): string[] {
  const pointers = err.errors.map((e) => e.pointer);
  const has = (p: string): boolean => pointers.includes(p);
  const labels = opts.labels ?? {};
  switch (err.code) {
    case 'identity-detected':
      return [
        'Dit lijkt een persoonsgegeven te bevatten (zoals een BSN, naam, geboortedatum, e-mailadres, telefoonnummer of adres). Haal het weg: er is niets opgeslagen.',
        ...err.errors.map((e) => `${FIELD_LABEL[e.pointer.split('/').pop() ?? ''] ?? labels[e.pointer] ?? 'Een veld'}: haal het persoonsgegeven weg.`),
      ];
    case 'forbidden': return [opts.forbidden ?? 'Uw rol of uw plaats in deze versie staat deze stap niet toe.'];
    case 'not-found': return ['Dit bestaat niet (meer): de beleidsversie, regel of test is niet gevonden.'];
    case 'conflict':
      if (has('/expectedHash')) return ['Iemand heeft dit concept intussen opgeslagen. Hieronder staat de nieuwste stand; voer uw wijziging opnieuw in.'];
      if (has('/confirmNewAccess')) {
        return ['Sinds de goedkeuring is een andere versie actief geworden. Tegenover die versie zou deze versie toegang geven die de beoordelaar niet heeft bevestigd. Maak een nieuw concept van deze versie en laat het opnieuw beoordelen.'];
      }
      return ['Deze stap kan niet (meer): de versie is intussen gewijzigd of heeft een andere status. Hieronder staat de huidige stand.'];
    case 'validation':
      if (has('/previewId')) return ['Het effectoverzicht hoorde niet meer bij deze versie of bij de actieve versie, of was ouder dan 24 uur. Het is opnieuw opgehaald: bekijk het en beoordeel opnieuw.'];
      if (has('/confirmNewAccess')) return ['Bevestig elke nieuwe toegang in de lijst hieronder voordat u goedkeurt.'];
      if (has('/activeFrom')) return ['Kies een moment in de toekomst, of laat het veld leeg om nu te activeren.'];
      if (has('/note')) return ['Vul een toelichting in: waarom deze wijziging?'];
      return ['De invoer klopt niet.', ...err.errors.map((e) => fieldProblem(e, labels))];
    case 'too-many-requests': return ['U heeft het maximum voor nu bereikt. Probeer het later opnieuw.'];
    case 'payload-too-large': return ['Het formulier is te groot.'];
    default: return ['Er ging iets mis. Er is niets gewijzigd.'];
  }
}
