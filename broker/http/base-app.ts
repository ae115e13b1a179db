/**
 * The middleware shell every jpp-broker HTTP service shares (the broker, and the key
 * custodian in its own process): W3C trace context, redacted request logs, a health
 * check, and the one problem+json error handler after the service's own routes.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { LOG_SERIALIZERS } from './logger.js';
import { notFoundHandler, problemHandler } from './problem-handler.js';
import { traceContext } from './trace-context.js';

/**
 * What the health check looks at: the service's database (and a reason it is unhealthy beyond
 * it, if any), or, for a process of several platforms, a check of its own that says more.
 */
export type HealthSource =
  | { readonly db: Kysely<Database>; /** A reason the service is unhealthy beyond its database, if any. */ readonly problem?: () => string | undefined }
  | { readonly health: () => Promise<Record<string, unknown>> };

export function createBaseApp(deps: { readonly logger: Logger } & HealthSource, mountRoutes: (app: Express) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(traceContext);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: () => randomUUID(),
      serializers: LOG_SERIALIZERS,
      customProps: (_req, res) => ({ traceId: res.locals['traceId'] }),
    }),
  );
  app.get('/healthz', async (_req, res) => {
    if ('health' in deps) {
      res.json({ status: 'ok', ...(await deps.health()) });
      return;
    }
    await checkHealth(deps.db, deps.problem);
    res.json({ status: 'ok' });
  });
  mountRoutes(app);
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}

/** The health check: the database answers and nothing else is wrong; throws an `unavailable` AppError saying why. */
export async function checkHealth(db: Kysely<Database>, problem?: () => string | undefined): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    throw new AppError('unavailable', 'the database does not answer', [], { cause: err });
  }
  const reason = problem?.();
  if (reason) throw new AppError('unavailable', reason);
}
