/**
 * The OpenAPI paths every jpp-broker process serves for its operators: liveness, readiness and the
 * health check (base-app.ts). A part of openapi.ts, kept apart so that no file passes 400 lines.
 */

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/problem' } } },
});

/** Liveness, readiness and the health check, as every jpp-broker process serves them (base-app.ts). */
export const healthPath = {
  '/livez': {
    get: {
      operationId: 'checkLiveness',
      summary: 'The process runs and its event loop answers; nothing else (restart it when this fails)',
      security: [],
      responses: { 200: { description: 'The process answers.' } },
    },
  },
  '/readyz': {
    get: {
      operationId: 'checkReadiness',
      summary: 'Ready for traffic: not draining, the database answers, the logboek is not in a problem state',
      security: [],
      responses: { 200: { description: 'Send traffic here.' }, 503: problem('Draining, or the database does not answer.') },
    },
  },
  '/healthz': {
    get: {
      operationId: 'checkHealth',
      summary: 'Liveness and database reachability',
      security: [],
      responses: { 200: { description: 'The process and its database answer.' }, 503: problem('The database does not answer.') },
    },
  },
};
