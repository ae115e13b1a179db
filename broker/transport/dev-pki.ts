/**
 * The development PKI for mTLS between partner adapters and the broker (node-forge):
 * a CA, the broker's server certificate, one client certificate per partner, and a
 * revocation list. `jpp-broker pki init|issue|revoke` drive it; demo mode creates it on
 * first start. Production uses PKIoverheid certificates instead (docs/deployment.md).
 *
 * Layout of the PKI directory (default DATA_DIR/pki):
 * - ca.key.pem, ca.cert.pem            the development CA (keep the key on this host only)
 * - server.key.pem, server.cert.pem    the broker's TLS server certificate
 * - revoked.json                       {"serials": [...]}: revoked client certificates (hex)
 * - partner-registry.json              the partners' public JWS keys (see partner-registry.ts)
 * - partners/<id>/                     what goes to the partner: client.key.pem,
 *                                      client.cert.pem, ca.cert.pem, signing-key.jwk.json
 *
 * Invariants:
 * - A client certificate names its partner in a SAN URI `urn:jpp-broker:partner:<id>`
 *   and is for client authentication only.
 * - Private keys are written with mode 0600; nothing here is ever logged.
 * - Revocation is by serial number; a revoked serial stays revoked.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { exportJWK, generateKeyPair } from 'jose';
import { addRegisteredKey, type RegisteredKey } from './partner-registry.js';

export const PARTNER_URN_PREFIX = 'urn:jpp-broker:partner:';

export interface PkiPaths {
  readonly dir: string;
  readonly caKey: string;
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly revoked: string;
  readonly registry: string;
  partnerDir(partner: string): string;
}

export function pkiPaths(dir: string): PkiPaths {
  return {
    dir,
    caKey: join(dir, 'ca.key.pem'),
    caCert: join(dir, 'ca.cert.pem'),
    serverKey: join(dir, 'server.key.pem'),
    serverCert: join(dir, 'server.cert.pem'),
    revoked: join(dir, 'revoked.json'),
    registry: join(dir, 'partner-registry.json'),
    partnerDir: (partner) => join(dir, 'partners', partner),
  };
}

const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const YEAR_MS = 365 * 86_400_000;

function serial(): string {
  // Positive, 16 random bytes (RFC 5280 §4.1.2.2: at most 20 octets).
  return `01${randomBytes(15).toString('hex')}`;
}

function certificate(opts: {
  publicKey: forge.pki.PublicKey;
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  extensions: object[];
  signingKey: forge.pki.PrivateKey;
  validYears: number;
  now: Date;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = opts.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(opts.now.getTime() - 60_000);
  cert.validity.notAfter = new Date(opts.now.getTime() + opts.validYears * YEAR_MS);
  cert.setSubject(opts.subject);
  cert.setIssuer(opts.issuer);
  cert.setExtensions(opts.extensions);
  cert.sign(opts.signingKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return cert;
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
}

function loadCa(paths: PkiPaths): { key: forge.pki.PrivateKey; cert: forge.pki.Certificate } {
  if (!existsSync(paths.caKey) || !existsSync(paths.caCert)) {
    throw new Error(`no development CA in ${paths.dir}: run 'jpp-broker pki init' first`);
  }
  return {
    key: forge.pki.privateKeyFromPem(readFileSync(paths.caKey, 'utf8')),
    cert: forge.pki.certificateFromPem(readFileSync(paths.caCert, 'utf8')),
  };
}

/**
 * Creates the CA and the broker's server certificate (for `hosts`) in `dir`. Does
 * nothing when a CA is already there, so that certificates issued earlier stay valid.
 * Returns whether it created anything.
 */
export function initPki(dir: string, opts: { hosts?: readonly string[]; now?: Date } = {}): boolean {
  const paths = pkiPaths(dir);
  if (existsSync(paths.caCert)) return false;
  const now = opts.now ?? new Date();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKeys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const caName = [
    { name: 'commonName', value: 'jpp-broker development CA' },
    { name: 'organizationName', value: 'jpp-broker (development only)' },
  ];
  const ca = certificate({
    publicKey: caKeys.publicKey,
    subject: caName,
    issuer: caName,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
    signingKey: caKeys.privateKey,
    validYears: 5,
    now,
  });
  const hosts = opts.hosts ?? ['localhost', '127.0.0.1', '::1'];
  const serverKeys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const server = certificate({
    publicKey: serverKeys.publicKey,
    subject: [{ name: 'commonName', value: hosts[0] ?? 'localhost' }],
    issuer: caName,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
      },
    ],
    signingKey: caKeys.privateKey,
    validYears: 2,
    now,
  });
  writePrivate(paths.caKey, forge.pki.privateKeyToPem(caKeys.privateKey));
  writeFileSync(paths.caCert, forge.pki.certificateToPem(ca));
  writePrivate(paths.serverKey, forge.pki.privateKeyToPem(serverKeys.privateKey));
  writeFileSync(paths.serverCert, forge.pki.certificateToPem(server));
  if (!existsSync(paths.revoked)) writeFileSync(paths.revoked, `${JSON.stringify({ serials: [] }, null, 2)}\n`);
  return true;
}

