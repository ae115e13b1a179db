/**
 * The key custodian in its own process (`jpp-broker custodian`): its own key file, port and
 * configuration, tokens checked against a remote JWKS, usage and logboek entries in the
 * shared PostgreSQL. PostgreSQL only (the custodian never opens the embedded database).
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import { syntheticBsn } from '../support/synthetic.js';
import { spawnService, type SpawnedService } from '../support/spawn-service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { openDatabase } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { syncPlatform } from '../../broker/platform/platform.repository.js';
import { loadPlatform } from '../../broker/platform/platform.js';
import { insertAdapter } from '../../broker/register/adapter.repository.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

const adminUrl = process.env['DATABASE_URL'];
if (!adminUrl) console.warn('custodian-process.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');

describe.skipIf(!adminUrl)('jpp-broker custodian', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jpp-custodian-'));
  const keyFile = join(dir, 'keys', 'custodian-keys.json');
  let database: TestDatabase | undefined;
  let dbUrl = '';
  let custodian: SpawnedService | undefined;
  let jwks: Server;
  let url = '';
  let sign: (claims: Record<string, string>, sub: string) => Promise<string>;

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!, 'jpp_custodian');
    dbUrl = database.url;
    // The broker migrates the shared database; the custodian refuses to start on an unmigrated one.
    const broker = await openDatabase({ kind: 'postgres', url: dbUrl });
    await migrateToLatest(broker.db);
    // The functioneel beheerder registered Halt's adapter (the register, docs/register.md): the
    // custodian admits an adapter's token only for an adapter the register confirms.
    await syncPlatform(broker.db, loadPlatform('policies/jpp-sittard-geleen.platform.json', createSchemaRegistry()));
    await insertAdapter(broker.db, {
      id: 'halt-adapter', partnerId: 'halt', clientId: 'adapter:halt', certificateSubject: null,
      validFrom: new Date(Date.now() - 86_400_000), validUntil: null, createdBy: 'system:test', at: new Date(),
    });
    await broker.close();

    const { publicKey, privateKey } = await generateKeyPair('EdDSA');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'EdDSA' };
    jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const issuer = 'https://idp.test.invalid';
    sign = (claims, sub) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'idp-1' }).setIssuer(issuer).setAudience('jpp-broker').setSubject(sub).setExpirationTime('5m').sign(privateKey);

    custodian = await spawnService(['custodian'], {
      PATH: process.env['PATH'],
      JPP_CUSTODIAN_KEY_FILE: keyFile,
      DATABASE_URL: dbUrl,
      PORT: '0',
      JPP_JWT_ISSUER: issuer,
      JPP_JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      JPP_QUOTA_ADAPTER_PER_MINUTE: '5',
      LOG_LEVEL: 'warn',
    });
    url = custodian.url;
  }, 60_000);

  afterAll(async () => {
    await custodian?.stop();
    jwks?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates for an adapter with a token from the identity provider, within quota, logged in the shared database', async () => {
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    const token = await sign({ partner: 'halt' }, 'adapter:halt');
    const bsn = syntheticBsn();
    const first = await pseudonymise({ baseUrl: `${url}/v1`, token }, [{ bsn }, { bsn: syntheticBsn() }]);
    const again = await pseudonymise({ baseUrl: `${url}/v1`, token, pinned: { 1: first.publicKey } }, [{ bsn }]);
    expect(again.pseudonyms[0]).toBe(first.pseudonyms[0]);
    await expect(pseudonymise({ baseUrl: `${url}/v1`, token }, [{ bsn }, { bsn }, { bsn }])).rejects.toThrow(/429/);

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const rows = (await db.query(`select content from logboek_entries where action = 'custodian-evaluation' order by id`)).rows;
      // The two evaluations, and the refusal past the quota: logged too, with its reason and status.
      expect(rows.map((r) => [JSON.parse(r.content).outcome, JSON.parse(r.content).details.elements])).toEqual([['evaluated', 2], ['evaluated', 1], ['refused', 3]]);
      expect(JSON.parse(rows[2].content)).toMatchObject({ status: 'error', details: { reason: 'quota' } });
      const tables = (await db.query(`select string_agg(row_to_json(t)::text, '') as all from logboek_entries t`)).rows[0].all as string;
      expect(tables).not.toContain(bsn);
    } finally {
      await db.end();
    }
  });

  it('serves an OpenAPI document of its own routes', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(doc.info.title).toBe('jpp-broker key custodian');
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/livez', '/readyz', '/v1/evaluate', '/v1/keys']);
  });

  it('refuses a token from another issuer', async () => {
    const { privateKey } = await generateKeyPair('EdDSA');
    const forged = await new SignJWT({ partner: 'halt' }).setProtectedHeader({ alg: 'EdDSA', kid: 'idp-1' }).setIssuer('https://idp.test.invalid').setAudience('jpp-broker').setSubject('adapter:halt').setExpirationTime('5m').sign(privateKey);
    const res = await fetch(`${url}/v1/evaluate`, { method: 'POST', headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' }, body: JSON.stringify({ epoch: 1, blindedElements: [Buffer.alloc(32, 3).toString('base64url')] }) });
    expect(res.status).toBe(401);
  });
});
