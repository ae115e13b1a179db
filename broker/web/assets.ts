/**
 * Static assets of the web interface:
 * - CSS from the NL Design System packages, served from node_modules as published;
 * - the browser code in `client/`, bundled by esbuild at build time (`npm run build`, which
 *   `npm install` runs) into `dist/web/`, from the same pseudonymisation and Merkle code as
 *   the adapters' and the server's. The broker reads the bundles once, at start-up, so a
 *   missing build stops it at once instead of failing a page later, and production carries
 *   no bundler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Router, type Response } from 'express';
import { packagePath } from '../../protocol/package-root.js';

const require = createRequire(import.meta.url);

const CSS: Record<string, string> = {
  'design-tokens.css': require.resolve('@utrecht/design-tokens/dist/theme.css'),
  'components.css': require.resolve('@utrecht/component-library-css/dist/index.css'),
  'html.css': require.resolve('@utrecht/component-library-css/dist/html.css'),
  'site.css': packagePath('broker', 'web', 'assets', 'site.css'),
};

/** Browser entry points (`client/<name>.ts`), by the name pages refer to. */
export const BUNDLES = ['pseudonymise', 'verify-entry', 'monitoring-chart'] as const;
export type BundleName = (typeof BUNDLES)[number];

/** Where `npm run build` writes the browser bundles. */
export const BUNDLE_DIR = packagePath('dist', 'web');

let bundles: Map<string, string> | undefined;

/** The built bundles, read once per process; throws, naming the fix, when they are not built. */
export function browserBundles(): Map<string, string> {
  bundles ??= new Map(
    BUNDLES.map((b) => {
      const file = `${BUNDLE_DIR}/${b}.js`;
      if (!existsSync(file)) throw new Error(`the web interface's browser code is not built (${file} is missing): run npm run build`);
      return [b, readFileSync(file, 'utf8')];
    }),
  );
  return bundles;
}

const cache = (res: Response): void => {
  res.setHeader('Cache-Control', 'no-cache');
};

export function assetRoutes(): Router {
  const r = Router();
  const css = new Map(Object.entries(CSS).map(([name, file]) => [name, readFileSync(file, 'utf8')]));
  r.get('/assets/css/:name', (req, res, next) => {
    const text = css.get(req.params.name);
    if (text === undefined) return next();
    cache(res);
    res.type('text/css').send(text);
  });
  const js = browserBundles();
  r.get('/assets/js/:name.js', (req, res, next) => {
    const text = js.get(req.params.name);
    if (text === undefined) return next();
    cache(res);
    res.type('text/javascript').send(text);
  });
  return r;
}
