/**
 * `jpp-broker start [--demo]`: parse config, build the broker, listen, print the banner.
 * Stops cleanly on SIGINT/SIGTERM, releasing the embedded database's lock.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config/config.js';
import { createBroker } from '../app/create-broker.js';
import { createLogger } from '../http/logger.js';
import { DEMO_PEOPLE, DEMO_SUBJECTS } from '../demo/demo-platform.js';
import { loadDemoIdentities, type DemoIdentity } from '../demo/demo-identities.js';
import { initPki } from '../transport/dev-pki.js';
import { listenMtls } from '../transport/mtls-listener.js';
import type { Server as HttpsServer } from 'node:https';

export async function startCommand(opts: { demo?: boolean }): Promise<void> {
  const env = { ...process.env, ...(opts.demo ? { JPP_MODE: 'demo' } : {}) };
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const broker = await createBroker(config, { logger });
  if (config.logboek.sequencer) broker.sequencer.start();
  // The mTLS listener for partner adapters. The demo makes a development PKI on first start.
  let mtls: HttpsServer | undefined;
  let mtlsUrl: string | undefined;
  const t = config.transport;
  if (t.mtlsPort !== undefined) {
    if (config.mode === 'demo' && initPki(t.pkiDir)) logger.info('created a development PKI');
    try {
      mtls = await listenMtls(broker.app, { cert: t.tlsCert, key: t.tlsKey, ca: t.tlsCa, crl: t.tlsCrl }, t.mtlsPort, config.host);
    } catch (err) {
      logger.fatal({ err }, 'cannot start the mTLS listener');
      process.stderr.write(`jpp-broker: cannot start the mTLS listener for adapters on ${config.host}:${t.mtlsPort} (JPP_MTLS_PORT): ${(err as Error).message}\n`);
      await broker.close();
      process.exit(1);
    }
    const { port } = mtls.address() as AddressInfo;
    mtlsUrl = `https://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
    logger.info({ url: mtlsUrl }, 'mTLS listener for adapters');
  }
  const server = broker.app.listen(config.port, config.host, (err?: Error) => {
    // Express 5 hands a listen error (e.g. port in use) to this callback instead of throwing.
    if (err) {
      logger.fatal({ err }, 'cannot listen');
      process.stderr.write(`jpp-broker: cannot listen on ${config.host}:${config.port}: ${err.message}\n`);
      void broker.close().finally(() => process.exit(1));
      return;
    }
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${port}`;
    logger.info({ url, engine: broker.engine, mode: config.mode, policyVersion: broker.policy.active().versionId }, 'listening');
    const identities = config.mode === 'demo' ? loadDemoIdentities(config.dataDir, new Date()) : [];
    process.stdout.write(banner(url, config.mode, broker.engine, config.dataDir, identities, mtlsUrl, t.pkiDir));
  });
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'stopping');
    mtls?.close();
    server.close(() => void broker.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function describe(identity: DemoIdentity): string {
  return 'bsn' in identity
    ? `BSN ${identity.bsn}`
    : `surname "${identity.surname}", first name "${identity.firstName ?? ''}", born ${identity.birthDate}`;
}

function banner(url: string, mode: string, engine: string, dataDir: string, identities: readonly DemoIdentity[], mtlsUrl: string | undefined, pkiDir: string): string {
  const lines = [
    '',
    `jpp-broker is listening on ${url}  (${mode} mode, ${engine === 'pglite' ? `embedded PGlite in ${dataDir}` : 'PostgreSQL'})`,
    `  Web interface: ${url}/   API documentation: ${url}/docs   OpenAPI: ${url}/openapi.json   health: ${url}/healthz`,
  ];
  if (mtlsUrl) {
    lines.push(`  Partner adapters (mTLS, client certificate required): ${mtlsUrl}   PKI: ${pkiDir}`);
    if (mode === 'demo') lines.push('  Issue a partner its certificate and signing key: npx jpp-broker pki issue --partner halt');
  }
  if (mode === 'demo') {
    const a = identities.find((i) => i.label === 'jongere-a');
    lines.push(
      `  Key custodian: ${url}/custodian/v1. The demo runs it in the broker's process for convenience only;`,
      "  in production it is its own process ('jpp-broker custodian') and its key never reaches the broker.",
      '',
      `  In the browser: open ${url}/ and pick a demo user (voorzitter, jurist, privacy officer, ...).`,
      '',
      '  For the API, log in with a token from the built-in development issuer (demo only), in another terminal:',
      '    TOKEN=$(npx jpp-broker token --user demo-voorzitter)',
      `  Demo users: ${DEMO_PEOPLE.map((p) => `${p.id} (${p.role})`).join(', ')}`,
      '  Adapter tokens: npx jpp-broker token --adapter <partner>, e.g. --adapter halt',
      '',
      `  Synthetic demo youths, made up at random on first start (${dataDir}/demo-identities.json):`,
      ...DEMO_SUBJECTS.map((s) => {
        const identity = identities.find((i) => i.label === s.label);
        return `    ${s.label}  ${identity ? describe(identity) : '?'}  (${s.story})`;
      }),
      '',
      '  Ask about jongere-a: pseudonymise the typed BSN on your side (only blinded values reach the custodian,',
      '  only the pseudonym reaches the broker), then ask:',
      `    A=$(npx jpp-adapter pseudonymise --token "$TOKEN" --custodian ${url}/custodian/v1 --doel jpp-screening --bsn ${a && 'bsn' in a ? a.bsn : '<BSN>'})`,
      '    curl -s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\',
      `         -d '{"subject":"'$A'","doel":"jpp-screening","caseRef":"ZVH-DEMO-0002"}' ${url}/v1/queries`,
      '  (ZVH-DEMO-0002 is the seeded casus of jongere-a, in screening: the broker answers only for a subject of a casus.)',
      '  The README has the whole tour.',
    );
  }
  return `${lines.join('\n')}\n\n`;
}
