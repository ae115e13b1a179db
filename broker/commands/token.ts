/**
 * `jpp-broker token --user <id> | --adapter <partner>`: prints a bearer token from the
 * demo's development issuer. Reads only DATA_DIR's demo secrets and the demo definitions,
 * never the database, so it works while the broker runs (the embedded database allows a
 * single process).
 */
import { loadConfig } from '../config/config.js';
import { createSchemaRegistry } from '../schemas/schema-registry.js';
import { loadPlatform } from '../platform/platform.js';
import { loadDemoSecrets } from '../config/demo-secrets.js';
import { createDevIssuer } from '../auth/dev-issuer.js';
import { DEMO_PEOPLE } from '../demo/demo-platform.js';

export async function tokenCommand(opts: { user?: string; adapter?: string; ttl: string }): Promise<string> {
  if (!opts.user === !opts.adapter) throw new Error('give exactly one of --user <id> or --adapter <partner>');
  if (process.env['JPP_MODE'] === 'production') {
    throw new Error('tokens come from the identity provider in production; this command is for demo mode only');
  }
  const config = loadConfig({ ...process.env, JPP_MODE: 'demo' });
  const issuer = await createDevIssuer(loadDemoSecrets(config.dataDir).issuerPrivateJwk);
  const ttl = Number(opts.ttl);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400) throw new Error('--ttl must be a whole number of seconds from 60 to 86400');
  if (opts.user) {
    const person = DEMO_PEOPLE.find((p) => p.id === opts.user);
    if (!person) throw new Error(`no demo user ${opts.user}; demo users: ${DEMO_PEOPLE.map((p) => p.id).join(', ')}`);
    return issuer.sign({ org: person.organisation, role: person.role }, person.id, config.jwt.audience, ttl);
  }
  const platform = loadPlatform(config.platformFile, createSchemaRegistry());
  if (!platform.partners.some((p) => p.id === opts.adapter)) {
    throw new Error(`no partner ${opts.adapter}; partners: ${platform.partners.map((p) => p.id).join(', ')}`);
  }
  return issuer.sign({ partner: opts.adapter! }, `adapter:${opts.adapter}`, config.jwt.audience, ttl);
}
