/**
 * The key custodian's HTTP API: GET /keys (public: the keys clients pin) and
 * POST /evaluate (authenticated, within quota, logged). Mounted at /custodian/v1 in the
 * demo's single process, and at /v1 by `jpp-broker custodian` in production.
 */
import { Router } from 'express';
import express from 'express';
import type { CustodianService } from '../../custodian/custodian.service.js';
import type { TokenVerifier } from '../../auth/token-verifier.js';
import { authenticate, principalOf } from '../authenticate.js';
import { requireJsonBody } from '../require-json.js';
import { limitJsonDepth } from '../json-depth.js';

export function custodianRoutes(custodian: CustodianService, verifyToken: TokenVerifier): Router {
  const r = Router();
  r.get('/keys', (_req, res) => {
    res.json(custodian.keys());
  });
  r.post('/evaluate', express.json({ limit: '256kb', strict: true }), limitJsonDepth(), authenticate(verifyToken), requireJsonBody, async (req, res) => {
    res.json(await custodian.evaluate(principalOf(res), req.body, res.locals['traceId'] as string));
  });
  return r;
}
