/** Scenario 8: the logboek at scale (issue 21, item 4). */
import type { BenchConfig } from './bench-config.js';

export async function runLogboekScaleBench(_config: BenchConfig, say: (line?: string) => void): Promise<void> {
  say('Scenario 8: not built yet');
}
