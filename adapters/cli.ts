/**
 * The `jpp-adapter` command line, run at a partner: `import` (the nightly job: export +
 * mapping → signed, pseudonymised signals over mTLS), `examples` (synthetic exports and
 * mappings), the single steps `submit`, `withdraw`, `pseudonymise`, and the tasks of
 * verzoeken van betrokkenen: `verzoektaken`, `verzoektaak-answer`.
 * The token is read from JPP_ADAPTER_TOKEN (or --token), so that it stays out of shell
 * history and process lists where possible.
 *
 * Invariants: nothing printed holds an identity or a pseudonym (except `pseudonymise`,
 * whose purpose is to print one pseudonym to the user who typed the identity). Rejected
 * rows are reported by line number, column and reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { packagePath } from '../protocol/package-root.js';
import { answerVerzoekTaak, BrokerRefusal, listVerzoekTaken, submitBatch, tlsFromDir, withdrawSignal, type BrokerClientOptions, type TaakAnswer } from './broker-client.js';
import { loadMapping, MappingError } from './import/mapping.js';
import { runImport, type ImportProgress, type ImportReport } from './import/run-import.js';
import { loadBatchSigner } from './transport/sign-batch.js';
import { loadSodiumVoprfSuite } from '../protocol/pseudonymisation/voprf-suite-sodium.js';
import { generateExamples } from './examples/generate-examples.js';
import { fetchCustodianKeys, pseudonymise } from '../protocol/pseudonymisation/custodian-client.js';
import type { IdentityInput } from '../protocol/pseudonymisation/normalise-identity.js';

/**
 * The custodian a command reaches when --custodian is not given: $JPP_CUSTODIAN_URL, else the
 * demo custodian beside the broker of $JPP_BROKER_URL, else the demo's default port.
 */
function defaultCustodianUrl(): string {
  const broker = process.env['JPP_BROKER_URL'];
  return process.env['JPP_CUSTODIAN_URL'] ?? `${(broker ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')}/custodian/v1`;
}

interface GlobalOptions {
  broker: string;
  token?: string;
}

const program = new Command()
  .name('jpp-adapter')
  .description('Partner-side adapter for jpp-broker: sends minimal, pseudonymised signals.')
  .option('--broker <url>', 'the broker URL (default: $JPP_BROKER_URL, else http://127.0.0.1:8080)', process.env['JPP_BROKER_URL'] ?? 'http://127.0.0.1:8080')
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
  .command('verzoektaken')
  .description("this partner's tasks from verzoeken van betrokkenen (rectificatie, wissing): type, deadline and this partner's own refs")
  .option('--all', 'answered tasks too')
  .action(async (o: { all?: boolean }) => {
    const taken = await listVerzoekTaken(client(), o.all ? 'all' : 'open');
    if (taken.length === 0) process.stdout.write('no tasks\n');
    for (const t of taken) {
      process.stdout.write(`${t.taakId} ${t.type} ${t.status}, deadline ${t.deadline}: ${t.refs.join(', ')}${t.reason ? ` (reason: ${t.reason})` : ''}\n`);
    }
  });

