/**
 * Where the jpp-broker package lies on disk, so that code finds its data files (schemas/,
 * policies/, the built browser bundles) the same way whether it runs as TypeScript from the
 * sources (tests) or compiled from `dist/` (`npm start`, the CLIs), and whatever the working
 * folder is (a partner's functioneel beheerder runs `jpp-adapter` from their own folder).
 *
 * Invariants:
 * - The root is the nearest folder above this module whose package.json is jpp-broker's;
 *   it is looked up once per process.
 * - Nothing here depends on the working folder (`process.cwd()`).
 * - Node only (the browser code never imports this module).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'jpp-broker';

let root: string | undefined;

/** The folder that holds jpp-broker's package.json (found once, by walking up from this module). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) {
      root = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package above ${start}`);
  }
}

/** A path inside the package, e.g. `packagePath('policies', 'model.conf')`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
