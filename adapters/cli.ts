/**
 * The `jpp-adapter` command line, run at a partner. For now it submits prepared batches
 * of minimal signals and withdraws signals; reading partner exports is built on top of it.
 * The token is read from JPP_ADAPTER_TOKEN (or --token), so that it stays out of shell
 * history and process lists where possible.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { BrokerRefusal, submitBatch, withdrawSignal, type BrokerClientOptions } from './broker-client.js';

interface GlobalOptions {
  broker: string;
  token?: string;
}

const program = new Command()
  .name('jpp-adapter')
  .description('Partner-side adapter for jpp-broker: sends minimal, pseudonymised signals.')
  .option('--broker <url>', 'the broker URL', process.env['JPP_BROKER_URL'] ?? 'http://127.0.0.1:8080')
  .option('--token <jwt>', "the adapter's bearer token (default: $JPP_ADAPTER_TOKEN)")
  .showHelpAfterError();

function client(): BrokerClientOptions {
  const opts = program.opts<GlobalOptions>();
  const token = opts.token ?? process.env['JPP_ADAPTER_TOKEN'];
  if (!token) throw new Error('no token: set JPP_ADAPTER_TOKEN or pass --token');
  return { baseUrl: opts.broker, token };
}

program
  .command('submit')
  .description('submit a batch file: JSON {"batchId": ..., "signals": [...]} (see schemas/signal-batch.schema.json)')
  .argument('<file>', 'the batch file')
  .action(async (file: string) => {
    const batch = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const r = await submitBatch(client(), batch);
    process.stdout.write(
      `batch ${r.batchId}${r.replayed ? ' (already received; stored result)' : ''}: ` +
        `${r.accepted} accepted, ${r.duplicate} duplicate, ${r.rejected} rejected\n`,
    );
    for (const x of r.rejections) process.stdout.write(`  rejected ${x.pointer}: ${x.reason}\n`);
  });

program
  .command('withdraw')
  .description("withdraw one of this partner's signals by its ref")
  .argument('<ref>', 'the opaque ref the signal was sent with')
  .action(async (ref: string) => {
    await withdrawSignal(client(), ref);
    process.stdout.write('withdrawn\n');
  });

program.parseAsync().catch((err: unknown) => {
  const message = err instanceof BrokerRefusal || err instanceof Error ? err.message : String(err);
  process.stderr.write(`jpp-adapter: ${message}\n`);
  process.exit(err instanceof BrokerRefusal ? 3 : 1);
});
