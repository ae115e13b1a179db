/**
 * Static assets of the web interface:
 * - CSS from the NL Design System packages, served from node_modules as published;
 * - the browser code in `client/`, bundled with esbuild once per process, on first use.
 *   Why bundle at run time: `npm start` then needs no build step, and the bundles are
 *   always built from the code that runs (the same pseudonymisation and Merkle code as the
 *   adapters' and the server's).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

const CSS: Record<string, string> = {
  'design-tokens.css': require.resolve('@utrecht/design-tokens/dist/theme.css'),
  'components.css': require.resolve('@utrecht/component-library-css/dist/index.css'),
  'html.css': require.resolve('@utrecht/component-library-css/dist/html.css'),
  'site.css': fileURLToPath(new URL('./assets/site.css', import.meta.url)),
};

/** Browser entry points, by the name pages refer to. */
export const BUNDLES = ['pseudonymise', 'verify-entry', 'monitoring-chart'] as const;
export type BundleName = (typeof BUNDLES)[number];

let bundles: Promise<Map<string, string>> | undefined;

/** Builds every bundle once per process (esbuild, ES2022 modules, minified). */
export function browserBundles(): Promise<Map<string, string>> {
  bundles ??= (async () => {
    const result = await build({
      entryPoints: Object.fromEntries(BUNDLES.map((b) => [b, fileURLToPath(new URL(`./client/${b}.ts`, import.meta.url))])),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outdir: '/',
      logLevel: 'silent',
      legalComments: 'none',
    });
    return new Map(result.outputFiles.map((f) => [f.path.replace(/^\/|\.js$/g, ''), f.text]));
  })();
  bundles.catch(() => {
    bundles = undefined;
  });
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
  r.get('/assets/js/:name.js', async (req, res, next) => {
    const text = (await browserBundles()).get(req.params.name);
    if (text === undefined) return next();
    cache(res);
    res.type('text/javascript').send(text);
  });
  return r;
}
