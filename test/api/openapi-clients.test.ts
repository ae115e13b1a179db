/**
 * The OpenAPI documents as others use them, checked by their tools rather than by ours:
 * - @redocly/cli `lint` with the recommended rules (redocly.yaml; the exceptions, each with its
 *   reason, are in .redocly.lint-ignore.yaml and docs/api.md);
 * - openapi-typescript generates a client's types from the served document, and tsc type-checks
 *   the README's calls through openapi-fetch with them, and refuses wrong ones;
 * and what each process's document must say: its own routes only, an operationId per
 * operation, the licence, servers, and the OpenID Connect scheme where one is configured.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustodianOpenApiDocument } from '../../broker/http/openapi.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { packagePath } from '../../protocol/package-root.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

type Doc = { paths: Record<string, Record<string, { operationId?: string }>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; openIdConnectUrl?: string }> } } & Record<string, any>;

/** Where the documents and the generated client go (test-output/ is ignored by git; redocly's ignore file names these paths). */
const OUT = packagePath('test-output', 'openapi');
const OIDC_ISSUER = 'https://idp.example.nl/realms/jpp';

let demo: TestBroker;
let production: TestBroker;
const docs: Record<'broker-demo' | 'broker-production' | 'custodian', Doc> = {} as never;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  demo = await startTestBroker();
  production = await startTestBroker({
    production: true,
    env: {
      JPP_SUBJECT_KEY: randomBytes(32).toString('base64url'),
      JPP_JWT_ISSUER: OIDC_ISSUER,
      JPP_JWT_JWKS_URL: `${OIDC_ISSUER}/protocol/openid-connect/certs`,
      JPP_LOG_SIGNING_KEY: JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })),
      JPP_OIDC_ISSUER: OIDC_ISSUER,
      JPP_OIDC_CLIENT_ID: 'jpp-broker',
      JPP_WEB_SESSION_SECRET: randomBytes(32).toString('base64url'),
    },
  });
  docs['broker-demo'] = (await demo.call('GET', '/openapi.json')).body as Doc;
  docs['broker-production'] = (await production.call('GET', '/openapi.json')).body as Doc;
  // The custodian's own process serves this document (test/custodian/custodian-process.test.ts checks it is served).
  docs.custodian = buildCustodianOpenApiDocument(createSchemaRegistry(), '0.1.0') as Doc;
  for (const [name, doc] of Object.entries(docs)) writeFileSync(join(OUT, `${name}.json`), JSON.stringify(doc, null, 2));
}, 120_000);
afterAll(async () => {
  await demo?.close();
  await production?.close();
});

const operations = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('each document', () => {
  it('lists only the routes its process serves', () => {
    const paths = (name: keyof typeof docs) => Object.keys(docs[name].paths);
    expect(paths('broker-demo')).toEqual(expect.arrayContaining(['/custodian/v1/keys', '/custodian/v1/evaluate', '/v1/queries']));
    expect(paths('broker-production').filter((p) => p.startsWith('/custodian'))).toEqual([]);
    expect(paths('broker-production')).toEqual(paths('broker-demo').filter((p) => !p.startsWith('/custodian')));
    expect(paths('custodian').sort()).toEqual(['/healthz', '/livez', '/readyz', '/v1/evaluate', '/v1/keys']);
  });

  it.each(['broker-demo', 'broker-production', 'custodian'] as const)('%s: an operationId per operation, the licence, servers, no $defs', (name) => {
    const doc = docs[name];
    const ids = operations(doc).map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)), JSON.stringify(ids)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc['info'].license).toEqual({ name: 'EUPL-1.2', identifier: 'EUPL-1.2' });
    expect(doc['servers']).toEqual([expect.objectContaining({ url: '/' })]);
    expect(JSON.stringify(doc)).not.toContain('$defs');
  });

  it('advertises the OpenID Connect provider beside bearer tokens where one is configured', () => {
    expect(Object.keys(docs['broker-demo'].components.securitySchemes)).toEqual(['bearer']);
    const schemes = docs['broker-production'].components.securitySchemes;
    expect(schemes['openIdConnect']).toEqual(expect.objectContaining({ type: 'openIdConnect', openIdConnectUrl: `${OIDC_ISSUER}/.well-known/openid-configuration` }));
    expect(docs['broker-production']['security']).toEqual([{ bearer: [] }, { openIdConnect: [] }]);
  });
});

