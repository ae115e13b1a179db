/** The OpenAPI document is served, and every $ref in it resolves. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

function resolvePointer(doc: unknown, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

it('serves an OpenAPI 3.1 document whose refs all resolve and which covers every route', async () => {
  const res = await b.call('GET', '/openapi.json');
  expect(res.status).toBe(200);
  expect(res.body.openapi).toBe('3.1.0');
  expect(Object.keys(res.body.paths).sort()).toEqual([
    '/custodian/v1/evaluate', '/custodian/v1/keys', '/healthz', '/v1/bezwaren', '/v1/bezwaren/{bezwaarId}/lift', '/v1/cases', '/v1/cases/{caseId}',
    '/v1/cases/{caseId}/subjects/{subjectId}/notification', '/v1/cases/{caseId}/transitions', '/v1/cases/{caseId}/vervolgacties',
    '/v1/cases/{caseId}/vervolgacties/{actionId}/complete', '/v1/disclosures', '/v1/inzage', '/v1/legal-holds', '/v1/legal-holds/{holdId}/release',
    '/v1/log/checkpoint',
    '/v1/log/checkpoints', '/v1/log/checkpoints/latest', '/v1/log/entries', '/v1/log/proofs/consistency', '/v1/log/proofs/inclusion',
    '/v1/log/public-key',
    '/v1/log/tile/entries/{index}',
    '/v1/log/tile/{level}/{index}', '/v1/monitoring', '/v1/notifications/overdue', '/v1/policies', '/v1/policies/{version}', '/v1/policies/{version}/activate',
    '/v1/policies/{version}/approve', '/v1/policies/{version}/diff', '/v1/policies/{version}/impact', '/v1/policies/{version}/lint',
    '/v1/policies/{version}/reject', '/v1/policies/{version}/rollback', '/v1/policies/{version}/rules', '/v1/policies/{version}/simulate',
    '/v1/policies/{version}/submit', '/v1/policies/{version}/test', '/v1/policies/{version}/tests', '/v1/queries', '/v1/retention/runs',
    '/v1/signals', '/v1/signals/{ref}',
  ]);
  const refs: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) (k === '$ref' && typeof v === 'string' ? refs.push(v) : walk(v));
  };
  walk(res.body);
  expect(refs.length).toBeGreaterThan(10);
  for (const ref of refs) expect(resolvePointer(res.body, ref), ref).toBeDefined();
});

it('serves a readable documentation page and a health check', async () => {
  const docs = await b.call('GET', '/docs/');
  expect(docs.status).toBe(200);
  expect(docs.text).toContain('swagger-ui');
  expect((await b.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
});

it('answers an unknown path with problem+json', async () => {
  const res = await b.call('GET', '/nope');
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
});
