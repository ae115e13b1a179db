/**
 * `jpp-broker retention run [--demo]`: one retention run on demand (docs/casus.md), with the
 * configuration the service uses. Prints the run's record (counts and time ranges) as JSON.
 * The run's logboek entry is placed in the tree and checkpointed before the command ends.
 *
 * The embedded database admits one process: run it against a stopped broker or PostgreSQL;
 * against a running broker, use POST /v1/retention/runs (or let its schedule do it).
 * With JPP_PLATFORMS, `--platform <id>` picks the platform: each has its own data and terms.
 */
import { loadPlatformConfig } from '../config/platforms-config.js';
import { createBroker } from '../app/create-broker.js';
import { createLogger } from '../http/logger.js';
import type { RetentionRun } from '../retention/retention.service.js';

export async function retentionRunCommand(opts: { demo?: boolean; platform?: string }): Promise<RetentionRun> {
  const env = { ...process.env, ...(opts.demo ? { JPP_MODE: 'demo' } : {}) };
  // This one run, and no schedule inside the command.
  const config = { ...loadPlatformConfig(env, opts.platform), retentionIntervalSeconds: 0 };
  const broker = await createBroker(config, { logger: createLogger({ level: config.logLevel }) });
  try {
    const run = await broker.retention.run('cli');
    if (config.logboek.sequencer) await broker.sequencer.drain({ forceCheckpoint: true });
    return run;
  } finally {
    await broker.close();
  }
}
