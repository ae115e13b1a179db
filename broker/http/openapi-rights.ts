/**
 * The OpenAPI paths of the rights desk (issue 19; docs/casus.md): the register of verzoeken van
 * betrokkenen and the register of verwerkingsactiviteiten, built from `schemas/rights.schema.json`
 * and `schemas/verwerkingsregister.schema.json` (components `<file>.<def>`: openapi.ts).
 */
type Content = Record<string, unknown>;

/** The register of verzoeken van betrokkenen (AVG arts. 12–22): register, list, overdue, extend, answer, forward to partners. */
export function rightsDeskPaths(
  paramsOf: (component: string) => Content[],
  json: (schema: string) => Content,
  problem: (description: string) => Content,
  common: Record<number, Content>,
): Record<string, unknown> {
  const verzoekId = { name: 'verzoekId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const verzoek = (description: string) => ({ description, content: json('rights.verzoek') });
  const notFound = problem('No such verzoek.');
  return {
    '/v1/verwerkingsactiviteiten': {
      get: {
        operationId: 'getVerwerkingsregister',
        summary: 'The register of verwerkingsactiviteiten (AVG art. 30) with the joint-controller arrangement (art. 26); public, no personal data',
        description: 'Every logboek entry names its activity by id; each activity has a stable `uri`.',
        security: [],
        responses: { 200: { description: 'The register.', content: json('verwerkingsregister.register') } },
      },
    },
    '/v1/verwerkingsactiviteiten/{activityId}': {
      get: {
        operationId: 'getVerwerkingsactiviteit',
        summary: 'One verwerkingsactiviteit: purpose, categories of subjects and data, recipients, retention, grondslag',
        security: [],
        parameters: [{ name: 'activityId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'The activity.', content: json('verwerkingsregister.activity') }, 404: problem('No such activity.') },
      },
    },
    '/v1/beperkingen': {
      post: {
        operationId: 'restrictProcessing',
        summary: 'Beperking van de verwerking (AVG art. 18): block the subject for every doel, as an upheld bezwaar does, until lifted (POST /v1/bezwaren/{id}/lift)',
        requestBody: { required: true, content: json('rights.beperkingRequest') },
        responses: { 201: { description: 'Restricted and logged.', content: json('rights.bezwaar') }, 404: problem('No such verzoek.'), ...common },
      },
    },
    '/v1/verzoeken': {
      post: {
        operationId: 'registerVerzoek',
        summary: 'Register a verzoek van een betrokkene (privacy officer, jurist): type, received on, identity-check method; deadline one month (AVG art. 12(3))',
        description: 'The subject is pseudonymised in the browser or CLI; only the pseudonym is sent and only its hashes are stored. Logged.',
        requestBody: { required: true, content: json('rights.verzoekRequest') },
        responses: { 201: verzoek('Registered and logged.'), ...common },
      },
      get: {
        operationId: 'listVerzoeken',
        summary: 'Verzoeken, earliest deadline first (no subjects); by default only the open ones',
        parameters: paramsOf('rights.verzoekQuery'),
        responses: { 200: { description: 'Complete, never paged.', content: json('rights.verzoekList') }, ...common },
      },
    },
    '/v1/verzoeken/overdue': {
      get: {
        operationId: 'listOverdueVerzoeken',
        summary: 'Open verzoeken past their deadline (extended or not), earliest deadline first',
        responses: { 200: { description: 'Complete.', content: json('rights.verzoekList') }, ...common },
      },
    },
    '/v1/verzoeken/{verzoekId}': {
      get: {
        operationId: 'getVerzoek',
        summary: 'One verzoek',
        parameters: [verzoekId],
        responses: { 200: verzoek('The verzoek.'), 404: notFound, ...common },
      },
    },
    '/v1/verzoeken/{verzoekId}/extend': {
      post: {
        operationId: 'extendVerzoek',
        summary: 'Extend the deadline by two months, once, within the first month, with a reason (AVG art. 12(3))',
        parameters: [verzoekId],
        requestBody: { required: true, content: json('rights.verzoekExtension') },
        responses: { 200: verzoek('Extended and logged.'), 404: notFound, 409: problem('Answered, extended already, or the first month has passed.'), ...common },
      },
    },
    '/v1/verzoeken/{verzoekId}/answer': {
      post: {
        operationId: 'answerVerzoek',
        summary: 'Record the answer: decision, grondslag, answered on',
        parameters: [verzoekId],
        requestBody: { required: true, content: json('rights.verzoekAnswer') },
        responses: { 200: verzoek('Answered and logged.'), 404: notFound, 409: problem('Answered already.'), ...common },
      },
    },
    '/v1/verzoeken/{verzoekId}/taken': {
      post: {
        operationId: 'forwardVerzoek',
        summary: 'Forward a rectificatie or wissing to the partners holding signals about its subject (WGS: one contact point for every joint controller); one task per partner with its own refs',
        parameters: [verzoekId],
        requestBody: { required: true, content: json('rights.taakForward') },
        responses: {
          201: { description: 'Forwarded and logged (one entry per partner).', content: json('rights.taakList') },
          404: notFound,
          409: problem('Answered, not a rectificatie or wissing, no partner holds a signal, or forwarded to these partners already.'),
          ...common,
        },
      },
      get: {
        operationId: 'listVerzoekTaken',
        summary: "The verzoek's tasks for partners with their answers (corrected, withdrawn, refused with a reason)",
        parameters: [verzoekId],
        responses: { 200: { description: 'Complete.', content: json('rights.taakList') }, 404: notFound, ...common },
      },
    },
    '/v1/verzoektaken': {
      get: {
        operationId: 'listPartnerTaken',
        summary: "The adapter's own tasks (adapter token): type, its own signal refs, the deadline; never a subject or another partner's data",
        parameters: paramsOf('rights.partnerTaakQuery'),
        responses: { 200: { description: 'Complete, earliest deadline first.', content: json('rights.partnerTaakList') }, ...common },
      },
    },
    '/v1/verzoektaken/{taakId}/answer': {
      post: {
        operationId: 'answerPartnerTaak',
        summary: "The partner's answer (adapter token): corrected (the signals replaced), withdrawn (erased; intake refuses the refs from then on), or refused with a reason",
        description: 'An active legal hold on the subject blocks a withdrawal (409, explained in Dutch). Another partner\'s task is 404, as one that does not exist.',
        parameters: [{ name: 'taakId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: { required: true, content: json('rights.taakAnswer') },
        responses: {
          200: { description: 'Answered and logged.', content: json('rights.partnerTaak') },
          404: problem('This partner has no such task.'),
          409: problem('Answered already, or a legal hold blocks the wissing.'),
          ...common,
        },
      },
    },
  };
}
