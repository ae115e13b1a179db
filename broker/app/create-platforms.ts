/**
 * A broker process that serves several platforms (docs/casus.md#several-platforms): one whole
 * broker per platform, each built by `createBroker` from the platform's own configuration
 * (platforms-config.ts), mounted at `/p/<platform>`; in front of them only `/` (which platforms
 * this process serves), `/healthz` and `/readyz` (all of them), `/livez` and the page assets.
 * The process's lifecycle (drain), metrics registry and tracer are the process's, shared.
 *
 * Invariants:
 * - Nothing is shared between platforms but the process: each broker has its own database
 *   connection, k_db, logboek (signing key, origin, sequencer), key custodian, token issuer or
 *   JWKS check with the platform's `platform` claim, session store and PKI. No service of one
 *   platform holds a reference to another's, so no request can reach another platform's data.
 * - A request under `/p/<platform>` is handled by that platform's broker alone; anything else
 *   outside the front's own routes is a 404 problem that names the platforms' paths.
 * - If one platform's broker cannot be built, the ones built so far are closed again.
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { DatabaseTarget } from '../db/database.js';
import type { BrokerConfig } from '../config/config.js';
import type { PlatformsConfig } from '../config/platforms-config.js';
import { AppError } from '../errors/app-error.js';
import { createBaseApp } from '../http/base-app.js';
import { platformsPage } from '../web/pages/platforms.page.js';
import { createBroker, type Broker, type BrokerOptions } from './create-broker.js';

export interface PlatformBroker {
  readonly id: string;
  /** `/p/<id>`. */
  readonly basePath: string;
  readonly config: BrokerConfig;
  readonly broker: Broker;
}

export interface PlatformsBroker {
  /** The process's HTTP app: the front, and every platform's broker under its path. */
  readonly app: Express;
  /** In the order of JPP_PLATFORMS. */
  readonly platforms: readonly PlatformBroker[];
  close(): Promise<void>;
}

export interface PlatformsOptions {
  readonly logger: Logger;
  /** Where each platform's data lives (tests); defaults to what its config says. */
  readonly databases?: Readonly<Record<string, DatabaseTarget>>;
  readonly now?: () => Date;
  /** Shared by every platform's broker: one process, one drain, one metrics registry, one tracer. */
  readonly lifecycle?: BrokerOptions['lifecycle'];
  readonly metrics?: BrokerOptions['metrics'];
  readonly tracer?: BrokerOptions['tracer'];
}

/** The platform label of the process's own routes (/, /healthz, /readyz) in the metrics. */
export const PROCESS_METRICS_LABEL = '(process)';

export async function createPlatforms(config: PlatformsConfig, options: PlatformsOptions): Promise<PlatformsBroker> {
  const platforms: PlatformBroker[] = [];
  const closeAll = async (): Promise<void> => {
    for (const p of [...platforms].reverse()) await p.broker.close();
  };
  try {
    for (const entry of config.platforms) {
      const database = options.databases?.[entry.id];
      const broker = await createBroker(entry.config, {
        logger: options.logger.child({ platform: entry.id }),
        ...(database ? { database } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
        ...(options.metrics ? { metrics: options.metrics } : {}),
        ...(options.tracer ? { tracer: options.tracer } : {}),
      });
      platforms.push({ id: entry.id, basePath: entry.basePath, config: entry.config, broker });
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  const paths = platforms.map((p) => `${p.basePath}/`).join(', ');
  const example = platforms[0]!;
  const front = createBaseApp(
    {
      logger: options.logger,
      ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
      ...(options.metrics ? { metrics: options.metrics.forPlatform(PROCESS_METRICS_LABEL) } : {}),
      ...(options.tracer ? { tracer: options.tracer } : {}),
      // Every platform must be healthy; the problem names the first that is not.
      async health() {
        for (const p of platforms) {
          try {
            await p.broker.health();
          } catch (err) {
            throw new AppError('unavailable', `platform ${p.id}: ${(err as Error).message}`, [], { cause: err });
          }
        }
        return { platforms: Object.fromEntries(platforms.map((p) => [p.id, 'ok'])) };
      },
    },
    (app) => {
      app.use(platformsPage(platforms.map((p) => ({ platform: p.broker.platform, basePath: p.basePath }))));
      app.use(() => {
        throw new AppError('not-found', `this broker serves several platforms, each under its own path (${paths}); the API of ${example.id}, for instance, is at ${example.basePath}/v1`);
      });
    },
  );
  const app = express();
  app.disable('x-powered-by');
  // Each platform's requests go to its own broker only (which logs them itself); the rest to the front.
  for (const p of platforms) app.use(p.basePath, p.broker.app);
  app.use(front);
  return { app, platforms, close: closeAll };
}
