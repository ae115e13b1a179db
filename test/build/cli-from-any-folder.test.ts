/**
 * The installed commands as a user runs them: the compiled bin/ (no TypeScript at run time),
 * started from a folder of their own, outside the repository. A partner's functioneel
 * beheerder runs `jpp-adapter import` from the adapter host's folder, and an operator starts
 * the broker from wherever its DATA_DIR is.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BROKER_BIN, spawnService, type SpawnedService } from '../support/spawn-service.js';

const ADAPTER_BIN = fileURLToPath(new URL('../../bin/jpp-adapter.js', import.meta.url));
const exec = promisify(execFile);

// A folder with no package.json above it: nothing here can be found relative to it by accident.
const cwd = mkdtempSync(join(tmpdir(), 'jpp-elsewhere-'));
const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: cwd, DATA_DIR: join(cwd, 'data'), PORT: '0', LOG_LEVEL: 'warn' };
let broker: SpawnedService;

async function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  broker = await spawnService(['start', '--demo'], env, 120_000, cwd);
}, 180_000);
afterAll(async () => broker?.stop());

it('starts the demo broker from another folder, with its pages, browser code and API document', async () => {
  expect(readdirSync(cwd)).toEqual(['data']);
  const page = await fetch(`${broker.url}/inloggen`);
  expect(page.status).toBe(200);
  for (const bundle of ['pseudonymise', 'verify-entry', 'monitoring-chart']) {
    const js = await fetch(`${broker.url}/assets/js/${bundle}.js`);
    expect(js.status, bundle).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.text()).length).toBeGreaterThan(1000);
  }
  const api = (await (await fetch(`${broker.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(api.paths)).toContain('/v1/queries');
}, 60_000);

it('runs jpp-adapter examples and import (worker threads) from another folder', async () => {
  const examples = await run(ADAPTER_BIN, ['examples', '--out', 'exports', '--rows', '30']);
  expect(examples.code, examples.stderr).toBe(0);
  const token = await run(BROKER_BIN, ['token', '--adapter', 'halt']);
  expect(token.code, token.stderr).toBe(0);
  env['JPP_ADAPTER_TOKEN'] = token.stdout.trim();
  const imported = await run(ADAPTER_BIN, [
    '--broker', broker.url, 'import', '--mapping', 'exports/halt.mapping.json', '--export', 'exports/halt.csv',
    '--unsigned', '--custodian', `${broker.url}/custodian/v1`, '--threads', '2', '--batch-size', '10',
  ]);
  // Exit code 2: the example export's one row with a bad BSN is rejected; the rest is sent.
  expect(imported.code, imported.stderr).toBe(2);
  expect(imported.stderr).not.toMatch(/tsx|Cannot find/);
  const sent = Number(/ sent (\d+),/.exec(imported.stdout)?.[1]);
  expect(sent, imported.stdout).toBeGreaterThan(0);
  // The adapter's journal lies below the folder it was started from, where the operator expects it.
  expect(readdirSync(join(cwd, 'jpp-adapter-state'))).toEqual(['halt']);
  expect(readFileSync(join(cwd, 'jpp-adapter-state', 'halt', 'journal.jsonl'), 'utf8')).toMatch(/"step":"batch"/);
}, 180_000);
