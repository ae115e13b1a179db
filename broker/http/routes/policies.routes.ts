/**
 * /v1/policies: the policy lifecycle for privacy officers (docs/policies.md). Thin: the
 * lifecycle service checks access, validates and logs.
 */
import { Router, type Request, type RequestHandler } from 'express';
import type { PolicyLifecycleService } from '../../policy/policy-lifecycle.service.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';

/** Steps whose body is optional (`{}` by default): JSON is required only when a body is sent. */
const optionalJsonBody: RequestHandler = (req, res, next) => {
  const length = req.get('content-length');
  if ((length && length !== '0') || req.get('transfer-encoding')) {
    requireJsonBody(req, res, next);
    return;
  }
  next();
};

const version = (req: Request): string => String(req.params['version']);
const query = (req: Request): Record<string, unknown> => ({ ...(req.query as Record<string, unknown>) });

export function policyRoutes(policies: PolicyLifecycleService): Router {
  const r = Router();
  const trace = (res: { locals: Record<string, unknown> }): string => res.locals['traceId'] as string;
  r.get('/policies', async (req, res) => {
    res.json(await policies.list(principalOf(res), query(req)));
  });
  r.post('/policies', requireJsonBody, async (req, res) => {
    const created = await policies.create(principalOf(res), req.body, trace(res));
    res.status(201).location(`/v1/policies/${created.id}`).json(created);
  });
  r.get('/policies/:version', async (req, res) => {
    res.json(await policies.get(principalOf(res), version(req)));
  });
  r.put('/policies/:version/rules', requireJsonBody, async (req, res) => {
    res.json(await policies.putRules(principalOf(res), version(req), req.body, trace(res)));
  });
  r.put('/policies/:version/tests', requireJsonBody, async (req, res) => {
    res.json(await policies.putTests(principalOf(res), version(req), req.body, trace(res)));
  });
  r.get('/policies/:version/lint', async (req, res) => {
    res.json(await policies.lint(principalOf(res), version(req)));
  });
  r.post('/policies/:version/test', async (req, res) => {
    res.json(await policies.test(principalOf(res), version(req)));
  });
  r.get('/policies/:version/diff', async (req, res) => {
    res.json(await policies.diff(principalOf(res), version(req), query(req)));
  });
  r.get('/policies/:version/impact', async (req, res) => {
    res.json(await policies.impact(principalOf(res), version(req), query(req), trace(res)));
  });
  for (const step of ['submit', 'approve', 'reject', 'activate'] as const) {
    r.post(`/policies/:version/${step}`, step === 'approve' || step === 'reject' ? requireJsonBody : optionalJsonBody, async (req, res) => {
      res.json(await policies[step](principalOf(res), version(req), req.body ?? {}, trace(res)));
    });
  }
  r.post('/policies/:version/rollback', optionalJsonBody, async (req, res) => {
    const created = await policies.rollback(principalOf(res), version(req), req.body ?? {}, trace(res));
    res.status(201).location(`/v1/policies/${created.id}`).json(created);
  });
  r.post('/policies/:version/simulate', requireJsonBody, async (req, res) => {
    res.json(await policies.simulate(principalOf(res), version(req), req.body));
  });
  return r;
}
