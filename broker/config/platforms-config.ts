/**
 * Several platforms in one broker process (docs/casus.md#several-platforms): `JPP_PLATFORMS`
 * lists the platform ids, and each platform gets a whole broker configuration of its own,
 * parsed once against `schemas/config.schema.json` like a broker that serves one platform.
 *
 * A platform's own variables carry the suffix `__<KEY>`, where KEY is the platform id in
 * capitals with '-' as '_' (`JPP_SUBJECT_KEY__JPT_HOLLANDS_MIDDEN`). Per platform:
 * - DATA_DIR is `DATA_DIR/<id>` (embedded database, demo secrets, custodian key, identities, PKI);
 * - the platform file defaults to `policies/<id>.platform.json`;
 * - the broker is mounted at `/p/<id>` and its public address is `JPP_PUBLIC_URL/p/<id>`;
 * - the mTLS listener's port is `JPP_MTLS_PORT` (demo: 8443) plus the platform's place in the list.
 *
 * Invariants:
 * - Nothing that keeps platforms apart is shared: the database, k_db, the logboek's signing key
 *   and origin, the web session secret, the key custodian and the PKI are set per platform or
 *   derived per platform. Setting one of them without a suffix is an error, and so is giving two
 *   platforms the same database, k_db, signing key or mTLS port.
 * - Every problem names the variable as the operator wrote it (suffix included); a suffix that
 *   names no listed platform, or a `JPP_` variable jpp-broker does not know, is an error, not
 *   silently ignored (unknown-variables.ts).
 * - Without JPP_PLATFORMS nothing here applies: `loadConfig` reads the environment as always.
 */
