/**
 * `jpp-broker retention run [--demo]`: one retention run on demand (docs/casus.md), with the
 * configuration the service uses. Prints the run's record (counts and time ranges) as JSON.
 * The run's logboek entry is placed in the tree and checkpointed before the command ends.
 *
 * The embedded database admits one process: run it against a stopped broker or PostgreSQL;
 * against a running broker, use POST /v1/retention/runs (or let its schedule do it).
 */
import { loadConfig } from '../config/config.js';
import { createBroker } from '../app/create-broker.js';
import { createLogger } from '../http/logger.js';
import type { RetentionRun } from '../retention/retention.service.js';

export async function retentionRunCommand(opts: { demo?: boolean }): Promise<RetentionRun> {
  const env = { ...process.env, ...(opts.demo ? { JPP_MODE: 'demo' } : {}), JPP_RETENTION_INTERVAL_SECONDS: '0' };
  const config = loadConfig(env);
  const broker = await createBroker(config, { logger: createLogger({ level: config.logLevel }) });
  try {
    const run = await broker.retention.run('cli');
    if (config.logboek.sequencer) await broker.sequencer.drain({ forceCheckpoint: true });
    return run;
  } finally {
    await broker.close();
  }
}
