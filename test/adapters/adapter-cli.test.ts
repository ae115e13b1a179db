/** The jpp-adapter command line against a running broker, as a partner's nightly job runs it. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, opaqueRef, randomPseudonym, syntheticBsn } from '../support/synthetic.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/jpp-adapter.js', import.meta.url));
let b: TestBroker;
const dir = mkdtempSync(join(tmpdir(), 'jpp-adapter-'));

beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

async function adapter(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, JPP_ADAPTER_TOKEN: await b.adapterToken('halt'), JPP_BROKER_URL: b.url };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function batchFile(ref: string): string {
  const file = join(dir, `${opaqueRef('batch')}.json`);
  const signal = { subject: randomPseudonym(), category: 'halt-afdoening', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 90), ref };
  writeFileSync(file, JSON.stringify({ batchId: opaqueRef('batch'), signals: [signal] }));
  return file;
}

it('submits a batch, says so again on a retry, and withdraws a signal', async () => {
  const ref = opaqueRef('halt');
  const file = batchFile(ref);
  const first = await adapter(['submit', file]);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toMatch(/1 accepted, 0 duplicate, 0 rejected/);
  expect((await adapter(['submit', file])).stdout).toMatch(/already received/);
  expect((await adapter(['withdraw', ref])).stdout).toBe('withdrawn\n');
  const again = await adapter(['withdraw', ref]);
  expect(again.code).toBe(3);
  expect(again.stderr).toMatch(/404/);
}, 60_000);

it("reports the broker's refusal by field, without repeating the value", async () => {
  const bsn = syntheticBsn();
  const res = await adapter(['submit', batchFile(bsn)]);
  expect(res.code).toBe(3);
  expect(res.stderr).toMatch(/\/signals\/0\/ref: looks like a BSN/);
  expect(res.stderr).not.toContain(bsn);
}, 60_000);
