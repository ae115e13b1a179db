/**
 * The typed vocabulary of logboek entries (issue 20 item 6): for each action, the outcomes it
 * may record and the details it may carry. The writers are typed by it (a service cannot queue
 * an outcome or a detail its action does not know), readers take its types (OutcomeOf, DetailsOf), and
 * the log writer checks every entry against `schemas/log-entry.schema.json` before appending.
 *
 * Invariants:
 * - The outcome lists here and the schema's `enum`s are the same lists
 *   (test/unit/log-vocabulary.test.ts); the schema is what the writer checks at run time.
 * - Details hold identifiers, counts, flags, times and enumerated reasons only: no free text
 *   that a person typed reaches an append-only log except what the identity detector passed.
 * - `status` is derived, never chosen by a writer: the outcomes listed in ERROR_OUTCOMES are
 *   STATUS_CODE_ERROR in the Logboek Dataverwerkingen sense, every other outcome is OK
 *   (https://github.com/MinBZK/logboek-dataverwerkingen, component Logboek, `status_code`).
 */
import type { LogAction } from './log-actions.js';

type Ids = readonly string[];

/** Per action, the outcomes it may record: the same lists as the schema's `enum`s (tested). */
export const OUTCOMES = {
  disclosure: ['hit', 'no-hit', 'not-permitted'],
  question: ['answered'],
  'signal-batch': ['processed', 'replayed'],
  'signal-intake': ['stored'],
  'signal-withdrawal': ['withdrawn', 'not-found'],
  'custodian-evaluation': ['evaluated', 'refused'],
  'policy-change': ['created', 'rules-edited', 'tests-edited', 'rollback-created', 'submitted', 'approved', 'rejected', 'activated'],
  'log-read': ['read'],
  'log-export': ['read'],
  'log-verify': ['read'],
  'casus-aanmelding': ['aangemeld'],
  'casus-status': ['aangemeld', 'in-screening', 'besproken', 'vervolg', 'opgeschaald', 'afgeschaald', 'afgesloten'],
  'casus-vervolgactie': ['recorded', 'completed', 'regiehouder'],
  'casus-notificatie': ['informed', 'deferred'],
  'inzage-report': ['produced'],
  bezwaar: ['upheld', 'rejected', 'lifted'],
  'legal-hold': ['placed', 'released'],
  'retention-run': ['completed'],
  'monitoring-read': ['read'],
  'register-change': [
    'person-registered', 'person-updated', 'person-deactivated', 'person-reactivated', 'role-granted', 'role-approved', 'role-revoked',
    'organisation-registered', 'organisation-deactivated', 'organisation-reactivated',
    'adapter-registered', 'adapter-deactivated', 'adapter-reactivated', 'key-added', 'key-revoked',
  ],
  'rate-limit': ['refused'],
  verzoek: ['registered', 'extended', 'answered', 'forwarded', 'partner-answered', 'signal-corrected'],
  beperking: ['restricted', 'lifted'],
  'casus-toestemming': ['recorded', 'withdrawn'],
  casusoverleg: ['planned', 'agendered', 'invited', 'not-permitted', 'read'],
} as const satisfies { readonly [A in LogAction]: readonly string[] };

type Out<A extends LogAction> = (typeof OUTCOMES)[A][number];

