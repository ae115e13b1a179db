/**
 * `jpp-broker policy lint|test|diff|simulate|import`: the policy lifecycle's steps for a
 * privacy officer at the command line (docs/policies.md). Lint, test, diff and simulate
 * take a CSV file (as in `policies/`) or a stored version number; import stores a file as
 * a new draft, as a registered privacy officer (`--as`), logged like the API does.
 *
 * Invariants:
 * - The logic is the lifecycle's own (broker/policy/); this file picks sources and prints.
 * - Exit codes: 0 fine, 2 lint errors or failing tests (or a denial, for simulate --expect),
 *   1 usage or I/O errors.
 * - The embedded database admits one process: for a version number or import, stop the
 *   broker or use PostgreSQL (DATABASE_URL); against a running broker, use the API.
 * - `--platform` takes a platform file or, with JPP_PLATFORMS, a platform id; either way a stored
 *   version is read from, and a draft imported into, that platform's own database.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import type { Kysely } from 'kysely';
import { openDatabase, type Database, type DatabaseHandle } from '../db/database.js';
import { requireSchema } from '../db/migrate.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { packageRoot } from '../../protocol/package-root.js';
import { activityOf, loadPlatform, roleHas, type Platform } from '../platform/platform.js';
import { createLogWriter } from '../logboek/log-writer.js';
import { findActivePerson } from '../register/person.repository.js';
import { createAccessGate } from '../access/access-gate.js';
import { createUnitOfWork } from '../unit-of-work/unit-of-work.js';
import { compilePolicyWith, createLinesAdapter, type CompiledPolicy } from '../policy/compiled-policy.js';
import { createKyselyAdapter } from '../policy/kysely-adapter.js';
import { linesFromText, splitLines, testsFromText, type PolicyLine, type PolicyTest } from '../policy/policy-content.js';
import { lintPolicy, lintTests, countFindings } from '../policy/policy-lint-fns.js';
import { describeResult, runPolicyTests } from '../policy/policy-tests-fns.js';
import { diffPolicies } from '../policy/policy-diff-fns.js';
import { exactImpact, type TupleChange } from '../policy/policy-impact-fns.js';
import { explain } from '../policy/policy-explain-fns.js';
import { findVersion, readLines } from '../policy/policy-version.repository.js';
import { createPolicyService } from '../policy/policy.service.js';
import { createPolicyLifecycleService } from '../policy/policy-lifecycle.service.js';
import { AppError } from '../errors/app-error.js';
import { commandEnv, servesSeveralPlatforms } from '../config/platforms-config.js';

const ROOT = packageRoot();
const MODEL_FILE = join(ROOT, 'policies/model.conf');

interface Io {
  out(line: string): void;
}
const stdio: Io = { out: (line) => process.stdout.write(`${line}\n`) };

/** A policy to work on: from a file, or a stored version. */
interface Source {
  readonly name: string;
  readonly modelText: string;
  readonly lines: PolicyLine[];
  readonly tests: PolicyTest[];
  compile(platform: Platform): Promise<CompiledPolicy>;
}