export interface IssuedPartner {
  readonly partner: string;
  readonly dir: string;
  /** The certificate's serial number (hex). */
  readonly serial: string;
  /** The registered signing key. */
  readonly key: RegisteredKey;
}

/**
 * Issues a client certificate for `partner` and, unless `signingKey: false`, a new
 * Ed25519 signing key for its batches, registered in the partner registry. Writes the
 * partner's bundle to partners/<id>/ (replacing an earlier one; earlier certificates stay
 * valid until revoked, earlier keys stay registered).
 */
export async function issuePartner(dir: string, partner: string, opts: { signingKey?: boolean; now?: Date } = {}): Promise<IssuedPartner> {
  if (!PARTNER_ID.test(partner)) throw new Error('a partner id is lower-case letters, digits and hyphens');
  const paths = pkiPaths(dir);
  const ca = loadCa(paths);
  const now = opts.now ?? new Date();
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = certificate({
    publicKey: keys.publicKey,
    subject: [
      { name: 'commonName', value: `jpp-adapter ${partner}` },
      { name: 'organizationName', value: partner },
    ],
    issuer: ca.cert.subject.attributes,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 6, value: `${PARTNER_URN_PREFIX}${partner}` }] },
    ],
    signingKey: ca.key,
    validYears: 1,
    now,
  });
  const out = paths.partnerDir(partner);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  writePrivate(join(out, 'client.key.pem'), forge.pki.privateKeyToPem(keys.privateKey));
  writeFileSync(join(out, 'client.cert.pem'), forge.pki.certificateToPem(cert));
  writeFileSync(join(out, 'ca.cert.pem'), readFileSync(paths.caCert));
  let key: RegisteredKey;
  if (opts.signingKey === false && existsSync(join(out, 'signing-key.jwk.json'))) {
    const jwk = JSON.parse(readFileSync(join(out, 'signing-key.jwk.json'), 'utf8')) as Record<string, unknown>;
    const { d: _d, ...pub } = jwk;
    key = { partner, kid: String(jwk['kid']), jwk: pub, addedAt: now.toISOString() };
  } else {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `${partner}-${now.toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
    const priv = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
    const pub = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA' };
    writePrivate(join(out, 'signing-key.jwk.json'), `${JSON.stringify(priv, null, 2)}\n`);
    key = addRegisteredKey(paths.registry, { partner, kid, jwk: pub, addedAt: now.toISOString() });
  }
  return { partner, dir: out, serial: cert.serialNumber.toUpperCase(), key };
}

/** The serial (hex, upper case) of a PEM certificate. */
export function serialOf(certPem: string): string {
  return forge.pki.certificateFromPem(certPem).serialNumber.toUpperCase();
}

/** Adds `serialHex` to the revocation list. Returns false when it was already there. */
export function revokeSerial(dir: string, serialHex: string): boolean {
  const file = pkiPaths(dir).revoked;
  const list = readRevoked(file);
  const s = normaliseSerial(serialHex);
  if (list.has(s)) return false;
  list.add(s);
  writeFileSync(file, `${JSON.stringify({ serials: [...list].sort() }, null, 2)}\n`);
  return true;
}

export const normaliseSerial = (s: string): string => s.replace(/[:\s]/g, '').toUpperCase().replace(/^0+(?=.)/, '');

/** The revoked serials in a revocation file (empty when it does not exist). */
export function readRevoked(file: string): Set<string> {
  if (!existsSync(file)) return new Set();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { serials?: unknown };
  if (!Array.isArray(parsed.serials) || !parsed.serials.every((s) => typeof s === 'string')) {
    throw new Error(`${file}: expected {"serials": ["<hex>", ...]}`);
  }
  return new Set((parsed.serials as string[]).map(normaliseSerial));
}
