/**
 * Decisions per second: the compiled decision table (what a query reads) against casbin's
 * `enforce` on the same enforcer, over the whole domain of the seed policy (every role,
 * doel, partner, category the partner holds, and action), in one run, in memory. Every
 * table decision is checked against enforce's before anything is timed.
 *
 * Run alone: `npx tsx test/bench/policy-decision-bench.ts`. Part of `npm run bench` (scenario 5).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPlatform } from '../../broker/platform/platform.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { compilePolicyWith, createLinesAdapter } from '../../broker/policy/compiled-policy.js';
import { linesFromText } from '../../broker/policy/policy-content.js';
import { ACTIONS, type Action } from '../../broker/policy/policy-actions.js';

export interface PolicyBenchResult {
  readonly requests: number;
  readonly tablePerSec: number;
  readonly enforcePerSec: number;
  readonly compileMs: number;
}

const file = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

function rate(requests: ReadonlyArray<readonly [string, string, string, string, Action]>, fn: (r: readonly [string, string, string, string, Action]) => boolean, minMs: number): number {
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const r of requests) if (fn(r)) sink++;
    n += requests.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  if (sink < 0) throw new Error('unreachable');
  return (n / elapsed) * 1000;
}

export async function runPolicyBench(minMs = 1000): Promise<PolicyBenchResult> {
  const platform = loadPlatform(file('policies/jpp-sittard-geleen.platform.json'), createSchemaRegistry());
  const t0 = performance.now();
  const compiled = await compilePolicyWith(readFileSync(file('policies/model.conf'), 'utf8'), createLinesAdapter(linesFromText(readFileSync(platform.policyFile, 'utf8'))), platform);
  const compileMs = performance.now() - t0;
  const requests: Array<readonly [string, string, string, string, Action]> = [];
  for (const role of platform.roles) for (const doel of platform.doelen) for (const p of platform.partners) for (const c of p.categories) for (const a of ACTIONS) requests.push([role.id, doel.id, p.id, c, a]);
  for (const r of requests) {
    if (compiled.table.decide(...r).allowed !== compiled.enforcer.enforceSync(...r)) throw new Error(`table and enforce disagree on ${r.join(' | ')}`);
  }
  const table = rate(requests, (r) => compiled.table.decide(...r).allowed, minMs);
  const enforce = rate(requests, (r) => compiled.enforcer.enforceSync(...r), minMs);
  return { requests: requests.length, tablePerSec: table, enforcePerSec: enforce, compileMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runPolicyBench();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\nratio ${(r.tablePerSec / r.enforcePerSec).toFixed(0)}×\n`);
}
