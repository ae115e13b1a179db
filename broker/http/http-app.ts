/**
 * The Express application: middleware order, routes and the one error handler.
 * Routes are thin; access checks and validation live in the services below them.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { SignalService } from '../signals/signal.service.js';
import type { QueryService } from '../queries/query.service.js';
import type { DisclosureService } from '../disclosures/disclosure.service.js';
import type { LogboekReadService } from '../logboek/logboek-read.service.js';
import type { SchemaRegistry } from '../schemas/schema-registry.js';
import { AppError } from '../errors/app-error.js';
import { authenticate } from './authenticate.js';
import { LOG_SERIALIZERS } from './logger.js';
import { notFoundHandler, problemHandler } from './problem-handler.js';
import { traceContext } from './trace-context.js';
import { signalRoutes } from './routes/signals.routes.js';
import { queryRoutes } from './routes/queries.routes.js';
import { disclosureRoutes } from './routes/disclosures.routes.js';
import { logEntryRoutes, publicLogRoutes } from './routes/logboek.routes.js';

export interface HttpDeps {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly verifyToken: TokenVerifier;
  readonly signals: SignalService;
  readonly queries: QueryService;
  readonly disclosures: DisclosureService;
  readonly logboek: LogboekReadService;
  /** Validates query strings (coerces types). */
  readonly querySchemas: SchemaRegistry;
  readonly openapi: Record<string, unknown>;
}

export function createHttpApp(deps: HttpDeps): Express {
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
    res.json({ status: 'ok' });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(deps.openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(deps.openapi, { customSiteTitle: 'jpp-broker API' }));

  app.use('/v1/log', publicLogRoutes(deps.logboek, deps.querySchemas));

  const v1 = express.Router();
  v1.use(express.json({ limit: '1mb', strict: true }));
  v1.use(authenticate(deps.verifyToken));
  v1.use(signalRoutes(deps.signals));
  v1.use(queryRoutes(deps.queries));
  v1.use(disclosureRoutes(deps.disclosures));
  v1.use(logEntryRoutes(deps.logboek, deps.querySchemas));
  app.use('/v1', v1);

  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
