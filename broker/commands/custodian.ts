/**
 * `jpp-broker custodian`: the key custodian in its own process, with its own key file and
 * port. The broker and adapters reach it by URL; its key never reaches the broker's
 * process or database. It shares the broker's PostgreSQL only to count usage and to write
 * its logboek entries (the broker's sequencer places them in the tree).
 *
 * `jpp-broker custodian rotate|retire` manage key epochs in the key file.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet } from 'jose';
import { loadCustodianConfig } from '../custodian/custodian-config.js';
import { ensureKeyFile, loadKeyStore, retireKey, rotateKey } from '../custodian/key-store.js';
import { createCustodianService } from '../custodian/custodian.service.js';
import { openDatabase } from '../db/database.js';
import { requireSchema } from '../db/migrate.js';
import { loadSodiumVoprfSuite } from '../../protocol/pseudonymisation/voprf-suite-sodium.js';
import { createLogger } from '../http/logger.js';
import { createBaseApp } from '../http/base-app.js';
import { buildCustodianOpenApiDocument } from '../http/openapi.js';
import { packagePath } from '../../protocol/package-root.js';
import { custodianRoutes } from '../http/routes/custodian.routes.js';
import { createTokenVerifier } from '../auth/token-verifier.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { activityOf, loadPlatform } from '../platform/platform.js';
import { createLogWriter } from '../logboek/log-writer.js';
import { createAccessGate } from '../access/access-gate.js';
import { createUnitOfWork } from '../unit-of-work/unit-of-work.js';
import { registerRoleOf } from '../register/person.repository.js';

export async function custodianStartCommand(): Promise<void> {
  const config = loadCustodianConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  const schemas = createSchemaRegistry();
  const platform = loadPlatform(config.platformFile, schemas);
  ensureKeyFile(config.keyFile, new Date());
  const keys = loadKeyStore(config.keyFile);
  const handle = await openDatabase(
    { kind: 'postgres', url: config.databaseUrl },
    { onPoolError: (err) => logger.warn({ err }, 'an idle database connection failed; the pool replaces it') },
  );
  // The broker owns the schema and migrates it; the custodian only checks it is there,
  // so its database role needs no DDL rights.
  await requireSchema(handle.db);
  // A token that names another platform is refused, as by that platform's broker: one custodian
  // (and key) per platform, even where one identity provider serves several.
  const verifyToken = createTokenVerifier({
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    keys: createRemoteJWKSet(new URL(config.jwt.jwksUrl)),
    platform: { id: platform.id, required: false },
    // A provider's own access token (forwarded by the web gateway) names no role: the register's decides.
    registerRoleOf: (sub) => registerRoleOf(handle.db, sub, new Date()),
  });
  const log = createLogWriter({ activityOf: (action) => activityOf(platform, action), schemas, onCommitted: () => undefined });
  const suite = await loadSodiumVoprfSuite();
  const now = (): Date => new Date();
  // The same access gate as the broker's: the person register in the shared database decides.
  const uow = createUnitOfWork({ db: handle.db, gate: createAccessGate({ platform, now }), log, now, policyInForce: () => undefined });
  const custodian = createCustodianService({ uow, platform, schemas, keys, quotas: config.quotas, suite });
  const { version } = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  const openapi = buildCustodianOpenApiDocument(schemas, version);
  const app = createBaseApp({ db: handle.db, logger }, (a) => {
    a.get('/openapi.json', (_req, res) => {
      res.json(openapi);
    });
    a.use('/v1', custodianRoutes(custodian, verifyToken));
  });
  const server = app.listen(config.port, config.host, (err?: Error) => {
    if (err) {
      process.stderr.write(`jpp-broker custodian: cannot listen on ${config.host}:${config.port}: ${err.message}\n`);
      void handle.close().finally(() => process.exit(1));
      return;
    }
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`jpp-broker custodian is listening on http://${config.host}:${port}  (key epochs: ${keys.epochs().map((e) => e.epoch).join(', ')}; current ${keys.current().epoch})\n`);
  });
  const stop = (): void => {
    server.close(() => void handle.close().then(() => process.exit(0)));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function custodianRotateCommand(keyFile: string): string {
  const epoch = rotateKey(keyFile, new Date());
  return `key epoch ${epoch} created; earlier epochs stay active until retired (restart the custodian to load it)`;
}

export function custodianRetireCommand(keyFile: string, epoch: number): string {
  retireKey(keyFile, epoch, new Date());
  return `key epoch ${epoch} retired; its secret is erased (restart the custodian to apply)`;
}
