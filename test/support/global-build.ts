/**
 * Runs once per `vitest run`, before anything else: `npm run build`, so that the tests that
 * start the CLIs or the broker as child processes run the compiled `bin/` as a user does, and
 * always the code under test. The build is incremental (`tsc -b`): when nothing changed it takes
 * about half a second. The in-process tests run the TypeScript sources through vitest.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packageRoot } from '../../protocol/package-root.js';

export default async function build(): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await promisify(execFile)(npm, ['run', '--silent', 'build'], { cwd: packageRoot(), timeout: 300_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm run build failed, so the compiled CLIs would not be the code under test:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}
