#!/usr/bin/env node
// Runs the compiled broker: dist/, which `npm run build` writes and `npm install` runs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/broker/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`jpp-broker is not built: run npm install (or npm run build) in ${fileURLToPath(new URL('..', import.meta.url))}\n`);
  process.exit(1);
}
await (await import(entry.href)).main();
