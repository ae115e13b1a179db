/**
 * The logboek's actions and outcomes in Dutch, for pages a jurist reads (the entry page): the
 * codes stay in the entry's content, which the browser hashes, and a person reads words.
 * Invariant: every action of the log vocabulary has a label (the Record type makes it so).
 */
import type { LogAction } from '../logboek/log-actions.js';

export const LOG_ACTION_LABEL: Readonly<Record<LogAction, string>> = {
  disclosure: 'Antwoord op een bevraging',
  question: 'Bevraging met de antwoorden van alle partners',
  'signal-batch': 'Signalen ontvangen van een partner',
  'signal-intake': 'Signaal opgeslagen',
  'signal-withdrawal': 'Signaal ingetrokken',
  'custodian-evaluation': 'Pseudoniem berekend bij de sleutelbeheerder',
  'policy-change': 'Wijziging van het beleid',
  'log-read': 'Logboek ingezien',
  'log-export': 'Logboek geëxporteerd',
  'log-verify': 'Logboek gecontroleerd',
  'casus-aanmelding': 'Casus aangemeld',
  'casus-status': 'Status van een casus gewijzigd',
  'casus-vervolgactie': 'Vervolgactie of regie vastgelegd',
  'casus-notificatie': 'Notificatie van de jongere',
  'inzage-report': 'Inzageoverzicht gemaakt',
  bezwaar: 'Bezwaar',
  'legal-hold': 'Bewaarplicht',
  'retention-run': 'Bewaartermijnen uitgevoerd',
  'monitoring-read': 'Monitoring ingezien',
  'register-change': 'Wijziging in het register',
  'rate-limit': 'Geweigerd: te veel verzoeken',
  verzoek: 'Verzoek van een betrokkene',
  beperking: 'Beperking van de verwerking',
  'casus-toestemming': 'Toestemming vastgelegd of ingetrokken',
  casusoverleg: 'Casusoverleg: planning, agenda en uitnodigingen',
};

/** Outcomes in Dutch; every outcome of the vocabulary has one (test/unit/log-vocabulary.test.ts). */
export const LOG_OUTCOME_LABEL: Readonly<Record<string, string>> = {
  hit: 'bekend', 'no-hit': 'niet bekend', 'not-permitted': 'niet toegestaan',
  processed: 'verwerkt', replayed: 'herhaald, niets opnieuw opgeslagen', stored: 'opgeslagen', withdrawn: 'ingetrokken', 'not-found': 'niet gevonden',
  evaluated: 'berekend', refused: 'geweigerd', created: 'aangemaakt', 'rules-edited': 'regels gewijzigd', 'tests-edited': 'tests gewijzigd',
  'rollback-created': 'terugdraaiversie gemaakt', submitted: 'ingediend', approved: 'goedgekeurd', rejected: 'afgewezen', activated: 'geactiveerd',
  read: 'ingezien', aangemeld: 'aangemeld', 'in-screening': 'in screening', besproken: 'besproken', vervolg: 'vervolg', opgeschaald: 'opgeschaald',
  afgeschaald: 'afgeschaald', afgesloten: 'afgesloten', recorded: 'vastgelegd', completed: 'afgerond', regiehouder: 'regiehouder vastgelegd',
  informed: 'geïnformeerd', deferred: 'uitgesteld', produced: 'gemaakt', upheld: 'toegewezen', lifted: 'opgeheven', placed: 'geplaatst',
  released: 'vrijgegeven', 'person-registered': 'persoon geregistreerd', 'person-updated': 'persoon gewijzigd', 'person-deactivated': 'toegang beëindigd',
  'person-reactivated': 'toegang hersteld', 'role-granted': 'rol toegekend', 'role-approved': 'rol goedgekeurd', 'role-revoked': 'rol ingetrokken',
  'organisation-registered': 'organisatie geregistreerd', 'organisation-deactivated': 'organisatie beëindigd', 'organisation-reactivated': 'organisatie hersteld',
  'adapter-registered': 'koppeling geregistreerd', 'adapter-deactivated': 'koppeling beëindigd', 'adapter-reactivated': 'koppeling hersteld',
  'key-added': 'sleutel toegevoegd', 'key-revoked': 'sleutel ingetrokken', registered: 'geregistreerd', extended: 'verlengd', answered: 'beantwoord',
  restricted: 'beperkt', forwarded: 'doorgestuurd naar partners', 'partner-answered': 'beantwoord door de partner',
  'signal-corrected': 'signaal gecorrigeerd', planned: 'gepland', agendered: 'geagendeerd', invited: 'uitgenodigd',
};