/** Per action: its outcomes (OUTCOMES) and its details. */
export interface LogVocabulary {
  /** One partner's answer (written until issue 21 step B; read for ever, disclosure-fns.ts). */
  disclosure: { outcome: Out<'disclosure'>; details: { consent: boolean; consentId?: string; categoriesCounted: Ids; caseId: string; bezwaarBlock?: true } };
  /**
   * One question (issue 21 step B): every partner's answer, in the platform's order, with its
   * outcome, rules (grondslag) and the categories that counted; one record per subject per
   * operation. The entry's own `partner` is null, its `rules` empty: each answer holds its own.
   */
  question: {
    outcome: Out<'question'>;
    details: {
      consent: boolean;
      consentId?: string;
      caseId: string;
      bezwaarBlock?: true;
      answers: ReadonlyArray<{ partner: string; outcome: Out<'disclosure'>; rules: ReadonlyArray<{ rule: string; effect: 'allow' | 'deny'; grondslag: string }>; categoriesCounted: Ids }>;
    };
  };
  'signal-batch': {
    outcome: Out<'signal-batch'>;
    details: { batchId: string; accepted: number; duplicate: number; rejected: number; erased?: number; signedWith?: string; jwsSha256?: string };
  };
  /**
   * A stored signal's record per data subject: one per signal (until migration 0240), or a chunk of
   * up to 200 records of one batch, each with its subject, ref, category, epoch and span id (intake-fns.ts).
   */
  'signal-intake': {
    outcome: Out<'signal-intake'>;
    details:
      | { batchId: string; ref: string; category: string; epoch?: number }
      | { batchId: string; records: ReadonlyArray<{ subject: string; ref: string; category: string; epoch?: number; spanId: string }> };
  };
  'signal-withdrawal': { outcome: Out<'signal-withdrawal'>; details: { ref: string; category?: string; verzoekId?: string } };
  'custodian-evaluation': { outcome: Out<'custodian-evaluation'>; details: { epoch: number; elements: number; reason?: 'doel-not-allowed' | 'quota' } };
  'policy-change': {
    outcome: Out<'policy-change'>;
    details: PolicyChangeDetails;
  };
  'log-read': { outcome: Out<'log-read'>; details: LogReadDetails };
  'log-export': { outcome: Out<'log-export'>; details: LogReadDetails };
  'log-verify': { outcome: Out<'log-verify'>; details: LogReadDetails };
  'casus-aanmelding': { outcome: Out<'casus-aanmelding'>; details: CasusSubject & { kind?: string; routeIn?: string; aanmeldcriteria?: Ids } };
  'casus-status': {
    outcome: Out<'casus-status'>;
    details: CasusSubject & { from: string; reason?: string; caseOutcome?: string };
  };
  'casus-vervolgactie': {
    outcome: Out<'casus-vervolgactie'>;
    details: CasusSubject & { actionId?: string; actionPartner?: string; actionKind?: string; actionToPartner?: string; dueDate?: string; regiehouder?: string };
  };
  'casus-toestemming': {
    outcome: Out<'casus-toestemming'>;
    details: CasusSubject & { consentId: string; givenBy?: string; consentDoel?: string; consentPartners?: Ids; givenOn?: string; validUntil?: string | null };
  };
  /**
   * The casusoverleg (broker/casusoverleg): a meeting planned (no subject), a casus put on its agenda
   * (per subject), and each invitation of a partner (per partner and subject: a disclosure that the
   * youth is on the agenda, with the rule and grondslag in the entry's rules), or its refusal by the policy;
   * `read`: an invited partner's professional or adapter read the invitation (per invitation and
   * subject, with how many of the partner's own refs it showed).
   */
  casusoverleg: {
    outcome: Out<'casusoverleg'>;
    details: {
      meetingId: string;
      meetingDate?: string;
      caseId?: string;
      subjectId?: string;
      /** Why the partner is on the list: hit, aanmelder, regiehouder, toegevoegd (added by the voorzitter). */
      grounds?: Ids;
      /** The voorzitter's reason for adding a partner (a code of casus#/$defs/invitationReason). */
      addedReason?: string;
      consent?: boolean;
      refsShown?: number;
    };
  };
  'casus-notificatie': { outcome: Out<'casus-notificatie'>; details: CasusSubject & { informedAt?: string; deferReason?: string; deferredUntil?: string | null } };
  'inzage-report': { outcome: Out<'inzage-report'>; details: { reportId: string; disclosures: number; items?: number } };
  bezwaar: { outcome: Out<'bezwaar'>; details: { bezwaarId: string; doelen?: Ids } };
  'legal-hold': { outcome: Out<'legal-hold'>; details: { holdId: string; scope: 'case' | 'subject'; reason?: string } };
  'retention-run': { outcome: Out<'retention-run'>; details: Record<string, string | number | null> & { runId: string; trigger: 'api' | 'schedule' | 'cli'; keptOnHold: number } };
  'monitoring-read': { outcome: Out<'monitoring-read'>; details: { from: string; to: string } };
  'register-change': { outcome: Out<'register-change'>; details: RegisterDetails };
  verzoek: {
    outcome: Out<'verzoek'>;
    details: {
      verzoekId: string;
      type: 'inzage' | 'rectificatie' | 'wissing' | 'beperking' | 'bezwaar' | 'informatie';
      receivedOn?: string;
      deadline?: string;
      /** A method of rights#/$defs/verzoekRequest (the schema lists them). */
      identityCheck?: string;
      extendedUntil?: string;
      decision?: 'granted' | 'partly-granted' | 'refused';
      answeredOn?: string;
      onTime?: boolean | null;
      /** A task for a partner (verzoek_taken): forwarded, answered, a signal corrected on it. */
      taakId?: string;
      taakPartner?: string;
      /** How many of the partner's refs the task concerns. */
      refs?: number;
      taakOutcome?: 'corrected' | 'withdrawn' | 'refused';
      ref?: string;
      category?: string;
    };
  };
  beperking: { outcome: Out<'beperking'>; details: { bezwaarId: string; doelen?: Ids; verzoekId?: string | null } };
  'rate-limit': {
    outcome: Out<'rate-limit'>;
    details: { limited: 'questions' | 'casusCreation'; scope: 'person' | 'organisation'; window: 'minute' | 'day'; max: number; retryAfterSeconds: number };
  };
}

