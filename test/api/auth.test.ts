/** Bearer tokens: who may call at all. What they may do is tested with each service. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeyPair, SignJWT } from 'jose';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { DEMO_ISSUER } from '../../broker/config/demo-secrets.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const read = (token?: string) => b.call('GET', '/v1/disclosures', token ? { token } : {});

it('asks for a bearer token when there is none', async () => {
  const res = await read();
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(res.body).toMatchObject({ status: 401, type: expect.stringMatching(/unauthenticated$/) });
});

it.each([
  ['signed by another key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA');
    return new SignJWT({ org: 'zvh-limburg-noord', role: 'jurist' }).setProtectedHeader({ alg: 'EdDSA', kid: 'demo-1' })
      .setIssuer(DEMO_ISSUER).setAudience('jpp-broker').setSubject('demo-jurist').setExpirationTime('1h').sign(privateKey);
  }],
  ['for another audience', async () => b.broker.devIssuer!.sign({ org: 'zvh-limburg-noord', role: 'jurist' }, 'demo-jurist', 'another-service')],
  ['expired', async () => b.broker.devIssuer!.sign({ org: 'zvh-limburg-noord', role: 'jurist' }, 'demo-jurist', 'jpp-broker', -10)],
  ['with both a partner and a role', async () => b.sign({ partner: 'halt', org: 'halt', role: 'jurist' }, 'demo-jurist')],
  ['for another platform', async () => b.sign({ org: 'zvh-limburg-noord', role: 'jurist', platform: 'jpt-hollands-midden' }, 'demo-jurist')],
])('refuses a token %s', async (_label, make) => {
  const res = await read(await make());
  expect(res.status).toBe(401);
  expect(res.body.detail).toBeTruthy();
});

it("takes a subject-only token (a provider's own) in the register's one role, and refuses one the register does not confirm", async () => {
  expect((await read(await b.sign({}, 'demo-jurist'))).status).toBe(200);
  const stranger = await read(await b.sign({}, 'niemand-bekend'));
  expect(stranger.status).toBe(403);
  expect(stranger.body.detail).toMatch(/register/);
});

it('accepts a valid token', async () => {
  expect((await read(await b.token('demo-jurist'))).status).toBe(200);
});

it("accepts a token that names this platform, and, serving one platform alone, one that names none", async () => {
  expect((await read(await b.sign({ org: 'zvh-limburg-noord', role: 'jurist', platform: 'jpp-sittard-geleen' }, 'demo-jurist'))).status).toBe(200);
  expect((await read(await b.sign({ org: 'zvh-limburg-noord', role: 'jurist' }, 'demo-jurist'))).status).toBe(200);
});

it('does not reveal which /v1 routes exist to an unauthenticated caller', async () => {
  expect((await b.call('GET', '/v1/no-such-thing')).status).toBe(401);
});
