/**
 * /v1/log: the logboek's checkpoints and proofs (public: hashes only) and its entries
 * (juristen and privacy officers). Thin: the read service checks access and sizes.
 */
import { Router, type Request } from 'express';
import type { LogboekReadService } from '../../logboek/logboek-read.service.js';
import { validationError } from '../../errors/app-error.js';
import type { SchemaName, SchemaRegistry } from '../../../protocol/schemas/schema-registry.js';
import { principalOf } from '../authenticate.js';

function params<T>(schemas: SchemaRegistry, name: SchemaName, req: Request): T {
  const data: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
  const errors = schemas.validate(name, data);
  if (errors.length > 0) throw validationError(errors);
  return data as T;
}

/** Routes anyone may call: a witness needs no account. */
export function publicLogRoutes(log: LogboekReadService, querySchemas: SchemaRegistry): Router {
  const r = Router();
  r.get('/public-key', (_req, res) => {
    res.json({ origin: log.origin(), key: log.publicKey() });
  });
  r.get('/checkpoints', async (req, res) => {
    const q = params<{ after: number; limit: number }>(querySchemas, 'log-query#/$defs/checkpoints', req);
    res.json({ checkpoints: await log.checkpoints(q.after, q.limit) });
  });
  r.get('/checkpoints/latest', async (_req, res) => {
    const latest = await log.latestCheckpoint();
    if (!latest) {
      res.status(204).end();
      return;
    }
    res.json(latest);
  });
  r.get('/proofs/inclusion', async (req, res) => {
    const q = params<{ index: number; treeSize: number }>(querySchemas, 'log-query#/$defs/inclusion', req);
    res.json(await log.inclusionProof(q.index, q.treeSize));
  });
  r.get('/proofs/consistency', async (req, res) => {
    const q = params<{ size1: number; size2: number }>(querySchemas, 'log-query#/$defs/consistency', req);
    res.json(await log.consistencyProof(q.size1, q.size2));
  });
  return r;
}

/** Routes behind authentication. */
export function logEntryRoutes(log: LogboekReadService, querySchemas: SchemaRegistry): Router {
  const r = Router();
  r.get('/log/entries', async (req, res) => {
    const q = params<{ fromSeq: number; limit: number; purpose: 'read' | 'export' | 'verify' }>(querySchemas, 'log-query#/$defs/entries', req);
    res.json(await log.entries(principalOf(res), q.fromSeq, q.limit, res.locals['traceId'] as string, q.purpose));
  });
  return r;
}
