/**
 * `jpp-broker start [--demo]`: parse config, build the broker, listen, print the banner.
 * Stops gracefully on SIGTERM (graceful-shutdown.ts: readiness off, a drain delay in which
 * requests are still served, in-flight requests finish, keep-alive connections close), and
 * releases the embedded databases' locks. SIGINT (Ctrl-C) skips the drain delay; a second
 * Ctrl-C stops at once.
 *
 * With JPP_PLATFORMS the process serves several platforms (create-platforms.ts): one broker
 * per platform under `/p/<platform>` on the one HTTP port, and one mTLS listener per platform
 * on a port of its own, with that platform's PKI, so that an adapter reaches its own platform
 * and a certificate of another platform's CA never verifies. The drain, the metrics endpoint
 * and tracing are the process's, shared by its platforms.
 */
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { loadConfig, type BrokerConfig, type OperationsConfig } from '../config/config.js';
import { loadPlatformsConfig, type PlatformsConfig } from '../config/platforms-config.js';
import { createBroker, VERSION } from '../app/create-broker.js';
import { createPlatforms, type PlatformBroker } from '../app/create-platforms.js';
import { createLogger } from '../http/logger.js';
import { demoPlatformOf } from '../demo/demo-platforms.js';
import { loadDemoIdentities, type DemoIdentity } from '../demo/demo-identities.js';
import { listenAdapterMtls } from '../transport/mtls-listener.js';
import type { Server as HttpsServer } from 'node:https';
import { createLifecycle, type Lifecycle } from '../http/lifecycle.js';
import { shutDownGracefully } from '../http/graceful-shutdown.js';
import { createMetrics, type Metrics } from '../telemetry/metrics.js';
import { listenMetrics } from '../telemetry/metrics-server.js';
import { startTracing, type Tracing } from '../telemetry/tracing.js';

/** What the process runs beside its broker(s): the lifecycle, and the metrics and tracing when configured. */
interface ProcessServices {
  readonly lifecycle: Lifecycle;
  readonly metrics: Metrics | undefined;
  readonly tracing: Tracing | undefined;
}

function processServices(o: OperationsConfig): ProcessServices {
  return {
    lifecycle: createLifecycle(),
    metrics: o.metricsPort !== undefined ? createMetrics() : undefined,
    tracing: o.otlpEndpoint ? startTracing({ endpoint: o.otlpEndpoint, serviceName: 'jpp-broker', version: VERSION }) : undefined,
  };
}

/** The options every broker of the process gets from the process's services. */
const brokerOptionsOf = (p: ProcessServices) => ({
  lifecycle: p.lifecycle,
  ...(p.metrics ? { metrics: p.metrics } : {}),
  ...(p.tracing ? { tracer: p.tracing.tracer } : {}),
});

export async function startCommand(opts: { demo?: boolean }): Promise<void> {
  const env = { ...process.env, ...(opts.demo ? { JPP_MODE: 'demo' } : {}) };
  const several = loadPlatformsConfig(env);
  if (several) return startPlatforms(several);
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const services = processServices(config.operations);
  const broker = await createBroker(config, { logger, ...brokerOptionsOf(services) });
  if (config.logboek.sequencer) broker.sequencer.start();
  const mtls = await startMtls(config, broker.app, logger, () => broker.close());
  const metricsUrl = await startMetricsEndpoint(services, config, logger, () => broker.close());
  const server = listen(broker.app, config, logger, () => broker.close(), (url) => {
    logger.info({ url, engine: broker.engine, mode: config.mode, policyVersion: broker.policy.active().versionId }, 'listening');
    process.stdout.write(banner(url, config.mode, broker.engine, config.dataDir, mtls?.url, config.transport.pkiDir, config, broker.platform.id, metricsUrl));
  });
  onShutdown(logger, config.operations, services, [server, ...(mtls ? [mtls.server] : [])], () => broker.close());
}

async function startPlatforms(config: PlatformsConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  const first = config.platforms[0]!.config;
  const services = processServices(first.operations);
  const process_ = await createPlatforms(config, { logger, ...brokerOptionsOf(services) });
  const mtls: Array<{ server: HttpsServer; url: string } | undefined> = [];
  for (const p of process_.platforms) {
    if (p.config.logboek.sequencer) p.broker.sequencer.start();
    mtls.push(await startMtls(p.config, p.broker.app, logger.child({ platform: p.id }), () => process_.close()));
  }
  const metricsUrl = await startMetricsEndpoint(services, first, logger, () => process_.close());
  const server = listen(process_.app, first, logger, () => process_.close(), (url) => {
    logger.info({ url, mode: config.mode, platforms: process_.platforms.map((p) => p.id) }, 'listening');
    process.stdout.write(platformsBanner(url, config, process_.platforms, mtls.map((m) => m?.url), metricsUrl));
  });
  onShutdown(logger, first.operations, services, [server, ...mtls.flatMap((m) => (m ? [m.server] : []))], () => process_.close());
}

