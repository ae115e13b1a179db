/**
 * The OpenAPI 3.1 documents, built from `schemas/` at start-up: the broker's, and the key
 * custodian's own process's. Every request and response schema is a `$ref` into
 * `components.schemas`, which hold the schema files themselves, so a document cannot drift
 * from validation.
 *
 * Invariants:
 * - A document lists the routes its process serves, and only those: the demo's in-process
 *   custodian (`/custodian/v1`) only where it runs; the custodian's own process has its own
 *   document (`buildCustodianOpenApiDocument`).
 * - Every operation has an `operationId`, unique in its document.
 * - A schema file's `$defs` are hoisted into components of their own (`<file>.<def>`, e.g.
 *   `signal-batch.signal`), and references are rewritten to them; no component keeps `$defs`.
 *   (Generators such as openapi-typescript would otherwise turn `$defs` into a required
 *   property of the generated type.) Components that no path reaches are left out.
 * - `servers` is relative to where the document is served (the platform's path beside
 *   other platforms), so it is right behind any proxy.
 */
import { healthPath } from './openapi-health.js';
import { tooManyRequests } from './openapi-rate-limit.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { policyPaths } from './openapi-policies.js';
import { registerPaths } from './openapi-register.js';
import { casusPaths } from './openapi-casus.js';
import { casusoverlegPaths } from './openapi-casusoverleg.js';
import { rightsDeskPaths } from './openapi-rights.js';

/** How this process's document differs: where it is mounted, what it serves, who issues its tokens. */
export interface OpenApiOptions {
  /** '' when the broker serves one platform alone; `/p/<platform id>` beside other platforms. */
  readonly basePath?: string;
  /** The key custodian runs in this process, at /custodian/v1 (demo mode). */
  readonly custodianInProcess?: boolean;
  /** The OpenID Connect issuer (JPP_OIDC_ISSUER), when configured: advertised as an openIdConnect scheme. */
  readonly oidcIssuer?: string | undefined;
}

/** Schema files that describe configuration or files on disk, not the HTTP API. */
const NOT_HTTP = new Set(['config.schema.json', 'custodian-config.schema.json', 'platform.schema.json', 'adapter-mapping.schema.json']);

const LICENSE = { name: 'EUPL-1.2', identifier: 'EUPL-1.2' };

const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/problem' } } },
});

/** The component a reference names: `x.schema.json#/$defs/d/rest` → `#/components/schemas/x.d/rest`. */
function componentRef(ref: string, file: string): string {
  const [target, pointer = ''] = ref.split('#', 2);
  const base = (target || file).replace('.schema.json', '');
  const def = /^\/\$defs\/([^/]+)(.*)$/.exec(pointer);
  return def ? `#/components/schemas/${base}.${def[1]}${def[2]}` : `#/components/schemas/${base}${pointer}`;
}

/** Rewrites every `$ref` of a schema file into a component reference, and drops `$id` and `$schema`. */
function rewriteRefs(node: unknown, file: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, file));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = componentRef(v, file);
    else if (k !== '$id' && k !== '$schema') out[k] = rewriteRefs(v, file);
  }
  return out;
}

/**
 * Every HTTP schema file as components: the file's own schema (when it is more than a
 * container of `$defs`) under the file's name, and each of its `$defs` as `<file>.<def>`.
 */
function schemaComponents(schemas: SchemaRegistry): Record<string, Record<string, unknown>> {
  const components: Record<string, Record<string, unknown>> = {};
  for (const [file, doc] of schemas.documents()) {
    if (NOT_HTTP.has(file)) continue;
    const base = file.replace('.schema.json', '');
    const { $defs, ...root } = rewriteRefs(doc, file) as Record<string, unknown> & { $defs?: Record<string, Record<string, unknown>> };
    for (const [def, schema] of Object.entries($defs ?? {})) components[`${base}.${def}`] = schema;
    if (Object.keys(root).some((k) => !['title', 'description'].includes(k))) components[base] = root;
  }
  return components;
}

/** The components that `node` reaches, directly or through other components. */
function reachable(node: unknown, components: Record<string, unknown>, seen = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) reachable(n, components, seen);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length).split('/')[0]!;
        if (!seen.has(name)) {
          seen.add(name);
          reachable(components[name], components, seen);
        }
      } else reachable(v, components, seen);
    }
  }
  return seen;
}

