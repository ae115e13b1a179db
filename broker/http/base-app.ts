/**
 * The middleware shell every jpp-broker HTTP service shares (the broker, and the key
 * custodian in its own process): the lifecycle's request tracking (drain), metrics and
 * tracing per route, W3C trace context, redacted request logs, the probes, and the one
 * problem+json error handler after the service's own routes.
 *
 * Probes (docs/operations.md):
 * - `GET /livez`: the process runs and its event loop answers; nothing else. A failing
 *   liveness probe restarts the process, so it must not fail because the database is away.
 * - `GET /readyz`: ready for traffic: not draining, the database answers, the logboek is not
 *   damaged and a policy is loaded. 503 problem+json otherwise, saying why.
 * - `GET /healthz`: as /readyz without the drain (kept for existing monitoring).
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import { pingDatabase } from '../db/ping.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { LOG_SERIALIZERS } from './logger.js';
import { notFoundHandler, problemHandler } from './problem-handler.js';
import { traceContext } from './trace-context.js';
import type { Lifecycle } from './lifecycle.js';
import { httpTelemetry, type HttpTelemetryDeps } from '../telemetry/http-telemetry.js';

/**
 * What the health check looks at: the service's database (and a reason it is unhealthy beyond
 * it, if any), or, for a process of several platforms, a check of its own that says more.
 */
export type HealthSource =
  | { readonly db: Kysely<Database>; /** A reason the service is unhealthy beyond its database, if any. */ readonly problem?: () => string | undefined }
  | { readonly health: () => Promise<Record<string, unknown>> };

export interface BaseAppDeps extends HttpTelemetryDeps {
  readonly logger: Logger;
  /** The process's lifecycle (drain on SIGTERM); without it the service never drains. */
  readonly lifecycle?: Lifecycle;
}

export function createBaseApp(deps: BaseAppDeps & HealthSource, mountRoutes: (app: Express) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.lifecycle) app.use(deps.lifecycle.track);
  app.use(httpTelemetry(deps));
  app.use(traceContext);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: () => randomUUID(),
      serializers: LOG_SERIALIZERS,
      customProps: (_req, res) => ({ traceId: res.locals['traceId'] }),
    }),
  );
  const health = async (): Promise<Record<string, unknown>> => {
    if ('health' in deps) return { status: 'ok', ...(await deps.health()) };
    await checkHealth(deps.db, deps.problem);
    return { status: 'ok' };
  };
  app.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (deps.lifecycle?.draining) throw new AppError('unavailable', 'the broker is shutting down; send new requests to another instance');
    res.json(await health());
  });
  app.get('/healthz', async (_req, res) => {
    res.json(await health());
  });
  mountRoutes(app);
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}

/** The health check: the database answers and nothing else is wrong; throws an `unavailable` AppError saying why. */
export async function checkHealth(db: Kysely<Database>, problem?: () => string | undefined): Promise<void> {
  try {
    await pingDatabase(db);
  } catch (err) {
    throw new AppError('unavailable', 'the database does not answer', [], { cause: err });
  }
  const reason = problem?.();
  if (reason) throw new AppError('unavailable', reason);
}
