/** POST /v1/signals and DELETE /v1/signals/{ref}: thin; the service checks access and input. */
import { Router } from 'express';
import type { SignalService } from '../../signals/signal.service.js';
import { principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';

export function signalRoutes(signals: SignalService): Router {
  const r = Router();
  r.post('/signals', requireJsonBody, async (req, res) => {
    const result = await signals.submitBatch(principalOf(res), req.body, res.locals['traceId'] as string);
    res.status(result.replayed ? 200 : 201).json(result);
  });
  r.delete('/signals/:ref', async (req, res) => {
    await signals.withdraw(principalOf(res), String(req.params['ref']), res.locals['traceId'] as string);
    res.status(204).end();
  });
  return r;
}
