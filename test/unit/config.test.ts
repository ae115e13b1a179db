/** Configuration: parsed once against schemas/config.schema.json; bad values stop start-up, naming the variable. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig } from '../../broker/config/config.js';
import { databaseTargetOf } from '../../broker/app/create-broker.js';
import { commandEnv, loadPlatformsConfig } from '../../broker/config/platforms-config.js';
import { loadCustodianConfig } from '../../broker/custodian/custodian-config.js';
import { packagePath } from '../../protocol/package-root.js';

const key = randomBytes(32).toString('base64url');
const { privateKey } = generateKeyPairSync('ed25519');
const signingKey = JSON.stringify(privateKey.export({ format: 'jwk' }));
const production = {
  JPP_SUBJECT_KEY: key,
  JPP_JWT_ISSUER: 'https://idp.example.nl',
  JPP_JWT_JWKS_URL: 'https://idp.example.nl/jwks',
  JPP_LOG_SIGNING_KEY: signingKey,
};

describe('production mode', () => {
  it('starts from complete settings, with defaults for the rest', () => {
    const c = loadConfig(production);
    expect(c).toMatchObject({
      mode: 'production', port: 8080, host: '127.0.0.1', databaseUrl: undefined,
      jwt: { audience: 'jpp-broker', issuer: 'https://idp.example.nl' },
      logboek: { checkpointEveryEntries: 1000, checkpointEverySeconds: 60, origin: undefined, sequencer: true },
    });
    expect(c.subjectKey.equals(Buffer.from(key, 'base64url'))).toBe(true);
  });

  it.each(['JPP_SUBJECT_KEY', 'JPP_JWT_ISSUER', 'JPP_JWT_JWKS_URL', 'JPP_LOG_SIGNING_KEY'])('has no default for %s', (name) => {
    const env: Record<string, string> = { ...production };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}: is required`));
  });

  it.each([
    ['PORT', '99999', /PORT: must be <= 65535/],
    ['PORT', 'eighty', /PORT: must be integer/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL/],
    ['JPP_SUBJECT_KEY', 'short', /JPP_SUBJECT_KEY/],
    ['JPP_MODE', 'test', /JPP_MODE: must be one of: demo, production/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['JPP_LOG_SIGNING_KEY', '{"kty":"RSA","d":"x"}', /JPP_LOG_SIGNING_KEY: must be an Ed25519 private JWK/],
    ['JPP_CHECKPOINT_ENTRIES', '0', /JPP_CHECKPOINT_ENTRIES: must be >= 1/],
  ])('refuses a bad %s, naming it', (name, value, message) => {
    expect(() => loadConfig({ ...production, [name]: value })).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: '-1' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/PORT[\s\S]*JPP_SUBJECT_KEY|JPP_SUBJECT_KEY[\s\S]*PORT/);
    }
  });
});

describe('demo mode', () => {
  it('generates secrets into DATA_DIR once, private to the owner, and reuses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jpp-config-'));
    const first = loadConfig({ JPP_MODE: 'demo', DATA_DIR: dir });
    const second = loadConfig({ JPP_MODE: 'demo', DATA_DIR: dir });
    expect(first.subjectKey.length).toBe(32);
    expect(second.subjectKey.equals(first.subjectKey)).toBe(true);
    const file = join(dir, 'demo-secrets.json');
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).issuerPrivateJwk.kty).toBe('OKP');
    expect(loadConfig({ JPP_MODE: 'demo', DATA_DIR: mkdtempSync(join(tmpdir(), 'jpp-config-')) }).subjectKey.equals(first.subjectKey)).toBe(false);
  });
});

describe('the custodian in its own process', () => {
  it('names every missing variable, and has no place for the broker\'s secrets', () => {
    expect(() => loadCustodianConfig({})).toThrow(/JPP_CUSTODIAN_KEY_FILE: is required[\s\S]*DATABASE_URL: is required/);
    const c = loadCustodianConfig({
      JPP_CUSTODIAN_KEY_FILE: '/tmp/keys.json',
      DATABASE_URL: 'postgres://db/jpp',
      JPP_JWT_ISSUER: 'https://idp.example.nl',
      JPP_JWT_JWKS_URL: 'https://idp.example.nl/jwks',
      JPP_SUBJECT_KEY: key,
    });
    expect(c).toMatchObject({ port: 8090, quotas: { person: { perMinute: 30, perDay: 300 }, adapter: { perMinute: 20000 } } });
    expect(JSON.stringify(c)).not.toContain(key);
  });
});

/** The message of the ConfigError that `load` throws. */
function problemsOf(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

const custodian = {
  JPP_CUSTODIAN_KEY_FILE: '/tmp/keys.json',
  DATABASE_URL: 'postgres://db/jpp',
  JPP_JWT_ISSUER: 'https://idp.example.nl',
  JPP_JWT_JWKS_URL: 'https://idp.example.nl/jwks',
};
const severalPlatforms = (extra: Record<string, string>) => ({
  JPP_MODE: 'demo', DATA_DIR: mkdtempSync(join(tmpdir(), 'jpp-config-')), JPP_PLATFORMS: 'jpp-sittard-geleen,jpt-hollands-midden', ...extra,
});

describe('a misspelt JPP_ variable stops start-up, naming the nearest known variable', () => {
  it.each([
    ['JPP_SUBJECT_KY', 'JPP_SUBJECT_KEY'],
    ['JPP_OIDC_CLIENTID', 'JPP_OIDC_CLIENT_ID'],
    ['JPP_OIDC_ISSUER_URL', 'JPP_OIDC_ISSUER'],
    ['JPP_CHECKPOINT_SECOND', 'JPP_CHECKPOINT_SECONDS'],
    ['JPP_MTLS_PROT', 'JPP_MTLS_PORT'],
    ['JPP_PLATFORM', 'JPP_PLATFORMS'],
    ['JPP_JWT_AUDIENCES', 'JPP_JWT_AUDIENCE'],
    ['JPP_RETENTION_INTERVAL', 'JPP_RETENTION_INTERVAL_SECONDS'],
  ])('the broker refuses %s and suggests %s', (name, nearest) => {
    const message = problemsOf(() => loadConfig({ ...production, [name]: 'value-of-a-typo' }));
    expect(message).toContain(`\n  ${name}: is not a jpp-broker variable; did you mean ${nearest}?`);
    expect(message).not.toContain('value-of-a-typo');
  });

  it.each([
    ['JPP_CUSTODIAN_KEYFILE', 'JPP_CUSTODIAN_KEY_FILE'],
    ['JPP_QUOTA_PERSON_PER_MINUTES', 'JPP_QUOTA_PERSON_PER_MINUTE'],
  ])('the custodian refuses %s and suggests %s', (name, nearest) => {
    expect(problemsOf(() => loadCustodianConfig({ ...custodian, [name]: '1' }))).toContain(`${name}: is not a jpp-broker variable; did you mean ${nearest}?`);
  });

  it.each([
    ['JPP_SUBJECT_KY__JPT_HOLLANDS_MIDDEN', 'JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN'],
    ['JPP_TLS_CAA__JPP_SITTARD_GELEEN', 'JPP_TLS_CA__JPP_SITTARD_GELEEN'],
  ])('beside other platforms, refuses %s and suggests %s', (name, nearest) => {
    expect(problemsOf(() => loadPlatformsConfig(severalPlatforms({ [name]: 'x' })))).toContain(`${name}: is not a jpp-broker variable; did you mean ${nearest}?`);
  });

  it('refuses a platform\'s own variable when JPP_PLATFORMS is not set', () => {
    expect(problemsOf(() => loadConfig({ ...production, JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN: key }))).toContain(
      "JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN: a platform's own variable (suffix __JPT_HOLLANDS_MIDDEN), but JPP_PLATFORMS is not set",
    );
  });

  it('refuses a misspelt variable in the commands that read only paths (pki, audit, policy)', () => {
    expect(() => commandEnv({ JPP_PKI_DIRR: '/tmp/pki' }, undefined)).toThrow(/JPP_PKI_DIRR: is not a jpp-broker variable; did you mean JPP_PKI_DIR\?/);
  });

  it.each([
    ['a command line\'s variable', { JPP_ADAPTER_TOKEN: 'x', JPP_TOKEN: 'x', JPP_BROKER_URL: 'http://x', JPP_ADAPTER_STATE: '/tmp' }],
    ['the custodian\'s variable', { JPP_CUSTODIAN_KEY_FILE: '/tmp/keys.json' }],
    ['an empty one (counts as unset)', { JPP_NOT_A_VARIABLE: '' }],
    ['a variable that does not begin with JPP_', { JPP: 'x', NODE_ENV: 'production', OTEL_SERVICE_NAME: 'x' }],
  ])('accepts %s', (_what, extra) => {
    expect(loadConfig({ ...production, ...extra }).mode).toBe('production');
  });

  it('accepts every platform\'s own variables beside other platforms', () => {
    const c = loadPlatformsConfig(severalPlatforms({ JPP_QUOTA_PERSON_PER_DAY__JPT_HOLLANDS_MIDDEN: '99', JPP_CHECKPOINT_ENTRIES__JPP_SITTARD_GELEEN: '7' }));
    expect(c?.platforms.map((p) => [p.config.quotas.person.perDay, p.config.logboek.checkpointEveryEntries])).toEqual([[300, 7], [99, 1000]]);
  });
});

describe('every problem names its variable', () => {
  it.each([
    ['an OpenID Connect issuer without a client id', { JPP_OIDC_ISSUER: 'https://idp.example.nl', JPP_WEB_SESSION_SECRET: 'x'.repeat(32) }, 'JPP_OIDC_CLIENT_ID: is required when JPP_OIDC_ISSUER is set'],
    ['production OpenID Connect without a session secret', { JPP_OIDC_ISSUER: 'https://idp.example.nl', JPP_OIDC_CLIENT_ID: 'broker' }, 'JPP_WEB_SESSION_SECRET: is required in production when JPP_OIDC_ISSUER is set'],
    ['a platform file that is not there', { JPP_PLATFORM_FILE: '/nonexistent/jpp.platform.json' }, 'JPP_PLATFORM_FILE: no file at /nonexistent/jpp.platform.json'],
    ['a port out of range', { PORT: '70000' }, 'PORT: must be <= 65535'],
    ['a public address that is no URL', { JPP_PUBLIC_URL: 'jpp.example.nl' }, 'JPP_PUBLIC_URL: must be the broker\'s address as browsers reach it'],
  ])('%s', (_what, extra, line) => {
    const message = problemsOf(() => loadConfig({ ...production, ...extra }));
    expect(message).toContain(`\n  ${line}`);
    const lines = message.split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^ {2}[A-Z][A-Z0-9_]*: \S/);
  });

  it('in production, names each missing secret', () => {
    const lines = problemsOf(() => loadConfig({})).split('\n').slice(1).sort();
    expect(lines).toEqual(['JPP_JWT_ISSUER', 'JPP_JWT_JWKS_URL', 'JPP_LOG_SIGNING_KEY', 'JPP_SUBJECT_KEY'].map((n) => `  ${n}: is required in production`));
  });
});

