/**
 * Killing the adapter halfway and running it again stores each signal once: the CLI as a
 * partner's nightly job runs it, in its own process, killed with SIGKILL after a few
 * batches, then started again with the same export.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { startMtls, type MtlsFixture } from '../support/mtls.js';
import { generateExamples } from '../../adapters/index.js';

const BIN = fileURLToPath(new URL('../../bin/jpp-adapter.js', import.meta.url));
const run = promisify(execFile);
let b: TestBroker;
let m: MtlsFixture;
const work = mkdtempSync(join(tmpdir(), 'jpp-resume-'));
const exports = join(work, 'exports');
const stateDir = join(work, 'state');
let args: string[];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  b = await startTestBroker();
  m = await startMtls(b);
  const bundle = await m.issue('halt');
  generateExamples({ out: exports, partners: [{ id: 'halt', categories: ['halt-afdoening'] }], doelgroep: { maxAge: 27 }, rows: 3000, today: b.clock.now });
  env = { ...process.env, JPP_ADAPTER_TOKEN: await b.adapterToken('halt'), JPP_CUSTODIAN_URL: `${b.url}/custodian/v1` };
  args = [BIN, '--broker', m.url, 'import', '--mapping', join(exports, 'halt.mapping.json'), '--export', join(exports, 'halt.csv'),
    '--mode', 'snapshot', '--state-dir', stateDir, '--bundle', bundle.dir, '--batch-size', '50'];
}, 120_000);
afterAll(async () => {
  await m?.close();
  await b?.close();
});

const batchLines = (): Array<{ step: string; accepted?: number; stored?: Record<string, unknown> }> => {
  const file = join(stateDir, 'journal.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
};

it('resumes after SIGKILL halfway and stores each signal once', async () => {
  // What the export holds to send (a dry run contacts nobody).
  // Exit code 2: the export's one bad row was rejected (the rest goes).
  const dry = await run(process.execPath, [...args, '--dry-run'], { env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
  expect((dry as { code?: number }).code).toBe(2);
  const wouldSend = Number(/would send (\d+)/.exec(dry.stdout)![1]);
  expect(wouldSend).toBeGreaterThan(2500);

  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (batchLines().filter((l) => l.step === 'batch').length >= 3) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 10);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`the adapter finished before it could be killed: ${output}`));
    });
  });
  await exited;
  const doneBeforeKill = batchLines().filter((l) => l.step === 'batch').length;
  expect(doneBeforeKill).toBeLessThan(Math.ceil(wouldSend / 50));
  expect(batchLines().some((l) => l.step === 'complete')).toBe(false);

  const second = await run(process.execPath, args, { env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
  expect((second as { code?: number }).code).toBe(2);
  expect(second.stdout).toMatch(/\(resumed\)/);
  expect(second.stdout).toMatch(/line 3002, bsn: is not a valid BSN/);
  // Every sendable row is stored, each once.
  const rows = await b.broker.db
    .selectFrom('signals')
    .select([sql<number>`count(*)::int`.as('n'), sql<number>`count(distinct ref)::int`.as('refs')])
    .where('partner_id', '=', 'halt')
    .where('batch_id', 'like', 'halt-%')
    .executeTakeFirstOrThrow();
  expect(rows).toEqual({ n: wouldSend, refs: wouldSend });
  // The resumed run skipped the batches journaled before the kill: no batch was accepted twice.
  const accepted = batchLines().filter((l) => l.step === 'batch').reduce((a, l) => a + (l.accepted ?? 0), 0);
  expect(accepted).toBe(wouldSend);
  // Nothing the adapter printed names a person: no BSN from the export appears.
  const bsns = readFileSync(join(exports, 'halt.csv'), 'utf8').match(/^\uFEFF?\d{9}(?=;)/gm) ?? [];
  expect(bsns.length).toBeGreaterThan(2500);
  const printed = `${output}${dry.stdout}${dry.stderr}${second.stdout}${second.stderr}${readFileSync(join(stateDir, 'journal.jsonl'), 'utf8')}${readFileSync(join(stateDir, 'state.json'), 'utf8')}`;
  for (const bsn of bsns) expect(printed.includes(bsn.replace('\uFEFF', ''))).toBe(false);
}, 180_000);
