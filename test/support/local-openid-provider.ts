/**
 * A real OpenID Provider (oidc-provider, OpenID Certified) on one machine, for trying the production
 * quick start (docs/quick-start.md) without an organisation's Keycloak or Entra ID. Not for
 * production: users live in memory, keys are made at start.
 *
 *   npx tsx test/support/local-openid-provider.ts --port 8200 --broker http://127.0.0.1:8080 \
 *     --user beheerder-1:Welkom-beheer-1 --user beheerder-2:Welkom-beheer-2 --user voorzitter-1:Welkom-voorzitter
 *
 * Each --user is `username:password`; the subject (`sub`) the provider gives is the username. It
 * registers the broker as a public client (authorization code with PKCE) with redirect URI
 * `<broker>/inloggen/terug`, and issues JWT access tokens for the audience `urn:jpp-broker` (a
 * resource indicator must be an absolute URI, RFC 8707; set JPP_JWT_AUDIENCE to it; `--audience`
 * changes it).
 */
import { startOpenIdProvider } from './openid-provider.js';

const args = process.argv.slice(2);
const option = (name: string): string[] => args.flatMap((a, i) => (a === `--${name}` && args[i + 1] ? [args[i + 1]!] : []));
const port = Number(option('port')[0] ?? '8200');
const broker = option('broker')[0] ?? 'http://127.0.0.1:8080';
const op = await startOpenIdProvider({
  brokerUrl: broker,
  clientId: 'jpp-broker',
  scopes: { profile: ['name'] },
  conformIdTokenClaims: false,
  port,
  jwtAccessTokenAudience: option('audience')[0] ?? 'urn:jpp-broker',
});
for (const spec of option('user')) {
  const [username, password] = spec.split(':');
  if (!username || !password) throw new Error(`--user ${spec}: give username:password`);
  op.users.set(username, { username, password, sub: username, claims: { name: username } });
}
process.stdout.write(`OpenID Provider at ${op.issuer} (client jpp-broker; JWKS ${op.issuer}/jwks; users: ${[...op.users.keys()].join(', ')})\n`);
const stop = (): void => void op.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
