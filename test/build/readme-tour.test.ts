/**
 * The README's tour, run as a reader runs it: its `sh` blocks in order, in one shell, from a
 * folder whose ./data is a spawned demo broker's DATA_DIR, with JPP_BROKER_URL naming that
 * broker (it listens on a free port). Each output block the README shows is compared with what
 * the block printed, except what depends on random data (test/support/readme-tour.ts).
 *
 * `npx jpp-broker` and `npx jpp-adapter` run the compiled bin/ directly, as npx does in the
 * repository folder, without npx's start-up cost per command.
 *
 * Not run: section 11 (its mTLS port is the demo's fixed 8443, which a test broker beside others
 * does not open) and section 16 (it restarts the broker for two platforms); their commands are
 * covered by test/adapters/mtls-import.test.ts and test/platforms/.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_BIN } from '../support/spawn-service.js';
import { spawnBroker, type SpawnedBroker } from '../support/spawned-broker.js';
import { outputMatches, splitOutput, tourBlocks, tourScript } from '../support/readme-tour.js';

const ADAPTER_BIN = fileURLToPath(new URL('../../bin/jpp-adapter.js', import.meta.url));
const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const SKIPPED_SECTIONS = new Set([11, 16]);
const blocks = tourBlocks(README).filter((b) => !SKIPPED_SECTIONS.has(b.section));
const compared = blocks.filter((b) => b.expected !== undefined);

let broker: SpawnedBroker;
let cwd: string;
let output = '';
let byBlock = new Map<string, string>();

const PRELUDE = `set +e
npx() {
  case "$1" in
    jpp-broker) shift; node "${BROKER_BIN}" "$@" ;;
    jpp-adapter) shift; node "${ADAPTER_BIN}" "$@" ;;
    *) command npx "$@" ;;
  esac
}`;

describe('the README tour', () => {
  beforeAll(async () => {
    // Checkpoints every second, so that section 10's proof never meets a checkpoint older than its entry.
    broker = await spawnBroker({ env: { JPP_CHECKPOINT_SECONDS: '1' } });
    cwd = mkdtempSync(join(tmpdir(), 'jpp-tour-'));
    symlinkSync(broker.dataDir, join(cwd, 'data'));
    const script = join(tmpdir(), `jpp-tour-${process.pid}.sh`);
    writeFileSync(script, tourScript(blocks, PRELUDE));
    const outFile = join(tmpdir(), `jpp-tour-${process.pid}.out`);
    const fd = openSync(outFile, 'w');
    const env = { PATH: process.env['PATH'] ?? '', HOME: cwd, LANG: 'C.UTF-8', JPP_BROKER_URL: broker.url };
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('bash', [script], { cwd, env, stdio: ['ignore', fd, fd] });
      const timer = setTimeout(() => child.kill('SIGTERM'), 540_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    closeSync(fd);
    output = readFileSync(outFile, 'utf8');
    rmSync(script, { force: true });
    rmSync(outFile, { force: true });
    byBlock = splitOutput(output);
    expect(code, output.slice(-2000)).toBe(0);
  }, 600_000);

  afterAll(async () => {
    await broker?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('runs every block to the end, and no command says only "fetch failed"', () => {
    expect(byBlock.size, output.slice(-3000)).toBe(blocks.length);
    expect(output).not.toMatch(/fetch failed/);
    expect(output).not.toMatch(/command not found/);
  });

  it('leaves the files it makes under ./data', () => {
    expect(readdirSync(cwd)).toEqual(['data']);
    expect(readdirSync(broker.dataDir)).toContain('inzage.pdf');
  });

  it.each(compared.map((b) => [`${b.section}.${b.index}`, b] as const))('section %s prints what the README shows', (key, b) => {
    const actual = byBlock.get(key) ?? '';
    expect(outputMatches(b.expected!, actual), `README section ${key}\n--- README shows:\n${b.expected}\n--- the tour printed:\n${actual}`).toBe(true);
  });
});
