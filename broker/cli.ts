/**
 * The `jpp-broker` command line. A command's module is imported when the command runs, so that
 * a small command (`token`) does not load the whole broker (docs/performance.md, CLI start time).
 * bin/jpp-broker.js runs it through `main`; tests run commands in their own process through
 * `runCli`, and start the binary once per command to prove its wiring (docs/performance.md, Test suite).
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from './config/config.js';
import { commandEnv } from './config/platforms-config.js';

/**
 * A new program each time: some options take their defaults from the environment when the
 * command is built (e.g. `audit export --url` from JPP_BROKER_URL).
 */
export async function cliProgram(): Promise<Command> {
  const program = new Command()
    .name('jpp-broker')
    .description('Privacy-first hit/no-hit broker for youth-crime prevention partnerships.')
    .showHelpAfterError();

  program
    .command('start')
    .description('start the broker (configuration from environment variables; see docs/configuration.md)')
    .option('--demo', 'demo mode: seed a demo platform and generate secrets into DATA_DIR')
    .action(async (opts: { demo?: boolean }) => (await import('./commands/start.js')).startCommand(opts));

  program
    .command('token')
    .description('print a bearer token for a demo user or adapter (demo mode only)')
    .option('--user <id>', 'a seeded demo user, e.g. demo-voorzitter')
    .option('--adapter <partner>', 'a partner whose adapter the token is for, e.g. halt')
    .option('--ttl <seconds>', 'lifetime in seconds', '28800')
    .option('--platform <id>', 'with JPP_PLATFORMS: the platform the token is for')
    .action(async (opts: { user?: string; adapter?: string; ttl: string; platform?: string }) => {
      const { tokenCommand } = await import('./commands/token.js');
      process.stdout.write(`${await tokenCommand(opts)}\n`);
    });

  program.addCommand((await import('./commands/audit.js')).auditCommand());
  program.addCommand((await import('./commands/pki.js')).pkiCommand());
  program.addCommand((await import('./commands/pki.js')).partnerKeyCommand());
  program.addCommand((await import('./commands/policy.js')).policyCommand());
  program.addCommand((await import('./commands/register.js')).registerCommand());
  program.addCommand((await import('./commands/db.js')).dbCommand());
  for (const command of (await import('./commands/backup.js')).backupCommands()) program.addCommand(command);

  program
    .command('retention')
    .description('retention (docs/casus.md): removes what has passed its bewaartermijn')
    .command('run')
    .description('run retention once now and print what was removed (counts and time ranges)')
    .option('--demo', 'use the demo configuration (DATA_DIR of the demo)')
    .option('--platform <id>', 'with JPP_PLATFORMS: the platform to run it for')
    .action(async (opts: { demo?: boolean; platform?: string }) => {
      const { retentionRunCommand } = await import('./commands/retention.js');
      process.stdout.write(`${JSON.stringify(await retentionRunCommand(opts), null, 2)}\n`);
    });

  const custodian = program
    .command('custodian')
    .description('run the key custodian in its own process (configuration: docs/configuration.md)')
    .action(async () => (await import('./commands/custodian.js')).custodianStartCommand());
  const keyFileOption = ['--key-file <file>', 'the key file (default: $JPP_CUSTODIAN_KEY_FILE; with --platform the demo custodian\'s, DATA_DIR/<id>/custodian-keys.json)'] as const;
  const platformOption = ['--platform <id>', "with JPP_PLATFORMS: the platform whose demo custodian's key file to change"] as const;
  const keyFileOf = (opts: { keyFile?: string; platform?: string }): string => {
    if (opts.keyFile) return opts.keyFile;
    if (opts.platform) {
      // Each platform's demo custodian keeps its key file in the platform's DATA_DIR.
      return join(commandEnv(process.env, opts.platform)['DATA_DIR'] || './data', 'custodian-keys.json');
    }
    const file = process.env['JPP_CUSTODIAN_KEY_FILE'];
    if (!file) throw new Error('give --key-file or set JPP_CUSTODIAN_KEY_FILE');
    return file;
  };
  custodian
    .command('rotate')
    .description('add a new key epoch; earlier epochs stay active (the overlap window) until retired')
    .option(...keyFileOption)
    .option(...platformOption)
    .action(async (opts: { keyFile?: string; platform?: string }) => {
      const { custodianRotateCommand } = await import('./commands/custodian.js');
      process.stdout.write(`${custodianRotateCommand(keyFileOf(opts))}\n`);
    });
  custodian
    .command('retire')
    .description('retire a key epoch for good: it is never evaluated again')
    .argument('<epoch>', 'the epoch number')
    .option(...keyFileOption)
    .option(...platformOption)
    .action(async (epoch: string, opts: { keyFile?: string; platform?: string }) => {
      const { custodianRetireCommand } = await import('./commands/custodian.js');
      process.stdout.write(`${custodianRetireCommand(keyFileOf(opts), Number(epoch))}\n`);
    });

  return program;
}

/**
 * Runs one command line (`args` without node and the script) in this process. A command sets
 * `process.exitCode` (0, 1 usage, 2 refused or broken); a failure rejects, and `main` reports it.
 */
export async function runCli(args: readonly string[]): Promise<void> {
  await (await cliProgram()).parseAsync([...args], { from: 'user' });
}

/** What bin/jpp-broker.js runs: the process's arguments, and exit 1 with one line on failure. */
export async function main(): Promise<void> {
  await runCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`jpp-broker: ${cliFailure(err)}\n`);
    process.exit(1);
  });
}

/** The one line a failed command prints after `jpp-broker: `. */
export const cliFailure = (err: unknown): string => (err instanceof ConfigError || err instanceof Error ? err.message : String(err));
