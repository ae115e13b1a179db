/**
 * The pure rules of an OpenID Connect login (broker/web/oidc-claims.ts), one row per case, and
 * the configuration they come from (JPP_OIDC_*). The browser journeys through a real provider
 * are in test/web/oidc-login.test.ts.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../broker/config/config.js';
import type { Platform } from '../../broker/platform/platform.js';
import { createOidcLogin } from '../../broker/web/oidc-login.js';
import {
  claimAt, decideLogin, displayNameOf, mappedIds, mergeClaims, needsUserinfo, providerGrantsOf, stringsOf,
  type ProviderGrants, type RegisterAnswer,
} from '../../broker/web/oidc-claims.js';

const keycloak = {
  sub: 's',
  realm_access: { roles: ['jpp-jurist', 'offline_access'] },
  resource_access: { 'jpp-broker': { roles: ['beheer'] } },
  'https://example.org/roles': ['namespaced'],
  https: { '//example': 'not this' },
};

describe('claimAt', () => {
  it.each([
    ['a top-level claim', 'sub', 's'],
    ['a nested claim by dotted path (Keycloak realm roles)', 'realm_access.roles', ['jpp-jurist', 'offline_access']],
    ['deeper nesting (Keycloak client roles)', 'resource_access.jpp-broker.roles', ['beheer']],
    ['a claim whose name holds dots, by its whole name first', 'https://example.org/roles', ['namespaced']],
    ['an absent claim', 'roles', undefined],
    ['a path through a non-object', 'sub.length', undefined],
    ['a path into an array', 'realm_access.roles.0', undefined],
    ['no inherited properties', 'constructor', undefined],
  ])('%s', (_what, path, expected) => {
    expect(claimAt(keycloak, path)).toEqual(expected);
  });
});

describe('stringsOf and mappedIds', () => {
  it.each([
    ['a string is one value', 'jurist', ['jurist']],
    ['an array gives its strings only', ['a', 1, null, 'b', { c: 1 }], ['a', 'b']],
    ['an object gives its keys (Keycloak organization)', { acme: {}, globex: { id: 'x' } }, ['acme', 'globex']],
    ['a number gives none', 42, []],
    ['absent gives none', undefined, []],
  ])('%s', (_what, value, expected) => {
    expect(stringsOf(value)).toEqual(expected);
  });

  const map = Object.assign(Object.create(null) as Record<string, readonly string[]>, { 'JPP.Jurist': ['jurist'], 'JPP.Beide': ['jurist', 'privacy-officer'] });
  it.each([
    ['values through the map', ['JPP.Jurist', 'offline_access'], map, ['jurist']],
    ['one value to two roles', ['JPP.Beide'], map, ['jurist', 'privacy-officer']],
    ['a value the map does not name maps to nothing', ['jurist'], map, []],
    ['a prototype name maps to nothing', ['constructor', 'toString'], map, []],
    ['without a map the values are platform ids', ['jurist', 'voorzitter'], undefined, ['jurist', 'voorzitter']],
  ])('%s', (_what, values, m, expected) => {
    expect([...mappedIds(values, m)]).toEqual(expected);
  });
});

describe('decideLogin: the register decides, the provider only narrows', () => {
  const active = (roles: string[], organisation = 'zvh'): RegisterAnswer => ({ status: 'active', organisation, roles });
  const grants = (roles?: string[], organisations?: string[]): ProviderGrants => ({
    roles: roles ? new Set(roles) : undefined,
    organisations: organisations ? new Set(organisations) : undefined,
  });
  it.each<[string, RegisterAnswer, ProviderGrants, unknown]>([
    ['unknown subject', { status: 'not-registered' }, grants(['jurist']), { ok: false, reason: 'not-registered' }],
    ['deactivated person', { status: 'deactivated' }, grants(['jurist']), { ok: false, reason: 'deactivated' }],
    ['no role claim configured: the register\'s roles', active(['jurist', 'privacy-officer']), grants(), { ok: true, organisation: 'zvh', roles: ['jurist', 'privacy-officer'] }],
    ['the claim narrows two roles to one', active(['jurist', 'privacy-officer']), grants(['privacy-officer']), { ok: true, organisation: 'zvh', roles: ['privacy-officer'] }],
    ['the claim never widens', active(['jurist']), grants(['jurist', 'privacy-officer', 'voorzitter']), { ok: true, organisation: 'zvh', roles: ['jurist'] }],
    ['a claim role the register does not give', active(['voorzitter']), grants(['jurist']), { ok: false, reason: 'role-not-granted' }],
    ['a configured claim that is absent or maps to nothing', active(['jurist']), grants([]), { ok: false, reason: 'role-not-granted' }],
    ['an active person without roles', active([]), grants(), { ok: false, reason: 'role-not-granted' }],
    ['the organisation claim names the register\'s', active(['jurist']), grants(undefined, ['politie', 'zvh']), { ok: true, organisation: 'zvh', roles: ['jurist'] }],
    ['the organisation claim names another', active(['jurist']), grants(['jurist'], ['politie']), { ok: false, reason: 'organisation-not-granted' }],
    ['a configured organisation claim that is absent', active(['jurist']), grants(undefined, []), { ok: false, reason: 'organisation-not-granted' }],
  ])('%s', (_what, register, provider, expected) => {
    expect(decideLogin(register, provider)).toEqual(expected);
  });

  it('reads the mapped grants from nested and array claims', () => {
    const g = providerGrantsOf(
      { realm_access: { roles: ['jpp-jurist', 'offline_access'] }, organization: ['zvh-ln'] },
      { path: 'realm_access.roles', map: { 'jpp-jurist': ['jurist'] } },
      { path: 'organization', map: { 'zvh-ln': ['zvh-limburg-noord'] } },
    );
    expect({ roles: [...g.roles!], organisations: [...g.organisations!] }).toEqual({ roles: ['jurist'], organisations: ['zvh-limburg-noord'] });
    expect(providerGrantsOf({ roles: ['jurist'] }, undefined, undefined)).toEqual({ roles: undefined, organisations: undefined });
  });
});

describe('userinfo', () => {
  const read = ['name', 'realm_access.roles'];
  it.each<[string, 'auto' | 'always' | 'never', boolean, Record<string, unknown>, boolean]>([
    ['auto, the ID token has every claim read', 'auto', true, { name: 'n', realm_access: { roles: [] } }, false],
    ['auto, the ID token lacks a nested claim', 'auto', true, { name: 'n' }, true],
    ['auto, but the provider has no userinfo endpoint', 'auto', false, {}, false],
    ['always', 'always', true, { name: 'n', realm_access: { roles: [] } }, true],
    ['never', 'never', true, {}, false],
  ])('%s', (_what, mode, endpoint, idToken, expected) => {
    expect(needsUserinfo(mode, endpoint, idToken, read)).toBe(expected);
  });

  it('keeps what the ID token says and fills in the rest from userinfo', () => {
    expect(mergeClaims({ sub: 's', name: 'ID' }, { sub: 's', name: 'UI', roles: ['r'] })).toEqual({ sub: 's', name: 'ID', roles: ['r'] });
    expect(mergeClaims({ sub: 's' }, undefined)).toEqual({ sub: 's' });
  });
});

describe('displayNameOf', () => {
  it.each([
    ['the register\'s name first', 'Register Naam', { name: 'Token Naam' }, 'Register Naam'],
    ['else the name claim', undefined, { name: ' Token Naam ', given_name: 'G' }, 'Token Naam'],
    ['else given and family name', undefined, { given_name: 'Gea', family_name: 'de Vries' }, 'Gea de Vries'],
    ['else the preferred username', undefined, { preferred_username: 'gvries' }, 'gvries'],
    ['never the subject', undefined, { sub: '6e1c…' }, 'Medewerker'],
  ])('%s', (_what, register, claims, expected) => {
    expect(displayNameOf(register, claims)).toBe(expected);
  });
});

describe('configuration', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const production = {
    JPP_MODE: 'production',
    JPP_SUBJECT_KEY: randomBytes(32).toString('base64url'),
    JPP_JWT_ISSUER: 'https://idp.example.nl',
    JPP_JWT_JWKS_URL: 'https://idp.example.nl/jwks',
    JPP_LOG_SIGNING_KEY: JSON.stringify(privateKey.export({ format: 'jwk' })),
    JPP_OIDC_ISSUER: 'https://idp.example.nl/realms/jpp',
    JPP_OIDC_CLIENT_ID: 'jpp-broker',
    JPP_WEB_SESSION_SECRET: randomBytes(32).toString('base64url'),
  };

  it('defaults: scopes openid profile, userinfo when needed, no claim mapping', () => {
    expect(loadConfig(production).web.oidc).toEqual({
      issuer: 'https://idp.example.nl/realms/jpp', clientId: 'jpp-broker', clientSecret: undefined,
      scopes: 'openid profile', userinfo: 'auto', roleClaim: undefined, organisationClaim: undefined,
    });
  });

  it('reads the Keycloak mapping: nested role claim, a map with one value to two roles', () => {
    const oidc = loadConfig({
      ...production,
      JPP_OIDC_SCOPES: 'openid profile roles',
      JPP_OIDC_ROLE_CLAIM: 'realm_access.roles',
      JPP_OIDC_ROLE_MAP: '{"jpp-jurist":"jurist","jpp-beide":["jurist","privacy-officer"]}',
      JPP_OIDC_ORG_CLAIM: 'organization',
    }).web.oidc!;
    expect(oidc.scopes).toBe('openid profile roles');
    expect(oidc.roleClaim).toEqual({ path: 'realm_access.roles', map: { 'jpp-jurist': ['jurist'], 'jpp-beide': ['jurist', 'privacy-officer'] } });
    expect(oidc.organisationClaim).toEqual({ path: 'organization', map: undefined });
  });

  it.each([
    ['JPP_OIDC_SCOPES', 'profile email', /JPP_OIDC_SCOPES: has a form that is not allowed here/],
    ['JPP_OIDC_SCOPES', 'openid  profile', /JPP_OIDC_SCOPES: has a form that is not allowed here/],
    ['JPP_OIDC_USERINFO', 'sometimes', /JPP_OIDC_USERINFO: must be one of: auto, always, never/],
    ['JPP_OIDC_ROLE_CLAIM', 'realm access', /JPP_OIDC_ROLE_CLAIM: has a form that is not allowed here/],
  ])('refuses a bad %s, naming it', (name, value, message) => {
    expect(() => loadConfig({ ...production, [name]: value })).toThrow(message);
  });

  it.each([
    ['{"a":', /JPP_OIDC_ROLE_MAP: is not JSON/],
    ['["jurist"]', /JPP_OIDC_ROLE_MAP: must be a JSON object/],
    ['{"a":1}', /JPP_OIDC_ROLE_MAP: each value must be a platform id/],
    ['{"a":[]}', /JPP_OIDC_ROLE_MAP: each value must be a platform id/],
  ])('refuses the role map %s, naming the variable', (value, message) => {
    expect(() => loadConfig({ ...production, JPP_OIDC_ROLE_CLAIM: 'roles', JPP_OIDC_ROLE_MAP: value })).toThrow(message);
  });

  it('refuses, at start-up, a map to a role or organisation the platform does not define', () => {
    const web = loadConfig({
      ...production,
      JPP_OIDC_ROLE_CLAIM: 'roles',
      JPP_OIDC_ROLE_MAP: '{"a":"jurist","b":"jurrist"}',
      JPP_OIDC_ORG_CLAIM: 'org',
      JPP_OIDC_ORG_MAP: '{"x":"politie"}',
    }).web;
    const platform = { id: 'p', roles: [{ id: 'jurist' }], organisations: [{ id: 'zvh' }] } as unknown as Platform;
    expect(() => createOidcLogin({ web, platform, register: () => Promise.resolve({ status: 'not-registered' }) })).toThrow(
      /JPP_OIDC_ROLE_MAP: maps to roles that platform p does not define: jurrist\n {2}JPP_OIDC_ORG_MAP: maps to organisations that platform p does not define: politie/,
    );
  });

  it('refuses a map without its claim', () => {
    expect(() => loadConfig({ ...production, JPP_OIDC_ORG_MAP: '{"a":"politie"}' })).toThrow(/JPP_OIDC_ORG_CLAIM/);
  });
});
