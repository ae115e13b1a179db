/**
 * The commands read JPP_BROKER_URL (and JPP_CUSTODIAN_URL), and when nothing listens there they
 * say which URL they could not reach, not only "fetch failed" (issue 23, the README tour).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROKER_BIN } from '../support/spawn-service.js';

const ADAPTER_BIN = fileURLToPath(new URL('../../bin/jpp-adapter.js', import.meta.url));
const exec = promisify(execFile);
const cwd = mkdtempSync(join(tmpdir(), 'jpp-unreachable-'));
let url: string;

/** A port that was free a moment ago: nothing listens on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function run(bin: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env['PATH'], HOME: cwd, JPP_BROKER_URL: url, JPP_ADAPTER_TOKEN: 'x.y.z', ...env },
      timeout: 60_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

beforeAll(async () => {
  url = `http://127.0.0.1:${await closedPort()}`;
  writeFileSync(join(cwd, 'batch.json'), JSON.stringify({ batchId: 'b-1', signals: [] }));
});

describe('a command that cannot reach its URL names it', () => {
  it.each([
    ['jpp-adapter pseudonymise', ADAPTER_BIN, ['pseudonymise', '--bsn', '111222333', '--doel', 'jpp-screening'], '/custodian/v1/keys'],
    ['jpp-adapter submit', ADAPTER_BIN, ['submit', 'batch.json'], '/v1/signals'],
    ['jpp-adapter withdraw', ADAPTER_BIN, ['withdraw', 'ref-1'], '/v1/signals/ref-1'],
    ['jpp-broker audit export', BROKER_BIN, ['audit', 'export', '--token', 'x.y.z', '--out', 'export'], '/v1/log/'],
    ['jpp-broker audit prove', BROKER_BIN, ['audit', 'prove', '--seq', '0', '--token', 'x.y.z'], '/v1/log/'],
  ])('%s, from JPP_BROKER_URL', async (_name, bin, args, path) => {
    const r = await run(bin, args as string[]);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toContain(`${url}${path}`);
    expect(r.out).toMatch(/nothing listens there/);
    expect(r.out).not.toMatch(/fetch failed/);
  }, 60_000);

  it('jpp-adapter pseudonymise reads JPP_CUSTODIAN_URL before JPP_BROKER_URL', async () => {
    const custodian = `http://127.0.0.1:${await closedPort()}/custodian/v1`;
    const r = await run(ADAPTER_BIN, ['pseudonymise', '--bsn', '111222333', '--doel', 'jpp-screening'], { JPP_CUSTODIAN_URL: custodian });
    expect(r.out).toContain(`${custodian}/keys`);
  }, 60_000);
});