it('passes @redocly/cli lint with the recommended rules', async () => {
  const cli = packagePath('node_modules', '@redocly', 'cli', 'bin', 'cli.js');
  for (const name of Object.keys(docs)) {
    const run = await promisify(execFile)(process.execPath, [cli, 'lint', join('test-output', 'openapi', `${name}.json`), '--format', 'json'], {
      cwd: packagePath(),
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 120_000,
    }).catch((err: { code: number; stdout: string; stderr: string }) => err);
    const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }> };
    expect(report.problems.map((p) => `${name}: ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    expect(report.totals, name).toMatchObject({ errors: 0, warnings: 0 });
  }
}, 180_000);

describe('a client generated by openapi-typescript', () => {
  it("type-checks the README's calls, and refuses wrong ones", async () => {
    // Request bodies keep optional what has a default (consent, a signal's epoch).
    const types = astToString(await openapiTS(docs['broker-demo'] as never, { defaultNonNullable: false }));
    writeFileSync(join(OUT, 'broker-api.d.ts'), types);
    const calls = join(OUT, 'readme-calls.ts');
    writeFileSync(calls, README_CALLS);
    const program = ts.createProgram([calls], {
      strict: true,
      noUncheckedIndexedAccess: true,
      noUnusedLocals: false,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
      noEmit: true,
      skipLibCheck: false,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName.replace(`${OUT}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);
    // The types are real, not `any`: the generated file names the request and response shapes.
    expect(types).toMatch(/"signal-batch\.signal": \{/);
    // No schema carries its $defs as a (required) property of the generated type.
    expect(types).not.toMatch(/\$defs\??:/);
  }, 120_000);
});

/**
 * The README's calls (tour steps 2, 6 and 7), as a client written against the generated types
 * makes them. Each `@ts-expect-error` must be an error: if the types were too loose (`any`,
 * `unknown`), tsc would report the directive as unused.
 */
const README_CALLS = `
import createClient from 'openapi-fetch';
import type { components, paths } from './broker-api.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080', headers: { authorization: 'Bearer eyJ...' } });
const A = 'pVj6Qw0B3kQm1xRr8m9Yy2lK0aJ9s1Xo7d3F6hT2uE4';

export async function readmeCalls(): Promise<void> {
  // 2. The voorzitter screens jongere-a.
  const asked = await client.POST('/v1/queries', { body: { subject: A, doel: 'jpp-screening', caseRef: 'ZVH-2026-0001' } });
  if (asked.data) {
    const answer: 'hit' | 'no-hit' | 'not-permitted' = asked.data.answers[0]!.answer;
    const grondslag: string | undefined = asked.data.answers[0]!.basis[0]?.grondslag;
    const version: number = asked.data.policyVersion;
    void [answer, grondslag, version];
  } else {
    const status: number = asked.error.status;
    const pointers: string[] = (asked.error.errors ?? []).map((e) => e.pointer);
    void [status, pointers];
  }
  // During a key rotation's overlap window: one pseudonym per active epoch, with consent.
  await client.POST('/v1/queries', { body: { subject: [A, A], doel: 'jpp-screening', caseId: '6f1c2b4e-3a1d-4c55-9b1a-2f0e8d7c6b5a', consentId: '0b5e7c1a-2d3f-4a6b-8c9d-1e2f3a4b5c6d' } });

  // 6. An adapter submits a batch (epoch has a default, so it may be left out).
  const signal: components['schemas']['signal-batch.signal'] = {
    subject: A, category: 'halt-afdoening', registeredAt: '2026-12-04', expiresAt: '2027-12-04', ref: 'halt-zaak-8f3a2c',
  };
  const sent = await client.POST('/v1/signals', { body: { batchId: 'halt-batch-0001', signals: [signal, { ...signal, ref: 'halt-zaak-2', epoch: 2 }] } });
  if (sent.data) {
    const counts: number[] = [sent.data.accepted, sent.data.duplicate, sent.data.rejected];
    const replayed: boolean = sent.data.replayed;
    void [counts, replayed];
  }
  await client.DELETE('/v1/signals/{ref}', { params: { path: { ref: 'halt-zaak-8f3a2c' } } });

  // 7. The jurist reads the disclosure log, page by page.
  const page = await client.GET('/v1/disclosures', { params: { query: { caseRef: 'ZVH-2026-0001', outcome: 'hit' } } });
  const next = await client.GET('/v1/disclosures', { params: { query: { doel: 'jpp-screening', limit: 5, cursor: page.data?.nextCursor ?? undefined } } });
  if (next.data) {
    const cursor: string | null = next.data.nextCursor;
    const partners: string[] = next.data.items.map((item) => item.partner);
    void [cursor, partners];
  }

  // What the document does not allow, the client does not compile.
  // @ts-expect-error doel is required
  await client.POST('/v1/queries', { body: { subject: A, caseRef: 'ZVH-2026-0001' } });
  await client.POST('/v1/signals', {
    // @ts-expect-error a batch holds signals, not identities
    body: { batchId: 'b-1', signals: [{ subject: A, category: 'halt-afdoening', registeredAt: '2026-12-04', expiresAt: '2027-12-04', ref: 'r-1', bsn: '123456782' }] },
  });
  // @ts-expect-error no such category
  await client.POST('/v1/signals', { body: { batchId: 'b-2', signals: [{ ...signal, category: 'strafblad' }] } });
  // @ts-expect-error no such outcome
  await client.GET('/v1/disclosures', { params: { query: { outcome: 'misschien' } } });
  // @ts-expect-error no such route
  await client.GET('/v1/subjects');
}
`;
