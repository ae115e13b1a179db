/**
 * /v1/register: the register of people, organisations and adapters, for the functioneel
 * beheerder (docs/register.md). Thin: the services admit (capability `administer` and the
 * register's confirmation, access-gate.ts), validate and log.
 */
import { Router } from 'express';
import type { PeopleService } from '../../register/people.service.js';
import type { OrganisationsService } from '../../register/organisations.service.js';
import type { AdaptersService } from '../../register/adapters.service.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';

export function registerRoutes(deps: { people: PeopleService; organisations: OrganisationsService; adapters: AdaptersService }): Router {
  const { people, organisations, adapters } = deps;
  const r = Router();
  const trace = (res: { locals: Record<string, unknown> }) => res.locals['traceId'] as string;
  const param = (req: { params: Record<string, unknown> }, name: string) => String(req.params[name]);

  r.get('/register/people', async (req, res) => {
    res.json(await people.list(principalOf(res), req.query as Record<string, unknown>));
  });
  r.post('/register/people', requireJsonBody, async (req, res) => {
    res.status(201).json(await people.register(principalOf(res), req.body, trace(res)));
  });
  r.get('/register/people/:personId', async (req, res) => {
    res.json(await people.get(principalOf(res), param(req, 'personId')));
  });
  r.patch('/register/people/:personId', requireJsonBody, async (req, res) => {
    res.json(await people.update(principalOf(res), param(req, 'personId'), req.body, trace(res)));
  });
  r.post('/register/people/:personId/deactivate', async (req, res) => {
    res.json(await people.deactivate(principalOf(res), param(req, 'personId'), trace(res)));
  });
  r.post('/register/people/:personId/reactivate', async (req, res) => {
    res.json(await people.reactivate(principalOf(res), param(req, 'personId'), trace(res)));
  });
  r.post('/register/people/:personId/roles', requireJsonBody, async (req, res) => {
    res.status(201).json(await people.grant(principalOf(res), param(req, 'personId'), req.body, trace(res)));
  });
  r.post('/register/people/:personId/roles/:role/approve', async (req, res) => {
    res.json(await people.approve(principalOf(res), param(req, 'personId'), param(req, 'role'), trace(res)));
  });
  r.delete('/register/people/:personId/roles/:role', async (req, res) => {
    res.json(await people.revoke(principalOf(res), param(req, 'personId'), param(req, 'role'), trace(res)));
  });
  r.get('/register/approvals', async (_req, res) => {
    res.json(await people.pending(principalOf(res)));
  });

  r.get('/register/organisations', async (_req, res) => {
    res.json(await organisations.list(principalOf(res)));
  });
  r.post('/register/organisations', requireJsonBody, async (req, res) => {
    res.status(201).json(await organisations.register(principalOf(res), req.body, trace(res)));
  });
  r.post('/register/organisations/:organisationId/deactivate', async (req, res) => {
    res.json(await organisations.deactivate(principalOf(res), param(req, 'organisationId'), trace(res)));
  });
  r.post('/register/organisations/:organisationId/reactivate', async (req, res) => {
    res.json(await organisations.reactivate(principalOf(res), param(req, 'organisationId'), trace(res)));
  });

  r.get('/register/adapters', async (req, res) => {
    res.json(await adapters.list(principalOf(res), req.query as Record<string, unknown>));
  });
  r.post('/register/adapters', requireJsonBody, async (req, res) => {
    res.status(201).json(await adapters.register(principalOf(res), req.body, trace(res)));
  });
  r.get('/register/adapters/:adapterId', async (req, res) => {
    res.json(await adapters.get(principalOf(res), param(req, 'adapterId')));
  });
  r.post('/register/adapters/:adapterId/deactivate', async (req, res) => {
    res.json(await adapters.deactivate(principalOf(res), param(req, 'adapterId'), trace(res)));
  });
  r.post('/register/adapters/:adapterId/reactivate', async (req, res) => {
    res.json(await adapters.reactivate(principalOf(res), param(req, 'adapterId'), trace(res)));
  });
  r.post('/register/adapters/:adapterId/keys', requireJsonBody, async (req, res) => {
    res.status(201).json(await adapters.addKey(principalOf(res), param(req, 'adapterId'), req.body, trace(res)));
  });
  r.post('/register/adapters/:adapterId/keys/:kid/revoke', async (req, res) => {
    res.json(await adapters.revokeKey(principalOf(res), param(req, 'adapterId'), param(req, 'kid'), trace(res)));
  });
  return r;
}
