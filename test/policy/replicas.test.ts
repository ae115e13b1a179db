/**
 * Several broker processes on one PostgreSQL database: a version activated through one
 * reaches the other within a second (LISTEN/NOTIFY), and the other's next answer is
 * decided and logged by it. PostgreSQL only: the embedded database admits one process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { aanmelding } from '../support/casus.js';
import { BROKER_BIN, spawnService, type SpawnedService } from '../support/spawn-service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const adminUrl = process.env['DATABASE_URL'];
if (!adminUrl) console.warn('policy/replicas.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');
const run = promisify(execFile);

describe.skipIf(!adminUrl)('a new active version reaches every broker process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-replicas-'));
  const brokers: SpawnedService[] = [];
  let database: TestDatabase;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!, 'jpp_replicas');
    const env = { ...process.env, DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
    brokers.push(await spawnService(['start', '--demo'], env, 90_000));
    brokers.push(await spawnService(['start', '--demo'], env, 90_000));
    for (const user of ['demo-fg', 'demo-fg-2', 'demo-voorzitter']) {
      tokens[user] = (await run(process.execPath, [BROKER_BIN, 'token', '--user', user], { env: { ...process.env, DATA_DIR: dataDir } })).stdout.trim();
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.stop()));
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (url: string, user: string, method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[user]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  it('activates on one process; the other answers with the new version within a second', async () => {
    const [a, other] = [brokers[0]!.url, brokers[1]!.url];
    const ask = async () => {
      const [subject, caseRef] = [randomPseudonym(), opaqueRef('case')];
      await call(other, 'demo-voorzitter', 'POST', '/v1/cases', { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) });
      return call(other, 'demo-voorzitter', 'POST', '/v1/queries', { subject, doel: 'jpp-screening', caseRef });
    };
    const old = (await ask()).policyVersion as number;

    const list = await call(a, 'demo-fg', 'GET', '/v1/policies');
    const draft = await call(a, 'demo-fg', 'POST', '/v1/policies', { copyOf: list.active, note: 'S08 herzien' });
    const rules = draft.rules.map((r: any) => (r.id === 'S08' ? { ...r, grondslag: `${r.grondslag} (herzien)` } : r));
    const edited = await call(a, 'demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules, groupings: draft.groupings });
    await call(a, 'demo-fg', 'POST', `/v1/policies/${draft.id}/submit`);
    const preview = await call(other, 'demo-fg-2', 'GET', `/v1/policies/${draft.id}/impact`);
    // Only a grondslag changes: nothing newly allowed, nothing to confirm.
    expect(preview.exact.newlyAllowed).toEqual([]);
    await call(other, 'demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: preview.previewId });

    await call(a, 'demo-fg', 'POST', `/v1/policies/${draft.id}/activate`);
    const activatedAt = Date.now();
    let seen: any;
    while (Date.now() - activatedAt < 1000) {
      const answer = await ask();
      if (answer.policyVersion === draft.id) {
        seen = answer;
        break;
      }
      expect(answer.policyVersion).toBe(old);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen, 'the other process did not switch within a second').toBeDefined();
    const halt = seen.answers.find((x: any) => x.partner === 'halt');
    expect(halt.basis[0].grondslag).toContain('(herzien)');
    const log = await call(other, 'demo-fg', 'GET', `/v1/disclosures?caseRef=${encodeURIComponent(seen.caseRef)}`);
    expect(log.items.every((e: any) => e.policyVersion === draft.id && e.policyHash === edited.contentHash)).toBe(true);
  }, 60_000);
});
