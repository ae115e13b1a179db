/**
 * `jpp-broker start [--demo]`: parse config, build the broker, listen, print the banner.
 * Stops cleanly on SIGINT/SIGTERM, releasing the embedded database's lock.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config/config.js';
import { createBroker } from '../app/create-broker.js';
import { createLogger } from '../http/logger.js';
import { DEMO_PEOPLE, DEMO_SUBJECTS, demoPseudonym } from '../demo/demo-platform.js';

export async function startCommand(opts: { demo?: boolean }): Promise<void> {
  const env = { ...process.env, ...(opts.demo ? { JPP_MODE: 'demo' } : {}) };
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const broker = await createBroker(config, { logger });
  if (config.logboek.sequencer) broker.sequencer.start();
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
    process.stdout.write(banner(url, config.mode, broker.engine, config.dataDir));
  });
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'stopping');
    server.close(() => void broker.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function banner(url: string, mode: string, engine: string, dataDir: string): string {
  const lines = [
    '',
    `jpp-broker is listening on ${url}  (${mode} mode, ${engine === 'pglite' ? `embedded PGlite in ${dataDir}` : 'PostgreSQL'})`,
    `  API documentation: ${url}/docs   OpenAPI: ${url}/openapi.json   health: ${url}/healthz`,
  ];
  if (mode === 'demo') {
    lines.push(
      '',
      '  Log in with a token from the built-in development issuer (demo only), in another terminal:',
      '    TOKEN=$(npx jpp-broker token --user demo-voorzitter)',
      `  Demo users: ${DEMO_PEOPLE.map((p) => `${p.id} (${p.role})`).join(', ')}`,
      '  Adapter tokens: npx jpp-broker token --adapter <partner>, e.g. --adapter halt',
      '',
      '  Synthetic demo youths (pseudonyms; no person exists behind them):',
      ...DEMO_SUBJECTS.map((s) => `    ${s.label}  ${demoPseudonym(s.label)}  ${s.story}`),
      '',
      '  Ask: curl -s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\',
      `         -d '{"subject":"${demoPseudonym('jongere-a')}","doel":"jpp-screening","caseRef":"ZVH-2026-0001"}' ${url}/v1/queries`,
      '  The README has the whole tour.',
    );
  }
  return `${lines.join('\n')}\n\n`;
}
