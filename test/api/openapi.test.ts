/** The OpenAPI document is served, covers exactly the routes the app serves, and every $ref in it resolves. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { servedRoutes } from '../support/routes.js';
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
  // Every API route the app serves is documented with its method, and every documented operation
  // is served: read from the app itself, so a route added later cannot slip past.
  const isApi = (path: string): boolean => /^\/(v1|custodian)\/|^\/(healthz|livez|readyz)$/.test(path);
  const served = servedRoutes(b.broker.app)
    .filter((r) => isApi(r.path))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    .sort();
  const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'parameters').map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  expect(served.length).toBeGreaterThan(60);
  // A wildcard route (the C2SP tiles) is documented as the concrete paths under it.
  const wildcards = served.filter((r) => r.includes('*')).map((r) => r.slice(0, r.indexOf('*')));
  for (const prefix of wildcards) expect(documented.some((d) => d.startsWith(prefix)), prefix).toBe(true);
  const underWildcard = (r: string): boolean => wildcards.some((prefix) => r.startsWith(prefix));
  expect(documented.filter((d) => !underWildcard(d))).toEqual(served.filter((r) => !underWildcard(r)));
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
