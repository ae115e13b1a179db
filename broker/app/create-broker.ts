/**
 * The composition root: the one place where config, database, policy, services and
 * HTTP are wired together. No container, no singletons: tests build their own broker
 * with their own database and clock.
 *
 * One broker serves one platform. A process that serves several builds one broker per
 * platform (create-platforms.ts), each from its own config: nothing is shared between them.
 */
import type { Express } from 'express';
import type { Kysely, LogEvent } from 'kysely';
import { createRemoteJWKSet } from 'jose';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/config.js';
import { loadDemoSecrets } from '../config/demo-secrets.js';
import { openDatabase, type Database, type DatabaseTarget } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { canDisableGuards, describeDatabaseRole, RUNTIME_ROLE } from '../db/database-role.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { packagePath } from '../../protocol/package-root.js';
import { activityOf, loadPlatform, type Platform } from '../platform/platform.js';
import { verwerkingsregister } from '../platform/verwerkingsregister.js';
import { syncPlatform } from '../platform/platform.repository.js';
import { createPolicyService, type PolicyService } from '../policy/policy.service.js';
import { listenForPolicyChanges, type PolicyListener } from '../policy/policy-listener.js';
import { createPolicyLifecycleService } from '../policy/policy-lifecycle.service.js';
import { createSubjectHasher } from '../subjects/subject-hash.js';
import { createTokenVerifier } from '../auth/token-verifier.js';
import { createDevIssuer, type DevIssuer } from '../auth/dev-issuer.js';
import { createSignalService } from '../signals/signal.service.js';
import { createQueryService } from '../queries/query.service.js';
import { createRateLimiter } from '../rate-limit/rate-limiter.js';
import { createDisclosureService } from '../disclosures/disclosure.service.js';
import { createCasusService } from '../casus/casus.service.js';
import { createCasusoverlegService } from '../casusoverleg/casusoverleg.service.js';
import { seedDemoCasusoverleg } from '../demo/seed-demo-casusoverleg.js';
import { createRightsService } from '../rights/rights.service.js';
import { createMonitoringService } from '../monitoring/monitoring.service.js';
import { createRetentionService, scheduleRetention, type RetentionService } from '../retention/retention.service.js';
import { seedDemo } from '../demo/seed-demo.js';
import { loadDemoIdentities } from '../demo/demo-identities.js';
import { pseudonymiseLocally } from '../custodian/local-pseudonymiser.js';
import { loadSodiumVoprfSuite } from '../../protocol/pseudonymisation/voprf-suite-sodium.js';
import { createLogSigner } from '../logboek/log-signer.js';
import { createSequencer, LogboekDamagedError, type Sequencer } from '../logboek/sequencer.js';
import { readTransactionCounter } from '../logboek/transaction-counter.repository.js';
import { behindTheLog } from '../logboek/transaction-counter-fns.js';
import { createWitnessPusher, type WitnessPusher } from '../logboek/witness-pusher.js';
import { createLogWriter } from '../logboek/log-writer.js';
import { createLogboekReadService } from '../logboek/logboek-read.service.js';
import { ensureKeyFile, loadKeyStore } from '../custodian/key-store.js';
import { createCustodianService } from '../custodian/custodian.service.js';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../http/openapi.js';
import { createHttpApp } from '../http/http-app.js';
import { checkHealth } from '../http/base-app.js';
import { createBatchSignatureVerifier } from '../transport/batch-signature.js';
import { clientCertificate, createRevocationList } from '../transport/client-certificate.js';
import { webRoutes } from '../web/web-app.js';
import { inProcessCustodian, remoteCustodian } from '../web/web-custodian.js';
import { demoPlatformOf } from '../demo/demo-platforms.js';
import { createAccessGate, type AccessGate } from '../access/access-gate.js';
import { createUnitOfWork, type UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { createPeopleService, type PeopleService, type PersonToRegister } from '../register/people.service.js';
import { createOrganisationsService, type OrganisationsService } from '../register/organisations.service.js';
import { createAdaptersService, type AdaptersService } from '../register/adapters.service.js';
import { bootstrapRegister } from '../register/register-bootstrap.js';
import { registerRoleOf } from '../register/person.repository.js';
import type { PersonView } from '../register/register-types.js';
import type { Tracer } from '@opentelemetry/api';
import type { Lifecycle } from '../http/lifecycle.js';
import type { BrokerMetrics, Metrics } from '../telemetry/metrics.js';
import { logboekState } from '../telemetry/telemetry.repository.js';
import { countAnswers, countEvaluations, countRetentionRuns } from '../telemetry/service-metrics.js';

export const MODEL_FILE = packagePath('policies', 'model.conf');
export const VERSION = '0.1.0';

export interface Broker {
  readonly app: Express;
  readonly db: Kysely<Database>;
  readonly engine: 'postgres' | 'pglite';
  readonly platform: Platform;
  readonly policy: PolicyService;
  /** The development issuer (demo mode only). */
  readonly devIssuer: DevIssuer | undefined;
  /** Places logged entries in the Merkle tree and writes checkpoints. */
  readonly sequencer: Sequencer;
  /** Pushes new checkpoints to the configured witnesses; `witnessLag()` is for /readyz and metrics. */
  readonly witnesses: WitnessPusher;
  /** Retention (docs/casus.md): also run on a schedule inside the service. */
  readonly retention: RetentionService;
  /** The access gate every route, page and command goes through (broker/access). */
  readonly gate: AccessGate;
  /** The unit of work every service acts in (broker/unit-of-work). */
  readonly uow: UnitOfWork;
  /** The register of people, organisations and adapters (docs/register.md), as the API and the command line use it. */
  readonly register: {
    readonly people: PeopleService;
    readonly organisations: OrganisationsService;
    readonly adapters: AdaptersService;
    /** Registers the first beheerders of an empty register (refused once it has one). */
    bootstrap(people: readonly PersonToRegister[], traceId: string): Promise<PersonView[]>;
  };
  /** The health check of /healthz: throws an `unavailable` AppError saying what is wrong. */
  health(): Promise<void>;
  /** Stops the retention schedule and the sequencer, then closes the database. */
  close(): Promise<void>;
}

export interface BrokerOptions {
  readonly logger: Logger;
  /** Where the data lives; defaults to what the config says. */
  readonly database?: DatabaseTarget;
  readonly now?: () => Date;
  /** Kysely's query log (tests). */
  readonly queryLog?: (event: LogEvent) => void;
  /** The process's lifecycle (drain on SIGTERM, /readyz); one per process. */
  readonly lifecycle?: Lifecycle;
  /** The process's metrics registry; this broker's series carry its platform id. */
  readonly metrics?: Metrics;
  /** The process's tracer, when tracing is on. */
  readonly tracer?: Tracer;
}

export function databaseTargetOf(config: BrokerConfig): DatabaseTarget {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize } : { kind: 'pglite', dataDir: config.dataDir };
}