import { join, resolve } from 'node:path';
import { CONFIG_KEYS, ConfigError, loadConfig, platformFileOf, type BrokerConfig, type RawConfig } from './config.js';
import { createSchemaRegistry, type SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { loadPlatform } from '../platform/platform.js';
import { knownVariables, unknownVariableProblems } from './unknown-variables.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The same for every platform of the process. */
const PROCESS_WIDE: ReadonlySet<keyof RawConfig> = new Set([
  'JPP_MODE', 'PORT', 'HOST', 'DATA_DIR', 'LOG_LEVEL', 'JPP_PUBLIC_URL',
  'JPP_DRAIN_SECONDS', 'JPP_SHUTDOWN_TIMEOUT_SECONDS', 'JPP_METRICS_PORT', 'JPP_OTLP_ENDPOINT',
]);

/** What keeps platforms apart: only per platform, never shared. */
const OWN: ReadonlySet<keyof RawConfig> = new Set([
  'DATABASE_URL', 'JPP_PLATFORM_FILE', 'JPP_SUBJECT_KEY', 'JPP_LOG_SIGNING_KEY', 'JPP_LOG_PREVIOUS_SIGNING_KEY', 'JPP_LOG_ORIGIN', 'JPP_WEB_SESSION_SECRET',
  'JPP_CUSTODIAN_URL', 'JPP_PKI_DIR', 'JPP_TLS_CERT', 'JPP_TLS_KEY', 'JPP_TLS_CA', 'JPP_TLS_CRL', 'JPP_TLS_REVOKED_FILE',
  'JPP_PARTNER_REGISTRY',
]);

/** One platform of a multi-platform process. */
export interface PlatformEntry {
  readonly id: string;
  /** The suffix of its own variables. */
  readonly key: string;
  /** `/p/<id>`. */
  readonly basePath: string;
  readonly config: BrokerConfig;
}

export interface PlatformsConfig {
  readonly mode: BrokerConfig['mode'];
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** The process's DATA_DIR; each platform's lies below it. */
  readonly dataDir: string;
  readonly platforms: readonly PlatformEntry[];
}

/** `jpt-hollands-midden` → `JPT_HOLLANDS_MIDDEN`. */
export const envKeyOf = (id: string): string => id.toUpperCase().replaceAll('-', '_');

const value = (env: Env, key: string): string | undefined => (env[key] === '' ? undefined : env[key]);

/** Whether this process serves several platforms (JPP_PLATFORMS is set). */
export function servesSeveralPlatforms(env: Env): boolean {
  return value(env, 'JPP_PLATFORMS') !== undefined;
}

/** The platform ids of JPP_PLATFORMS, checked against the schema; throws ConfigError. */
export function platformIdsOf(env: Env, schemas: SchemaRegistry = createSchemaRegistry({ compileAll: false })): string[] {
  const list = value(env, 'JPP_PLATFORMS');
  if (list === undefined) return [];
  const errors = schemas.validate('config#/$defs/platformList', list);
  if (errors.length > 0) {
    throw new ConfigError('invalid configuration:\n  JPP_PLATFORMS: must list platform ids separated by commas (lowercase letters, digits and -; at most 32), e.g. jpp-sittard-geleen,jpt-hollands-midden');
  }
  const ids = list.split(',');
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new ConfigError(`invalid configuration:\n  JPP_PLATFORMS: lists ${twice} twice`);
  const keys = ids.map(envKeyOf);
  const clash = keys.find((k, i) => keys.indexOf(k) !== i);
  if (clash) throw new ConfigError(`invalid configuration:\n  JPP_PLATFORMS: two platform ids give the same variable suffix __${clash}`);
  return ids;
}

/**
 * The environment as one platform's broker sees it: its own variables without their suffix,
 * the shared ones as they are, DATA_DIR below the process's. Commands that act on one platform
 * (pki, audit, policy) read their paths from it. Without JPP_PLATFORMS it is `env` itself.
 */
export function platformEnv(env: Env, id: string, ids: readonly string[] = platformIdsOf(env)): Record<string, string | undefined> {
  if (ids.length === 0) return { ...env };
  if (!ids.includes(id)) throw new ConfigError(`no platform ${id}: JPP_PLATFORMS lists ${ids.join(', ')}`);
  const key = envKeyOf(id);
  const view: Record<string, string | undefined> = {};
  for (const k of CONFIG_KEYS) {
    const own = value(env, `${k}__${key}`);
    view[k] = PROCESS_WIDE.has(k) ? value(env, k) : OWN.has(k) ? own : own ?? value(env, k);
  }
  view['DATA_DIR'] = join(value(env, 'DATA_DIR') ?? './data', id);
  view['JPP_PLATFORM_FILE'] ??= platformFileOf(undefined, `policies/${id}.platform.json`);
  return view;
}

/**
 * Parses the configuration of every platform of JPP_PLATFORMS, reporting every problem of
 * every platform at once. Throws ConfigError; returns undefined without JPP_PLATFORMS.
 */
export function loadPlatformsConfig(env: Env): PlatformsConfig | undefined {
  if (!servesSeveralPlatforms(env)) return undefined;
  const schemas = createSchemaRegistry({ compileAll: false });
  const ids = platformIdsOf(env, schemas);
  if (ids.length === 0) return undefined;
  const keys = new Map(ids.map((id) => [envKeyOf(id), id]));
  const problems: string[] = unknownVariableProblems(env, knownVariables(schemas), true);

  for (const k of OWN) {
    if (value(env, k) !== undefined) {
      problems.push(`${k}: each platform has its own; with JPP_PLATFORMS set it per platform (${ids.map((id) => `${k}__${envKeyOf(id)}`).join(', ')})`);
    }
  }
  for (const name of Object.keys(env)) {
    const [, base, suffix] = /^([A-Z][A-Z0-9_]*?)__([A-Z0-9_]+)$/.exec(name) ?? [];
    if (!base || !suffix || !(CONFIG_KEYS as readonly string[]).includes(base)) continue;
    if (PROCESS_WIDE.has(base as keyof RawConfig)) problems.push(`${name}: ${base} is the same for every platform of the process; set ${base}`);
    else if (!keys.has(suffix)) problems.push(`${name}: __${suffix} names no platform of JPP_PLATFORMS (${[...keys.keys()].map((k) => `__${k}`).join(', ')})`);
  }

  const coercing = createSchemaRegistry({ coerceTypes: true, compileAll: false });
  const platforms: PlatformEntry[] = [];
  ids.forEach((id, index) => {
    const key = envKeyOf(id);
    const view = platformEnv(env, id, ids);
    const label = (k: string): string => (value(env, `${k}__${key}`) !== undefined || OWN.has(k as keyof RawConfig) ? `${k}__${key}` : k);
    let config: BrokerConfig;
    try {
      config = loadConfig(view, {
        label,
        basePath: `/p/${id}`,
        requirePlatformClaim: true,
        mtlsPortOffset: value(env, `JPP_MTLS_PORT__${key}`) !== undefined ? 0 : index,
        schemas: coercing,
      });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.message.split('\n').slice(1).map((line) => line.trim()));
      return;
    }
    try {
      const platform = loadPlatform(config.platformFile, schemas);
      if (platform.id !== id) problems.push(`${label('JPP_PLATFORM_FILE')}: ${config.platformFile} is the platform file of ${platform.id}, not of ${id}`);
    } catch (err) {
      problems.push(`${label('JPP_PLATFORM_FILE')}: ${(err as Error).message}`);
    }
    platforms.push({ id, key, basePath: `/p/${id}`, config });
  });

  const same = <T>(what: string, name: string, of: (c: BrokerConfig) => T | undefined): void => {
    const seen = new Map<T, string>();
    for (const p of platforms) {
      const v = of(p.config);
      if (v === undefined) continue;
      const other = seen.get(v);
      if (other) problems.push(`${name}__${p.key}: ${what} as platform ${other}'s; every platform needs its own`);
      else seen.set(v, p.id);
    }
  };
  same('names the same database', 'DATABASE_URL', (c) => c.databaseUrl && normaliseDatabaseUrl(c.databaseUrl));
  same('is the same key', 'JPP_SUBJECT_KEY', (c) => c.subjectKey.toString('base64url'));
  same('is the same key', 'JPP_LOG_SIGNING_KEY', (c) => c.logboek.signingJwk.d);
  same('is the same origin', 'JPP_LOG_ORIGIN', (c) => c.logboek.origin);
  same('is the same port', 'JPP_MTLS_PORT', (c) => (c.transport.mtlsPort === 0 ? undefined : c.transport.mtlsPort));
  for (const p of platforms) {
    const port = p.config.transport.mtlsPort;
    if (port !== undefined && port > 65_535) problems.push(`JPP_MTLS_PORT__${p.key}: ${port} is beyond 65535; set the port of each platform`);
    if (port !== undefined && port !== 0 && port === p.config.port) problems.push(`JPP_MTLS_PORT__${p.key}: ${port} is PORT itself`);
  }

  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const first = platforms[0]!.config;
  return { mode: first.mode, port: first.port, host: first.host, logLevel: first.logLevel, dataDir: resolve(value(env, 'DATA_DIR') ?? './data'), platforms };
}