/** The Prometheus endpoint on its own port, when JPP_METRICS_PORT is set; exits on failure. */
async function startMetricsEndpoint(services: ProcessServices, config: BrokerConfig, logger: Logger, close: () => Promise<void>): Promise<string | undefined> {
  if (!services.metrics || config.operations.metricsPort === undefined) return undefined;
  try {
    const { server, url } = await listenMetrics(services.metrics, config.operations.metricsPort, config.host);
    server.unref();
    logger.info({ url }, 'metrics endpoint');
    return url;
  } catch (err) {
    logger.fatal({ err }, 'cannot start the metrics endpoint');
    process.stderr.write(`jpp-broker: cannot serve metrics on ${config.host}:${config.operations.metricsPort} (JPP_METRICS_PORT): ${(err as Error).message}\n`);
    await close();
    process.exit(1);
  }
}

/** The mTLS listener for partner adapters (the demo makes a development PKI on first start); exits on failure. */
async function startMtls(config: BrokerConfig, app: Express, logger: Logger, close: () => Promise<void>): Promise<{ server: HttpsServer; url: string } | undefined> {
  try {
    const mtls = await listenAdapterMtls(config, app);
    if (mtls?.createdPki) logger.info('created a development PKI');
    if (mtls) logger.info({ url: mtls.url }, 'mTLS listener for adapters');
    return mtls;
  } catch (err) {
    logger.fatal({ err }, 'cannot start the mTLS listener');
    process.stderr.write(`jpp-broker: cannot start the mTLS listener for adapters on ${config.host}:${config.transport.mtlsPort} (JPP_MTLS_PORT): ${(err as Error).message}\n`);
    await close();
    process.exit(1);
  }
}

const displayHost = (host: string): string => (host === '0.0.0.0' || host === '::' ? 'localhost' : host);

function listen(app: Express, config: BrokerConfig, logger: Logger, close: () => Promise<void>, onListening: (url: string) => void): HttpServer {
  const server = app.listen(config.port, config.host, (err?: Error) => {
    // Express 5 hands a listen error (e.g. port in use) to this callback instead of throwing.
    if (err) {
      logger.fatal({ err }, 'cannot listen');
      process.stderr.write(`jpp-broker: cannot listen on ${config.host}:${config.port}: ${err.message}\n`);
      void close().finally(() => process.exit(1));
      return;
    }
    const { port } = server.address() as AddressInfo;
    onListening(`http://${displayHost(config.host)}:${port}`);
  });
  return server;
}

