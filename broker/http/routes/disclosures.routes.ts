/** GET /v1/disclosures: the disclosure log, filtered and paged. */
import { Router } from 'express';
import type { DisclosureService } from '../../disclosures/disclosure.service.js';
import { principalOf } from '../authenticate.js';

export function disclosureRoutes(disclosures: DisclosureService): Router {
  const r = Router();
  r.get('/disclosures', async (req, res) => {
    res.json(await disclosures.list(principalOf(res), req.query as Record<string, unknown>, res.locals['traceId'] as string));
  });
  return r;
}
