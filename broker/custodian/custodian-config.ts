/**
 * Configuration of the key custodian in its own process (`jpp-broker custodian`), parsed
 * once against `schemas/custodian-config.schema.json`. It has no place for k_db or the
 * logboek's signing key: the custodian must hold neither.
 */
import { resolve } from 'node:path';
import { platformFileOf, QUOTA_KEYS, quotasOf } from '../config/config.js';
import { parseEnv } from '../config/parse-env.js';
import type { CustodianQuotas } from './custodian.service.js';

export interface CustodianConfig {
  readonly keyFile: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly platformFile: string;
  readonly jwt: { readonly issuer: string; readonly jwksUrl: string; readonly audience: string };
  readonly quotas: CustodianQuotas;
  readonly logLevel: string;
}

const KEYS = [
  'JPP_CUSTODIAN_KEY_FILE', 'PORT', 'HOST', 'DATABASE_URL', 'JPP_PLATFORM_FILE', 'JPP_JWT_ISSUER', 'JPP_JWT_JWKS_URL',
  'JPP_JWT_AUDIENCE', 'LOG_LEVEL', ...QUOTA_KEYS,
] as const;

export function loadCustodianConfig(env: Readonly<Record<string, string | undefined>>): CustodianConfig {
  const c = parseEnv(env, KEYS, 'custodian-config', 'custodian configuration') as Record<string, string> & Record<(typeof QUOTA_KEYS)[number], number> & { PORT: number };
  return {
    keyFile: resolve(c['JPP_CUSTODIAN_KEY_FILE']!),
    port: c.PORT,
    host: c['HOST'] ?? '127.0.0.1',
    databaseUrl: c['DATABASE_URL']!,
    platformFile: platformFileOf(env['JPP_PLATFORM_FILE']),
    jwt: { issuer: c['JPP_JWT_ISSUER']!, jwksUrl: c['JPP_JWT_JWKS_URL']!, audience: c['JPP_JWT_AUDIENCE'] ?? 'jpp-broker' },
    quotas: quotasOf(c),
    logLevel: c['LOG_LEVEL'] ?? 'info',
  };
}
