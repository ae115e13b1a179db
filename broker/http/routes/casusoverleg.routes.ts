/** /v1/meetings and /v1/invitations: the casusoverleg (docs/casusoverleg.md). Thin: the service checks access. */
import { Router } from 'express';
import type { CasusoverlegService } from '../../casusoverleg/casusoverleg.service.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';

export function casusoverlegRoutes(overleg: CasusoverlegService): Router {
  const r = Router();
  const trace = (res: { locals: Record<string, unknown> }) => res.locals['traceId'] as string;
  r.post('/meetings', requireJsonBody, async (req, res) => {
    res.status(201).json(await overleg.planMeeting(principalOf(res), req.body, trace(res)));
  });
  r.get('/meetings', async (req, res) => {
    res.json(await overleg.listMeetings(principalOf(res), req.query as Record<string, unknown>));
  });
  r.get('/meetings/:meetingId', async (req, res) => {
    res.json(await overleg.getMeeting(principalOf(res), String(req.params['meetingId'])));
  });
  r.post('/meetings/:meetingId/agenda', requireJsonBody, async (req, res) => {
    res.status(201).json(await overleg.addToAgenda(principalOf(res), String(req.params['meetingId']), req.body, trace(res)));
  });
  r.post('/meetings/:meetingId/agenda/:caseId/invitations', requireJsonBody, async (req, res) => {
    res.status(201).json(await overleg.invitePartner(principalOf(res), String(req.params['meetingId']), String(req.params['caseId']), req.body, trace(res)));
  });
  r.get('/invitations', async (_req, res) => {
    res.json(await overleg.partnerOverview(principalOf(res), trace(res)));
  });
  return r;
}
