/**
 * Runs `jpp-broker …` command lines for the CLI tests, in two ways:
 * - `runCli` in the test's own process: the same program as the binary (broker/cli.ts `runCli`),
 *   with the same output, exit codes and `jpp-broker: <message>` line on failure. It saves
 *   starting Node, importing the command's modules and opening the embedded database per case
 *   (about 1 s of CPU each; docs/performance.md, "Test suite").
 * - `spawnCli`: bin/jpp-broker.js as a child process, as an operator runs it. Each CLI test file
 *   keeps at least one such case per command to prove the binary's wiring, and keeps it for
 *   what needs another process (the embedded database's one-process rule, signals).
 *
 * Both take `env` entries over the test's own environment (undefined removes one) and an
 * optional working directory. In-process, the environment, working directory, `process.exitCode`
 * and stdout/stderr are swapped for the call and restored after it, so calls must not overlap:
 * a test file's tests run one after another.
 */
import { spawn } from 'node:child_process';
import { cliFailure, runCli as runProgram } from '../../broker/cli.js';
import { BROKER_BIN } from './spawn-service.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Entries over the test process's environment; undefined removes one. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Thrown by the stand-in for process.exit: commander exits on a usage error. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

let running = false;

/** Runs one command line in this process, as bin/jpp-broker.js would run it. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  if (running) throw new Error('in-process CLI runs must not overlap: they share process.env, cwd and stdout');
  running = true;
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(options.env ?? {})) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const cwd = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  let stdout = '';
  let stderr = '';
  const { write: outWrite } = process.stdout;
  const { write: errWrite } = process.stderr;
  const { exit } = process;
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  process.exit = ((code?: number) => {
    throw new Exit(code ?? 0);
  }) as typeof process.exit;
  process.exitCode = undefined;
  let code: number;
  try {
    await runProgram(args);
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof Exit) code = err.code;
    else {
      // What main() does with a failure.
      stderr += `jpp-broker: ${cliFailure(err)}\n`;
      code = 1;
    }
  } finally {
    process.exitCode = undefined;
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    process.exit = exit;
    if (options.cwd) process.chdir(cwd);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    running = false;
  }
  return { code, stdout, stderr };
}

/** Runs one command line as a child process: bin/jpp-broker.js, compiled by the global set-up. */
export function spawnCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BROKER_BIN, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
