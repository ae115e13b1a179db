/** /v1/cases and /v1/notifications/overdue: the voorzitter's casus workflow (docs/casus.md). */
import { Router } from 'express';
import type { CasusService } from '../../casus/casus.service.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';

export function casusRoutes(cases: CasusService): Router {
  const r = Router();
  const trace = (res: { locals: Record<string, unknown> }) => res.locals['traceId'] as string;
  r.post('/cases', requireJsonBody, async (req, res) => {
    res.status(201).json(await cases.create(principalOf(res), req.body, trace(res)));
  });
  r.get('/cases', async (req, res) => {
    res.json(await cases.list(principalOf(res), req.query as Record<string, unknown>));
  });
  r.get('/cases/:caseId', async (req, res) => {
    res.json(await cases.get(principalOf(res), String(req.params['caseId'])));
  });
  r.post('/cases/:caseId/transitions', requireJsonBody, async (req, res) => {
    res.json(await cases.transition(principalOf(res), String(req.params['caseId']), req.body, trace(res)));
  });
  r.post('/cases/:caseId/vervolgacties', requireJsonBody, async (req, res) => {
    res.status(201).json(await cases.addVervolgactie(principalOf(res), String(req.params['caseId']), req.body, trace(res)));
  });
  r.post('/cases/:caseId/vervolgacties/:actionId/complete', async (req, res) => {
    res.json(await cases.completeVervolgactie(principalOf(res), String(req.params['caseId']), String(req.params['actionId']), trace(res)));
  });
  r.put('/cases/:caseId/subjects/:subjectId/notification', requireJsonBody, async (req, res) => {
    res.json(await cases.setNotification(principalOf(res), String(req.params['caseId']), String(req.params['subjectId']), req.body, trace(res)));
  });
  r.post('/cases/:caseId/consents', requireJsonBody, async (req, res) => {
    res.status(201).json(await cases.recordConsent(principalOf(res), String(req.params['caseId']), req.body, trace(res)));
  });
  r.post('/cases/:caseId/consents/:consentId/withdraw', async (req, res) => {
    res.json(await cases.withdrawConsent(principalOf(res), String(req.params['caseId']), String(req.params['consentId']), trace(res)));
  });
  r.put('/cases/:caseId/regiehouder', requireJsonBody, async (req, res) => {
    res.json(await cases.setRegiehouder(principalOf(res), String(req.params['caseId']), req.body, trace(res)));
  });
  r.get('/vervolgacties/overdue', async (req, res) => {
    res.json(await cases.overdueVervolgacties(principalOf(res), req.query as Record<string, unknown>));
  });
  r.get('/notifications/overdue', async (_req, res) => {
    res.json(await cases.overdue(principalOf(res)));
  });
  return r;
}
