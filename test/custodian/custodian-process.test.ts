/**
 * The key custodian in its own process (`jpp-broker custodian`): its own key file, port and
 * configuration, tokens checked against a remote JWKS, usage and logboek entries in the
 * shared PostgreSQL. PostgreSQL only (the custodian never opens the embedded database).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymise } from '../../adapters/pseudonymisation/custodian-client.js';
import { syntheticBsn } from '../support/synthetic.js';
import { openDatabase } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';

const adminUrl = process.env['DATABASE_URL'];
if (!adminUrl) console.warn('custodian-process.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');
const BIN = fileURLToPath(new URL('../../bin/jpp-broker.js', import.meta.url));

describe.skipIf(!adminUrl)('jpp-broker custodian', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jpp-custodian-'));
  const keyFile = join(dir, 'keys', 'custodian-keys.json');
  const dbName = `jpp_custodian_${randomBytes(4).toString('hex')}`;
  let dbUrl = '';
  let child: ChildProcess | undefined;
  let jwks: Server;
  let url = '';
  let sign: (claims: Record<string, string>, sub: string) => Promise<string>;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(adminUrl!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    // The broker migrates the shared database; the custodian refuses to start on an unmigrated one.
    const broker = await openDatabase({ kind: 'postgres', url: dbUrl });
    await migrateToLatest(broker.db);
    await broker.close();

    const { publicKey, privateKey } = await generateKeyPair('EdDSA');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'EdDSA' };
    jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const issuer = 'https://idp.test.invalid';
    sign = (claims, sub) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'idp-1' }).setIssuer(issuer).setAudience('jpp-broker').setSubject(sub).setExpirationTime('5m').sign(privateKey);

    child = spawn(process.execPath, [BIN, 'custodian'], {
      env: {
        PATH: process.env['PATH'],
        JPP_CUSTODIAN_KEY_FILE: keyFile,
        DATABASE_URL: dbUrl,
        PORT: '0',
        JPP_JWT_ISSUER: issuer,
        JPP_JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
        JPP_QUOTA_ADAPTER_PER_MINUTE: '5',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`custodian did not start: ${out}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => reject(new Error(`custodian exited with ${code}: ${out}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.on('exit', r));
    }
    jwks?.close();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
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
      expect(rows.map((r) => JSON.parse(r.content).details.elements)).toEqual([2, 1]);
      const tables = (await db.query(`select string_agg(row_to_json(t)::text, '') as all from logboek_entries t`)).rows[0].all as string;
      expect(tables).not.toContain(bsn);
    } finally {
      await db.end();
    }
  });

  it('refuses a token from another issuer', async () => {
    const { privateKey } = await generateKeyPair('EdDSA');
    const forged = await new SignJWT({ partner: 'halt' }).setProtectedHeader({ alg: 'EdDSA', kid: 'idp-1' }).setIssuer('https://idp.test.invalid').setAudience('jpp-broker').setSubject('adapter:halt').setExpirationTime('5m').sign(privateKey);
    const res = await fetch(`${url}/v1/evaluate`, { method: 'POST', headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' }, body: JSON.stringify({ epoch: 1, blindedElements: [Buffer.alloc(32, 3).toString('base64url')] }) });
    expect(res.status).toBe(401);
  });
});
