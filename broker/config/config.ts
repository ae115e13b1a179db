/**
 * Broker configuration: environment variables, parsed once at start-up against
 * `schemas/config.schema.json`. No service reads `process.env`; only command-line entry
 * points read their own conveniences (e.g. a token or key-file option's default).
 *
 * Invariants:
 * - A bad or missing value stops start-up with a message naming the variable.
 * - Outside demo mode no secret has a default. In demo mode, secrets that are not set
 *   are generated once into DATA_DIR (see `demo-secrets.ts`).
 */
import { hkdfSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, parseEnv } from './parse-env.js';
import { loadDemoSecrets, DEMO_ISSUER } from './demo-secrets.js';
import type { CustodianQuotas } from '../custodian/custodian.service.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { packageRoot } from '../../protocol/package-root.js';

export type { Mode, BrokerConfig, OperationsConfig, ConfigOptions, TransportConfig, WebConfig, OidcConfig, ClaimMapping, RawConfig } from './config-types.js';
import type { BrokerConfig, ClaimMapping, ConfigOptions, RawConfig, TransportConfig, WebConfig, OidcConfig } from './config-types.js';
export { ConfigError };

/** The platform file when JPP_PLATFORM_FILE is unset: the demo platform's, inside the package. */
export const DEFAULT_PLATFORM_FILE = 'policies/jpp-sittard-geleen.platform.json';

/**
 * Where a platform file is: a path the operator gave, from the working folder; the default
 * inside the package, so that the demo and the commands start from any folder.
 */
export function platformFileOf(given: string | undefined, fallback: string = DEFAULT_PLATFORM_FILE): string {
  return given ? resolve(given) : resolve(packageRoot(), fallback);
}

/** The quota variables, shared with the custodian's own config. */
export const QUOTA_KEYS = [
  'JPP_QUOTA_ADAPTER_PER_MINUTE', 'JPP_QUOTA_ADAPTER_PER_DAY', 'JPP_QUOTA_PERSON_PER_MINUTE', 'JPP_QUOTA_PERSON_PER_DAY',
] as const;

/** Reads the quotas from parsed (validated, defaulted) config values. */
export function quotasOf(c: Record<(typeof QUOTA_KEYS)[number], number>): CustodianQuotas {
  return {
    adapter: { perMinute: c.JPP_QUOTA_ADAPTER_PER_MINUTE, perDay: c.JPP_QUOTA_ADAPTER_PER_DAY },
    person: { perMinute: c.JPP_QUOTA_PERSON_PER_MINUTE, perDay: c.JPP_QUOTA_PERSON_PER_DAY },
  };
}

/** Every variable of the broker's configuration. */
export const CONFIG_KEYS: ReadonlyArray<keyof RawConfig> = [
  'JPP_MODE', 'PORT', 'HOST', 'DATABASE_URL', 'JPP_DATABASE_POOL_SIZE', 'DATA_DIR', 'JPP_PLATFORM_FILE', 'JPP_SUBJECT_KEY',
  'JPP_JWT_ISSUER', 'JPP_JWT_JWKS_URL', 'JPP_JWT_AUDIENCE', 'LOG_LEVEL', 'JPP_LOG_SIGNING_KEY', 'JPP_LOG_ORIGIN',
  'JPP_LOG_PREVIOUS_SIGNING_KEY', 'JPP_WITNESSES', 'JPP_WITNESS_QUORUM', 'JPP_WITNESS_MAX_LAG_SECONDS',
  'JPP_CHECKPOINT_ENTRIES', 'JPP_CHECKPOINT_SECONDS', 'JPP_SEQUENCER', 'JPP_RETENTION_INTERVAL_SECONDS', ...QUOTA_KEYS,
  'JPP_PUBLIC_URL', 'JPP_WEB_SESSION_SECRET', 'JPP_WEB_SESSION_MINUTES', 'JPP_OIDC_ISSUER', 'JPP_OIDC_CLIENT_ID',
  'JPP_OIDC_CLIENT_SECRET', 'JPP_OIDC_SCOPES', 'JPP_OIDC_USERINFO', 'JPP_OIDC_ROLE_CLAIM', 'JPP_OIDC_ROLE_MAP',
  'JPP_OIDC_ORG_CLAIM', 'JPP_OIDC_ORG_MAP', 'JPP_CUSTODIAN_URL',
  'JPP_MTLS_PORT', 'JPP_PKI_DIR', 'JPP_TLS_CERT', 'JPP_TLS_KEY', 'JPP_TLS_CA', 'JPP_TLS_CRL', 'JPP_TLS_REVOKED_FILE', 'JPP_PARTNER_REGISTRY',
  'JPP_DRAIN_SECONDS', 'JPP_SHUTDOWN_TIMEOUT_SECONDS', 'JPP_METRICS_PORT', 'JPP_OTLP_ENDPOINT',
];