/**
 * The environment of the platform a command acts on (`--platform <id>`), for commands that read
 * only paths from it (pki, audit, policy): with JPP_PLATFORMS that platform's view, and
 * `--platform` is required; alone, the environment itself, and `--platform`, if given, must name
 * its platform.
 */
export function commandEnv(env: Env, id: string | undefined): Record<string, string | undefined> {
  const schemas = createSchemaRegistry({ compileAll: false });
  const ids = platformIdsOf(env, schemas);
  const unknown = unknownVariableProblems(env, knownVariables(schemas), ids.length > 0);
  if (unknown.length > 0) throw new ConfigError(`invalid configuration:\n${unknown.map((p) => `  ${p}`).join('\n')}`);
  if (ids.length === 0) {
    if (id !== undefined) {
      const file = platformFileOf(value(env, 'JPP_PLATFORM_FILE'));
      const platform = loadPlatform(file, schemas);
      if (platform.id !== id) throw new ConfigError(`no platform ${id}: this broker serves ${platform.id} (set JPP_PLATFORMS to serve several)`);
    }
    return { ...env };
  }
  if (id === undefined) throw new ConfigError(`give --platform <id>: this broker serves ${ids.join(', ')}`);
  return platformEnv(env, id, ids);
}

/** The configuration of one platform, for commands that act on one (`--platform <id>`). */
export function loadPlatformConfig(env: Env, id: string | undefined): BrokerConfig {
  const several = loadPlatformsConfig(env);
  if (!several) {
    const config = loadConfig(env);
    if (id !== undefined) {
      const platform = loadPlatform(config.platformFile, createSchemaRegistry({ compileAll: false }));
      if (platform.id !== id) throw new ConfigError(`no platform ${id}: this broker serves ${platform.id} (set JPP_PLATFORMS to serve several)`);
    }
    return config;
  }
  if (id === undefined) throw new ConfigError(`give --platform <id>: this broker serves ${several.platforms.map((p) => p.id).join(', ')}`);
  const entry = several.platforms.find((p) => p.id === id);
  if (!entry) throw new ConfigError(`no platform ${id}: JPP_PLATFORMS lists ${several.platforms.map((p) => p.id).join(', ')}`);
  return entry.config;
}

/** The server and database a URL names, so that two spellings of one database compare equal. */
function normaliseDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname.toLowerCase()}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username}`;
  } catch {
    return url;
  }
}
