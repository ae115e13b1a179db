/**
 * The broker's Express application: its routes inside the shared shell (base-app.ts).
 * Routes are thin; access checks and validation live in the services below them.
 */
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { SignalService } from '../signals/signal.service.js';
import type { QueryService } from '../queries/query.service.js';
import type { DisclosureService } from '../disclosures/disclosure.service.js';
import type { LogboekReadService } from '../logboek/logboek-read.service.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { CasusService } from '../casus/casus.service.js';
import type { CasusoverlegService } from '../casusoverleg/casusoverleg.service.js';
import type { RightsService } from '../rights/rights.service.js';
import type { MonitoringService } from '../monitoring/monitoring.service.js';
import type { RetentionService } from '../retention/retention.service.js';
import { authenticate } from './authenticate.js';
import { createBaseApp } from './base-app.js';
import { limitJsonDepth } from './json-depth.js';
import { refuseIdentityInPath } from './refuse-identity-in-path.js';
import { custodianRoutes } from './routes/custodian.routes.js';
import type { CustodianService } from '../custodian/custodian.service.js';
import { signalRoutes } from './routes/signals.routes.js';
import { queryRoutes } from './routes/queries.routes.js';
import { disclosureRoutes } from './routes/disclosures.routes.js';
import { logEntryRoutes, publicLogRoutes } from './routes/logboek.routes.js';
import { casusRoutes } from './routes/casus.routes.js';
import { casusoverlegRoutes } from './routes/casusoverleg.routes.js';
import { rightsRoutes } from './routes/rights.routes.js';
import { verwerkingsregisterRoutes } from './routes/verwerkingsregister.routes.js';
import type { VerwerkingsregisterView } from '../platform/verwerkingsregister.js';
import { monitoringRoutes } from './routes/monitoring.routes.js';
import { retentionRoutes } from './routes/retention.routes.js';
import { policyRoutes } from './routes/policies.routes.js';
import { registerRoutes } from './routes/register.routes.js';
import type { PolicyLifecycleService } from '../policy/policy-lifecycle.service.js';
import type { Tracer } from '@opentelemetry/api';
import type { Lifecycle } from './lifecycle.js';
import type { BrokerMetrics } from '../telemetry/metrics.js';

export interface HttpDeps {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly verifyToken: TokenVerifier;
  readonly signals: SignalService;
  readonly queries: QueryService;
  readonly disclosures: DisclosureService;
  readonly logboek: LogboekReadService;
  readonly cases: CasusService;
  /** The casusoverleg: meetings, agenda, invitations (docs/casusoverleg.md). */
  readonly casusoverleg: CasusoverlegService;
  readonly rights: RightsService;
  readonly monitoring: MonitoringService;
  readonly retention: RetentionService;
  /** The platform's display name (inzage PDF). */
  readonly platformName: string;
  /** The register of verwerkingsactiviteiten (AVG art. 30), public. */
  readonly verwerkingsregister: VerwerkingsregisterView;
  readonly policies: PolicyLifecycleService;
  /** The register of people, organisations and adapters (functioneel beheer). */
  readonly register: Parameters<typeof registerRoutes>[0];
  /** Validates query strings (coerces types). */
  readonly querySchemas: SchemaRegistry;
  readonly openapi: Record<string, unknown>;
  /** Why the broker is unhealthy beyond its database (a damaged logboek), if it is. */
  readonly problem?: () => string | undefined;
  /** The in-process key custodian (demo mode only). */
  readonly custodian?: CustodianService;
  /** Checks client certificates of requests over the mTLS listener (transport/client-certificate.ts). */
  readonly clientCertificates?: RequestHandler;
  /** The web interface's pages (broker/web), mounted after every API route. */
  readonly web?: Router;
  /** The process's lifecycle: /readyz and the drain on SIGTERM (lifecycle.ts). */
  readonly lifecycle?: Lifecycle;
  /** Request and problem counters (telemetry/metrics.ts). */
  readonly metrics?: Pick<BrokerMetrics, 'request' | 'problem'>;
  /** Set when tracing is on (telemetry/tracing.ts). */
  readonly tracer?: Tracer;
  /** Where the broker is mounted beside other platforms (`/p/<id>`); '' alone. */
  readonly basePath?: string;
}

export function createHttpApp(deps: HttpDeps): Express {
  return createBaseApp(deps, (app) => {
    app.get('/openapi.json', (_req, res) => {
      res.json(deps.openapi);
    });
    app.use('/docs', swaggerUi.serve, swaggerUi.setup(deps.openapi, { customSiteTitle: 'jpp-broker API' }));
    app.use('/v1/log', publicLogRoutes(deps.logboek, deps.querySchemas));
    app.use('/v1', verwerkingsregisterRoutes(deps.verwerkingsregister));
    // Demo mode only: the key custodian shares the broker's process, for convenience.
    if (deps.custodian) app.use('/custodian/v1', custodianRoutes(deps.custodian, deps.verifyToken));

    const v1 = express.Router();
    v1.use(refuseIdentityInPath);
    v1.use(express.json({ limit: '1mb', strict: true }), limitJsonDepth());
    if (deps.clientCertificates) v1.use(deps.clientCertificates);
    v1.use(authenticate(deps.verifyToken));
    v1.use(signalRoutes(deps.signals));
    v1.use(queryRoutes(deps.queries));
    v1.use(disclosureRoutes(deps.disclosures));
    v1.use(logEntryRoutes(deps.logboek, deps.querySchemas));
    v1.use(casusRoutes(deps.cases));
    v1.use(casusoverlegRoutes(deps.casusoverleg));
    v1.use(rightsRoutes(deps.rights, deps.platformName));
    v1.use(monitoringRoutes(deps.monitoring));
    v1.use(retentionRoutes(deps.retention));
    v1.use(policyRoutes(deps.policies));
    v1.use(registerRoutes(deps.register));
    app.use('/v1', v1);
    if (deps.web) app.use(deps.web);
  });
}
