/** The `platform` claim of a bearer token (token-verifier.ts): another platform's is refused; beside other platforms, so is none. */
import { generateKeyPair, createLocalJWKSet, exportJWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../broker/auth/token-verifier.js';

let sign: (claims: Record<string, string>) => Promise<string>;
let keys: ReturnType<typeof createLocalJWKSet>;
beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' }] });
  sign = (claims) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'k1' }).setIssuer('https://idp.example.nl').setAudience('jpp-broker').setSubject('p1').setExpirationTime('5m').sign(privateKey);
});
const person = { org: 'zvh-hollands-midden', role: 'voorzitter' };
const verifier = (required: boolean) =>
  createTokenVerifier({ issuer: 'https://idp.example.nl', audience: 'jpp-broker', keys, platform: { id: 'jpt-hollands-midden', required } });

describe.each([true, false])('with the claim required: %s', (required) => {
  it("accepts a token for this platform", async () => {
    await expect(verifier(required)(await sign({ ...person, platform: 'jpt-hollands-midden' }))).resolves.toMatchObject({ kind: 'person', role: 'voorzitter' });
  });

  it("refuses a token for another platform, saying why", async () => {
    await expect(verifier(required)(await sign({ ...person, platform: 'jpp-sittard-geleen' }))).rejects.toThrow(/platform claim is not accepted/);
    await expect(verifier(required)(await sign({ partner: 'halt', platform: 'jpp-sittard-geleen' }))).rejects.toThrow(/platform claim is not accepted/);
  });

  it(required ? 'refuses a token that names no platform' : 'accepts a token that names no platform', async () => {
    const result = verifier(required)(await sign(person));
    if (required) await expect(result).rejects.toThrow(/names no platform/);
    else await expect(result).resolves.toMatchObject({ kind: 'person' });
  });
});
