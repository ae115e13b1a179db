/**
 * Verified bearer tokens are cached until they expire (issue 21, verified-token-cache.ts), and the
 * register still decides on every request: deactivation and revocation refuse the very next
 * question made with a token that was verified, and cached, before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { createTokenVerifier } from '../../broker/auth/token-verifier.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { openCase } from '../support/casus.js';
import { randomPseudonym } from '../support/synthetic.js';

describe('createTokenVerifier', () => {
  it('checks a token\'s signature once, then serves it from the cache; a changed or expired token is checked again and refused', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA');
    let lookups = 0;
    const keys: JWTVerifyGetKey = async () => {
      lookups++;
      return publicKey;
    };
    const verify = createTokenVerifier({ issuer: 'iss', audience: 'aud', keys });
    const sign = (exp: string | number) =>
      new SignJWT({ org: 'o', role: 'r' }).setProtectedHeader({ alg: 'EdDSA' }).setIssuer('iss').setAudience('aud').setSubject('p').setExpirationTime(exp).sign(privateKey);
    const token = await sign('1h');
    expect(await verify(token)).toEqual({ kind: 'person', id: 'p', organisation: 'o', role: 'r' });
    expect(await verify(token)).toEqual({ kind: 'person', id: 'p', organisation: 'o', role: 'r' });
    expect(lookups).toBe(1);
    // One character of the signature changed: not a cache hit, and refused.
    const forged = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    await expect(verify(forged)).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(verify(forged)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(lookups).toBe(3);
    // A token that expires within two seconds is served until then, and refused after.
    const exp = Math.floor(Date.now() / 1000) + 2;
    const short = await sign(exp);
    await verify(short);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    await expect(verify(short)).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

describe('the register still decides on every request', () => {
  let b: TestBroker;
  let beheerder: string;
  const ORG = 'zvh-limburg-noord';
  beforeAll(async () => {
    b = await startTestBroker();
    beheerder = await b.token('demo-beheerder');
  });
  afterAll(async () => b?.close());

  it('refuses the next question after deactivation and after a revoked role, with a token verified before', async () => {
    const reg = await b.call('POST', '/v1/register/people', { token: beheerder, body: { personId: 'vz-cache', displayName: 'H. Cache', organisation: ORG, roles: [{ role: 'voorzitter' }] } });
    expect(reg.status, reg.text).toBe(201);
    const token = await b.sign({ org: ORG, role: 'voorzitter' }, 'vz-cache');
    const subject = randomPseudonym();
    const { caseRef } = await openCase(b, [subject], { user: 'demo-voorzitter' });
    const ask = () => b.call('POST', '/v1/queries', { token, body: { subject, doel: 'jpp-screening', caseRef } });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);

    expect((await b.call('POST', '/v1/register/people/vz-cache/deactivate', { token: beheerder })).status).toBe(200);
    expect((await ask()).status).toBe(403);
    expect((await b.call('POST', '/v1/register/people/vz-cache/reactivate', { token: beheerder })).status).toBe(200);
    expect((await ask()).status).toBe(200);

    expect((await b.call('DELETE', '/v1/register/people/vz-cache/roles/voorzitter', { token: beheerder })).status).toBe(200);
    expect((await ask()).status).toBe(403);
  });
});
