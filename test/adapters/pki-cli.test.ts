/** `jpp-broker pki init|issue|revoke` and `partner-key add|revoke`, as an operator runs them. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { expect, it } from 'vitest';
import { runCli, spawnCli, type CliRun } from '../support/cli.js';

/** A command line in this process (test/support/cli.ts); the binary is started once per command below. */
const run = (args: string[]): Promise<CliRun> => runCli(args);

it('makes a CA, issues a partner bundle with a registered key, revokes, and registers a partner\'s own key', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'jpp-pki-')), 'pki');
  // The binary, as an operator starts it: its wiring of `pki`.
  expect((await spawnCli(['pki', 'init', '--dir', dir])).stdout).toMatch(/created a development CA/);
  expect((await run(['pki', 'init', '--dir', dir])).stdout).toMatch(/a CA already exists in .*; nothing changed/);

  const issued = await run(['pki', 'issue', '--partner', 'halt', '--dir', dir]);
  const serial = /certificate serial ([0-9A-F]+)/.exec(issued.stdout)![1]!;
  const cert = new X509Certificate(readFileSync(join(dir, 'partners/halt/client.cert.pem')));
  expect(cert.subjectAltName).toBe('URI:urn:jpp-broker:partner:halt');
  expect(cert.checkIssued(new X509Certificate(readFileSync(join(dir, 'ca.cert.pem'))))).toBe(true);
  const signing = JSON.parse(readFileSync(join(dir, 'partners/halt/signing-key.jwk.json'), 'utf8'));
  const registry = JSON.parse(readFileSync(join(dir, 'partner-registry.json'), 'utf8'));
  expect(registry.keys).toEqual([expect.objectContaining({ partner: 'halt', kid: signing.kid, jwk: expect.not.objectContaining({ d: expect.anything() }) })]);

  expect((await run(['pki', 'revoke', '--partner', 'halt', '--dir', dir])).stdout).toMatch(/revoked certificate/);
  const revoked = JSON.parse(readFileSync(join(dir, 'revoked.json'), 'utf8')).serials as string[];
  expect(revoked.map((s) => s.replace(/^0+/, ''))).toEqual([serial.replace(/^0+/, '')]);
  expect((await run(['pki', 'revoke', '--partner', 'halt', '--dir', dir])).stdout).toMatch(/already revoked/);

  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const pub = join(dir, 'own.pub.jwk.json');
  writeFileSync(pub, JSON.stringify({ ...(await exportJWK(publicKey)), kid: 'halt-own-1' }));
  // The binary again: its wiring of `partner-key`.
  const added = await spawnCli(['partner-key', 'add', '--partner', 'halt', '--jwk', pub, '--registry', join(dir, 'partner-registry.json')]);
  expect(added.stdout).toMatch(/registered key halt-own-1/);
  // A private key is refused, and so is a kid registered before.
  const priv = join(dir, 'own.jwk.json');
  writeFileSync(priv, JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'halt-own-2' }));
  const refused = await run(['partner-key', 'add', '--partner', 'halt', '--jwk', priv, '--registry', join(dir, 'partner-registry.json')]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/private key/);
  expect((await run(['partner-key', 'add', '--partner', 'halt', '--jwk', pub, '--registry', join(dir, 'partner-registry.json')])).stderr).toMatch(/already has a key/);
  // Revoking keeps the key in the registry, marked; a second revoke says so; an unknown kid is an error.
  expect((await run(['partner-key', 'revoke', '--partner', 'halt', '--kid', 'halt-own-1', '--registry', join(dir, 'partner-registry.json')])).stdout).toMatch(/revoked key halt-own-1/);
  const registered = JSON.parse(readFileSync(join(dir, 'partner-registry.json'), 'utf8')).keys as Array<{ kid: string; revokedAt?: string }>;
  expect(registered.find((k) => k.kid === 'halt-own-1')?.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect((await run(['partner-key', 'revoke', '--partner', 'halt', '--kid', 'halt-own-1', '--registry', join(dir, 'partner-registry.json')])).stdout).toMatch(/already revoked/);
  const unknown = await run(['partner-key', 'revoke', '--partner', 'halt', '--kid', 'nope', '--registry', join(dir, 'partner-registry.json')]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/no registered key nope/);
}, 120_000);
