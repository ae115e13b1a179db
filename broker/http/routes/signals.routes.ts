/** POST /v1/signals and DELETE /v1/signals/{ref}: thin; the service checks access and input. */
import express, { Router } from 'express';
import type { SignalService } from '../../signals/signal.service.js';
import { principalOf } from '../authenticate.js';
import { AppError } from '../../errors/app-error.js';
import { transportOf } from '../../transport/client-certificate.js';

export function signalRoutes(signals: SignalService): Router {
  const r = Router();
  // A batch is JSON, or a compact JWS over that JSON (RFC 7515 §9.2.1: application/jose).
  r.post('/signals', express.text({ type: 'application/jose', limit: '2mb' }), async (req, res) => {
    if (!req.is('application/json') && !req.is('application/jose')) {
      throw new AppError('unsupported-media-type', 'send the batch as application/json, or signed as application/jose');
    }
    const body: unknown = req.is('application/jose') ? String(req.body).trim() : req.body;
    const result = await signals.submitBatch(principalOf(res), body, res.locals['traceId'] as string, transportOf(res));
    res.status(result.replayed ? 200 : 201).json(result);
  });
  r.delete('/signals/:ref', async (req, res) => {
    await signals.withdraw(principalOf(res), String(req.params['ref']), res.locals['traceId'] as string, transportOf(res));
    res.status(204).end();
  });
  return r;
}
