#!/usr/bin/env node
// Runs the compiled partner adapter CLI: dist/, which `npm run build` writes and `npm install` runs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/adapters/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`jpp-adapter is not built: run npm install (or npm run build) in ${fileURLToPath(new URL('..', import.meta.url))}\n`);
  process.exit(1);
}
await import(entry.href);
