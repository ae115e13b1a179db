/**
 * The OpenAPI 3.1 document, built from `schemas/` at start-up. Every request and
 * response schema is a `$ref` into `components.schemas`, which hold the schema files
 * themselves, so the document cannot drift from validation.
 */
import type { SchemaRegistry } from '../schemas/schema-registry.js';
import { policyPaths } from './openapi-policies.js';

const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/problem' } } },
});

/** Rewrites cross-file refs (`defs.schema.json#/$defs/x`) into component refs. */
function rewriteRefs(node: unknown, file: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, file));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      const [target, pointer = ''] = v.split('#', 2);
      const name = (target || file).replace('.schema.json', '');
      out[k] = `#/components/schemas/${name}${pointer}`;
    } else if (k === '$id' || k === '$schema') {
      continue;
    } else {
      out[k] = rewriteRefs(v, file);
    }
  }
  return out;
}

export function buildOpenApiDocument(schemas: SchemaRegistry, version: string): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  for (const [file, doc] of schemas.documents()) {
    // Configuration files are not part of the HTTP API.
    if (['config.schema.json', 'custodian-config.schema.json', 'platform.schema.json'].includes(file)) continue;
    components[file.replace('.schema.json', '')] = rewriteRefs(doc, file);
  }
  const logQuery = components['log-query'] as { $defs: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
  const queryParams = (name: string) =>
    Object.entries(logQuery.$defs[name]!.properties).map(([param, schema]) => ({
      name: param,
      in: 'query',
      required: (logQuery.$defs[name]!.required ?? []).includes(param),
      schema,
    }));
  const common = {
    401: problem('No valid bearer token.'),
    403: problem('The caller may not do this.'),
    422: problem('The input is invalid or holds an identity-looking value; nothing was stored.'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'jpp-broker',
      version,
      summary: 'Hit/no-hit broker for youth-crime prevention partnerships.',
      description:
        'Partners submit minimal signals (pseudonym, category, dates, opaque ref). A voorzitter or partner professional asks "is deze jongere bij u bekend?" and gets hit, no-hit or not-permitted per partner, as the casbin policy for their role and doel allows. Every answer is logged in the same transaction.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    paths: {
      '/healthz': {
        get: {
          summary: 'Liveness and database reachability',
          security: [],
          responses: { 200: { description: 'The broker and its database answer.' }, 503: problem('The database does not answer.') },
        },
      },
      '/v1/signals': {
        post: {
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
          summary: "Withdraw one of the adapter's own signals",
          parameters: [{ name: 'ref', in: 'path', required: true, schema: { $ref: '#/components/schemas/defs/$defs/opaqueRef' } }],
          responses: { 204: { description: 'Withdrawn (deleted).' }, 404: problem('This partner has no signal with that ref.'), ...common },
        },
      },
      '/v1/queries': {
        post: {
          summary: '"Is deze jongere bij u bekend?"',
          description:
            'One answer per partner. not-permitted is decided by the policy before any lookup; a disallowed category counts as absent. Each answer is logged before it is returned.',
          requestBody: { required: true, content: json('query-request') },
          responses: {
            200: { description: 'The answers.', content: json('query-response') },
            409: problem('The casus was opened for another doel.'),
            ...common,
          },
        },
      },
      '/v1/log/public-key': {
        get: {
          summary: "The logboek's origin and checkpoint signing key (public)",
          security: [],
          responses: { 200: { description: 'Origin and Ed25519 public JWK.', content: json('log-views/$defs/publicKey') } },
        },
      },
      '/v1/log/checkpoints': {
        get: {
          summary: 'Signed checkpoints, oldest first (public)',
          security: [],
          parameters: queryParams('checkpoints'),
          responses: { 200: { description: 'A page of checkpoints.', content: json('log-views/$defs/checkpointList') }, 422: common[422] },
        },
      },
      '/v1/log/checkpoints/latest': {
        get: {
          summary: 'The latest signed checkpoint (public)',
          security: [],
          responses: { 200: { description: 'The checkpoint.', content: json('log-views/$defs/checkpoint') }, 204: { description: 'No checkpoint yet.' } },
        },
      },
      '/v1/log/proofs/inclusion': {
        get: {
          summary: 'RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries (public: hashes only)',
          security: [],
          parameters: queryParams('inclusion'),
          responses: { 200: { description: 'The proof.', content: json('log-views/$defs/inclusionProof') }, 422: common[422] },
        },
      },
      '/v1/log/proofs/consistency': {
        get: {
          summary: 'RFC 9162 consistency proof between two tree sizes (public: hashes only)',
          security: [],
          parameters: queryParams('consistency'),
          responses: { 200: { description: 'The proof.', content: json('log-views/$defs/consistencyProof') }, 422: common[422] },
        },
      },
      '/v1/log/entries': {
        get: {
          summary: 'Logboek entries in tree order (jurist, privacy officer); every read is logged',
          parameters: queryParams('entries'),
          responses: { 200: { description: 'A page of entries.', content: json('log-views/$defs/entryPage') }, ...common },
        },
      },
      '/custodian/v1/keys': {
        get: {
          summary: "The key custodian's public keys per epoch, for clients to pin (demo: in this process; production: the custodian's own /v1/keys)",
          security: [],
          responses: { 200: { description: 'Suite, current epoch, and every epoch with its public key.', content: json('oprf/$defs/keys') } },
        },
      },
      '/custodian/v1/evaluate': {
        post: {
          summary: 'VOPRF evaluation of blinded elements, with one DLEQ proof per batch (RFC 9497)',
          description:
            'For adapters and for people with the query capability (who must name a doel). Counted against the caller\'s quota per minute and per 24 hours, and logged. The custodian never sees an identity: blinded elements are uniformly random.',
          requestBody: { required: true, content: json('oprf/$defs/evaluateRequest') },
          responses: {
            200: { description: 'Evaluated elements and the proof.', content: json('oprf/$defs/evaluateResponse') },
            429: problem('The quota is used up; nothing was evaluated.'),
            ...common,
          },
        },
      },
      '/v1/disclosures': {
        get: {
          summary: 'The disclosure log (jurist, privacy officer)',
          parameters: Object.entries(
            (components['disclosure-filter'] as { properties: Record<string, unknown> }).properties,
          ).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
          responses: { 200: { description: 'A page, newest first.', content: json('disclosure-page') }, ...common },
        },
      },
      ...policyPaths(components, json, problem, common),
    },
  };
}
