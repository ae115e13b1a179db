#!/usr/bin/env node
// Runs the TypeScript sources through tsx (a runtime dependency), so that a fresh clone
// needs no build step: `npm install && npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../broker/cli.ts');
