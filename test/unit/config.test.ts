/** Configuration: parsed once against schemas/config.schema.json; bad values stop start-up, naming the variable. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../broker/config/config.js';

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
  it('names every missing variable, and has no place for the broker\'s secrets', async () => {
    const { loadCustodianConfig } = await import('../../broker/custodian/custodian-config.js');
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
