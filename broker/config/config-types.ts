/** The broker's configuration as the rest of the code reads it (config.ts parses it). Types only. */
import type { CustodianQuotas } from '../custodian/custodian.service.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';

export type Mode = 'demo' | 'production';

export interface BrokerConfig {
  readonly mode: Mode;
  readonly port: number;
  readonly host: string;
  /** PostgreSQL when set; otherwise embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** The most PostgreSQL connections this platform's broker opens (node-postgres `max`); unused with PGlite. */
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly platformFile: string;
  /** k_db: the key of HMAC-SHA256(k_db, pseudonym). Never stored in the database. */
  readonly subjectKey: Buffer;
  readonly jwt: {
    readonly issuer: string;
    readonly audience: string;
    /** Remote JWKS of the issuer; absent in demo mode, where the built-in issuer's key is used. */
    readonly jwksUrl: string | undefined;
  };
  readonly logLevel: string;
  /** The custodian's quotas (used where the custodian runs: in the demo's process, or its own). */
  readonly quotas: CustodianQuotas;
  readonly logboek: {
    /** Ed25519 private JWK that signs checkpoints. */
    readonly signingJwk: JsonWebKey;
    /** During a checkpoint-key rotation: the old key, which signs the announcement of the new one. */
    readonly previousSigningJwk: JsonWebKey | undefined;
    /** The tlog-witness witnesses each new checkpoint is pushed to (broker/logboek/witness-pusher.ts). */
    readonly witnesses: ReadonlyArray<{ readonly url: string; readonly vkey: string }>;
    /** How many of them make a checkpoint witnessed. */
    readonly witnessQuorum: number;
    /** How long a checkpoint may wait for that before witnessing counts as behind. */
    readonly witnessMaxLagSeconds: number;
    readonly origin: string | undefined;
    readonly checkpointEveryEntries: number;
    readonly checkpointEverySeconds: number;
    /** Whether this process places entries in the tree (one sequencer per database is enough). */
    readonly sequencer: boolean;
  };
  /** Seconds between scheduled retention runs inside the service; 0: no schedule. */
  readonly retentionIntervalSeconds: number;
  /** The web interface (issue 8). */
  readonly web: WebConfig;
  /** Adapter transport: the mTLS listener, its PKI files, and what adapters must use. */
  readonly transport: TransportConfig;
  /**
   * Where this broker's routes and pages are mounted: '' when it serves one platform alone,
   * `/p/<platform id>` beside other platforms in one process (JPP_PLATFORMS, platforms-config.ts).
   */
  readonly basePath: string;
  /** Beside other platforms: every token must carry this platform's `platform` claim. */
  readonly requirePlatformClaim: boolean;
  /** Running as a service: the drain, metrics and tracing (docs/operations.md); the same for every platform of a process. */
  readonly operations: OperationsConfig;
}

export interface OperationsConfig {
  /** On SIGTERM: seconds of readiness off while still serving, before the listeners close. */
  readonly drainSeconds: number;
  /** Then: seconds requests in flight may take before their connections are closed. */
  readonly shutdownTimeoutSeconds: number;
  /** The Prometheus endpoint's port (0: a free one); undefined: none. */
  readonly metricsPort: number | undefined;
  /** The OTLP/HTTP traces endpoint; undefined: no tracing. */
  readonly otlpEndpoint: string | undefined;
}

/** How a platform's broker differs from one that serves its platform alone (platforms-config.ts). */
export interface ConfigOptions {
  /** The name to report for a variable: a platform's own variable carries its suffix. */
  readonly label?: (key: string) => string;
  readonly basePath?: string;
  readonly requirePlatformClaim?: boolean;
  /** Added to the demo's or the shared JPP_MTLS_PORT: each platform has a listener of its own. */
  readonly mtlsPortOffset?: number;
  /** A registry that coerces types, shared when several configurations are parsed. */
  readonly schemas?: SchemaRegistry;
}

export interface TransportConfig {
  /** The mTLS listener's port; undefined: no mTLS listener. Demo default 8443 (none when PORT is 0). */
  readonly mtlsPort: number | undefined;
  /** The development PKI directory (demo: created on first start). */
  readonly pkiDir: string;
  readonly tlsCert: string;
  readonly tlsKey: string;
  /** CA bundle that client certificates must chain to. */
  readonly tlsCa: string;
  readonly tlsCrl: string | undefined;
  /** Revoked client certificate serials (jpp-broker pki revoke). */
  readonly revokedFile: string;
  /** The partners' registered JWS keys (jpp-broker pki issue / partner-key add). */
  readonly registryFile: string;
  /** Outside demo mode: adapter endpoints only over mTLS, and only signed (JWS) batches. */
  readonly requireMtls: boolean;
  readonly requireSignature: boolean;
}