program
  .command('verzoektaak-answer')
  .description('answer a task: withdrawn (erase the signals; never send them again), refused (with --reason), or corrected (with --corrections <file>: JSON [{"ref", "category"?, "registeredAt"?, "expiresAt"?}])')
  .argument('<taakId>', 'the task')
  .argument('<outcome>', 'withdrawn, refused or corrected')
  .option('--reason <text>', 'why the partner refuses (no names or numbers of people)')
  .option('--corrections <file>', 'the corrections, for a rectificatie')
  .action(async (taakId: string, outcome: string, o: { reason?: string; corrections?: string }) => {
    const answer: TaakAnswer =
      outcome === 'withdrawn' ? { outcome }
      : outcome === 'refused' ? { outcome, reason: o.reason ?? '' }
      : outcome === 'corrected' ? { outcome, corrections: JSON.parse(readFileSync(o.corrections ?? '', 'utf8')) as Extract<TaakAnswer, { outcome: 'corrected' }>['corrections'] }
      : (() => {
          throw new Error('the outcome is withdrawn, refused or corrected');
        })();
    const t = await answerVerzoekTaak(client(), taakId, answer);
    process.stdout.write(`${t.taakId}: ${t.status}\n`);
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
  .option('--custodian <url>', 'the custodian API (default: $JPP_CUSTODIAN_URL, else $JPP_BROKER_URL/custodian/v1)', defaultCustodianUrl())
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

interface ImportCliOptions {
  mapping: string;
  export: string;
  mode: string;
  stateDir?: string;
  bundle?: string;
  signingKey?: string;
  unsigned?: boolean;
  custodian: string;
  batchSize: string;
  threads: string;
  dryRun?: boolean;
  today?: string;
}

function progressLine(p: Readonly<ImportProgress>): string {
  return `read ${p.read} · sent ${p.sent} · skipped ${p.skipped} · rejected ${p.rejected} · withdrawn ${p.withdrawn}`;
}

function summary(partner: string, r: ImportReport): string {
  const lines = [
    `${partner}: ${r.dryRun ? 'dry run (nothing sent)' : `${r.mode} run ${r.runId}${r.resumed ? ' (resumed)' : ''}, key epoch ${r.epoch}`}`,
    `  read ${r.read}, ${r.dryRun ? 'would send' : 'sent'} ${r.dryRun ? Object.values(r.categories).reduce((a, b) => a + b, 0) : r.sent}, ` +
      `unchanged ${r.unchanged}, replaced ${r.replaced}, duplicate ${r.duplicate}, ` +
      `skipped ${r.skipped} (outside doelgroep ${r.skippedBy.outsideDoelgroep}, unmapped code ${r.skippedBy.unmappedCode}, expired ${r.skippedBy.expired}, erased on a verzoek ${r.skippedBy.erased}), ` +
      `rejected ${r.rejected}, ${r.dryRun ? `would withdraw ${r.toWithdraw}` : `withdrawn ${r.withdrawn}`}`,
    `  categories: ${Object.entries(r.categories).map(([c, n]) => `${c} ${n}`).join(', ') || '(none)'}`,
  ];
  if (r.skippedBy.erased > 0) {
    lines.push(`  ${r.skippedBy.erased} record(s) not sent: erased at the broker at the data subject's request (AVG art. 17); remove them from the export`);
  }
  if (r.openTaken) lines.push(`  ${r.openTaken} verzoek task(s) wait for this partner's answer: run 'jpp-adapter verzoektaken'`);
  if (r.rejections.length > 0) {
    lines.push('  rejected rows:');
    for (const x of r.rejections.slice(0, 50)) lines.push(`    line ${x.line}, ${x.field}: ${x.reason}`);
    if (r.rejections.length > 50) lines.push(`    ... and ${r.rejections.length - 50} more`);
  }
  return `${lines.join('\n')}\n`;
}

program
  .command('import')
  .description("the nightly import: read an export with a mapping, pseudonymise, sign and send the signals (and, in snapshot mode, withdraw what the export no longer holds)")
  .requiredOption('--mapping <file>', 'the mapping file (schemas/adapter-mapping.schema.json)')
  .requiredOption('--export <file>', 'the export: CSV or JSON lines, as the mapping says')
  .option('--mode <mode>', 'delta (send new and changed records) or snapshot (also withdraw records no longer in the export)', 'delta')
  .option('--state-dir <dir>', 'where the journal and state live (default: $JPP_ADAPTER_STATE/<partner>, else ./jpp-adapter-state/<partner>)')
  .option('--bundle <dir>', "the partner's bundle from 'jpp-broker pki issue': client certificate and key, CA, signing key")
  .option('--signing-key <file>', 'the private JWK that signs batches (default: signing-key.jwk.json in the bundle)')
  .option('--unsigned', 'send unsigned JSON batches (a demo broker only)')
  .option('--custodian <url>', 'the key custodian API (default: $JPP_CUSTODIAN_URL, else $JPP_BROKER_URL/custodian/v1)', defaultCustodianUrl())
  .option('--batch-size <n>', 'signals per batch (at most 1000)', '500')
  .option('--threads <n>', 'worker threads that pseudonymise (0: in the main thread)', String(Math.min(4, availableParallelism())))
  .option('--dry-run', 'read and map only: counts and categories, nothing pseudonymised or sent')
  .option('--today <yyyy-mm-dd>', 'the day of the import (default: today)')
  .action(async (o: ImportCliOptions) => {
    if (o.mode !== 'delta' && o.mode !== 'snapshot') throw new Error('--mode must be delta or snapshot');
    const threads = Number(o.threads);
    if (!Number.isInteger(threads) || threads < 0 || threads > 64) throw new Error('--threads must be a whole number from 0 to 64');
    const mapping = loadMapping(o.mapping);
    const stateDir = o.stateDir ?? join(process.env['JPP_ADAPTER_STATE'] ?? 'jpp-adapter-state', mapping.partner);
    const tty = process.stderr.isTTY;
    const onProgress = (p: Readonly<ImportProgress>): void => {
      if (tty) process.stderr.write(`\r${progressLine(p)}\x1b[K`);
    };
    let report: ImportReport;
    if (o.dryRun) {
      report = await runImport({
        mapping, exportFile: o.export, mode: o.mode, stateDir, dryRun: true, onProgress,
        broker: { baseUrl: program.opts<GlobalOptions>().broker, token: '' },
        custodian: { baseUrl: o.custodian, token: '' },
        ...(o.today ? { today: o.today } : {}),
      });
    } else {
      const token = client().token;
      const signingKey = o.signingKey ?? (o.bundle ? join(o.bundle, 'signing-key.jwk.json') : undefined);
      if (!signingKey && !o.unsigned) throw new Error('give --bundle or --signing-key (or --unsigned, for a demo broker only)');
      report = await runImport({
        mapping, exportFile: o.export, mode: o.mode, stateDir, onProgress,
        broker: { baseUrl: program.opts<GlobalOptions>().broker, token, ...(o.bundle ? { tls: tlsFromDir(o.bundle) } : {}) },
        custodian: { baseUrl: o.custodian, token, suite: await loadSodiumVoprfSuite() },
        ...(signingKey && !o.unsigned ? { signer: await loadBatchSigner(signingKey) } : {}),
        batchSize: Number(o.batchSize),
        pseudonymiseThreads: threads,
        ...(o.today ? { today: o.today } : {}),
      });
    }
    if (tty) process.stderr.write('\n');
    process.stdout.write(summary(mapping.partner, report));
    // A nightly job's monitoring should notice rejected rows: exit 2 (the rest was sent).
    if (report.rejected > 0) process.exitCode = 2;
  });

program
  .command('examples')
  .description('write synthetic example exports and mapping files for every partner of the platform (never real data)')
  .requiredOption('--out <dir>', 'the folder to write to, e.g. data/exports')
  .option('--rows <n>', 'records per export', '200')
  .option('--platform <file>', 'the platform file', process.env['JPP_PLATFORM_FILE'] ?? packagePath('policies', 'jpp-sittard-geleen.platform.json'))
  .option('--demo-identities <file>', "a demo broker's synthetic identities, included where the demo's story puts them", join(process.env['DATA_DIR'] ?? 'data', 'demo-identities.json'))
  .action((o: { out: string; rows: string; platform: string; demoIdentities: string }) => {
    const platform = JSON.parse(readFileSync(o.platform, 'utf8')) as { partners: Array<{ id: string; categories: string[] }>; doelgroep?: { minAge?: number; maxAge: number } };
    const result = generateExamples({
      out: resolve(o.out),
      partners: platform.partners,
      doelgroep: platform.doelgroep ?? { minAge: 0, maxAge: 27 },
      rows: Number(o.rows),
      ...(existsSync(o.demoIdentities) ? { demoIdentitiesFile: o.demoIdentities } : {}),
    });
    process.stdout.write(`wrote ${result.files.length} files for ${platform.partners.length} partners to ${resolve(o.out)}\n`);
  });

program.parseAsync().catch((err: unknown) => {
  const message = err instanceof BrokerRefusal || err instanceof MappingError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`jpp-adapter: ${message}\n`);
  process.exit(err instanceof BrokerRefusal ? 3 : err instanceof MappingError ? 4 : 1);
});
