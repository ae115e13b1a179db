/**
 * The architecture's rules, run with every `npm test` (issue 22): dependency-cruiser's rules of
 * `.dependency-cruiser.cjs` (no cycles; the protocol core imports neither side; adapters never import
 * the broker; routes reach services only; SQL only in repositories and the database layer; migrations
 * import no domain code), and a size rule: no source file over 400 lines.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../protocol/package-root.js';

const ROOT = packageRoot();
const MAX_LINES = 400;

async function rulesOf(): Promise<Record<string, unknown>> {
  const { default: config } = (await import(join(ROOT, '.dependency-cruiser.cjs'))) as { default: { forbidden: unknown[]; options: Record<string, unknown> } };
  return { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } };
}

async function violations(paths: string[]): Promise<string[]> {
  const previous = process.cwd();
  process.chdir(ROOT);
  try {
    const result = await cruise(paths, await rulesOf());
    return (result.output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
  } finally {
    process.chdir(previous);
  }
}

describe('the architecture', () => {
  it('keeps every dependency rule', async () => {
    expect(await violations(['protocol', 'broker', 'adapters'])).toEqual([]);
  }, 120_000);

  it('catches a break of the rules (an adapter that imports the broker; SQL in a service)', async () => {
    const dir = mkdtempSync(join(ROOT, 'broker', 'rule-probe-'));
    try {
      writeFileSync(join(dir, 'probe.service.ts'), "import { sql } from 'kysely';\nexport const probe = sql`select 1`;\n");
      const found = await violations([relative(ROOT, dir)]);
      expect(found.some((v) => v.startsWith('sql-only-in-repositories'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const adapterDir = mkdtempSync(join(ROOT, 'adapters', 'rule-probe-'));
    try {
      writeFileSync(join(adapterDir, 'probe.ts'), "import { AppError } from '../../broker/errors/app-error.js';\nexport const probe = AppError;\n");
      const found = await violations([relative(ROOT, adapterDir)]);
      expect(found.some((v) => v.startsWith('adapters-never-import-broker'))).toBe(true);
    } finally {
      rmSync(adapterDir, { recursive: true, force: true });
    }
  }, 120_000);

  it(`has no source file over ${MAX_LINES} lines in protocol/, broker/ and adapters/`, () => {
    const long: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && readFileSync(path, 'utf8').split('\n').length > MAX_LINES) long.push(relative(ROOT, path));
      }
    };
    for (const top of ['protocol', 'broker', 'adapters']) walk(join(ROOT, top));
    expect(long).toEqual([]);
  });
});
