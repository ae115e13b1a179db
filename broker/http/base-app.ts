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

export function createBaseApp(
  deps: { db: Kysely<Database>; logger: Logger; /** A reason the service is unhealthy beyond its database, if any. */ problem?: () => string | undefined },
  mountRoutes: (app: Express) => void,
): Express {
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
    try {
      await sql`select 1`.execute(deps.db);
    } catch (err) {
      throw new AppError('unavailable', 'the database does not answer', [], { cause: err });
    }
    const problem = deps.problem?.();
    if (problem) throw new AppError('unavailable', problem);
    res.json({ status: 'ok' });
  });
  mountRoutes(app);
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
