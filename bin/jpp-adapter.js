#!/usr/bin/env node
// Runs the partner adapter CLI (TypeScript) through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../adapters/cli.ts');