describe('a malformed key says what it must look like, without repeating it', () => {
  const generateKdb = "generate one with: node -p \"require('crypto').randomBytes(32).toString('base64url')\"";
  it.each([
    ['JPP_SUBJECT_KEY', randomBytes(16).toString('base64url'), ['at least 32 random bytes', 'base64url', '43 or more characters', generateKdb]],
    ['JPP_SUBJECT_KEY', randomBytes(32).toString('base64'), ['at least 32 random bytes', 'base64url', generateKdb]],
    ['JPP_LOG_SIGNING_KEY', 'ed25519-key-in-pem', ['Ed25519 private JWK as JSON', '"kty":"OKP"', "generateKeyPairSync('ed25519')"]],
    ['JPP_LOG_SIGNING_KEY', '{"d": not json}', ['is not JSON', 'Ed25519 private JWK', 'docs/configuration.md#production-mode']],
    ['JPP_LOG_SIGNING_KEY', '{"kty":"RSA","d":"secret-part"}', ['must be an Ed25519 private JWK (kty OKP, crv Ed25519, with d and x', 'docs/configuration.md#production-mode']],
    ['JPP_WEB_SESSION_SECRET', 'short-secret', ['at least 32 characters', generateKdb]],
    ['DATABASE_URL', 'mysql://user:pw@db/jpp', ['postgres://user[:password]@host[:port]/database']],
  ])('%s = %s', (name, value, says) => {
    const message = problemsOf(() => loadConfig({ ...production, [name]: value }));
    const line = message.split('\n').find((l) => l.startsWith(`  ${name}: `));
    expect(line, message).toBeDefined();
    for (const words of says) expect(line).toContain(words);
    expect(message).not.toContain(value);
  });
});