function onShutdown(
  logger: Logger,
  o: OperationsConfig,
  services: ProcessServices,
  servers: ReadonlyArray<HttpServer | HttpsServer>,
  close: () => Promise<void>,
): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) {
      // A second Ctrl-C: the operator does not want to wait.
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    closing = true;
    logger.info({ signal }, 'stopping');
    // Ctrl-C in a terminal has no load balancer to wait for.
    const drainMs = signal === 'SIGTERM' ? o.drainSeconds * 1000 : 0;
    const timeoutMs = o.shutdownTimeoutSeconds * 1000;
    setTimeout(() => process.exit(1), drainMs + timeoutMs + 10_000).unref();
    shutDownGracefully({
      lifecycle: services.lifecycle,
      servers,
      drainMs,
      timeoutMs,
      logger,
      async close() {
        await close();
        await services.tracing?.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not send the last spans'));
      },
    }).then(
      (clean) => {
        logger.info({ clean }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function describe(identity: DemoIdentity): string {
  return 'bsn' in identity
    ? `BSN ${identity.bsn}`
    : `surname "${identity.surname}", first name "${identity.firstName ?? ''}", born ${identity.birthDate}`;
}

/** The demo's users, youths and first question, for one platform at `url`; `platformOption` is what commands add to reach it. */
function demoLines(url: string, config: BrokerConfig, platformId: string, indent: string, platformOption: string): string[] {
  const demo = demoPlatformOf(platformId);
  if (!demo) return [`${indent}This platform has no demo: nobody is seeded and no demo user can log in.`];
  const identities = loadDemoIdentities(config.dataDir, new Date(), demo.subjects);
  const first = identities.find((i) => i.label === demo.tour.subject);
  const voorzitter = demo.people.find((p) => p.role === 'voorzitter') ?? demo.people[0]!;
  const partners = demo.subjects.flatMap((s) => s.signals.map((g) => g.partner));
  const adapter = partners.includes('halt') ? 'halt' : partners[0] ?? '<partner>';
  return [
    `${indent}  For the API, log in with a token from the built-in development issuer (demo only), in another terminal:`,
    `${indent}    TOKEN=$(npx jpp-broker token${platformOption} --user ${voorzitter.id})`,
    `${indent}  Demo users: ${demo.people.map((p) => `${p.id} (${p.role})`).join(', ')}`,
    `${indent}  Adapter tokens: npx jpp-broker token${platformOption} --adapter <partner>, e.g. --adapter ${adapter}`,
    '',
    `${indent}  Synthetic demo youths, made up at random on first start (${config.dataDir}/demo-identities.json):`,
    ...demo.subjects.map((s) => {
      const identity = identities.find((i) => i.label === s.label);
      return `${indent}    ${s.label}  ${identity ? describe(identity) : '?'}  (${s.story})`;
    }),
    '',
    `${indent}  Ask about ${demo.tour.subject}: pseudonymise the typed BSN on your side (only blinded values reach the custodian,`,
    `${indent}  only the pseudonym reaches the broker), then ask:`,
    `${indent}    A=$(npx jpp-adapter pseudonymise --token "$TOKEN" --custodian ${url}/custodian/v1 --doel ${demo.tour.doel} --bsn ${first && 'bsn' in first ? first.bsn : '<BSN>'})`,
    `${indent}    curl -s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\`,
    `${indent}         -d '{"subject":"'$A'","doel":"${demo.tour.doel}","caseRef":"${demo.tour.caseRef}"}' ${url}/v1/queries`,
    `${indent}  (${demo.tour.caseRef} is the seeded casus of ${demo.tour.subject}, in screening: the broker answers only for a subject of a casus.)`,
  ];
}

function banner(url: string, mode: string, engine: string, dataDir: string, mtlsUrl: string | undefined, pkiDir: string, config: BrokerConfig, platformId: string, metricsUrl: string | undefined): string {
  const lines = [
    '',
    `jpp-broker is listening on ${url}  (${mode} mode, ${engine === 'pglite' ? `embedded PGlite in ${dataDir}` : 'PostgreSQL'})`,
    `  Web interface: ${url}/   API documentation: ${url}/docs   OpenAPI: ${url}/openapi.json   health: ${url}/healthz`,
    `  Probes: ${url}/livez (process)   ${url}/readyz (ready for traffic)${metricsUrl ? `   Metrics (Prometheus): ${metricsUrl}` : ''}`,
  ];
  if (mtlsUrl) {
    lines.push(`  Partner adapters (mTLS, client certificate required): ${mtlsUrl}   PKI: ${pkiDir}`);
    if (mode === 'demo') lines.push('  Issue a partner its certificate and signing key: npx jpp-broker pki issue --partner halt');
  }
  if (mode === 'demo') {
    lines.push(
      `  Key custodian: ${url}/custodian/v1. The demo runs it in the broker's process for convenience only;`,
      "  in production it is its own process ('jpp-broker custodian') and its key never reaches the broker.",
      '',
      `  In the browser: open ${url}/ and pick a demo user (voorzitter, jurist, privacy officer, ...).`,
      '',
      ...demoLines(url, config, platformId, '', ''),
      '  The README has the whole tour.',
    );
  }
  return `${lines.join('\n')}\n\n`;
}

function platformsBanner(url: string, config: PlatformsConfig, platforms: readonly PlatformBroker[], mtlsUrls: ReadonlyArray<string | undefined>, metricsUrl: string | undefined): string {
  const ids = platforms.map((p) => p.id).join(',');
  const lines = [
    '',
    `jpp-broker is listening on ${url}  (${config.mode} mode, ${platforms.length} platforms, each with its own database, keys and logboek)`,
    `  Which platforms: ${url}/   health of all: ${url}/healthz   probes: ${url}/livez ${url}/readyz${metricsUrl ? `   metrics: ${metricsUrl}` : ''}`,
  ];
  if (config.mode === 'demo') {
    lines.push(
      `  Commands that act on one platform take --platform <id>, and need JPP_PLATFORMS=${ids} (and the same DATA_DIR) in their terminal too.`,
      "  Each platform's key custodian runs in the broker's process for convenience only (demo).",
    );
  }
  platforms.forEach((p, i) => {
    const base = `${url}${p.basePath}`;
    const c = p.config;
    lines.push(
      '',
      `  ${p.broker.platform.name} (${p.id}): ${base}/   ${p.broker.engine === 'pglite' ? `embedded PGlite in ${c.dataDir}` : 'PostgreSQL'}`,
      `    Web interface: ${base}/   API documentation: ${base}/docs   OpenAPI: ${base}/openapi.json   health: ${base}/healthz`,
    );
    const mtls = mtlsUrls[i];
    if (mtls) {
      lines.push(`    Partner adapters (mTLS, client certificate of this platform's PKI required): ${mtls}   PKI: ${c.transport.pkiDir}`);
      if (config.mode === 'demo') lines.push(`    Issue a partner its certificate and signing key: npx jpp-broker pki issue --platform ${p.id} --partner halt`);
    }
    if (config.mode === 'demo') lines.push(`    Key custodian: ${base}/custodian/v1`, ...demoLines(base, c, p.id, '  ', ` --platform ${p.id}`));
  });
  if (config.mode === 'demo') lines.push('', '  The README has the whole tour, and a part on several platforms.');
  return `${lines.join('\n')}\n\n`;
}
