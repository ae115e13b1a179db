/**
 * /v1/log: the logboek's checkpoints, proofs and C2SP tlog-tiles resources (public: hashes only)
 * and its entries (juristen and privacy officers). Thin: the read service checks access and sizes.
 *
 * The tlog-tiles prefix (https://c2sp.org/tlog-tiles) is `<broker>/v1/log`: `/checkpoint`,
 * `/tile/<L>/<N>[.p/<W>]` and, behind authentication, `/tile/entries/<N>[.p/<W>]`.
 * Caching: tiles never change once they exist (`immutable`); the checkpoint changes (a few
 * seconds); entry bundles hold personal data and change when retention redacts an entry, so they
 * are cached privately and revalidated (ETag).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import type { LogboekReadService } from '../../logboek/logboek-read.service.js';
import { AppError, validationError } from '../../errors/app-error.js';
import type { SchemaName, SchemaRegistry } from '../../../protocol/schemas/schema-registry.js';
import { principalOf } from '../authenticate.js';
import { parseTilePath } from '../../logboek/tiles.js';

function params<T>(schemas: SchemaRegistry, name: SchemaName, req: Request): T {
  const data: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
  const errors = schemas.validate(name, data);
  if (errors.length > 0) throw validationError(errors);
  return data as T;
}

/** The path after `/tile/`, as express 5 hands a named wildcard over (its segments). */
const tileRest = (req: Request): string => {
  const rest = (req.params as Record<string, string | string[]>)['rest'];
  return Array.isArray(rest) ? rest.join('/') : (rest ?? '');
};

const notFound = (what: string): AppError => new AppError('not-found', `no such ${what} (yet)`);

/** Sends bytes, gzip-compressed when the client accepts it (tlog-tiles: entry bundles SHOULD be compressed). */
function sendBinary(req: Request, res: Response, body: Uint8Array, compress: boolean): void {
  res.type('application/octet-stream');
  if (compress) {
    res.vary('Accept-Encoding');
    if (/\bgzip\b/.test(req.get('accept-encoding') ?? '')) {
      res.set('Content-Encoding', 'gzip');
      res.send(gzipSync(body));
      return;
    }
  }
  res.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** Routes anyone may call: a witness needs no account. */
export function publicLogRoutes(log: LogboekReadService, querySchemas: SchemaRegistry): Router {
  const r = Router();
  r.get('/public-key', (_req, res) => {
    res.json({ origin: log.origin(), key: log.publicKey(), vkey: log.vkey() });
  });
  r.get('/checkpoint', async (_req, res) => {
    const note = await log.checkpointNote();
    if (note === undefined) throw notFound('checkpoint in the signed-note form');
    res.set('Cache-Control', 'public, max-age=5');
    res.type('text/plain; charset=utf-8').send(note);
  });
  r.get('/tile/*rest', async (req, res, next) => {
    const ref = parseTilePath(tileRest(req));
    if (ref?.level === null) {
      next(); // an entry bundle: behind authentication (logEntryRoutes)
      return;
    }
    if (!ref) throw notFound('tile');
    const tile = await log.tile({ ...ref, level: ref.level });
    if (!tile) throw notFound('tile');
    res.set('Cache-Control', 'public, max-age=31536000, immutable');
    sendBinary(req, res, tile, false);
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
  // The compact export (bundle-export.ts): level-0 hashes, then the same entries as tlog-tiles bundle bytes.
  r.get('/log/bundles', async (req, res) => {
    const q = params<{ fromSeq: number; limit: number; purpose: 'read' | 'export' | 'verify' }>(querySchemas, 'log-query#/$defs/bundles', req);
    const page = await log.entryBundles(principalOf(res), q.fromSeq, q.limit, res.locals['traceId'] as string, q.purpose);
    res.set('Cache-Control', 'private, no-store');
    res.set('Jpp-Tree-Size', String(page.treeSize));
    res.set('Jpp-Entries', String(page.entries));
    // Sent as it is: no ETag (express would hash the whole page for one; the answer is never cached).
    // Its buffer serves a later page once written or abandoned ('close' follows both).
    res.once('close', page.release);
    res.type('application/octet-stream').set('Content-Length', String(page.body.length)).end(page.body);
  });
  r.get('/log/tile/*rest', async (req, res) => {
    const ref = parseTilePath(tileRest(req));
    if (!ref || ref.level !== null) throw notFound('entry bundle');
    const q = params<{ purpose: 'read' | 'export' | 'verify' }>(querySchemas, 'log-query#/$defs/bundle', req);
    const bundle = await log.entryBundle(principalOf(res), { ...ref, level: null }, res.locals['traceId'] as string, q.purpose);
    if (!bundle) throw notFound('entry bundle');
    const etag = `"${createHash('sha256').update(bundle).digest('base64url')}"`;
    res.set('Cache-Control', 'private, no-cache');
    res.set('ETag', etag);
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    sendBinary(req, res, bundle, true);
  });
  return r;
}
