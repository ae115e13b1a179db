/**
 * Every route an Express app serves, read from the app itself (express 5 / router 2: each
 * layer keeps its `rawPath`; a mounted router's layers are walked with the mount path in
 * front). So a test that lists routes cannot miss one that is added later.
 */
import type { Express } from 'express';

export interface ServedRoute {
  readonly method: string;
  /** The path as declared, e.g. `/v1/cases/:caseId`. */
  readonly path: string;
}

interface Layer {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export function servedRoutes(app: Express): ServedRoute[] {
  const out: ServedRoute[] = [];
  const walk = (stack: Layer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m] && m !== '_all')) {
          out.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path) });
        }
      } else if (layer.handle?.stack) {
        const raw = typeof layer.rawPath === 'string' ? layer.rawPath : '';
        walk(layer.handle.stack, join(prefix, raw === '/' ? '' : raw));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const join = (a: string, b: string): string => `${a}${b}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/** `/v1/cases/:caseId` as OpenAPI writes it: `/v1/cases/{caseId}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