describe('every variable of the schema is read', () => {
  it('CONFIG_KEYS is the schema\'s list of variables', () => {
    const schema = JSON.parse(readFileSync(packagePath('schemas', 'config.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    expect([...CONFIG_KEYS].sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it('reads JPP_RETENTION_INTERVAL_SECONDS', () => {
    expect(loadConfig({ ...production, JPP_RETENTION_INTERVAL_SECONDS: '3600' }).retentionIntervalSeconds).toBe(3600);
    expect(loadConfig(production).retentionIntervalSeconds).toBe(86_400);
  });

  it('reads JPP_DATABASE_POOL_SIZE into the PostgreSQL target, 10 by default, and refuses 0', () => {
    const url = 'postgres://jpp@db.example/jpp';
    expect(databaseTargetOf(loadConfig({ ...production, DATABASE_URL: url }))).toEqual({ kind: 'postgres', url, poolSize: 10 });
    expect(databaseTargetOf(loadConfig({ ...production, DATABASE_URL: url, JPP_DATABASE_POOL_SIZE: '3' }))).toEqual({ kind: 'postgres', url, poolSize: 3 });
    expect(() => loadConfig({ ...production, JPP_DATABASE_POOL_SIZE: '0' })).toThrow(/JPP_DATABASE_POOL_SIZE: must be a whole number of connections from 1 to 200/);
  });

  it('finds the default platform file in the package, and a given one from the working folder', () => {
    expect(loadConfig(production).platformFile).toBe(packagePath('policies', 'jpp-sittard-geleen.platform.json'));
    expect(loadConfig({ ...production, JPP_PLATFORM_FILE: 'policies/jpt-hollands-midden.platform.json' }).platformFile).toBe(join(process.cwd(), 'policies/jpt-hollands-midden.platform.json'));
  });
});
