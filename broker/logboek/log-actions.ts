/**
 * Every action the logboek knows. Each belongs to exactly one verwerkingsactiviteit of the platform
 * (platform.ts checks the platform file against this list). A file of its own, importing nothing,
 * so that the platform and the entry format can both name the actions without an import cycle.
 */
export const LOG_ACTIONS = [
  /** One partner's answer to a question: the form before issue 21 step B, still read (disclosure-fns.ts). */
  'disclosure',
  /** One question with every partner's answer in it (issue 21 step B): one record per subject per operation. */
  'question',
  'signal-batch',
  'signal-intake',
  'signal-withdrawal',
  'custodian-evaluation',
  'policy-change',
  'log-read',
  'log-export',
  'log-verify',
  'casus-aanmelding',
  'casus-status',
  'casus-vervolgactie',
  'casus-notificatie',
  'casus-toestemming',
  'casusoverleg',
  'inzage-report',
  'bezwaar',
  'legal-hold',
  'verzoek',
  'beperking',
  'retention-run',
  'monitoring-read',
  'register-change',
  'rate-limit',
] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];
