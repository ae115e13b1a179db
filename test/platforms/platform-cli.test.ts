/**
 * The commands that act on one platform, with JPP_PLATFORMS, as an operator runs them: each
 * takes --platform <id> and works on that platform's own files and database only.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { decodeJwt, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliRun } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const JPT = 'jpt-hollands-midden';
const SITTARD = 'jpp-sittard-geleen';
let dir: string;
let database: TestDatabase | undefined;
let env: Record<string, string | undefined>;

/** A command line in this process (test/support/cli.ts); the binary is started once below. */
const run = (args: string[]): Promise<CliRun> => runCli(args, { env });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jpp-platform-cli-'));
  env = { JPP_PLATFORMS: `${SITTARD},${JPT}`, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: undefined };
  const adminUrl = process.env['DATABASE_URL'];
  if (adminUrl) {
    database = await createTestDatabase(adminUrl);
    env['DATABASE_URL__JPT_HOLLANDS_MIDDEN'] = database.url;
  }
});
afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('jpp-broker token', () => {
  it("signs with the platform's own issuer key, for its own demo people, with its platform claim", async () => {
    // The binary, as an operator starts it: its wiring with JPP_PLATFORMS.
    const res = await spawnCli(['token', '--platform', JPT, '--user', 'demo-veilig-thuis'], { env });
    expect(res.code, res.stderr).toBe(0);
    const token = res.stdout.trim();
    expect(decodeJwt(token)).toMatchObject({ platform: JPT, org: 'veilig-thuis', role: 'veilig-thuis-medewerker', sub: 'demo-veilig-thuis' });
    const { d: _d, ...pub } = JSON.parse(readFileSync(join(dir, JPT, 'demo-secrets.json'), 'utf8')).issuerPrivateJwk;
    await expect(jwtVerify(token, await importJWK(pub, 'EdDSA'))).resolves.toBeTruthy();
  });

  it.each([
    [['--user', 'demo-voorzitter'], /give --platform <id>: this broker serves jpp-sittard-geleen, jpt-hollands-midden/],
    [['--platform', 'jpp-parkstad', '--user', 'demo-voorzitter'], /no platform jpp-parkstad: JPP_PLATFORMS lists/],
    [['--platform', SITTARD, '--user', 'demo-veilig-thuis'], /no demo user demo-veilig-thuis on jpp-sittard-geleen/],
    [['--platform', SITTARD, '--adapter', 'veilig-thuis'], /no partner veilig-thuis on jpp-sittard-geleen/],
  ])('refuses %j, saying why', async (args, message) => {
    const res = await run(['token', ...args]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });
});

describe('jpp-broker pki and policy', () => {
  it("issue a partner's certificate from the platform's own CA", async () => {
    expect((await run(['pki', 'init', '--platform', JPT])).stdout).toMatch(/created a development CA/);
    expect((await run(['pki', 'issue', '--platform', JPT, '--partner', 'veilig-thuis'])).code).toBe(0);
    const pki = join(dir, JPT, 'pki');
    const cert = new X509Certificate(readFileSync(join(pki, 'partners/veilig-thuis/client.cert.pem')));
    expect(cert.checkIssued(new X509Certificate(readFileSync(join(pki, 'ca.cert.pem'))))).toBe(true);
    expect(existsSync(join(dir, SITTARD, 'pki'))).toBe(false);
    expect((await run(['pki', 'issue', '--partner', 'halt'])).stderr).toMatch(/give --platform <id>/);
  });

  it("test the platform's example policy against its decision table", async () => {
    const res = await run(['policy', 'test', `policies/${JPT}.csv`, '--platform', JPT]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/31 passed, 0 failed/);
  });
});

describe("jpp-broker retention run, audit verify and custodian rotate", () => {
  it("work on the platform's own database and key files only", async () => {
    const retention = await run(['retention', 'run', '--demo', '--platform', JPT]);
    expect(retention.code, retention.stderr).toBe(0);
    // JPT's demo has one expired signal (jongere-d's, of Veilig Thuis).
    expect(JSON.parse(retention.stdout)).toMatchObject({ trigger: 'cli', removed: { signals: { count: 1 } } });
    expect(existsSync(join(dir, SITTARD, 'pgdata'))).toBe(false);
    expect(existsSync(join(dir, JPT, 'pgdata'))).toBe(database === undefined);

    const { d: _d, ...pub } = JSON.parse(readFileSync(join(dir, JPT, 'demo-secrets.json'), 'utf8')).logSigningJwk;
    writeFileSync(join(dir, 'jpt-log-key.json'), JSON.stringify({ origin: `jpp-broker/${JPT}`, key: pub }));
    const verified = await run(['audit', 'verify', '--database', '--platform', JPT, '--public-key', join(dir, 'jpt-log-key.json')]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/Verifying the logboek of jpp-broker\/jpt-hollands-midden[\s\S]*RESULT: VALID/);

    const rotated = await run(['custodian', 'rotate', '--platform', JPT]);
    expect(rotated.stdout).toMatch(/key epoch 2 created/);
    expect(JSON.parse(readFileSync(join(dir, JPT, 'custodian-keys.json'), 'utf8')).epochs).toHaveLength(2);
  }, 180_000);
});
