/**
 * The OpenAPI paths of /v1/register (the register of people, organisations and adapters; docs/register.md),
 * built from `schemas/register.schema.json` (whose `$defs` are components `register.<def>`: openapi.ts).
 */
type Content = Record<string, unknown>;

export function registerPaths(
  paramsOf: (component: string) => Content[],
  json: (schema: string) => Content,
  problem: (description: string) => Content,
  common: Record<number, Content>,
): Record<string, unknown> {
  const c = (def: string) => json(`register.${def}`);
  const path = (name: string, description: string, schema: Content = { type: 'string' }) => ({ name, in: 'path', required: true, description, schema });
  const person = path('personId', "The person's subject at the identity provider.", { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' });
  const role = path('role', 'A role of the platform.', { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' });
  const organisation = path('organisationId', 'An organisation id.', { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' });
  const adapter = path('adapterId', 'An adapter id.', { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' });
  const kid = path('kid', 'A key id.', { type: 'string', pattern: '^[A-Za-z0-9._:-]+$' });
  const notFound = (what: string) => ({ 404: problem(`There is no such ${what} in the register.`) });
  const conflict = (why: string) => ({ 409: problem(why) });
  const admin = 'functioneel beheerder (administer)';
  const personView = { description: 'The person with their role grants.', content: c('person') };
  const adapterView = { description: 'The adapter with its partner\'s signing keys.', content: c('adapter') };
  const orgView = { description: 'The organisation.', content: c('organisation') };
  return {
    '/v1/register/people': {
      get: {
        operationId: 'listRegisteredPeople',
        summary: `People in the register, with their grants (${admin})`,
        parameters: paramsOf('register.peopleQuery'),
        responses: { 200: { description: 'A page, by person id.', content: c('personPage') }, ...common },
      },
      post: {
        operationId: 'registerPerson',
        summary: `Register a person: subject, name, organisation, roles, validity (${admin})`,
        description: 'A role that may read the logboek, handle rights, change the policy or keep the register counts only once a second beheerder approved it (four eyes). Logged as register-change entries.',
        requestBody: { required: true, content: c('personRequest') },
        responses: { 201: personView, ...conflict('A person with this subject is registered already.'), ...common },
      },
    },
    '/v1/register/people/{personId}': {
      get: { operationId: 'getRegisteredPerson', summary: `One person (${admin})`, parameters: [person], responses: { 200: personView, ...notFound('person'), ...common } },
      patch: {
        operationId: 'updateRegisteredPerson',
        summary: `Change a person's name or the end of their validity (${admin})`,
        parameters: [person],
        requestBody: { required: true, content: c('personUpdate') },
        responses: { 200: personView, ...notFound('person'), ...common },
      },
    },
    '/v1/register/people/{personId}/deactivate': {
      post: {
        operationId: 'deactivatePerson',
        summary: `End a person's access at once: tokens refused from the next request, web sessions ended (${admin})`,
        parameters: [person],
        responses: { 200: personView, ...notFound('person'), ...conflict('Deactivated already, or the beheerder themselves.'), ...common },
      },
    },
    '/v1/register/people/{personId}/reactivate': {
      post: { operationId: 'reactivatePerson', summary: `Give a deactivated person access again (${admin})`, parameters: [person], responses: { 200: personView, ...notFound('person'), ...conflict('Active already.'), ...common } },
    },
    '/v1/register/people/{personId}/roles': {
      post: {
        operationId: 'grantRole',
        summary: `Grant a role, with an optional validity period (${admin})`,
        parameters: [person],
        requestBody: { required: true, content: c('grant') },
        responses: { 201: personView, ...notFound('person'), ...conflict('The person holds that role already.'), ...common },
      },
    },
    '/v1/register/people/{personId}/roles/{role}': {
      delete: { operationId: 'revokeRole', summary: `Revoke a role (${admin})`, parameters: [person, role], responses: { 200: personView, ...notFound('grant'), ...common } },
    },
    '/v1/register/people/{personId}/roles/{role}/approve': {
      post: {
        operationId: 'approveRoleGrant',
        summary: `Approve a privileged grant: four eyes, by another beheerder than its granter and its receiver (${admin})`,
        parameters: [person, role],
        responses: { 200: personView, ...notFound('grant'), ...conflict('Approved already, or revoked.'), ...common },
      },
    },
    '/v1/register/approvals': {
      get: { operationId: 'listPendingGrants', summary: `Grants awaiting a second beheerder's approval (${admin})`, responses: { 200: { description: 'Oldest first.', content: c('approvalList') }, ...common } },
    },
    '/v1/register/organisations': {
      get: { operationId: 'listOrganisations', summary: `Organisations: the platform file's and registered ones (${admin})`, responses: { 200: { description: 'By name.', content: c('organisationList') }, ...common } },
      post: {
        operationId: 'registerOrganisation',
        summary: `Register an organisation whose people may log in (${admin})`,
        requestBody: { required: true, content: c('organisationRequest') },
        responses: { 201: orgView, ...conflict('The id is in use.'), ...common },
      },
    },
    '/v1/register/organisations/{organisationId}/deactivate': {
      post: { operationId: 'deactivateOrganisation', summary: `End the access of an organisation's people at once (${admin})`, parameters: [organisation], responses: { 200: orgView, ...notFound('organisation'), ...conflict('Deactivated already, or the beheerder\'s own.'), ...common } },
    },
    '/v1/register/organisations/{organisationId}/reactivate': {
      post: { operationId: 'reactivateOrganisation', summary: `Give an organisation's people access again (${admin})`, parameters: [organisation], responses: { 200: orgView, ...notFound('organisation'), ...conflict('Active already.'), ...common } },
    },
    '/v1/register/adapters': {
      get: { operationId: 'listAdapters', summary: `Partner adapters (${admin})`, parameters: paramsOf('register.adaptersQuery'), responses: { 200: { description: 'By partner.', content: c('adapterList') }, ...common } },
      post: {
        operationId: 'registerAdapter',
        summary: `Register a partner's adapter: the subject of its tokens and its certificate's subject (${admin})`,
        requestBody: { required: true, content: c('adapterRequest') },
        responses: { 201: adapterView, ...conflict('The id or client id is in use.'), ...common },
      },
    },
    '/v1/register/adapters/{adapterId}': {
      get: { operationId: 'getAdapter', summary: `One adapter (${admin})`, parameters: [adapter], responses: { 200: adapterView, ...notFound('adapter'), ...common } },
    },
    '/v1/register/adapters/{adapterId}/deactivate': {
      post: { operationId: 'deactivateAdapter', summary: `End an adapter's access at once (${admin})`, parameters: [adapter], responses: { 200: adapterView, ...notFound('adapter'), ...conflict('Deactivated already.'), ...common } },
    },
    '/v1/register/adapters/{adapterId}/reactivate': {
      post: { operationId: 'reactivateAdapter', summary: `Give an adapter access again (${admin})`, parameters: [adapter], responses: { 200: adapterView, ...notFound('adapter'), ...conflict('Active already.'), ...common } },
    },
    '/v1/register/adapters/{adapterId}/keys': {
      post: {
        operationId: 'addAdapterKey',
        summary: `Register a public signing key (JWK) for the adapter's partner (${admin})`,
        parameters: [adapter],
        requestBody: { required: true, content: c('keyRequest') },
        responses: { 201: adapterView, ...notFound('adapter'), ...conflict('The kid is in use.'), ...common },
      },
    },
    '/v1/register/adapters/{adapterId}/keys/{kid}/revoke': {
      post: { operationId: 'revokeAdapterKey', summary: `Revoke a signing key for good (${admin})`, parameters: [adapter, kid], responses: { 200: adapterView, ...notFound('key'), ...conflict('Revoked already.'), ...common } },
    },
  };
}