export async function createBroker(config: BrokerConfig, options: BrokerOptions): Promise<Broker> {
  const now = options.now ?? (() => new Date());
  const schemas = createSchemaRegistry();
  const querySchemas = createSchemaRegistry({ coerceTypes: true });
  const platform = loadPlatform(config.platformFile, schemas);
  const handle = await openDatabase(options.database ?? databaseTargetOf(config), {
    ...(options.queryLog ? { log: options.queryLog } : {}),
    onPoolError: (err) => options.logger.warn({ err }, 'a database connection failed; the pool replaces it'),
    onLockTakeover: (owner) => options.logger.warn({ owner: owner.pid }, 'took over the embedded database from a process that died without releasing it'),
  });
  let policyListener: PolicyListener | undefined;
  try {
    const { db } = handle;
    await migrateToLatest(db);
    // A logical restore into another cluster can leave its transaction counter behind the log's
    // entries; the sequencer could then never place a new entry (transaction-counter-fns.ts).
    const behind = behindTheLog(await readTransactionCounter(db));
    if (behind !== undefined) throw new LogboekDamagedError(behind);
    if (handle.engine === 'postgres' && config.mode === 'production') await warnIfOwner(db, options.logger);
    await syncPlatform(db, platform);
    const hashSubject = createSubjectHasher(config.subjectKey);
    const origin = config.logboek.origin ?? `jpp-broker/${platform.id}`;
    const signer = await createLogSigner({
      origin,
      signingJwk: config.logboek.signingJwk as import('jose').JWK,
      previousSigningJwk: config.logboek.previousSigningJwk as import('jose').JWK | undefined,
    });
    const witnesses = createWitnessPusher({
      db,
      witnesses: config.logboek.witnesses,
      quorum: config.logboek.witnessQuorum,
      maxLagSeconds: config.logboek.witnessMaxLagSeconds,
      now,
      logger: options.logger,
    });
    const sequencer = createSequencer({
      db,
      signer,
      checkpointEveryEntries: config.logboek.checkpointEveryEntries,
      checkpointEverySeconds: config.logboek.checkpointEverySeconds,
      now,
      logger: options.logger,
      onCheckpoint: () => witnesses.kick(),
    });
    const log = createLogWriter({
      activityOf: (action) => activityOf(platform, action),
      schemas,
      onCommitted: config.logboek.sequencer ? () => sequencer.kick() : () => undefined,
    });
    const policy = await createPolicyService({ db, platform, modelFile: MODEL_FILE, log, now });
    const gate = createAccessGate({ platform, now });
    const uow = createUnitOfWork({
      db,
      gate,
      log,
      now,
      policyInForce: () => {
        const active = policy.active();
        return { version: active.versionId, hash: active.contentHash };
      },
    });
    const people = createPeopleService({ uow, platform, schemas, querySchemas });
    const organisations = createOrganisationsService({ uow, platform, schemas });
    const adapters = createAdaptersService({ uow, platform, schemas });
    const metrics = options.metrics?.forPlatform(platform.id, {
      logboek: () => logboekState(db),
      ...(handle.pool ? { pool: handle.pool } : {}),
      ...(config.logboek.witnesses.length > 0 ? { witnessLag: () => witnesses.witnessLag() } : {}),
      now,
    });
    /** A service with its counters (telemetry/service-metrics.ts), or as it is without metrics. */
    const counted = <S>(service: S, wrap: (s: S, m: BrokerMetrics) => S): S => (metrics ? wrap(service, metrics) : service);
    // Other processes on the same PostgreSQL database announce activations (NOTIFY jpp_policy).
    const target = options.database ?? databaseTargetOf(config);
    policyListener = target.kind === 'postgres' ? await listenForPolicyChanges(target.url, () => policy.reload(), options.logger) : undefined;

    let devIssuer: DevIssuer | undefined;
    let verifyToken;
    let custodian;
    // A token names its platform; beside other platforms it must (token-verifier.ts).
    const platformClaim = { id: platform.id, required: config.requirePlatformClaim };
    const demo = config.mode === 'demo' ? demoPlatformOf(platform.id) : undefined;
    if (config.mode === 'demo') {
      // The demo runs the key custodian in this process, for convenience only; in
      // production it is `jpp-broker custodian`, with its own key file, port and process.
      const keyFile = join(config.dataDir, 'custodian-keys.json');
      ensureKeyFile(keyFile, now());
      const keys = loadKeyStore(keyFile);
      const suite = await loadSodiumVoprfSuite();
      custodian = counted(createCustodianService({ uow, platform, schemas, keys, quotas: config.quotas, suite }), countEvaluations);
      if (demo) {
        await seedDemo({
          db,
          hashSubject,
          identities: loadDemoIdentities(config.dataDir, now(), demo.subjects),
          pseudonymise: (identities) => pseudonymiseLocally(keys, identities),
          now,
          demo,
          register: { uow, platform, people, adapters },
        });
      } else {
        options.logger.warn({ platform: platform.id }, 'no demo is defined for this platform: nothing is seeded and no demo user can log in');
      }
      devIssuer = await createDevIssuer(loadDemoSecrets(config.dataDir).issuerPrivateJwk, config.requirePlatformClaim ? platform.id : undefined);
      verifyToken = createTokenVerifier({ issuer: config.jwt.issuer, audience: config.jwt.audience, keys: devIssuer.keys, platform: platformClaim, registerRoleOf: (sub) => registerRoleOf(db, sub, now()) });
    } else {
      const keys = createRemoteJWKSet(new URL(config.jwt.jwksUrl!));
      verifyToken = createTokenVerifier({ issuer: config.jwt.issuer, audience: config.jwt.audience, keys, platform: platformClaim, registerRoleOf: (sub) => registerRoleOf(db, sub, now()) });
    }

    const retention = counted(createRetentionService({ uow, platform, querySchemas }), countRetentionRuns);
    const partnerIds = new Set(platform.partners.map((p) => p.id));
    const signatures = createBatchSignatureVerifier({ db, registryFile: config.transport.registryFile, partners: partnerIds });
    await signatures.syncRegistry();
    const rateLimiter = createRateLimiter(platform.rateLimits);
    const queries = counted(createQueryService({ uow, platform, schemas, policy, hashSubject, rateLimiter }), countAnswers);
    const disclosures = createDisclosureService({ uow, querySchemas });
    const logboek = createLogboekReadService({ db, uow, publicJwk: signer.publicJwk, vkey: signer.vkey, origin });
    const policies = createPolicyLifecycleService({ db, platform, schemas, querySchemas, policy, log, uow, modelFile: MODEL_FILE, now });
    const cases = createCasusService({ uow, platform, schemas, querySchemas, hashSubject, rateLimiter });
    const casusoverleg = createCasusoverlegService({ uow, platform, schemas, policy });
    // The demo's casusoverleg goes through the service, so its invitations are decided and logged as in use.
    if (demo) await seedDemoCasusoverleg({ db, overleg: casusoverleg, demo, now });
    const rights = createRightsService({ uow, platform, schemas, querySchemas, hashSubject, requireMtls: config.transport.requireMtls });
    const monitoring = createMonitoringService({ uow, platform, querySchemas });
    const web = webRoutes({
      db,
      platform,
      config: config.web,
      now,
      queries,
      disclosures,
      logboek,
      custodian: custodian ? inProcessCustodian(custodian) : config.web.custodianUrl ? remoteCustodian(config.web.custodianUrl) : undefined,
      ...(config.mode === 'demo' ? { demoPeople: demo?.people ?? [] } : {}),
      gate,
      register: { people, organisations, adapters },
      policies,
      casus: cases,
      casusoverleg,
      rights,
      retention,
      monitoring,
      basePath: config.basePath,
      platformClaim,
    });
    const app = createHttpApp({
      db,
      logger: options.logger,
      verifyToken,
      signals: createSignalService({
        uow, platform, schemas, hashSubject, signatures,
        requireMtls: config.transport.requireMtls,
        requireSignature: config.transport.requireSignature,
      }),
      clientCertificates: clientCertificate({ isRevoked: createRevocationList(config.transport.revokedFile), partners: partnerIds }),
      queries,
      disclosures,
      logboek,
      policies,
      register: { people, organisations, adapters },
      web,
      cases,
      casusoverleg,
      rights,
      monitoring,
      retention,
      platformName: platform.name,
      verwerkingsregister: verwerkingsregister(platform),
      querySchemas,
      openapi: buildOpenApiDocument(schemas, VERSION, { basePath: config.basePath, custodianInProcess: custodian !== undefined, oidcIssuer: config.web.oidc?.issuer }),
      ...(custodian ? { custodian } : {}),
      problem: () => sequencer.damage() ?? policyProblem(policy),
      ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
      ...(metrics ? { metrics } : {}),
      ...(options.tracer ? { tracer: options.tracer } : {}),
      basePath: config.basePath,
    });
    // Entries left pending by a previous run (or another process) are placed now.
    if (config.logboek.sequencer) {
      sequencer.kick();
      witnesses.start();
    }
    const stopRetention = scheduleRetention(retention, config.retentionIntervalSeconds, options.logger);
    return {
      app,
      db,
      engine: handle.engine,
      platform,
      policy,
      devIssuer,
      sequencer,
      witnesses,
      retention,
      gate,
      uow,
      register: { people, organisations, adapters, bootstrap: (toRegister, traceId) => bootstrapRegister({ uow, platform, people }, toRegister, traceId) },
      health: () => checkHealth(db, () => sequencer.damage() ?? policyProblem(policy)),
      async close() {
        stopRetention();
        await policyListener?.close();
        await sequencer.stop();
        await witnesses.stop();
        await handle.close();
      },
    };
  } catch (err) {
    await policyListener?.close();
    await handle.close();
    throw err;
  }
}

/** Why no policy can decide (readiness), or undefined when the active version is loaded. */
function policyProblem(policy: PolicyService): string | undefined {
  try {
    policy.active();
    return undefined;
  } catch (err) {
    return `no policy version is loaded: ${(err as Error).message}`;
  }
}

/**
 * The broker should not connect as the owner of its tables or a superuser: such a role can
 * disable the triggers that keep the logboek append-only (issue 17 item 5, migration 0110).
 */
async function warnIfOwner(db: Kysely<Database>, logger: Logger): Promise<void> {
  const role = await describeDatabaseRole(db);
  if (canDisableGuards(role)) {
    logger.warn(
      { databaseRole: role.user, superuser: role.superuser },
      `the broker connects as the owner of its tables or a superuser, who can switch the logboek's guards off: run it as a member of ${RUNTIME_ROLE} (docs/operations.md, "Database roles")`,
    );
  }
}
