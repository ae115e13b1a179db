/**
 * The OpenAPI paths of the casus workflow, data-subject rights, retention and monitoring
 * (docs/casus.md), built from their schema files (whose `$defs` are components `<file>.<def>`:
 * openapi.ts).
 */
import { tooManyRequests } from './openapi-rate-limit.js';

type Content = Record<string, unknown>;

/** The casus workflow, data-subject rights, retention and monitoring (issue 7; docs/casus.md). */
export function casusPaths(
  /** The query parameters of an object schema among the components. */
  paramsOf: (component: string, required?: readonly string[]) => Content[],
  json: (schema: string) => Content,
  problem: (description: string) => Content,
  common: Record<number, Content>,
): Record<string, unknown> {
  const uuidParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  const casus = { description: 'The casus (never a pseudonym or subject hash).', content: json('casus.casus') };
  const notFound = problem('No such casus (or item in it).');
  const conflict = (why: string) => problem(why);
  return {
    '/v1/cases': {
      post: {
        operationId: 'openCase',
        summary: 'Aanmelding: open a casus for one youth or a group (voorzitter)',
        description: 'Subjects arrive as pseudonyms and are stored as subject hashes; the answer names them by subjectId, in the order sent. Logged per subject.',
        requestBody: { required: true, content: json('casus.createRequest') },
        responses: {
          201: { ...casus, description: 'Opened, in status aangemeld.' },
          409: conflict('The caseRef is in use.'),
          429: tooManyRequests("Past the platform's rate limit for opening casussen (per person or per organisation); nothing was stored, the refusal is logged."),
          ...common,
        },
      },
      get: {
        operationId: 'listCases',
        summary: "The voorzitter's casussen, newest first, paged without silent truncation",
        parameters: paramsOf('casus.listQuery'),
        responses: { 200: { description: 'A page.', content: json('casus.casusPage') }, ...common },
      },
    },
    '/v1/cases/{caseId}': {
      get: { operationId: 'getCase', summary: 'One casus with its history and vervolgacties', parameters: [uuidParam('caseId')], responses: { 200: casus, 404: notFound, ...common } },
    },
    '/v1/cases/{caseId}/transitions': {
      post: {
        operationId: 'transitionCase',
        summary: 'Move a casus to its next status (reason for op-/afschaling, outcome for afsluiting)',
        parameters: [uuidParam('caseId')],
        requestBody: { required: true, content: json('casus.transitionRequest') },
        responses: { 200: casus, 404: notFound, 409: conflict('The move is not allowed from the current status.'), ...common },
      },
    },
    '/v1/cases/{caseId}/vervolgacties': {
      post: {
        operationId: 'addVervolgactie',
        summary: 'Record a vervolgactie: partner, kind, due date; no narrative',
        parameters: [uuidParam('caseId')],
        requestBody: { required: true, content: json('casus.vervolgactieRequest') },
        responses: { 201: casus, 404: notFound, 409: conflict('Only when the casus is besproken or in vervolg.'), ...common },
      },
    },
    '/v1/cases/{caseId}/vervolgacties/{actionId}/complete': {
      post: {
        operationId: 'completeVervolgactie',
        summary: 'Mark a vervolgactie done',
        parameters: [uuidParam('caseId'), uuidParam('actionId')],
        responses: { 200: casus, 404: notFound, 409: conflict('Done already.'), ...common },
      },
    },
    '/v1/cases/{caseId}/subjects/{subjectId}/notification': {
      put: {
        operationId: 'setNotification',
        summary: 'Notificatie: the subject was informed, or informing is deferred (reason, until when)',
        parameters: [uuidParam('caseId'), uuidParam('subjectId')],
        requestBody: { required: true, content: json('casus.notificationRequest') },
        responses: { 200: casus, 404: notFound, 409: conflict('The casus is closed.'), ...common },
      },
    },
    '/v1/cases/{caseId}/consents': {
      post: {
        operationId: 'recordConsent',
        summary: 'Record consent for one subject: who gave it (youth, parent or both), partners and doel, given on, valid until',
        description: 'Below the platform\'s consent age a parent or guardian must consent, from it the youth. No names, scans or signatures; logged for that subject (casus-toestemming). A question cites the record with consentId.',
        parameters: [uuidParam('caseId')],
        requestBody: { required: true, content: json('casus.consentRequest') },
        responses: { 201: casus, 404: notFound, 409: conflict('The casus is closed.'), ...common },
      },
    },
    '/v1/cases/{caseId}/consents/{consentId}/withdraw': {
      post: {
        operationId: 'withdrawConsent',
        summary: 'Record that consent was withdrawn (AVG art. 7(3)); from now on questions citing it get not-permitted for the partners only consent permits',
        parameters: [uuidParam('caseId'), uuidParam('consentId')],
        responses: { 200: casus, 404: notFound, 409: conflict('Withdrawn already.'), ...common },
      },
    },
    '/v1/cases/{caseId}/regiehouder': {
      put: {
        operationId: 'setRegiehouder',
        summary: 'Record the regiehouder: the partner that holds the regie (besproken or vervolg)',
        parameters: [uuidParam('caseId')],
        requestBody: { required: true, content: json('casus.regiehouderRequest') },
        responses: { 200: casus, 404: notFound, 409: conflict('Only when the casus is besproken or in vervolg.'), ...common },
      },
    },
    '/v1/vervolgacties/overdue': {
      get: {
        operationId: 'listOverdueVervolgacties',
        summary: 'Vervolgacties of open casussen past their due date and not done, oldest first; optionally of one regiehouder',
        parameters: [{ name: 'regiehouder', in: 'query', required: false, description: 'Only casussen whose regiehouder is this partner.', schema: { $ref: '#/components/schemas/defs.identifier' } }],
        responses: { 200: { description: 'Complete, never truncated.', content: json('casus.overdueVervolgactieList') }, ...common },
      },
    },
    '/v1/notifications/overdue': {
      get: {
        operationId: 'listOverdueNotifications',
        summary: 'Subjects of open casussen whose notificatie is overdue (voorzitter)',
        responses: { 200: { description: 'Oldest due first; complete.', content: json('casus.overdueList') }, ...common },
      },
    },
    '/v1/inzage': {
      post: {
        operationId: 'requestInzage',
        summary: 'Inzage (AVG art. 15): everything the broker holds about one subject, across every key epoch (privacy officer, jurist)',
        description:
          'The identity is pseudonymised in the browser or CLI; only the pseudonym is sent. `sections`: signals per partner, withdrawn signals, casussen with status history, vervolgacties and regie, consent, disclosures, notificatie, bezwaren and beperkingen, verzoeken; each item as a plain-Dutch sentence and as data, each section counted again by a query of its own (`completeness`). Complete, never truncated. Accept: application/pdf for the PDF. Logged.',
        requestBody: { required: true, content: json('rights.inzageRequest') },
        responses: {
          200: {
            description: 'The report.',
            content: { ...json('rights.inzageReport'), 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          },
          ...common,
        },
      },
    },
    '/v1/bezwaren': {
      post: {
        operationId: 'recordBezwaar',
        summary: 'Record a decided bezwaar (AVG art. 21); upheld blocks hits for the doelen named',
        requestBody: { required: true, content: json('rights.bezwaarRequest') },
        responses: { 201: { description: 'Recorded and logged.', content: json('rights.bezwaar') }, ...common },
      },
      get: {
        operationId: 'listBezwaren',
        summary: 'Bezwaren decided, newest first (no subjects); by default only the active ones',
        parameters: paramsOf('rights.bezwaarQuery'),
        responses: { 200: { description: 'Complete, never paged.', content: json('rights.bezwaarList') }, ...common },
      },
    },
    '/v1/bezwaren/{bezwaarId}/lift': {
      post: {
        operationId: 'liftBezwaar',
        summary: 'Lift an upheld bezwaar',
        parameters: [uuidParam('bezwaarId')],
        responses: { 200: { description: 'Lifted.', content: json('rights.bezwaar') }, 404: problem('No such bezwaar.'), 409: conflict('Not an active upheld bezwaar.'), ...common },
      },
    },
    '/v1/legal-holds': {
      post: {
        operationId: 'placeLegalHold',
        summary: 'Place a legal hold on a casus (caseId or caseRef) or a subject: retention removes nothing of it',
        requestBody: { required: true, content: json('rights.legalHoldRequest') },
        responses: { 201: { description: 'Placed and logged.', content: json('rights.legalHold') }, 404: notFound, ...common },
      },
      get: {
        operationId: 'listLegalHolds',
        summary: 'Legal holds (no pseudonyms)',
        parameters: paramsOf('rights.legalHoldQuery'),
        responses: { 200: { description: 'Newest first.', content: json('rights.legalHoldList') }, ...common },
      },
    },
    '/v1/legal-holds/{holdId}/release': {
      post: {
        operationId: 'releaseLegalHold',
        summary: 'Release a legal hold',
        parameters: [uuidParam('holdId')],
        responses: { 200: { description: 'Released and logged.', content: json('rights.legalHold') }, 404: problem('No such hold.'), 409: conflict('Released already.'), ...common },
      },
    },
    '/v1/retention/runs': {
      post: {
        operationId: 'runRetention',
        summary: 'Run retention now (also scheduled inside the service, and `jpp-broker retention run`)',
        responses: { 201: { description: 'What was removed: counts and time ranges; recorded in the logboek.', content: json('retention.run') }, ...common },
      },
      get: {
        operationId: 'listRetentionRuns',
        summary: 'Past retention runs, newest first',
        parameters: paramsOf('retention.listQuery'),
        responses: { 200: { description: 'The runs.', content: json('retention.runList') }, ...common },
      },
    },
    '/v1/monitoring': {
      get: {
        operationId: 'getMonitoringReport',
        summary: 'Aggregates per period for the partneroverleg; small cells withheld',
        description:
          'The period is a whole calendar month, quarter or year that is over; any other period is refused (two overlapping periods could be subtracted). A period is suppressed together with the periods it is made of. format=csv or Accept: text/csv for CSV.',
        parameters: paramsOf('monitoring.query', ['from', 'to']),
        responses: {
          200: { description: 'The tables.', content: { ...json('monitoring.report'), 'text/csv': { schema: { type: 'string' } } } },
          ...common,
        },
      },
    },
    '/v1/monitoring/trend': {
      get: {
        operationId: 'getMonitoringTrend',
        summary: 'The monitoring report per month or quarter, for trends',
        description: 'Every month or quarter from the one holding from to the one holding to that is over (at most the last 36), each suppressed as GET /v1/monitoring suppresses it.',
        parameters: paramsOf('monitoring.trendQuery', ['from', 'to', 'per']),
        responses: { 200: { description: 'The reports, oldest first.', content: json('monitoring.trend') }, ...common },
      },
    },
  };
}
