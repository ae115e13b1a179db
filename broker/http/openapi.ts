/**
 * The OpenAPI 3.1 document, built from `schemas/` at start-up. Every request and
 * response schema is a `$ref` into `components.schemas`, which hold the schema files
 * themselves, so the document cannot drift from validation.
 */
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
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

export function buildOpenApiDocument(schemas: SchemaRegistry, version: string, basePath = ''): Record<string, unknown> {
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
    // Beside other platforms in one process, this platform's API lives under its path prefix.
    ...(basePath ? { servers: [{ url: basePath, description: 'this platform, beside others in one broker process' }] } : {}),
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
            404: problem('No such casus: a voorzitter opens it first (POST /v1/cases).'),
            409: problem('The casus was opened for another doel, or its status does not allow questions (e.g. closed).'),
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
      '/v1/log/checkpoint': {
        get: {
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
          summary: 'C2SP tlog-tiles: an entry bundle (jurist, privacy officer); every read is logged. A redacted entry is a zero-length entry.',
          parameters: [
            { name: 'index', in: 'path', required: true, description: 'The bundle index in 3-digit path elements, e.g. x001/067 or 067.p/12.', schema: { type: 'string' } },
            ...queryParams('bundle'),
          ],
          responses: {
            200: { description: 'uint16-length-prefixed entries: each the leaf bytes JCS(content + seq).', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
            304: { description: 'Not modified (If-None-Match).' },
            ...common,
          },
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
      ...casusPaths(components, common),
      ...policyPaths(components, json, problem, common),
    },
  };
}

/** Query parameters from the properties of an object schema in `components`. */
function paramsOf(components: Record<string, unknown>, file: string, def: string, required: readonly string[] = []) {
  const schema = (components[file] as { $defs: Record<string, { properties: Record<string, unknown> }> }).$defs[def]!;
  return Object.entries(schema.properties).map(([name, s]) => ({ name, in: 'query', required: required.includes(name), schema: s }));
}

/** The casus workflow, data-subject rights, retention and monitoring (issue 7; docs/casus.md). */
function casusPaths(components: Record<string, unknown>, common: Record<number, unknown>): Record<string, unknown> {
  const uuidParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  const casus = { description: 'The casus (never a pseudonym or subject hash).', content: json('casus/$defs/casus') };
  const notFound = problem('No such casus (or item in it).');
  const conflict = (why: string) => problem(why);
  return {
    '/v1/cases': {
      post: {
        summary: 'Aanmelding: open a casus for one youth or a group (voorzitter)',
        description: 'Subjects arrive as pseudonyms and are stored as subject hashes; the answer names them by subjectId, in the order sent. Logged per subject.',
        requestBody: { required: true, content: json('casus/$defs/createRequest') },
        responses: { 201: { ...casus, description: 'Opened, in status aangemeld.' }, 409: conflict('The caseRef is in use.'), ...common },
      },
      get: {
        summary: "The voorzitter's casussen, newest first, paged without silent truncation",
        parameters: paramsOf(components, 'casus', 'listQuery'),
        responses: { 200: { description: 'A page.', content: json('casus/$defs/casusPage') }, ...common },
      },
    },
    '/v1/cases/{caseId}': {
      get: { summary: 'One casus with its history and vervolgacties', parameters: [uuidParam('caseId')], responses: { 200: casus, 404: notFound, ...common } },
    },
    '/v1/cases/{caseId}/transitions': {
      post: {
        summary: 'Move a casus to its next status (reason for op-/afschaling, outcome for afsluiting)',
        parameters: [uuidParam('caseId')],
        requestBody: { required: true, content: json('casus/$defs/transitionRequest') },
        responses: { 200: casus, 404: notFound, 409: conflict('The move is not allowed from the current status.'), ...common },
      },
    },
    '/v1/cases/{caseId}/vervolgacties': {
      post: {
        summary: 'Record a vervolgactie: partner, kind, due date; no narrative',
        parameters: [uuidParam('caseId')],
        requestBody: { required: true, content: json('casus/$defs/vervolgactieRequest') },
        responses: { 201: casus, 404: notFound, 409: conflict('Only when the casus is besproken or in vervolg.'), ...common },
      },
    },
    '/v1/cases/{caseId}/vervolgacties/{actionId}/complete': {
      post: {
        summary: 'Mark a vervolgactie done',
        parameters: [uuidParam('caseId'), uuidParam('actionId')],
        responses: { 200: casus, 404: notFound, 409: conflict('Done already.'), ...common },
      },
    },
    '/v1/cases/{caseId}/subjects/{subjectId}/notification': {
      put: {
        summary: 'Notificatie: the subject was informed, or informing is deferred (reason, until when)',
        parameters: [uuidParam('caseId'), uuidParam('subjectId')],
        requestBody: { required: true, content: json('casus/$defs/notificationRequest') },
        responses: { 200: casus, 404: notFound, 409: conflict('The casus is closed.'), ...common },
      },
    },
    '/v1/notifications/overdue': {
      get: {
        summary: 'Subjects of open casussen whose notificatie is overdue (voorzitter)',
        responses: { 200: { description: 'Oldest due first; complete.', content: json('casus/$defs/overdueList') }, ...common },
      },
    },
    '/v1/inzage': {
      post: {
        summary: 'Inzage (AVG art. 15): every disclosure about one subject (privacy officer, jurist)',
        description: 'The identity is pseudonymised in the browser or CLI; only the pseudonym is sent. Complete, never truncated. Accept: application/pdf for the PDF. Logged.',
        requestBody: { required: true, content: json('rights/$defs/inzageRequest') },
        responses: {
          200: {
            description: 'The report.',
            content: { ...json('rights/$defs/inzageReport'), 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          },
          ...common,
        },
      },
    },
    '/v1/bezwaren': {
      post: {
        summary: 'Record a decided bezwaar (AVG art. 21); upheld blocks hits for the doelen named',
        requestBody: { required: true, content: json('rights/$defs/bezwaarRequest') },
        responses: { 201: { description: 'Recorded and logged.', content: json('rights/$defs/bezwaar') }, ...common },
      },
      get: {
        summary: 'Bezwaren decided, newest first (no subjects); by default only the active ones',
        parameters: paramsOf(components, 'rights', 'bezwaarQuery'),
        responses: { 200: { description: 'Complete, never paged.', content: json('rights/$defs/bezwaarList') }, ...common },
      },
    },
    '/v1/bezwaren/{bezwaarId}/lift': {
      post: {
        summary: 'Lift an upheld bezwaar',
        parameters: [uuidParam('bezwaarId')],
        responses: { 200: { description: 'Lifted.', content: json('rights/$defs/bezwaar') }, 404: problem('No such bezwaar.'), 409: conflict('Not an active upheld bezwaar.'), ...common },
      },
    },
    '/v1/legal-holds': {
      post: {
        summary: 'Place a legal hold on a casus (caseId or caseRef) or a subject: retention removes nothing of it',
        requestBody: { required: true, content: json('rights/$defs/legalHoldRequest') },
        responses: { 201: { description: 'Placed and logged.', content: json('rights/$defs/legalHold') }, 404: notFound, ...common },
      },
      get: {
        summary: 'Legal holds (no pseudonyms)',
        parameters: paramsOf(components, 'rights', 'legalHoldQuery'),
        responses: { 200: { description: 'Newest first.', content: json('rights/$defs/legalHoldList') }, ...common },
      },
    },
    '/v1/legal-holds/{holdId}/release': {
      post: {
        summary: 'Release a legal hold',
        parameters: [uuidParam('holdId')],
        responses: { 200: { description: 'Released and logged.', content: json('rights/$defs/legalHold') }, 404: problem('No such hold.'), 409: conflict('Released already.'), ...common },
      },
    },
    '/v1/retention/runs': {
      post: {
        summary: 'Run retention now (also scheduled inside the service, and `jpp-broker retention run`)',
        responses: { 201: { description: 'What was removed: counts and time ranges; recorded in the logboek.', content: json('retention/$defs/run') }, ...common },
      },
      get: {
        summary: 'Past retention runs, newest first',
        parameters: paramsOf(components, 'retention', 'listQuery'),
        responses: { 200: { description: 'The runs.', content: json('retention/$defs/runList') }, ...common },
      },
    },
    '/v1/monitoring': {
      get: {
        summary: 'Aggregates per period for the partneroverleg; small cells withheld',
        description: 'Refuses a period shorter than the platform minimum, in the future, or reversed. format=csv or Accept: text/csv for CSV.',
        parameters: paramsOf(components, 'monitoring', 'query', ['from', 'to']),
        responses: {
          200: { description: 'The tables.', content: { ...json('monitoring/$defs/report'), 'text/csv': { schema: { type: 'string' } } } },
          ...common,
        },
      },
    },
  };
}
