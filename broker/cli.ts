/** The `jpp-broker` command line. */
import { Command } from 'commander';
import { ConfigError } from './config/config.js';
import { startCommand } from './commands/start.js';
import { tokenCommand } from './commands/token.js';

const program = new Command()
  .name('jpp-broker')
  .description('Privacy-first hit/no-hit broker for youth-crime prevention partnerships.')
  .showHelpAfterError();

program
  .command('start')
  .description('start the broker (configuration from environment variables; see docs/configuration.md)')
  .option('--demo', 'demo mode: seed a demo platform and generate secrets into DATA_DIR')
  .action(async (opts: { demo?: boolean }) => startCommand(opts));

program
  .command('token')
  .description('print a bearer token for a demo user or adapter (demo mode only)')
  .option('--user <id>', 'a seeded demo user, e.g. demo-voorzitter')
  .option('--adapter <partner>', 'a partner whose adapter the token is for, e.g. halt')
  .option('--ttl <seconds>', 'lifetime in seconds', '28800')
  .action(async (opts: { user?: string; adapter?: string; ttl: string }) => {
    process.stdout.write(`${await tokenCommand(opts)}\n`);
  });

program.parseAsync().catch((err: unknown) => {
  const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`jpp-broker: ${message}\n`);
  process.exit(1);
});