interface CasusSubject {
  caseId: string;
  subjectId: string;
}

export interface PolicyChangeDetails {
  status?: 'draft' | 'submitted' | 'approved' | 'rejected' | 'active' | 'scheduled';
  source?: string | null;
  basedOn?: number | null;
  ruleCount?: number;
  previousHash?: string;
  testCount?: number;
  testsPassed?: number;
  previewId?: string;
  against?: number | null;
  newAccess?: number;
  newlyAllowed?: number;
  confirmNewAccess?: boolean;
  withdrawn?: boolean;
  activeFrom?: string;
  previous?: number | null;
  step?: 'seed';
}

export interface LogReadDetails {
  resource: 'disclosures' | 'entries' | 'entry-bundle' | 'policy-impact';
  filter?: Ids;
  returned?: number;
  fromSeq?: number;
  previewId?: string;
  days?: number;
  replayed?: number;
  against?: number | null;
  newAccess?: number;
}

export type RegisterOutcome = Out<'register-change'>;

export interface RegisterDetails {
  personId?: string;
  organisation?: string;
  role?: string;
  validFrom?: string;
  validUntil?: string | null;
  pendingApproval?: boolean;
  grantedBy?: string;
  sessionsEnded?: boolean;
  displayNameChanged?: boolean;
  adapter?: string;
  clientId?: string;
  certificateSubject?: string | null;
  kid?: string;
}

export type OutcomeOf<A extends LogAction> = LogVocabulary[A]['outcome'];
export type DetailsOf<A extends LogAction> = LogVocabulary[A]['details'];

/** An action with its outcome and details, as one value per action (a discriminated union). */
export type TypedStep = { [A in LogAction]: { action: A; outcome: OutcomeOf<A>; details?: DetailsOf<A> } }[LogAction];

/**
 * The outcomes that are errors in the Logboek Dataverwerkingen sense (`STATUS_CODE_ERROR`): the
 * step was refused or found nothing to act on. Kept beside the schema's `x-error-outcomes`.
 */
export const ERROR_OUTCOMES: { readonly [A in LogAction]?: readonly OutcomeOf<A>[] } = {
  'signal-withdrawal': ['not-found'],
  'custodian-evaluation': ['refused'],
  'rate-limit': ['refused'],
};

/** The Logboek Dataverwerkingen status of a step. */
export function statusOf(action: LogAction, outcome: string): 'ok' | 'error' {
  return (ERROR_OUTCOMES[action] as readonly string[] | undefined)?.includes(outcome) ? 'error' : 'ok';
}
