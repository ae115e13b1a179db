/** /v1/retention/runs: run retention now, and read past runs' records (capability `rights`). */
import { Router } from 'express';
import type { RetentionService } from '../../retention/retention.service.js';
import { principalOf } from '../authenticate.js';

export function retentionRoutes(retention: RetentionService): Router {
  const r = Router();
  r.post('/retention/runs', async (_req, res) => {
    res.status(201).json(await retention.runFor(principalOf(res), res.locals['traceId'] as string));
  });
  r.get('/retention/runs', async (req, res) => {
    res.json(await retention.list(principalOf(res), req.query as Record<string, unknown>));
  });
  return r;
}
