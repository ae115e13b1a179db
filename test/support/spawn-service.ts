/**
 * Starts a jpp-broker command (`start`, `custodian`) as a child process, as an operator
 * would (the compiled bin/jpp-broker.js, which the tests' global set-up builds), and waits
 * for its "listening on <url>" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BROKER_BIN = fileURLToPath(new URL('../../bin/jpp-broker.js', import.meta.url));

export interface SpawnedService {
  readonly url: string;
  /** What it printed up to its "listening on" line, the banner included. */
  readonly banner: string;
  readonly child: ChildProcess;
  /** Stops the process (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function spawnService(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000, cwd?: string): Promise<SpawnedService> {
  // A test stops its services at once, unless it is about the drain on SIGTERM (JPP_DRAIN_SECONDS given).
  const child = spawn(process.execPath, [BROKER_BIN, ...args], { env: { JPP_DRAIN_SECONDS: '0', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${out}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
  return {
    url,
    banner: out,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
