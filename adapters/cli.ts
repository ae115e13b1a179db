/**
 * The `jpp-adapter` command line, run at a partner. For now it submits prepared batches
 * of minimal signals and withdraws signals; reading partner exports is built on top of it.
 * The token is read from JPP_ADAPTER_TOKEN (or --token), so that it stays out of shell
 * history and process lists where possible.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { BrokerRefusal, submitBatch, withdrawSignal, type BrokerClientOptions } from './broker-client.js';
import { fetchCustodianKeys, pseudonymise } from './pseudonymisation/custodian-client.js';
import type { IdentityInput } from './pseudonymisation/normalise-identity.js';

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

program
  .command('pseudonymise')
  .description('print the pseudonym of one identity, computed through the key custodian (the identity never leaves this machine)')
  .option('--bsn <bsn>', 'the BSN (11-proef checked)')
  .option('--surname <surname>', 'fallback key: surname (with --birth-date and --first-name)')
  .option('--tussenvoegsel <t>', 'fallback key: tussenvoegsel, if kept apart from the surname')
  .option('--birth-date <yyyy-mm-dd>', 'fallback key: birth date')
  .option('--first-name <name>', 'fallback key: first name (only its initial is used)')
  .option('--doel <doel>', 'the doel, when a person asks (e.g. jpp-screening)')
  .option('--epoch <n>', "the key epoch (default: the custodian's current one)")
  .option('--pin <key>', 'the public key you pinned for that epoch (base64url)')
  .option('--custodian <url>', 'the custodian API', process.env['JPP_CUSTODIAN_URL'] ?? 'http://127.0.0.1:8080/custodian/v1')
  .action(async (o: { bsn?: string; surname?: string; tussenvoegsel?: string; birthDate?: string; firstName?: string; doel?: string; epoch?: string; pin?: string; custodian: string }) => {
    const identity: IdentityInput = o.bsn
      ? { bsn: o.bsn }
      : { surname: o.surname ?? '', birthDate: o.birthDate ?? '', ...(o.firstName ? { firstName: o.firstName } : {}), ...(o.tussenvoegsel ? { tussenvoegsel: o.tussenvoegsel } : {}) };
    // A pin applies to the epoch used: the one asked for, or else the custodian's current one.
    const epoch = o.epoch === undefined ? (o.pin ? (await fetchCustodianKeys(o.custodian)).current : undefined) : Number(o.epoch);
    const result = await pseudonymise(
      { baseUrl: o.custodian, token: client().token, ...(o.pin && epoch !== undefined ? { pinned: { [epoch]: o.pin } } : {}) },
      [identity],
      { ...(epoch !== undefined ? { epoch } : {}), ...(o.doel ? { doel: o.doel } : {}) },
    );
    process.stdout.write(`${result.pseudonyms[0]}\n`);
    process.stderr.write(`epoch ${result.epoch}, verified against key ${result.publicKey}\n`);
  });

program.parseAsync().catch((err: unknown) => {
  const message = err instanceof BrokerRefusal || err instanceof Error ? err.message : String(err);
  process.stderr.write(`jpp-adapter: ${message}\n`);
  process.exit(err instanceof BrokerRefusal ? 3 : 1);
});
