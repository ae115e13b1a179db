/**
 * Several platforms in one process (JPP_PLATFORMS): each platform's configuration is its own,
 * nothing that keeps platforms apart is shared, and every bad setting stops start-up naming
 * the variable as the operator wrote it. Without JPP_PLATFORMS nothing changes.
 */
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../broker/config/config.js';
import { commandEnv, envKeyOf, loadPlatformConfig, loadPlatformsConfig, platformEnv } from '../../broker/config/platforms-config.js';
import { packagePath } from '../../protocol/package-root.js';

const A = 'jpp-sittard-geleen';
const B = 'jpt-hollands-midden';
const kdb = (): string => randomBytes(32).toString('base64url');
const signingKey = (): string => JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));
const demo = (extra: Record<string, string> = {}) => ({ JPP_MODE: 'demo', DATA_DIR: mkdtempSync(join(tmpdir(), 'jpp-platforms-')), JPP_PLATFORMS: `${A},${B}`, ...extra });
const production = (extra: Record<string, string> = {}) => ({
  JPP_PLATFORMS: `${A},${B}`,
  JPP_JWT_ISSUER: 'https://idp.example.nl',
  JPP_JWT_JWKS_URL: 'https://idp.example.nl/jwks',
  DATA_DIR: mkdtempSync(join(tmpdir(), 'jpp-platforms-')),
  JPP_SUBJECT_KEY__JPP_SITTARD_GELEEN: kdb(),
  JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN: kdb(),
  JPP_LOG_SIGNING_KEY__JPP_SITTARD_GELEEN: signingKey(),
  JPP_LOG_SIGNING_KEY__JPT_HOLLANDS_MIDDEN: signingKey(),
  DATABASE_URL__JPP_SITTARD_GELEEN: 'postgres://db.internal:5432/jpp_sittard',
  DATABASE_URL__JPT_HOLLANDS_MIDDEN: 'postgres://db.internal:5432/jpt_hm',
  ...extra,
});
const problemsOf = (env: Record<string, string>): string => {
  try {
    loadPlatformsConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('one platform (no JPP_PLATFORMS)', () => {
  it('is what it always was: at the root, tokens without a platform claim accepted', () => {
    const env = { JPP_MODE: 'demo', DATA_DIR: mkdtempSync(join(tmpdir(), 'jpp-platforms-')) };
    expect(loadPlatformsConfig(env)).toBeUndefined();
    const c = loadConfig(env);
    expect(c).toMatchObject({ basePath: '', requirePlatformClaim: false, dataDir: resolve(env.DATA_DIR), transport: { mtlsPort: 8443 } });
    expect(c.web.publicUrl).toBe('http://127.0.0.1:8080');
    expect(commandEnv(env, undefined)).toEqual(env);
    expect(() => commandEnv(env, B)).toThrow(/no platform jpt-hollands-midden: this broker serves jpp-sittard-geleen/);
  });
});

describe('several platforms', () => {
  it('gives each platform its own data directory, path, public address, mTLS port, secrets and origin', () => {
    const env = demo({ PORT: '8282', JPP_PUBLIC_URL: 'https://jpp.example.nl/' });
    const c = loadPlatformsConfig(env)!;
    expect(c.platforms.map((p) => [p.id, p.key, p.basePath])).toEqual([
      [A, 'JPP_SITTARD_GELEEN', `/p/${A}`],
      [B, 'JPT_HOLLANDS_MIDDEN', `/p/${B}`],
    ]);
    const [a, b] = c.platforms.map((p) => p.config);
    expect(a!.dataDir).toBe(resolve(env.DATA_DIR, A));
    expect(b!.dataDir).toBe(resolve(env.DATA_DIR, B));
    expect(b!.platformFile).toBe(resolve(`policies/${B}.platform.json`));
    expect(b!.web.publicUrl).toBe(`https://jpp.example.nl/p/${B}`);
    expect([a!.transport.mtlsPort, b!.transport.mtlsPort]).toEqual([8443, 8444]);
    expect(b!.transport.pkiDir).toBe(resolve(env.DATA_DIR, B, 'pki'));
    expect(a!.requirePlatformClaim && b!.requirePlatformClaim).toBe(true);
    expect(a!.subjectKey.equals(b!.subjectKey)).toBe(false);
    expect(a!.logboek.signingJwk.d).not.toBe(b!.logboek.signingJwk.d);
    expect(a!.web.sessionSecret).not.toBe(b!.web.sessionSecret);
    expect(JSON.parse(readFileSync(join(env.DATA_DIR, B, 'demo-secrets.json'), 'utf8')).subjectKey).toBe(b!.subjectKey.toString('base64url'));
  });

  it("takes a platform's own variables over the shared ones, and JPP_MTLS_PORT as the first platform's port", () => {
    const c = loadPlatformsConfig(demo({ JPP_MTLS_PORT: '8643', JPP_QUOTA_PERSON_PER_MINUTE: '7', JPP_QUOTA_PERSON_PER_MINUTE__JPT_HOLLANDS_MIDDEN: '3', JPP_MTLS_PORT__JPT_HOLLANDS_MIDDEN: '9443' }))!;
    const [a, b] = c.platforms.map((p) => p.config);
    expect([a!.quotas.person.perMinute, b!.quotas.person.perMinute]).toEqual([7, 3]);
    expect([a!.transport.mtlsPort, b!.transport.mtlsPort]).toEqual([8643, 9443]);
    expect(loadPlatformsConfig(demo({ JPP_MTLS_PORT: '0' }))!.platforms.map((p) => p.config.transport.mtlsPort)).toEqual([0, 0]);
  });

  it('reads a production configuration with each platform its own database and keys', () => {
    const c = loadPlatformsConfig(production())!;
    expect(c.platforms.map((p) => p.config.databaseUrl)).toEqual(['postgres://db.internal:5432/jpp_sittard', 'postgres://db.internal:5432/jpt_hm']);
    expect(c.platforms.every((p) => p.config.jwt.issuer === 'https://idp.example.nl')).toBe(true);
    // One pool per platform: a shared pool size, which a platform's own may override.
    expect(c.platforms.map((p) => p.config.databasePoolSize)).toEqual([10, 10]);
    const sized = loadPlatformsConfig(production({ JPP_DATABASE_POOL_SIZE: '4', JPP_DATABASE_POOL_SIZE__JPT_HOLLANDS_MIDDEN: '2' }))!;
    expect(sized.platforms.map((p) => p.config.databasePoolSize)).toEqual([4, 2]);
  });

  it('gives commands one platform: its view of the environment, or its whole configuration', () => {
    const env = demo({ DATABASE_URL__JPT_HOLLANDS_MIDDEN: 'postgres://db/jpt' });
    expect(platformEnv(env, B)).toMatchObject({ DATA_DIR: join(env.DATA_DIR, B), DATABASE_URL: 'postgres://db/jpt', JPP_PLATFORM_FILE: packagePath('policies', `${B}.platform.json`) });
    expect(platformEnv(env, A)['DATABASE_URL']).toBeUndefined();
    expect(loadPlatformConfig(env, B).databaseUrl).toBe('postgres://db/jpt');
    expect(() => loadPlatformConfig(env, undefined)).toThrow(/give --platform <id>: this broker serves jpp-sittard-geleen, jpt-hollands-midden/);
    expect(() => commandEnv(env, 'jpp-parkstad')).toThrow(/no platform jpp-parkstad: JPP_PLATFORMS lists/);
    expect(envKeyOf(B)).toBe('JPT_HOLLANDS_MIDDEN');
  });
});

describe('bad platform configuration stops start-up, naming the variable', () => {
  it.each([
    ['a list that is not one', { JPP_PLATFORMS: 'JPP Sittard;JPT' }, /JPP_PLATFORMS: must list platform ids separated by commas/],
    ['a platform listed twice', { JPP_PLATFORMS: `${A},${A}` }, /JPP_PLATFORMS: lists jpp-sittard-geleen twice/],
  ])('refuses %s', (_what, extra, message) => {
    expect(problemsOf(demo(extra))).toMatch(message);
  });

  it.each([
    ['a shared k_db', { JPP_SUBJECT_KEY: kdb() }, /JPP_SUBJECT_KEY: each platform has its own; with JPP_PLATFORMS set it per platform \(JPP_SUBJECT_KEY__JPP_SITTARD_GELEEN, JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN\)/],
    ['a shared database', { DATABASE_URL: 'postgres://db/jpp' }, /DATABASE_URL: each platform has its own/],
    ['a shared platform file', { JPP_PLATFORM_FILE: 'policies/jpp-sittard-geleen.platform.json' }, /JPP_PLATFORM_FILE: each platform has its own/],
    ['a shared PKI', { JPP_TLS_CA: '/etc/jpp/ca.pem' }, /JPP_TLS_CA: each platform has its own/],
    ['a suffix of no listed platform', { JPP_SUBJECT_KEY__JPT_HOLANDS_MIDDEN: kdb() }, /JPP_SUBJECT_KEY__JPT_HOLANDS_MIDDEN: __JPT_HOLANDS_MIDDEN names no platform of JPP_PLATFORMS/],
    ['a per-platform value of a process-wide variable', { PORT__JPT_HOLLANDS_MIDDEN: '9000' }, /PORT__JPT_HOLLANDS_MIDDEN: PORT is the same for every platform of the process; set PORT/],
    ['a bad value of one platform', { JPP_QUOTA_PERSON_PER_DAY__JPT_HOLLANDS_MIDDEN: 'many' }, /JPP_QUOTA_PERSON_PER_DAY__JPT_HOLLANDS_MIDDEN: must be integer/],
    ['a short k_db of one platform', { JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN: 'short' }, /JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN: must be k_db: at least 32 random bytes, base64url-encoded/],
    ['two platforms on one mTLS port', { JPP_MTLS_PORT__JPP_SITTARD_GELEEN: '9443', JPP_MTLS_PORT__JPT_HOLLANDS_MIDDEN: '9443' }, /JPP_MTLS_PORT__JPT_HOLLANDS_MIDDEN: is the same port as platform jpp-sittard-geleen's/],
    ['a platform file of another platform', { JPP_PLATFORM_FILE__JPT_HOLLANDS_MIDDEN: 'policies/jpp-sittard-geleen.platform.json' }, /JPP_PLATFORM_FILE__JPT_HOLLANDS_MIDDEN: .*is the platform file of jpp-sittard-geleen, not of jpt-hollands-midden/],
    ['a platform without a platform file', { JPP_PLATFORMS: `${A},jpp-parkstad` }, /JPP_PLATFORM_FILE__JPP_PARKSTAD: no file at .*jpp-parkstad\.platform\.json/],
  ])('refuses %s', (_what, extra, message) => {
    expect(problemsOf(demo(extra))).toMatch(message);
  });

  it('names the field of an invalid platform file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jpp-platform-file-'));
    const platform = JSON.parse(readFileSync(`policies/${B}.platform.json`, 'utf8'));
    platform.doelgroep.minAge = -8;
    writeFileSync(join(dir, 'jpt.platform.json'), JSON.stringify(platform));
    expect(problemsOf(demo({ JPP_PLATFORM_FILE__JPT_HOLLANDS_MIDDEN: join(dir, 'jpt.platform.json') }))).toMatch(/JPP_PLATFORM_FILE__JPT_HOLLANDS_MIDDEN: platform file .* is invalid: \/doelgroep\/minAge must be >= 0/);
  });

  it.each([
    ['the same database (spelled differently)', { DATABASE_URL__JPT_HOLLANDS_MIDDEN: 'postgresql://DB.internal/jpp_sittard' }, /DATABASE_URL__JPT_HOLLANDS_MIDDEN: names the same database as platform jpp-sittard-geleen's/],
    ['the same k_db', { JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN: 'x'.repeat(43) , JPP_SUBJECT_KEY__JPP_SITTARD_GELEEN: 'x'.repeat(43) }, /JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN: is the same key as platform jpp-sittard-geleen's/],
    ['a missing secret of one platform', { JPP_LOG_SIGNING_KEY__JPT_HOLLANDS_MIDDEN: '' }, /JPP_LOG_SIGNING_KEY__JPT_HOLLANDS_MIDDEN: is required/],
  ])('refuses, in production, %s', (_what, extra, message) => {
    expect(problemsOf(production(extra))).toMatch(message);
  });

  it('reports every problem of every platform at once', () => {
    const message = problemsOf(production({ JPP_SUBJECT_KEY__JPP_SITTARD_GELEEN: '', JPP_CHECKPOINT_ENTRIES__JPT_HOLLANDS_MIDDEN: '0', JPP_SUBJECT_KEY: kdb() }));
    expect(message).toMatch(/JPP_SUBJECT_KEY: each platform has its own/);
    expect(message).toMatch(/JPP_SUBJECT_KEY__JPP_SITTARD_GELEEN: is required/);
    expect(message).toMatch(/JPP_CHECKPOINT_ENTRIES__JPT_HOLLANDS_MIDDEN: must be >= 1/);
  });
});
