/**
 * A server under test, in a process of its own, so that the load generator in the
 * benchmark's process never shares its event loop. Starts it with its stdout (the broker's
 * pino log) going to a file, waits until GET /healthz answers 200, keeps the tail of its
 * stderr, and stops it (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ChildServer {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** The last few kilobytes the process wrote to stderr and to its log (stdout). */
  outputTail(): string;
  /** Stops the process and waits until it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  readonly name: string;
  /** Arguments to `node` (node options first, then the script and its arguments). */
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  /** Where stdout goes. Writing the log lines to a file is part of what is measured. */
  readonly logFile: string;
  readonly startTimeoutMs?: number;
}

const TAIL_BYTES = 8_192;

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startChildServer(opts: ChildServerOptions): Promise<ChildServer> {
  const logFd = openSync(opts.logFile, 'a');
  // Stopped at once between scenarios: no drain delay (docs/operations.md).
  const child = spawn(process.execPath, [...opts.args], { cwd: opts.cwd, env: { JPP_DRAIN_SECONDS: '0', ...opts.env }, stdio: ['ignore', logFd, 'pipe'] });
  closeSync(logFd); // the child holds its own copy
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-TAIL_BYTES);
  });
  child.on('error', (err) => {
    tail += `\n${opts.name}: ${err.message}`;
  });
  const url = `http://127.0.0.1:${opts.port}`;
  let stopping: Promise<void> | undefined;
  const server: ChildServer = {
    name: opts.name,
    url,
    pid: child.pid!,
    outputTail() {
      let log = '';
      try {
        log = readFileSync(opts.logFile, 'utf8').slice(-TAIL_BYTES);
      } catch {
        // no log
      }
      return [tail.trim(), log.trim()].filter(Boolean).join('\n');
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exited(child);
        clearTimeout(timer);
      })();
      return stopping;
    },
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${opts.name} exited during start-up (${child.exitCode ?? child.signalCode}):\n${server.outputTail()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${opts.name} did not answer ${url}/healthz within ${(opts.startTimeoutMs ?? 60_000) / 1000} s:\n${server.outputTail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
