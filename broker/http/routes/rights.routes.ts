/** Data-subject rights: inzage (JSON or PDF), bezwaar, legal holds, verzoeken van betrokkenen and their tasks for partners (docs/casus.md). */
import { Router } from 'express';
import type { RightsService } from '../../rights/rights.service.js';
import { renderInzagePdf } from '../../rights/inzage-pdf.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';
import { transportOf } from '../../transport/client-certificate.js';

export function rightsRoutes(rights: RightsService, platformName: string): Router {
  const r = Router();
  const trace = (res: { locals: Record<string, unknown> }) => res.locals['traceId'] as string;
  r.post('/inzage', requireJsonBody, async (req, res) => {
    const report = await rights.inzage(principalOf(res), req.body, trace(res));
    if (req.accepts(['application/json', 'application/pdf']) === 'application/pdf') {
      const pdf = await renderInzagePdf(report, platformName);
      res
        .status(200)
        .type('application/pdf')
        .set('content-disposition', `attachment; filename="inzage-${report.reportId}.pdf"`)
        .set('cache-control', 'no-store')
        .send(pdf);
      return;
    }
    res.set('cache-control', 'no-store').json(report);
  });
  r.post('/bezwaren', requireJsonBody, async (req, res) => {
    res.status(201).json(await rights.decideBezwaar(principalOf(res), req.body, trace(res)));
  });
  r.get('/bezwaren', async (req, res) => {
    res.json(await rights.listBezwaren(principalOf(res), req.query as Record<string, unknown>));
  });
  r.post('/bezwaren/:bezwaarId/lift', async (req, res) => {
    res.json(await rights.liftBezwaar(principalOf(res), String(req.params['bezwaarId']), trace(res)));
  });
  r.post('/beperkingen', requireJsonBody, async (req, res) => {
    res.status(201).json(await rights.restrictProcessing(principalOf(res), req.body, trace(res)));
  });
  r.post('/legal-holds', requireJsonBody, async (req, res) => {
    res.status(201).json(await rights.placeHold(principalOf(res), req.body, trace(res)));
  });
  r.get('/legal-holds', async (req, res) => {
    res.json(await rights.listHolds(principalOf(res), req.query as Record<string, unknown>));
  });
  r.post('/legal-holds/:holdId/release', async (req, res) => {
    res.json(await rights.releaseHold(principalOf(res), String(req.params['holdId']), trace(res)));
  });
  r.post('/verzoeken', requireJsonBody, async (req, res) => {
    res.status(201).json(await rights.registerVerzoek(principalOf(res), req.body, trace(res)));
  });
  r.get('/verzoeken', async (req, res) => {
    res.json(await rights.listVerzoeken(principalOf(res), req.query as Record<string, unknown>));
  });
  r.get('/verzoeken/overdue', async (_req, res) => {
    res.json(await rights.overdueVerzoeken(principalOf(res)));
  });
  r.get('/verzoeken/:verzoekId', async (req, res) => {
    res.json(await rights.getVerzoek(principalOf(res), String(req.params['verzoekId'])));
  });
  r.post('/verzoeken/:verzoekId/extend', requireJsonBody, async (req, res) => {
    res.json(await rights.extendVerzoek(principalOf(res), String(req.params['verzoekId']), req.body, trace(res)));
  });
  r.post('/verzoeken/:verzoekId/answer', requireJsonBody, async (req, res) => {
    res.json(await rights.answerVerzoek(principalOf(res), String(req.params['verzoekId']), req.body, trace(res)));
  });
  r.post('/verzoeken/:verzoekId/taken', requireJsonBody, async (req, res) => {
    res.status(201).json(await rights.forwardVerzoek(principalOf(res), String(req.params['verzoekId']), req.body, trace(res)));
  });
  r.get('/verzoeken/:verzoekId/taken', async (req, res) => {
    res.json(await rights.takenOfVerzoek(principalOf(res), String(req.params['verzoekId'])));
  });
  // The partner's side (adapter token): its own tasks, with its own refs only.
  r.get('/verzoektaken', async (req, res) => {
    res.set('cache-control', 'no-store').json(await rights.partnerTaken(principalOf(res), req.query as Record<string, unknown>, transportOf(res)));
  });
  r.post('/verzoektaken/:taakId/answer', requireJsonBody, async (req, res) => {
    res.json(await rights.answerPartnerTaak(principalOf(res), String(req.params['taakId']), req.body, trace(res), transportOf(res)));
  });
  return r;
}
