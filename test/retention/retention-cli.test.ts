/** `jpp-broker retention run`: one run on demand, in its own process, printing the run's record. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { BROKER_BIN } from '../support/spawn-service.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { createTestDatabase } from '../support/test-database.js';

it('removes the demo\'s expired signal and prints counts and ranges, no identities', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-retention-cli-'));
  const adminUrl = process.env['DATABASE_URL'];
  const database = adminUrl ? await createTestDatabase(adminUrl) : undefined;
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    if (database) env['DATABASE_URL'] = database.url;
    else delete env['DATABASE_URL'];
    const { stdout } = await promisify(execFile)(process.execPath, [BROKER_BIN, 'retention', 'run', '--demo'], { env, timeout: 60_000 });
    const run = JSON.parse(stdout);
    expect(createSchemaRegistry().validate('retention#/$defs/run', run)).toEqual([]);
    expect(run).toMatchObject({ trigger: 'cli', removed: { signals: { count: 1 }, cases: { count: 0 } } });
    expect(new Date(run.removed.signals.to).getTime()).toBeLessThan(Date.now());
  } finally {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