/** The web interface's settings: login, sessions, and where browsers' blinded elements go. */
export interface WebConfig {
  /** The broker's address as browsers reach it, without a trailing slash. */
  readonly publicUrl: string;
  /** Session cookies carry Secure (the public address is https). */
  readonly secureCookies: boolean;
  /** Signs the session cookie. */
  readonly sessionSecret: string | undefined;
  readonly sessionMinutes: number;
  /** OpenID Connect login; absent in demo mode (demo users are picked) or when not configured. */
  readonly oidc: OidcConfig | undefined;
  /** The remote key custodian (production); demo mode uses the one in its own process. */
  readonly custodianUrl: string | undefined;
}

/**
 * OpenID Connect login (docs/identity-providers.md): the provider, the client, the scopes, when
 * to read userinfo, and how the provider's role and organisation claims map onto the platform's.
 * The claims only narrow what the person register grants (oidc-login.ts).
 */
export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** Unset: a public client, protected by PKCE alone. */
  readonly clientSecret: string | undefined;
  /** Space-separated, always with `openid` (JPP_OIDC_SCOPES). */
  readonly scopes: string;
  readonly userinfo: 'auto' | 'always' | 'never';
  /** The provider's role or group claim (a name or dotted path) and its map to platform role ids. */
  readonly roleClaim: ClaimMapping | undefined;
  /** The provider's organisation claim and its map to platform organisation ids. */
  readonly organisationClaim: ClaimMapping | undefined;
}

/** A claim (name or dotted path) and, when configured, a map from its values to platform ids. */
export interface ClaimMapping {
  readonly path: string;
  /** Unset: the claim's values are platform ids themselves. */
  readonly map: Readonly<Record<string, readonly string[]>> | undefined;
}


export interface RawConfig {
  JPP_MODE: Mode;
  PORT: number;
  HOST: string;
  DATABASE_URL?: string;
  JPP_DATABASE_POOL_SIZE: number;
  DATA_DIR: string;
  JPP_PLATFORM_FILE: string;
  JPP_SUBJECT_KEY?: string;
  JPP_JWT_ISSUER?: string;
  JPP_JWT_JWKS_URL?: string;
  JPP_JWT_AUDIENCE: string;
  JPP_RETENTION_INTERVAL_SECONDS: number;
  LOG_LEVEL: string;
  JPP_LOG_SIGNING_KEY?: string;
  JPP_LOG_ORIGIN?: string;
  JPP_LOG_PREVIOUS_SIGNING_KEY?: string;
  JPP_WITNESSES?: string;
  JPP_WITNESS_QUORUM?: number;
  JPP_WITNESS_MAX_LAG_SECONDS: number;
  JPP_CHECKPOINT_ENTRIES: number;
  JPP_CHECKPOINT_SECONDS: number;
  JPP_SEQUENCER: 'on' | 'off';
  JPP_QUOTA_ADAPTER_PER_MINUTE: number;
  JPP_QUOTA_ADAPTER_PER_DAY: number;
  JPP_QUOTA_PERSON_PER_MINUTE: number;
  JPP_QUOTA_PERSON_PER_DAY: number;
  JPP_PUBLIC_URL?: string;
  JPP_WEB_SESSION_SECRET?: string;
  JPP_WEB_SESSION_MINUTES: number;
  JPP_OIDC_ISSUER?: string;
  JPP_OIDC_CLIENT_ID?: string;
  JPP_OIDC_CLIENT_SECRET?: string;
  JPP_OIDC_SCOPES: string;
  JPP_OIDC_USERINFO: 'auto' | 'always' | 'never';
  JPP_OIDC_ROLE_CLAIM?: string;
  JPP_OIDC_ROLE_MAP?: string;
  JPP_OIDC_ORG_CLAIM?: string;
  JPP_OIDC_ORG_MAP?: string;
  JPP_CUSTODIAN_URL?: string;
  JPP_MTLS_PORT?: number;
  JPP_PKI_DIR?: string;
  JPP_TLS_CERT?: string;
  JPP_TLS_KEY?: string;
  JPP_TLS_CA?: string;
  JPP_TLS_CRL?: string;
  JPP_TLS_REVOKED_FILE?: string;
  JPP_PARTNER_REGISTRY?: string;
  JPP_DRAIN_SECONDS: number;
  JPP_SHUTDOWN_TIMEOUT_SECONDS: number;
  JPP_METRICS_PORT?: number;
  JPP_OTLP_ENDPOINT?: string;
}

