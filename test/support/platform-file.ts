/**
 * A copy of a platform file (with its seed policy beside it) in a temporary folder, with some
 * top-level fields replaced: for tests that need other settings than the shipped platform's,
 * e.g. small rate limits. Pass the path as JPP_PLATFORM_FILE.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export function platformFileWith(overrides: Record<string, unknown>, source = 'policies/jpp-sittard-geleen.platform.json'): string {
  const data = JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown> & { policy: string };
  const dir = mkdtempSync(join(tmpdir(), 'jpp-platform-'));
  copyFileSync(resolve(dirname(source), data.policy), join(dir, data.policy));
  const file = join(dir, source.split('/').pop()!);
  writeFileSync(file, JSON.stringify({ ...data, ...overrides }, null, 2));
  return file;
}

/** Rate limits no load test reaches (the schema's maxima). */
export const UNLIMITED = {
  questions: { person: { perMinute: 100000, perDay: 10000000 }, organisation: { perMinute: 100000, perDay: 10000000 } },
  casusCreation: { person: { perMinute: 100000, perDay: 10000000 }, organisation: { perMinute: 100000, perDay: 10000000 } },
};
