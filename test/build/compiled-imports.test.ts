/**
 * What runs in production is the compiled dist/ (built by the tests' global set-up, as by
 * `npm install`). It must need nothing but the package's `dependencies`: no compiler or bundler
 * (tsx, esbuild, typescript), no test tool. Every import of every compiled file is read with
 * TypeScript's own parser (`preProcessFile`, static and dynamic imports alike).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { packagePath } from '../../protocol/package-root.js';

const manifest = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

function compiledFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
}

it('the compiled server and CLIs import only dependencies and Node built-ins', () => {
  const files = ['broker', 'adapters', 'protocol'].flatMap((d) => compiledFiles(packagePath('dist', d)));
  expect(files.length).toBeGreaterThan(100);
  const outside: string[] = [];
  const used = new Set<string>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const name = packageOf(specifier);
      used.add(name);
      if (!(name in manifest.dependencies)) outside.push(`${relative(packagePath(), file)}: ${specifier}`);
    }
  }
  expect(outside).toEqual([]);
  // The scan reads real imports: the compiled code does use runtime dependencies.
  expect(used).toContain('express');
  expect(used).toContain('kysely');
  for (const tool of ['tsx', 'esbuild', 'typescript', 'vitest']) expect(manifest.dependencies, tool).not.toHaveProperty(tool);
});

it('the browser bundles are built', () => {
  const bundles = readdirSync(packagePath('dist', 'web')).sort();
  expect(bundles).toEqual(['monitoring-chart.js', 'pseudonymise.js', 'verify-entry.js']);
});
