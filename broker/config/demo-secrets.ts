/**
 * Demo-mode secrets, generated once into DATA_DIR and reused on every start, so that a
 * demo's stored subject hashes and issued tokens survive a restart.
 *
 * Invariants:
 * - Only demo mode calls this. Production secrets come from the environment only.
 * - Files are written with mode 0600; a secret once written is never replaced.
 */
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The `iss` of tokens from the demo's built-in development issuer. */
export const DEMO_ISSUER = 'urn:jpp-broker:demo-issuer';

export interface DemoSecrets {
  readonly subjectKey: Buffer;
  /** Ed25519 private key of the development issuer, as a JWK. */
  readonly issuerPrivateJwk: JsonWebKey;
  /** Ed25519 private key that signs logboek checkpoints, as a JWK. */
  readonly logSigningJwk: JsonWebKey;
}

interface SecretsFile {
  subjectKey?: string;
  issuerPrivateJwk?: JsonWebKey;
  logSigningJwk?: JsonWebKey;
}

const ed25519Jwk = (kid: string): JsonWebKey =>
  ({ ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), alg: 'EdDSA', kid }) as JsonWebKey;

/**
 * Reads `DATA_DIR/demo-secrets.json`, creating it on first use. A secret that an older
 * version of the file lacks is added; existing secrets are never replaced.
 */
export function loadDemoSecrets(dataDir: string): DemoSecrets {
  const file = join(dataDir, 'demo-secrets.json');
  mkdirSync(dataDir, { recursive: true });
  const current: SecretsFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SecretsFile) : {};
  const complete: Required<SecretsFile> = {
    subjectKey: current.subjectKey ?? randomBytes(32).toString('base64url'),
    issuerPrivateJwk: current.issuerPrivateJwk ?? ed25519Jwk('demo-1'),
    logSigningJwk: current.logSigningJwk ?? ed25519Jwk('demo-log-1'),
  };
  if (!existsSync(file)) {
    // `wx`: if another process created the file meanwhile, use its secrets instead.
    try {
      writeFileSync(file, JSON.stringify(complete, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadDemoSecrets(dataDir);
      throw err;
    }
  } else if (!current.subjectKey || !current.issuerPrivateJwk || !current.logSigningJwk) {
    // An older file: add what it lacks. Write and rename, so a reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(complete, null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  }
  return {
    subjectKey: Buffer.from(complete.subjectKey, 'base64url'),
    issuerPrivateJwk: complete.issuerPrivateJwk,
    logSigningJwk: complete.logSigningJwk,
  };
}
