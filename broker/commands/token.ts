/**
 * `jpp-broker token [--platform <id>] --user <id> | --adapter <partner>`: prints a bearer token
 * from the demo's development issuer. Reads only DATA_DIR's demo secrets and the demo
 * definitions, never the database, so it works while the broker runs (the embedded database
 * allows a single process).
 *
 * With JPP_PLATFORMS, `--platform` picks the platform: the token is signed with that platform's
 * issuer key (DATA_DIR/<platform>/demo-secrets.json) and carries its `platform` claim, so no
 * other platform accepts it.
 */
import { loadPlatformConfig } from '../config/platforms-config.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { loadPlatform } from '../platform/platform.js';
import { loadDemoSecrets } from '../config/demo-secrets.js';
import { createDevIssuer } from '../auth/dev-issuer.js';
import { demoPlatformOf } from '../demo/demo-platforms.js';

export async function tokenCommand(opts: { user?: string; adapter?: string; ttl: string; platform?: string }): Promise<string> {
  if (!opts.user === !opts.adapter) throw new Error('give exactly one of --user <id> or --adapter <partner>');
  if (process.env['JPP_MODE'] === 'production') {
    throw new Error('tokens come from the identity provider in production; this command is for demo mode only');
  }
  const config = loadPlatformConfig({ ...process.env, JPP_MODE: 'demo' }, opts.platform);
  const platform = loadPlatform(config.platformFile, createSchemaRegistry({ compileAll: false }));
  const issuer = await createDevIssuer(loadDemoSecrets(config.dataDir).issuerPrivateJwk, config.requirePlatformClaim ? platform.id : undefined);
  const ttl = Number(opts.ttl);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400) throw new Error('--ttl must be a whole number of seconds from 60 to 86400');
  if (opts.user) {
    const people = demoPlatformOf(platform.id)?.people ?? [];
    const person = people.find((p) => p.id === opts.user);
    if (!person) throw new Error(`no demo user ${opts.user} on ${platform.id}; demo users: ${people.map((p) => p.id).join(', ') || 'none'}`);
    return issuer.sign({ org: person.organisation, role: person.role }, person.id, config.jwt.audience, ttl);
  }
  if (!platform.partners.some((p) => p.id === opts.adapter)) {
    throw new Error(`no partner ${opts.adapter} on ${platform.id}; partners: ${platform.partners.map((p) => p.id).join(', ')}`);
  }
  return issuer.sign({ partner: opts.adapter! }, `adapter:${opts.adapter}`, config.jwt.audience, ttl);
}
