/**
 * `jpp-broker pki init|issue|revoke` and `jpp-broker partner-key add|revoke`: the development
 * PKI for mTLS (dev-pki.ts) and the partner key registry (partner-registry.ts). They
 * work on files only, so they run next to a broker that holds the database; the broker
 * picks up new keys and revocations without a restart.
 *
 * Each platform has a PKI of its own (a CA its listener trusts, and nothing else): with
 * JPP_PLATFORMS, `--platform <id>` picks it (DATA_DIR/<id>/pki, or JPP_PKI_DIR__<ID>).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { initPki, issuePartner, pkiPaths, revokeSerial, serialOf } from '../transport/dev-pki.js';
import { addRegisteredKey, revokeRegisteredKey } from '../transport/partner-registry.js';
import { commandEnv } from '../config/platforms-config.js';

const defaultPkiDir = (platform: string | undefined): string => {
  const env = commandEnv(process.env, platform);
  return resolve(env['JPP_PKI_DIR'] || join(env['DATA_DIR'] || './data', 'pki'));
};
const platformOption = ['--platform <id>', 'with JPP_PLATFORMS: the platform whose PKI this is'] as const;

export function pkiCommand(): Command {
  const pki = new Command('pki').description('development PKI for mTLS between partner adapters and the broker (node-forge)');
  const dirOption = ['--dir <dir>', 'the PKI directory (default: $JPP_PKI_DIR, else $DATA_DIR/pki, else ./data/pki; with JPP_PLATFORMS the platform\'s)'] as const;
  pki
    .command('init')
    .description('create a development CA and the broker\'s server certificate (does nothing if a CA exists)')
    .option(...dirOption)
    .option(...platformOption)
    .option('--host <name...>', 'host names and IP addresses for the server certificate', ['localhost', '127.0.0.1', '::1'])
    .action((o: { dir?: string; host: string[]; platform?: string }) => {
      const dir = o.dir ?? defaultPkiDir(o.platform);
      const created = initPki(dir, { hosts: o.host });
      process.stdout.write(created ? `created a development CA and server certificate in ${dir}\n` : `a CA already exists in ${dir}; nothing changed\n`);
    });
  pki
    .command('issue')
    .description("issue a partner's client certificate and a new signing key (registered for its batches)")
    .requiredOption('--partner <id>', 'the partner id, e.g. halt')
    .option('--keep-signing-key', 'renew the certificate only; keep the signing key issued earlier')
    .option(...dirOption)
    .option(...platformOption)
    .action(async (o: { partner: string; keepSigningKey?: boolean; dir?: string; platform?: string }) => {
      const issued = await issuePartner(o.dir ?? defaultPkiDir(o.platform), o.partner, { signingKey: !o.keepSigningKey });
      process.stdout.write(
        `issued partner ${issued.partner}: certificate serial ${issued.serial}, signing key ${issued.key.kid}\n` +
          `  hand over ${issued.dir} (client.key.pem, client.cert.pem, ca.cert.pem, signing-key.jwk.json) to the partner\n`,
      );
    });
  pki
    .command('revoke')
    .description('revoke a client certificate: the broker refuses it from the next request on')
    .option('--partner <id>', "the partner whose current certificate (in the PKI directory) to revoke")
    .option('--serial <hex>', 'the serial number of the certificate to revoke')
    .option(...dirOption)
    .option(...platformOption)
    .action((o: { partner?: string; serial?: string; dir?: string; platform?: string }) => {
      const dir = o.dir ?? defaultPkiDir(o.platform);
      if (!o.partner === !o.serial) throw new Error('give either --partner or --serial');
      const serial = o.serial ?? serialOf(readFileSync(join(pkiPaths(dir).partnerDir(o.partner!), 'client.cert.pem'), 'utf8'));
      const added = revokeSerial(dir, serial);
      process.stdout.write(added ? `revoked certificate ${serial}\n` : `certificate ${serial} was already revoked\n`);
    });
  return pki;
}

/** The registry file a partner-key command works on: --registry, else the (platform's) configured one. */
const registryFile = (o: { registry?: string; platform?: string }): string =>
  o.registry ?? (commandEnv(process.env, o.platform)['JPP_PARTNER_REGISTRY'] || pkiPaths(defaultPkiDir(o.platform)).registry);
const registryOption = ['--registry <file>', "the registry file (default: $JPP_PARTNER_REGISTRY, else <PKI dir>/partner-registry.json; with JPP_PLATFORMS the platform's)"] as const;
const partnerPlatformOption = ['--platform <id>', 'with JPP_PLATFORMS: the platform the partner belongs to'] as const;

export function partnerKeyCommand(): Command {
  const cmd = new Command('partner-key').description("the partners' registered batch-signing keys");
  cmd
    .command('add')
    .description("register a partner's public signing key (a JWK file: Ed25519 or P-256, public members only)")
    .requiredOption('--partner <id>', 'the partner id')
    .requiredOption('--jwk <file>', 'the public JWK (JSON); its kid names the key')
    .option(...registryOption)
    .option(...partnerPlatformOption)
    .action((o: { partner: string; jwk: string; registry?: string; platform?: string }) => {
      const jwk = JSON.parse(readFileSync(o.jwk, 'utf8')) as Record<string, unknown>;
      if (typeof jwk['kid'] !== 'string') throw new Error('the JWK must carry a kid');
      const file = registryFile(o);
      const key = addRegisteredKey(file, { partner: o.partner, kid: jwk['kid'], jwk, addedAt: new Date().toISOString() });
      process.stdout.write(`registered key ${key.kid} for partner ${o.partner} in ${file}\n`);
    });
  cmd
    .command('revoke')
    .description("revoke a partner's signing key: the broker refuses batches signed with it from the next batch on (the key stays registered, so that stored signatures stay verifiable)")
    .requiredOption('--partner <id>', 'the partner id')
    .requiredOption('--kid <kid>', 'the key id')
    .option(...registryOption)
    .option(...partnerPlatformOption)
    .action((o: { partner: string; kid: string; registry?: string; platform?: string }) => {
      const file = registryFile(o);
      const revoked = revokeRegisteredKey(file, o.partner, o.kid, new Date());
      process.stdout.write(revoked ? `revoked key ${o.kid} of partner ${o.partner} in ${file}\n` : `key ${o.kid} of partner ${o.partner} was already revoked\n`);
    });
  return cmd;
}
