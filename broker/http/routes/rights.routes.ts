/** Data-subject rights: inzage (JSON or PDF), bezwaar, legal holds, verzoeken van betrokkenen (docs/casus.md). */
import { Router } from 'express';
import type { RightsService } from '../../rights/rights.service.js';
import { renderInzagePdf } from '../../rights/inzage-pdf.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';

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
  return r;
}