/**
 * Parses the environment. Empty strings count as unset. Throws ConfigError naming
 * every offending variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, options: ConfigOptions = {}): BrokerConfig {
  const label = options.label ?? ((key: string) => key);
  const c = parseEnv(env, CONFIG_KEYS, 'config', 'configuration', label, options.schemas) as unknown as RawConfig;
  const dataDir = resolve(c.DATA_DIR);
  const platformFile = platformFileOf(env['JPP_PLATFORM_FILE'], c.JPP_PLATFORM_FILE);
  if (!existsSync(platformFile)) throw new ConfigError(`invalid configuration:\n  ${label('JPP_PLATFORM_FILE')}: no file at ${platformFile}`);
  let subjectKey: Buffer;
  let issuer: string;
  let jwksUrl: string | undefined;
  let signingJwk: JsonWebKey;
  if (c.JPP_MODE === 'demo') {
    const secrets = loadDemoSecrets(dataDir);
    subjectKey = c.JPP_SUBJECT_KEY ? Buffer.from(c.JPP_SUBJECT_KEY, 'base64url') : secrets.subjectKey;
    issuer = DEMO_ISSUER;
    jwksUrl = undefined;
    signingJwk = c.JPP_LOG_SIGNING_KEY ? parseSigningKey(c.JPP_LOG_SIGNING_KEY, label) : secrets.logSigningJwk;
  } else {
    subjectKey = Buffer.from(c.JPP_SUBJECT_KEY!, 'base64url');
    issuer = c.JPP_JWT_ISSUER!;
    jwksUrl = c.JPP_JWT_JWKS_URL!;
    signingJwk = parseSigningKey(c.JPP_LOG_SIGNING_KEY!, label);
  }
  if (subjectKey.length < 32) {
    throw new ConfigError(`invalid configuration:\n  ${label('JPP_SUBJECT_KEY')}: decodes to ${subjectKey.length} bytes; k_db must be at least 32 random bytes, base64url-encoded (docs/configuration.md#production-mode says how to generate one)`);
  }
  const previousSigningJwk = c.JPP_LOG_PREVIOUS_SIGNING_KEY ? parseSigningKey(c.JPP_LOG_PREVIOUS_SIGNING_KEY, label, 'JPP_LOG_PREVIOUS_SIGNING_KEY') : undefined;
  if (previousSigningJwk && previousSigningJwk.x === signingJwk.x) {
    throw new ConfigError(`invalid configuration:\n  ${label('JPP_LOG_PREVIOUS_SIGNING_KEY')}: is JPP_LOG_SIGNING_KEY itself; give the key that signed until now`);
  }
  const witnesses = parseWitnesses(c.JPP_WITNESSES, label);
  const witnessQuorum = c.JPP_WITNESS_QUORUM ?? (witnesses.length > 0 ? 1 : 0);
  if (witnessQuorum > witnesses.length) {
    throw new ConfigError(`invalid configuration:\n  ${label('JPP_WITNESS_QUORUM')}: ${witnessQuorum} is more than the ${witnesses.length} witnesses of JPP_WITNESSES`);
  }
  const basePath = options.basePath ?? '';
  return {
    mode: c.JPP_MODE,
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    databasePoolSize: c.JPP_DATABASE_POOL_SIZE,
    dataDir,
    platformFile,
    subjectKey,
    jwt: { issuer, audience: c.JPP_JWT_AUDIENCE, jwksUrl },
    logLevel: c.LOG_LEVEL,
    quotas: quotasOf(c),
    logboek: {
      signingJwk,
      previousSigningJwk,
      witnesses,
      witnessQuorum,
      witnessMaxLagSeconds: c.JPP_WITNESS_MAX_LAG_SECONDS,
      origin: c.JPP_LOG_ORIGIN,
      checkpointEveryEntries: c.JPP_CHECKPOINT_ENTRIES,
      checkpointEverySeconds: c.JPP_CHECKPOINT_SECONDS,
      sequencer: c.JPP_SEQUENCER === 'on',
    },
    retentionIntervalSeconds: c.JPP_RETENTION_INTERVAL_SECONDS,
    web: webConfigOf(c, subjectKey, basePath, label),
    transport: transportOf(c, dataDir, options.mtlsPortOffset ?? 0),
    basePath,
    requirePlatformClaim: options.requirePlatformClaim ?? false,
    operations: {
      drainSeconds: c.JPP_DRAIN_SECONDS,
      shutdownTimeoutSeconds: c.JPP_SHUTDOWN_TIMEOUT_SECONDS,
      metricsPort: c.JPP_METRICS_PORT,
      otlpEndpoint: c.JPP_OTLP_ENDPOINT,
    },
  };
}

function webConfigOf(c: RawConfig, subjectKey: Buffer, basePath: string, label: (key: string) => string): WebConfig {
  // Beside other platforms, a platform's pages live under its path prefix: so do its OpenID
  // Connect redirect URI and its links to itself.
  const publicUrl = `${(c.JPP_PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/+$/, '')}${basePath}`;
  // The demo derives its session secret from its generated k_db (HKDF, RFC 5869), so that it
  // needs no extra secret file; the two uses cannot collide under different info strings.
  const sessionSecret =
    c.JPP_WEB_SESSION_SECRET ??
    (c.JPP_MODE === 'demo' ? Buffer.from(hkdfSync('sha256', subjectKey, Buffer.alloc(0), 'jpp-broker web session v1', 32)).toString('base64url') : undefined);
  return {
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    sessionSecret,
    sessionMinutes: c.JPP_WEB_SESSION_MINUTES,
    oidc: c.JPP_MODE !== 'demo' && c.JPP_OIDC_ISSUER ? oidcConfigOf(c, c.JPP_OIDC_ISSUER, label) : undefined,
    custodianUrl: c.JPP_CUSTODIAN_URL,
  };
}

function oidcConfigOf(c: RawConfig, issuer: string, label: (key: string) => string): OidcConfig {
  const mapping = (path: string | undefined, map: string | undefined, key: 'JPP_OIDC_ROLE_MAP' | 'JPP_OIDC_ORG_MAP'): ClaimMapping | undefined =>
    path === undefined ? undefined : { path, map: map === undefined ? undefined : parseClaimMap(map, label(key)) };
  return {
    issuer,
    clientId: c.JPP_OIDC_CLIENT_ID!,
    clientSecret: c.JPP_OIDC_CLIENT_SECRET,
    scopes: c.JPP_OIDC_SCOPES,
    userinfo: c.JPP_OIDC_USERINFO,
    roleClaim: mapping(c.JPP_OIDC_ROLE_CLAIM, c.JPP_OIDC_ROLE_MAP, 'JPP_OIDC_ROLE_MAP'),
    organisationClaim: mapping(c.JPP_OIDC_ORG_CLAIM, c.JPP_OIDC_ORG_MAP, 'JPP_OIDC_ORG_MAP'),
  };
}

/** `{"provider value": "platform id" | ["platform id", …]}`; throws ConfigError naming the variable, never echoing its value. */
function parseClaimMap(text: string, name: string): Record<string, readonly string[]> {
  const bad = (why: string): ConfigError => new ConfigError(`invalid configuration:\n  ${name}: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad('must be a JSON object from a provider value to a platform id');
  const map: Record<string, readonly string[]> = Object.create(null) as Record<string, readonly string[]>;
  for (const [from, to] of Object.entries(parsed)) {
    const ids = typeof to === 'string' ? [to] : Array.isArray(to) && to.length > 0 && to.every((x) => typeof x === 'string') ? (to as string[]) : undefined;
    if (!ids || ids.some((id) => id.length === 0)) throw bad('each value must be a platform id, or a non-empty array of them');
    map[from] = ids;
  }
  return map;
}

function transportOf(c: RawConfig, dataDir: string, mtlsPortOffset: number): TransportConfig {
  const pkiDir = resolve(c.JPP_PKI_DIR ?? join(dataDir, 'pki'));
  const file = (value: string | undefined, name: string): string => resolve(value ?? join(pkiDir, name));
  const demo = c.JPP_MODE === 'demo';
  return {
    // Demo: 8443 next to the usual 8080. Not when PORT asks for a free port (tests, several
    // demo brokers side by side): they would collide on 8443; set JPP_MTLS_PORT (0 = free) to have one.
    mtlsPort: offsetPort(c.JPP_MTLS_PORT ?? (demo && c.PORT !== 0 ? 8443 : undefined), mtlsPortOffset),
    pkiDir,
    tlsCert: file(c.JPP_TLS_CERT, 'server.cert.pem'),
    tlsKey: file(c.JPP_TLS_KEY, 'server.key.pem'),
    tlsCa: file(c.JPP_TLS_CA, 'ca.cert.pem'),
    tlsCrl: c.JPP_TLS_CRL ? resolve(c.JPP_TLS_CRL) : undefined,
    revokedFile: file(c.JPP_TLS_REVOKED_FILE, 'revoked.json'),
    registryFile: file(c.JPP_PARTNER_REGISTRY, 'partner-registry.json'),
    requireMtls: !demo,
    requireSignature: !demo,
  };
}

/** Port 0 (a free port) stays 0; any other port moves by the platform's place in JPP_PLATFORMS. */
const offsetPort = (port: number | undefined, offset: number): number | undefined =>
  port === undefined || port === 0 ? port : port + offset;

function parseSigningKey(text: string, label: (key: string) => string, key = 'JPP_LOG_SIGNING_KEY'): JsonWebKey {
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(text) as JsonWebKey;
  } catch {
    throw new ConfigError(`invalid configuration:\n  ${label(key)}: is not JSON; it must be an Ed25519 private JWK as JSON (docs/configuration.md#production-mode says how to generate one)`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new ConfigError(`invalid configuration:\n  ${label(key)}: must be an Ed25519 private JWK (kty OKP, crv Ed25519, with d and x; docs/configuration.md#production-mode says how to generate one)`);
  }
  return jwk;
}

/** JPP_WITNESSES: [{url, vkey}], each vkey a cosignature/v1 key (C2SP signed-note, type 0x04). */
function parseWitnesses(text: string | undefined, label: (key: string) => string): Array<{ url: string; vkey: string }> {
  if (text === undefined) return [];
  const fail = (why: string): never => {
    throw new ConfigError(`invalid configuration:\n  ${label('JPP_WITNESSES')}: ${why}`);
  };
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return fail('is not JSON');
  }
  if (!Array.isArray(list)) return fail('must be a JSON array of {"url", "vkey"}');
  const out = list.map((w: unknown, i) => {
    const { url, vkey } = (w ?? {}) as { url?: unknown; vkey?: unknown };
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url)) return fail(`witness ${i}: url must be an http(s) address`);
    const parts = typeof vkey === 'string' ? /^([^+\s]+)\+[0-9a-f]{8}\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey) : null;
    const raw = parts ? Buffer.from(parts[2]!, 'base64') : Buffer.alloc(0);
    if (!parts || raw.length !== 33 || raw[0] !== 0x04) return fail(`witness ${i}: vkey must be a cosignature/v1 verifier key, <name>+<key id>+base64(0x04 || Ed25519 key)`);
    return { url, vkey: vkey as string };
  });
  if (new Set(out.map((w) => w.vkey)).size !== out.length) fail('names a witness key twice');
  return out;
}