/** Query parameters from the properties of an object schema among the components. */
function paramsOf(components: Record<string, unknown>, name: string, required?: readonly string[]) {
  const schema = components[name] as { properties: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties).map(([param, s]) => ({ name: param, in: 'query', required: (required ?? schema.required ?? []).includes(param), schema: s }));
}

const common = {
  401: problem('No valid bearer token.'),
  403: problem('The caller may not do this.'),
  422: problem('The input is invalid or holds an identity-looking value; nothing was stored.'),
};

/** The security schemes: bearer tokens (JWT), and the OpenID Connect issuer where one is configured. */
function security(oidcIssuer: string | undefined) {
  const schemes: Record<string, unknown> = {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: "A JWT from the platform's identity provider (JPP_JWT_ISSUER; in demo mode `jpp-broker token`), with `org` and `role` for a person or `partner` for an adapter.",
    },
  };
  if (oidcIssuer) {
    schemes['openIdConnect'] = {
      type: 'openIdConnect',
      openIdConnectUrl: `${oidcIssuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
      description: 'The OpenID Connect provider of the web login (JPP_OIDC_ISSUER). Its access tokens are bearer tokens here when it is also the issuer the broker trusts (JPP_JWT_ISSUER).',
    };
  }
  return { schemes, requirement: [{ bearer: [] }, ...(oidcIssuer ? [{ openIdConnect: [] }] : [])] };
}

/** A whole document: info, servers, security, the paths, and the components they reach. */
function openApiDocument(
  components: Record<string, unknown>,
  info: { title: string; version: string; summary: string; description: string },
  server: { url: string; description: string },
  oidcIssuer: string | undefined,
  paths: Record<string, unknown>,
): Record<string, unknown> {
  const sec = security(oidcIssuer);
  const used = reachable(paths, components);
  return {
    openapi: '3.1.0',
    info: { ...info, license: LICENSE },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [server],
    security: sec.requirement,
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).filter(([name]) => used.has(name)).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: sec.schemes,
    },
  };
}

/** The key custodian's two routes, under `prefix` (`/custodian/v1` in the demo's process, `/v1` in its own). */
function custodianPaths(prefix: string): Record<string, unknown> {
  return {
    [`${prefix}/keys`]: {
      get: {
        operationId: 'getCustodianKeys',
        summary: "The key custodian's public keys per epoch, for clients to pin",
        security: [],
        responses: { 200: { description: 'Suite, current epoch, and every epoch with its public key.', content: json('oprf.keys') } },
      },
    },
    [`${prefix}/evaluate`]: {
      post: {
        operationId: 'evaluateBlindedElements',
        summary: 'VOPRF evaluation of blinded elements, with one DLEQ proof per batch (RFC 9497)',
        description:
          'For adapters and for people with the query capability (who must name a doel). Counted against the caller\'s quota per minute and per 24 hours, and logged. The custodian never sees an identity: blinded elements are uniformly random.',
        requestBody: { required: true, content: json('oprf.evaluateRequest') },
        responses: {
          200: { description: 'Evaluated elements and the proof.', content: json('oprf.evaluateResponse') },
          413: problem('The body is over 256 kB.'),
          429: tooManyRequests('The quota is used up; nothing was evaluated.'),
          ...common,
        },
      },
    },
  };
}

/**
 * The key custodian's own process (`jpp-broker custodian`): its keys and evaluation at /v1,
 * and its health check.
 */
export function buildCustodianOpenApiDocument(schemas: SchemaRegistry, version: string, options: Pick<OpenApiOptions, 'oidcIssuer'> = {}): Record<string, unknown> {
  return openApiDocument(
    schemaComponents(schemas),
    {
      title: 'jpp-broker key custodian',
      version,
      summary: 'VOPRF evaluation (RFC 9497) for pseudonymisation at partners and in browsers.',
      description: 'The key custodian evaluates blinded elements under its key epochs, within quotas per caller, and logs every evaluation in the broker\'s logboek. It never sees an identity or a pseudonym.',
    },
    { url: '/', description: 'this key custodian, relative to where this document is served' },
    options.oidcIssuer,
    { ...healthPath, ...custodianPaths('/v1') },
  );
}

/** The broker's document. */
export function buildOpenApiDocument(schemas: SchemaRegistry, version: string, options: OpenApiOptions = {}): Record<string, unknown> {
  const components = schemaComponents(schemas);
  const basePath = options.basePath ?? '';
  const logParams = (def: string) => paramsOf(components, `log-query.${def}`);
  return openApiDocument(
    components,
    {
      title: 'jpp-broker',
      version,
      summary: 'Hit/no-hit broker for youth-crime prevention partnerships.',
      description:
        'Partners submit minimal signals (pseudonym, category, dates, opaque ref). A voorzitter or partner professional asks "is deze jongere bij u bekend?" and gets hit, no-hit or not-permitted per partner, as the casbin policy for their role and doel allows. Every answer is logged in the same transaction.',
    },
    basePath
      ? { url: basePath, description: 'this platform, beside others in one broker process (relative to where this document is served)' }
      : { url: '/', description: 'this broker, relative to where this document is served' },
    options.oidcIssuer,
    {
      ...healthPath,
      '/v1/signals': {
        post: {
          operationId: 'submitSignals',
          summary: 'Submit a batch of minimal signals (adapter)',
          description:
            'Idempotent on batchId. Unknown fields and identity-looking values refuse the whole batch (422, nothing stored). Well-formed but unusable signals are rejected one by one. A batch may be signed (application/jose, a compact JWS with a key registered to the partner); outside demo mode it must be, and must come over the mTLS listener with the partner\'s client certificate (403 otherwise).',
          requestBody: {
            required: true,
            content: { ...json('signal-batch'), 'application/jose': { schema: { $ref: '#/components/schemas/signed-batch' } } },
          },
          responses: {
            201: { description: 'Processed.', content: json('signal-batch-result') },
            200: { description: 'A retry: the stored result of the first submission.', content: json('signal-batch-result') },
            409: problem('The batchId was used before with other content.'),
            ...common,
          },
        },
      },
      '/v1/signals/{ref}': {
        delete: {
          operationId: 'withdrawSignal',
          summary: "Withdraw one of the adapter's own signals",
          parameters: [{ name: 'ref', in: 'path', required: true, schema: { $ref: '#/components/schemas/defs.opaqueRef' } }],
          responses: { 204: { description: 'Withdrawn (deleted).' }, 404: problem('This partner has no signal with that ref.'), ...common },
        },
      },
      '/v1/queries': {
        post: {
          operationId: 'askQuery',
          summary: '"Is deze jongere bij u bekend?"',
          description:
            'One answer per partner. not-permitted is decided by the policy before any lookup; a disallowed category counts as absent. Each answer is logged before it is returned.',
          requestBody: { required: true, content: json('query-request') },
          responses: {
            200: { description: 'The answers.', content: json('query-response') },
            404: problem('No such casus: a voorzitter opens it first (POST /v1/cases).'),
            409: problem('The casus was opened for another doel, or its status does not allow questions (e.g. closed).'),
            429: tooManyRequests("Past the platform's rate limit for questions (per person or per organisation); nothing was read, the refusal is logged."),
            ...common,
          },
        },
      },
      '/v1/log/public-key': {
        get: {
          operationId: 'getLogPublicKey',
          summary: "The logboek's origin and checkpoint signing key (public)",
          security: [],
          responses: { 200: { description: 'Origin and Ed25519 public JWK.', content: json('log-views.publicKey') } },
        },
      },
      '/v1/log/checkpoints': {
        get: {
          operationId: 'listCheckpoints',
          summary: 'Signed checkpoints, oldest first (public)',
          security: [],
          parameters: logParams('checkpoints'),
          responses: { 200: { description: 'A page of checkpoints.', content: json('log-views.checkpointList') }, 422: common[422] },
        },
      },
      '/v1/log/checkpoints/latest': {
        get: {
          operationId: 'getLatestCheckpoint',
          summary: 'The latest signed checkpoint (public)',
          security: [],
          responses: { 200: { description: 'The checkpoint.', content: json('log-views.checkpoint') }, 204: { description: 'No checkpoint yet.' } },
        },
      },
      '/v1/log/proofs/inclusion': {
        get: {
          operationId: 'getInclusionProof',
          summary: 'RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries (public: hashes only)',
          security: [],
          parameters: logParams('inclusion'),
          responses: { 200: { description: 'The proof.', content: json('log-views.inclusionProof') }, 422: common[422] },
        },
      },
      '/v1/log/proofs/consistency': {
        get: {
          operationId: 'getConsistencyProof',
          summary: 'RFC 9162 consistency proof between two tree sizes (public: hashes only)',
          security: [],
          parameters: logParams('consistency'),
          responses: { 200: { description: 'The proof.', content: json('log-views.consistencyProof') }, 422: common[422] },
        },
      },
      '/v1/log/entries': {
        get: {
          operationId: 'listLogEntries',
          summary: 'Logboek entries in tree order (jurist, privacy officer); every read is logged',
          parameters: logParams('entries'),
          responses: { 200: { description: 'A page of entries.', content: json('log-views.entryPage') }, ...common },
        },
      },
      '/v1/log/bundles': {
        get: {
          operationId: 'getEntryBundles',
          summary: 'The compact export: entries as C2SP tlog-tiles level-0 hashes and entry bundles, in one read (jurist, privacy officer); every read is logged',
          parameters: logParams('bundles'),
          responses: {
            200: {
              description: 'The `Jpp-Entries` leaf hashes (32 bytes each), then the same entries as uint16-length-prefixed leaf bytes JCS(content + seq); a redacted entry is zero-length. `Jpp-Tree-Size` is the tree size read.',
              headers: { 'Jpp-Entries': { schema: { type: 'integer' } }, 'Jpp-Tree-Size': { schema: { type: 'integer' } } },
              content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
            ...common,
          },
        },
      },
      '/v1/log/checkpoint': {
        get: {
          operationId: 'getSignedNoteCheckpoint',
          summary: 'C2SP tlog-tiles: the latest checkpoint as a signed note with its witnesses\' cosignatures (public)',
          security: [],
          responses: {
            200: { description: 'A C2SP tlog-checkpoint signed note (text/plain; charset=utf-8).', content: { 'text/plain': { schema: { type: 'string' } } } },
            404: problem('No checkpoint in the signed-note form yet.'),
          },
        },
      },
      '/v1/log/tile/{level}/{index}': {
        get: {
          operationId: 'getTile',
          summary: 'C2SP tlog-tiles: a Merkle tile (public: hashes only); the index is written as x001/x234/067, a partial tile ends in .p/<width>',
          security: [],
          parameters: [
            { name: 'level', in: 'path', required: true, schema: { type: 'integer', minimum: 0, maximum: 63 } },
            { name: 'index', in: 'path', required: true, description: 'The tile index in 3-digit path elements, e.g. x001/x234/067 or 067.p/12.', schema: { type: 'string' } },
          ],
          responses: {
            200: { description: 'Up to 256 concatenated SHA-256 hashes. Immutable.', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
            404: problem('No such tile (yet).'),
          },
        },
      },
      '/v1/log/tile/entries/{index}': {
        get: {
          operationId: 'getEntryBundle',
          summary: 'C2SP tlog-tiles: an entry bundle (jurist, privacy officer); every read is logged. A redacted entry is a zero-length entry.',
          parameters: [
            { name: 'index', in: 'path', required: true, description: 'The bundle index in 3-digit path elements, e.g. x001/067 or 067.p/12.', schema: { type: 'string' } },
            ...logParams('bundle'),
          ],
          responses: {
            200: { description: 'uint16-length-prefixed entries: each the leaf bytes JCS(content + seq).', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
            304: { description: 'Not modified (If-None-Match).' },
            ...common,
          },
        },
      },
      ...(options.custodianInProcess ? custodianPaths('/custodian/v1') : {}),
      '/v1/disclosures': {
        get: {
          operationId: 'listDisclosures',
          summary: 'The disclosure log (jurist, privacy officer)',
          parameters: paramsOf(components, 'disclosure-filter'),
          responses: { 200: { description: 'A page, newest first.', content: json('disclosure-page') }, ...common },
        },
      },
      ...casusPaths((name, required) => paramsOf(components, name, required), json, problem, common),
      ...casusoverlegPaths(json, problem, common),
      ...rightsDeskPaths((name) => paramsOf(components, name), json, problem, common),
      ...policyPaths((name) => paramsOf(components, name), json, problem, common),
      ...registerPaths((name) => paramsOf(components, name), json, problem, common),
    },
  );
}