class Session {
  private handle: DatabaseHandle | undefined;
  constructor(
    readonly platform: Platform,
    /** The platform's environment: where its database is. */
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  async db(): Promise<Kysely<Database>> {
    if (!this.handle) {
      const url = this.env['DATABASE_URL'];
      const target = url ? { kind: 'postgres' as const, url } : { kind: 'pglite' as const, dataDir: resolve(this.env['DATA_DIR'] || './data') };
      this.handle = await openDatabase(target);
      await requireSchema(this.handle.db);
    }
    return this.handle.db;
  }

  async source(ref: string, testsFile?: string): Promise<Source> {
    if (/^\d+$/.test(ref)) {
      const db = await this.db();
      const v = await findVersion(db, Number(ref));
      if (!v) throw new Error(`there is no policy version ${ref}`);
      const lines = await readLines(db, v.id);
      return {
        name: `version ${v.id} (${v.state}, ${v.contentHash.slice(0, 19)}…)`,
        modelText: v.modelText,
        lines,
        tests: testsFile ? testsFromText(readFileSync(testsFile, 'utf8')) : v.tests,
        compile: (platform) => compilePolicyWith(v.modelText, createKyselyAdapter(db, v.id), platform),
      };
    }
    if (!existsSync(ref)) throw new Error(`${ref} is neither a file nor a version number`);
    const lines = linesFromText(readFileSync(ref, 'utf8'));
    const defaultTests = join(dirname(ref), 'tests', `${basename(ref, '.csv')}.decisions.csv`);
    const file = testsFile ?? (existsSync(defaultTests) ? defaultTests : undefined);
    const modelText = readFileSync(MODEL_FILE, 'utf8');
    return {
      name: ref,
      modelText,
      lines,
      tests: file ? testsFromText(readFileSync(file, 'utf8')) : [],
      compile: (platform) => compilePolicyWith(modelText, createLinesAdapter(lines), platform),
    };
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}

async function withSession<T>(opts: { platform?: string }, fn: (s: Session) => Promise<T>): Promise<T> {
  const session = openSession(opts.platform);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** The platform named by `--platform` (a file, or an id of JPP_PLATFORMS), and where its database is. */
function openSession(option: string | undefined): Session {
  const schemas = createSchemaRegistry();
  if (option !== undefined && !existsSync(option) && /^[a-z][a-z0-9-]*$/.test(option)) {
    const env = commandEnv(process.env, option);
    return new Session(loadPlatform(resolve(env['JPP_PLATFORM_FILE'] || join(ROOT, 'policies/jpp-sittard-geleen.platform.json')), schemas), env);
  }
  const platform = loadPlatform(resolve(option ?? (process.env['JPP_PLATFORM_FILE'] || join(ROOT, 'policies/jpp-sittard-geleen.platform.json'))), schemas);
  return new Session(platform, servesSeveralPlatforms(process.env) ? commandEnv(process.env, platform.id) : process.env);
}

export async function policyLint(ref: string, opts: { platform?: string }, io: Io = stdio): Promise<number> {
  return withSession(opts, async (s) => {
    const src = await s.source(ref);
    const findings = [...(await lintPolicy(src.modelText, src.lines, s.platform)), ...lintTests(src.tests, splitLines(src.lines).rules, s.platform)];
    for (const f of findings) io.out(`${f.severity.padEnd(7)} ${f.code.padEnd(24)} ${(f.rule ?? '-').padEnd(10)} ${f.message}`);
    const c = countFindings(findings);
    io.out(`${src.name}: ${c.errors} error(s), ${c.warnings} warning(s), ${c.infos} info(s)`);
    return c.errors > 0 ? 2 : 0;
  });
}

export async function policyTest(ref: string, opts: { platform?: string; tests?: string }, io: Io = stdio): Promise<number> {
  return withSession(opts, async (s) => {
    const src = await s.source(ref, opts.tests);
    const report = runPolicyTests((await src.compile(s.platform)).table, src.tests);
    for (const r of report.results.filter((x) => !x.pass)) io.out(`FAIL  test ${r.index + 1}: ${describeResult(r)}`);
    io.out(`${src.name}: ${report.passed} passed, ${report.failed} failed`);
    if (src.tests.length === 0) io.out('no tests: give --tests <file>');
    return report.failed > 0 || src.tests.length === 0 ? 2 : 0;
  });
}

export async function policyDiff(a: string, b: string, opts: { platform?: string }, io: Io = stdio): Promise<number> {
  return withSession(opts, async (s) => {
    const [from, to] = [await s.source(a), await s.source(b)];
    const d = diffPolicies({ ...splitLines(from.lines), tests: from.tests }, { ...splitLines(to.lines), tests: to.tests });
    const show = (r: { id: string; role: string; doel: string; partner: string; category: string; action: string; effect: string; grondslag: string }) =>
      `${r.id}: ${r.effect} ${r.role} | ${r.doel} | ${r.partner} | ${r.category} | ${r.action} — ${r.grondslag}`;
    io.out(`from ${from.name}`);
    io.out(`to   ${to.name}`);
    for (const r of d.added) io.out(`+ ${show(r)}`);
    for (const r of d.removed) io.out(`- ${show(r)}`);
    for (const c of d.changed) for (const f of c.fields) io.out(`~ ${c.id} ${f}: ${c.before[f as 'role']} -> ${c.after[f as 'role']}`);
    for (const g of d.groupings.added) io.out(`+ ${g.type}, ${g.member}, ${g.group}`);
    for (const g of d.groupings.removed) io.out(`- ${g.type}, ${g.member}, ${g.group}`);
    io.out(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged rule(s); tests +${d.tests.added} -${d.tests.removed}`);
    // The exact impact: every decision of the platform whose outcome changes, and the rules on both sides.
    const exact = exactImpact((await from.compile(s.platform)).table, (await to.compile(s.platform)).table, s.platform);
    const by = (r: TupleChange['before']): string => (r ? `${r.rule} (${r.effect})` : 'no rule');
    const decision = (t: TupleChange): string => `${t.role} | ${t.doel} | ${t.partner} | ${t.category} | ${t.action}`;
    for (const t of exact.newlyAllowed) io.out(`allow+ ${decision(t)}: was ${by(t.before)}, now ${by(t.after)}`);
    for (const t of exact.newlyDenied) io.out(`deny+  ${decision(t)}: was ${by(t.before)}, now ${by(t.after)}`);
    io.out(`${exact.newlyAllowed.length} of ${exact.decisions} decision(s) newly allowed, ${exact.newlyDenied.length} newly denied`);
    return 0;
  });
}

export async function policySimulate(
  ref: string,
  opts: { platform?: string; role: string; doel: string; partner: string; category: string; action: string },
  io: Io = stdio,
): Promise<number> {
  return withSession(opts, async (s) => {
    const src = await s.source(ref);
    const e = explain(await src.compile(s.platform), splitLines(src.lines).rules, opts);
    io.out(`${e.decision}${e.rule ? ` by ${e.rule.rule} (${e.rule.effect}): ${e.rule.grondslag}` : ' (no rule matched)'}`);
    if (e.nearest) {
      io.out(`nearest allow rule: ${e.nearest.rule.id} (${e.nearest.score}/5 fields match)`);
      if (e.nearest.overriddenBy) io.out(`  it matches, but deny rule ${e.nearest.overriddenBy} overrides it`);
      for (const m of e.nearest.mismatched) io.out(`  ${m.reason}`);
    }
    return 0;
  });
}

export async function policyImport(file: string, opts: { platform?: string; tests?: string; as: string; note: string }, io: Io = stdio): Promise<number> {
  return withSession(opts, async (s) => {
    const db = await s.db();
    const person = await findActivePerson(db, opts.as);
    const role = person?.roles.find((r) => roleHas(s.platform, r, 'manage-policy'));
    if (!person || !role) throw new Error(`${opts.as} is not a registered person with a role that may manage policies (e.g. privacy-officer)`);
    const schemas = createSchemaRegistry();
    const log = createLogWriter({ activityOf: (action) => activityOf(s.platform, action), schemas, onCommitted: () => undefined });
    const now = () => new Date();
    const policy = await createPolicyService({ db, platform: s.platform, modelFile: MODEL_FILE, log, now });
    const lifecycle = createPolicyLifecycleService({
      db, platform: s.platform, schemas, querySchemas: createSchemaRegistry({ coerceTypes: true }), policy, log, modelFile: MODEL_FILE, now,
      uow: createUnitOfWork({
        db,
        gate: createAccessGate({ platform: s.platform, now }),
        log,
        now,
        policyInForce: () => ({ version: policy.active().versionId, hash: policy.active().contentHash }),
      }),
    });
    const body = {
      rulesText: readFileSync(file, 'utf8'),
      source: basename(file),
      ...(opts.tests ? { testsText: readFileSync(opts.tests, 'utf8') } : (() => {
        const t = join(dirname(file), 'tests', `${basename(file, '.csv')}.decisions.csv`);
        return existsSync(t) ? { testsText: readFileSync(t, 'utf8') } : {};
      })()),
      note: opts.note,
    };
    const created = await lifecycle.create({ kind: 'person', id: opts.as, organisation: person.organisation, role }, body, randomBytes(16).toString('hex'));
    io.out(`draft ${created.id} created from ${file}: ${created.ruleCount} rule(s), ${created.testCount} test(s), ${created.contentHash}`);
    io.out(`next: jpp-broker policy lint ${created.id}; the API's /v1/policies/${created.id} for the rest of the review`);
    return 0;
  });
}

const fail = (err: unknown): number => {
  process.stderr.write(`jpp-broker policy: ${err instanceof AppError ? `${err.message}${err.errors.length ? `: ${err.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}` : ''}` : (err as Error).message}\n`);
  return 1;
};
const exit = (p: Promise<number>): Promise<void> => p.catch(fail).then((code) => { process.exitCode = code; });

export function policyCommand(): Command {
  const cmd = new Command('policy').description('the policy lifecycle for privacy officers: lint, test, diff, simulate, import (docs/policies.md)');
  const platformOpt = ['--platform <file|id>', 'the platform file (default: $JPP_PLATFORM_FILE or policies/jpp-sittard-geleen.platform.json), or with JPP_PLATFORMS a platform id'] as const;
  const src = '<source>';
  const srcHelp = 'a policy CSV file, or a stored version number (DATABASE_URL, or the embedded database in DATA_DIR with the broker stopped)';
  cmd.command('lint').description('lint findings; exit 2 on errors').argument(src, srcHelp).option(...platformOpt)
    .action((ref: string, o: { platform?: string }) => exit(policyLint(ref, o)));
  cmd.command('test').description('run decision-table tests; exit 2 if any fails').argument(src, srcHelp).option(...platformOpt)
    .option('--tests <file>', 'the decision table (default: a file\'s tests/<name>.decisions.csv, or a version\'s stored tests)')
    .action((ref: string, o: { platform?: string; tests?: string }) => exit(policyTest(ref, o)));
  cmd.command('diff').description('rule-by-rule difference, and every decision that becomes allowed or denied').argument('<from>', srcHelp).argument('<to>', srcHelp).option(...platformOpt)
    .action((a: string, b: string, o: { platform?: string }) => exit(policyDiff(a, b, o)));
  cmd.command('simulate').description('how a policy decides one request, and why').argument(src, srcHelp).option(...platformOpt)
    .requiredOption('--role <role>').requiredOption('--doel <doel>').requiredOption('--partner <partner>').requiredOption('--category <category>')
    .option('--action <action>', 'bevragen, bevragen-met-toestemming, uitnodigen or uitnodigen-met-toestemming', 'bevragen')
    .action((ref: string, o: { platform?: string; role: string; doel: string; partner: string; category: string; action: string }) => exit(policySimulate(ref, o)));
  cmd.command('import').description('store a policy CSV as a new draft').argument('<file>', 'a policy CSV file').option(...platformOpt)
    .requiredOption('--as <person>', 'the registered privacy officer who authors the draft')
    .option('--tests <file>', 'its decision table (default: tests/<name>.decisions.csv next to it)')
    .requiredOption('--note <text>', 'why this change (the toelichting every draft needs)')
    .action((file: string, o: { platform?: string; tests?: string; as: string; note: string }) => exit(policyImport(file, o)));
  return cmd;
}
