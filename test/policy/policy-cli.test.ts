/**
 * `jpp-broker policy …` as a privacy officer runs it: lint and test a CSV file (exit 2 on
 * errors or failures), diff and simulate, and import a file as a draft into a stopped
 * broker's database (embedded PGlite, or PostgreSQL with DATABASE_URL), then lint, test and
 * diff stored versions by number.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../broker/config/config.js';
import { createBroker } from '../../broker/app/create-broker.js';
import { createLogger } from '../../broker/http/logger.js';
import type { DatabaseTarget } from '../../broker/db/database.js';
import { createTestDatabase } from '../support/test-database.js';
import { runCli, spawnCli, type CliRun } from '../support/cli.js';

const SEED = fileURLToPath(new URL('../../policies/jpp-sittard-geleen.csv', import.meta.url));
const SEED_TESTS = fileURLToPath(new URL('../../policies/tests/jpp-sittard-geleen.decisions.csv', import.meta.url));

/** `jpp-broker policy …` in this process (test/support/cli.ts); the binary is started once below. */
const cli = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> => runCli(['policy', ...args], { env });

const dir = mkdtempSync(join(tmpdir(), 'jpp-policy-cli-'));
const edited = join(dir, 'edited.csv');
writeFileSync(
  edited,
  readFileSync(SEED, 'utf8').replace(
    /^p, C05,.*$/m,
    'p, C08, ketenprofessional, jpp-casusoverleg, jeugdreclassering, justitieel, bevragen, allow, ""',
  ),
);

describe('on files', () => {
  it('lints the seed set clean and an edited one with errors (exit 2)', async () => {
    // The binary, as a privacy officer starts it: its wiring of `policy`.
    const seed = await spawnCli(['policy', 'lint', SEED]);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toContain('0 error(s)');
    const bad = await cli(['lint', edited]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/error\s+missing-grondslag\s+C08/);
  }, 120_000);

  it('runs the decision tables, naming each failing line (exit 2)', async () => {
    expect((await cli(['test', SEED])).stdout).toContain('37 passed, 0 failed');
    const bad = await cli(['test', edited, '--tests', SEED_TESTS]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('35 passed, 2 failed');
    expect(bad.stdout).toContain('jeugdboa | jpp-casusoverleg | jeugdreclassering | jeugdreclassering-toezicht | bevragen: expected deny (no rule), got allow by C08');
  }, 120_000);

  it('diffs and simulates', async () => {
    const diff = await cli(['diff', SEED, edited]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^\+ C08: allow ketenprofessional/m);
    expect(diff.stdout).toMatch(/^- C05: allow ketenprofessional/m);
    const sim = await cli(['simulate', SEED, '--role', 'voorzitter', '--doel', 'jpp-screening', '--partner', 'jongerenwerk', '--category', 'jongerenwerk-contact']);
    expect(sim.stdout).toContain('deny (no rule matched)');
    expect(sim.stdout).toContain('nearest allow rule: S09 (4/5 fields match)');
    expect(sim.stdout).toContain('action bevragen is not bevragen-met-toestemming');
    expect((await cli(['lint', join(dir, 'missing.csv')])).code).toBe(1);
  }, 120_000);
});

describe('against a database', () => {
  let env: Record<string, string | undefined>;
  let cleanup = async (): Promise<void> => undefined;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jpp-policy-db-'));
    const config = loadConfig({ JPP_MODE: 'demo', DATA_DIR: dataDir, PORT: '0' });
    let target: DatabaseTarget = { kind: 'pglite', dataDir };
    env = { DATA_DIR: dataDir, DATABASE_URL: undefined };
    let drop = async (): Promise<void> => undefined;
    if (process.env['DATABASE_URL']) {
      const database = await createTestDatabase(process.env['DATABASE_URL'], 'jpp_policy_cli');
      target = { kind: 'postgres', url: database.url, poolSize: 2 };
      env = { DATABASE_URL: database.url };
      drop = database.drop;
    }
    // Migrate and seed, then stop: the embedded database admits one process.
    const broker = await createBroker(config, { logger: createLogger({ level: 'silent' }), database: target });
    await broker.close();
    cleanup = async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }, 60_000);
  afterAll(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a file as a draft by a registered privacy officer, then lints, tests and diffs it by number', async () => {
    const refused = await cli(['import', edited, '--as', 'demo-voorzitter', '--note', 'C08 erbij'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('may manage policies');
    const withoutNote = await cli(['import', edited, '--as', 'demo-fg'], env);
    expect(withoutNote.code).toBe(1);
    expect(withoutNote.stderr).toContain('--note');
    const res = await cli(['import', edited, '--as', 'demo-fg', '--tests', SEED_TESTS, '--note', 'C08 erbij, C05 vervalt'], env);
    expect(res.code, res.stderr).toBe(0);
    const id = /draft (\d+) created/.exec(res.stdout)![1]!;
    expect(res.stdout).toContain('31 rule(s), 37 test(s)');
    const lint = await cli(['lint', id], env);
    expect(lint.code).toBe(2);
    expect(lint.stdout).toContain(`version ${id} (draft`);
    expect((await cli(['test', id], env)).stdout).toContain('35 passed, 2 failed');
    const diff = await cli(['diff', '1', id], env);
    expect(diff.stdout).toMatch(/^\+ C08/m);
    // Exactly the decisions C08 opens and C05's removal closes, with the rules on both sides.
    expect(diff.stdout).toMatch(/^allow\+ jeugdboa \| jpp-casusoverleg \| jeugdreclassering \| jeugdreclassering-toezicht \| bevragen: was no rule, now C08 \(allow\)$/m);
    expect(diff.stdout).toMatch(/^deny\+  jeugdboa \| jpp-casusoverleg \| gemeente-leerplicht \| leerplicht-verzuim \| bevragen: was C05 \(allow\), now no rule$/m);
    expect((await cli(['lint', '999'], env)).stderr).toContain('no policy version 999');
  }, 240_000);
});
