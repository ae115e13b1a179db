/**
 * Demo-mode secrets, generated once into DATA_DIR and reused on every start, so that a
 * demo's stored subject hashes and issued tokens survive a restart.
 *
 * Invariants:
 * - Only demo mode calls this. Production secrets come from the environment only.
 * - Files are written with mode 0600 and never overwritten.
 */
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** The `iss` of tokens from the demo's built-in development issuer. */
export const DEMO_ISSUER = 'urn:jpp-broker:demo-issuer';

export interface DemoSecrets {
  readonly subjectKey: Buffer;
  /** Ed25519 private key of the development issuer, as a JWK. */
  readonly issuerPrivateJwk: JsonWebKey;
}

interface SecretsFile {
  subjectKey: string;
  issuerPrivateJwk: JsonWebKey;
}

/** Reads `DATA_DIR/demo-secrets.json`, creating it on first use. */
export function loadDemoSecrets(dataDir: string): DemoSecrets {
  const file = join(dataDir, 'demo-secrets.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    const content: SecretsFile = {
      subjectKey: randomBytes(32).toString('base64url'),
      issuerPrivateJwk: { ...privateKey.export({ format: 'jwk' }), alg: 'EdDSA', kid: 'demo-1' } as JsonWebKey,
    };
    // `wx`: never overwrite a file another process wrote meanwhile.
    try {
      writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SecretsFile;
  return { subjectKey: Buffer.from(parsed.subjectKey, 'base64url'), issuerPrivateJwk: parsed.issuerPrivateJwk };
}
