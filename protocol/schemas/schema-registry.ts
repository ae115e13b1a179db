/**
 * The one ajv instance that validates everything: config, platform files and every
 * HTTP body and query string. Schemas live in `schemas/` (JSON Schema 2020-12) and are
 * also the source of the OpenAPI document, so validation and documentation cannot drift.
 *
 * Invariants:
 * - Schemas are compiled once, at start-up; a service's validation never compiles. A command
 *   that checks a few documents once (configuration, a platform or mapping file) may compile
 *   only those, on first use (`compileAll: false`): compiling every schema costs about a second.
 * - Error messages name the field by JSON Pointer (RFC 6901) and never echo its value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import ajvErrorsModule from 'ajv-errors';
import { packagePath } from '../package-root.js';

// ajv-formats is CommonJS; under NodeNext its default import needs this cast.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
// ajv-errors: a schema may say in its own words what a value must look like (`errorMessage`),
// e.g. how long a key is and how to generate one. CommonJS too.
const addErrorMessages = ajvErrorsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The folder with the project's JSON Schemas. */
export const SCHEMA_DIR = packagePath('schemas');

/** Where a schema's `$id`s live; file names are relative to this base. */
export const SCHEMA_BASE = 'https://schemas.jpp-broker.invalid/';

/**
 * A validation error, in the shape of RFC 9457's `errors` extension member. `code` is stable
 * and meant for machines (the web interface turns it into a Dutch sentence naming the field
 * as its form labels it); `detail` is a developer's English explanation and may change.
 */
export interface FieldError {
  readonly pointer: string;
  readonly code: FieldErrorCode;
  readonly detail: string;
}

/**
 * Why a field was refused. Schema keywords map onto the first group; the services' own
 * checks use the second. Adding a code is a compatible change; renaming one is not.
 */
export const FIELD_ERROR_CODES = [
  // From the schema (ajv keyword → code, toFieldErrors).
  'required', 'unknown-field', 'not-in-list', 'invalid-format', 'wrong-type', 'too-short', 'too-long',
  'too-few', 'too-many', 'too-small', 'too-large', 'duplicate', 'invalid',
  // From the services' checks.
  'identity', 'in-use', 'not-found', 'not-applicable', 'not-reachable', 'in-past', 'in-future',
  'before-start', 'period-too-short', 'not-pseudonymised', 'not-confirmed', 'outdated', 'mismatch', 'selection-too-large',
  'not-a-calendar-period', 'period-not-over', 'no-consent',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export type SchemaName =
  | 'config'
  | 'config#/$defs/platformList'
  | 'custodian-config'
  | 'platform'
  | 'adapter-mapping'
  | 'signal-batch'
  | 'signed-batch'
  | 'signal-batch-result'
  | 'query-request'
  | 'query-response'
  | 'disclosure-filter'
  | 'disclosure-page'
  | 'problem'
  | 'log-entry'
  | 'defs#/$defs/opaqueRef'
  | 'oprf#/$defs/evaluateRequest'
  | 'oprf#/$defs/evaluateResponse'
  | 'oprf#/$defs/keys'
  | 'log-query#/$defs/checkpoints'
  | 'log-query#/$defs/inclusion'
  | 'log-query#/$defs/consistency'
  | 'log-query#/$defs/entries'
  | 'log-query#/$defs/bundle'
  | 'log-query#/$defs/bundles'
  | 'log-views#/$defs/checkpoint'
  | 'log-views#/$defs/inclusionProof'
  | 'log-views#/$defs/consistencyProof'
  | 'log-views#/$defs/entryPage'
  | 'casus#/$defs/createRequest'
  | 'casus#/$defs/transitionRequest'
  | 'casus#/$defs/vervolgactieRequest'
  | 'casus#/$defs/consentRequest'
  | 'casus#/$defs/regiehouderRequest'
  | 'casus#/$defs/notificationRequest'
  | 'casus#/$defs/listQuery'
  | 'casus#/$defs/casus'
  | 'casus#/$defs/overdueVervolgactieList'
  | 'casusoverleg#/$defs/meetingRequest'
  | 'casusoverleg#/$defs/agendaRequest'
  | 'casusoverleg#/$defs/addition'
  | 'casusoverleg#/$defs/meetingListQuery'
  | 'casusoverleg#/$defs/meeting'
  | 'casusoverleg#/$defs/meetingList'
  | 'casusoverleg#/$defs/partnerOverview'
  | 'rights#/$defs/inzageRequest'
  | 'rights#/$defs/bezwaarRequest'
  | 'rights#/$defs/bezwaarQuery'
  | 'rights#/$defs/beperkingRequest'
  | 'rights#/$defs/verzoekRequest'
  | 'rights#/$defs/verzoekQuery'
  | 'rights#/$defs/verzoekExtension'
  | 'rights#/$defs/verzoekAnswer'
  | 'rights#/$defs/taakForward'
  | 'rights#/$defs/taakAnswer'
  | 'rights#/$defs/partnerTaakQuery'
  | 'rights#/$defs/taakList'
  | 'rights#/$defs/partnerTaakList'
  | 'rights#/$defs/legalHoldRequest'
  | 'rights#/$defs/legalHoldQuery'
  | 'rights#/$defs/inzageReport'
  | 'rights#/$defs/verzoek'
  | 'rights#/$defs/verzoekList'
  | 'monitoring#/$defs/query'
  | 'monitoring#/$defs/report'
  | 'monitoring#/$defs/trendQuery'
  | 'monitoring#/$defs/trend'
  | 'retention#/$defs/listQuery'
  | 'retention#/$defs/run'
  | 'policy-requests#/$defs/create'
  | 'policy-requests#/$defs/rules'
  | 'policy-requests#/$defs/tests'
  | 'policy-requests#/$defs/submit'
  | 'policy-requests#/$defs/approve'
  | 'policy-requests#/$defs/reject'
  | 'policy-requests#/$defs/activate'
  | 'policy-requests#/$defs/rollback'
  | 'policy-requests#/$defs/simulate'
  | 'policy-requests#/$defs/listQuery'
  | 'policy-requests#/$defs/diffQuery'
  | 'policy-requests#/$defs/impactQuery'
  | 'policy-requests#/$defs/versionParam'
  | 'policy-views#/$defs/summary'
  | 'policy-views#/$defs/version'
  | 'policy-views#/$defs/list'
  | 'policy-views#/$defs/lint'
  | 'policy-views#/$defs/testReport'
  | 'policy-views#/$defs/diff'
  | 'policy-views#/$defs/impact'
  | 'policy-views#/$defs/simulation'
  | 'register#/$defs/personRequest'
  | 'register#/$defs/personUpdate'
  | 'register#/$defs/grant'
  | 'register#/$defs/peopleQuery'
  | 'register#/$defs/organisationRequest'
  | 'register#/$defs/adapterRequest'
  | 'register#/$defs/keyRequest'
  | 'register#/$defs/person'
  | 'register#/$defs/organisation'
  | 'register#/$defs/adapter'
  | 'register#/$defs/adaptersQuery';

export interface SchemaRegistry {
  /** Validates (and, where the schema says so, fills defaults and coerces) `data` in place. */
  validate(name: SchemaName, data: unknown): FieldError[];
  /** All schema documents by file name, for the OpenAPI document. */
  documents(): ReadonlyMap<string, Record<string, unknown>>;
}

/** One ajv instance and its compiled validators, per coercion mode, for the life of the process. */
interface CompiledSchemas {
  readonly docs: ReadonlyMap<string, Record<string, unknown>>;
  readonly get: (name: SchemaName) => ValidateFunction;
  compiledAll: boolean;
}
const perProcess = new Map<boolean, CompiledSchemas>();

/**
 * Reads every `schemas/*.schema.json` into one registry and compiles them all, unless
 * `compileAll` is false: then each schema is compiled when first used.
 *
 * Invariant: the schema files belong to the installed package and do not change while the
 * process runs, so each coercion mode is read and compiled once per process and shared by every
 * registry asked for (ajv's compiled validators hold no state between calls). A broker, a CLI
 * command that loads its configuration before opening the broker, and a test file that boots
 * several brokers compile each schema once instead of once per registry: compiling is most of
 * a broker's start-up CPU (docs/performance.md, "Test suite").
 */
export function createSchemaRegistry(options: { coerceTypes?: boolean; compileAll?: boolean } = {}): SchemaRegistry {
  const coerceTypes = options.coerceTypes ?? false;
  let compiled = perProcess.get(coerceTypes);
  if (!compiled) {
    compiled = compileLazily(coerceTypes);
    perProcess.set(coerceTypes, compiled);
  }
  // Compile everything now so that a broken schema fails start-up, not a request.
  if (options.compileAll !== false && !compiled.compiledAll) {
    for (const [file, doc] of compiled.docs) {
      const base = file.replace('.schema.json', '');
      if (doc['type'] !== undefined || doc['enum'] !== undefined) compiled.get(base as SchemaName);
      for (const def of Object.keys((doc['$defs'] as object | undefined) ?? {})) compiled.get(`${base}#/$defs/${def}` as SchemaName);
    }
    compiled.compiledAll = true;
  }
  const { get, docs } = compiled;
  return {
    validate(name, data) {
      const fn = get(name);
      return fn(data) ? [] : toFieldErrors(fn.errors ?? []);
    },
    documents: () => docs,
  };
}

function compileLazily(coerceTypes: boolean): CompiledSchemas {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    useDefaults: true,
    coerceTypes,
  });
  addFormats(ajv);
  addErrorMessages(ajv);
  // An annotation, not a check: the outcomes whose Logboek Dataverwerkingen status is ERROR (log-entry.schema.json).
  ajv.addKeyword({ keyword: 'x-error-outcomes', schemaType: 'array' });
  const docs = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
    docs.set(file, doc);
    ajv.addSchema(doc);
  }
  const validators = new Map<SchemaName, ValidateFunction>();
  const get = (name: SchemaName): ValidateFunction => {
    let fn = validators.get(name);
    if (!fn) {
      const [file, fragment] = name.split('#');
      fn = ajv.getSchema(`${SCHEMA_BASE}${file}.schema.json${fragment ? `#${fragment}` : ''}`);
      if (!fn) throw new Error(`no schema named ${name}`);
      validators.set(name, fn);
    }
    return fn;
  };
  return { docs, get, compiledAll: false };
}

const CODE_OF_KEYWORD: Readonly<Record<string, FieldErrorCode>> = {
  required: 'required', dependentRequired: 'required', additionalProperties: 'unknown-field', unevaluatedProperties: 'unknown-field',
  enum: 'not-in-list', const: 'not-in-list', pattern: 'invalid-format', format: 'invalid-format', oneOf: 'invalid-format', anyOf: 'invalid-format',
  type: 'wrong-type', minLength: 'too-short', maxLength: 'too-long', minItems: 'too-few', maxItems: 'too-many',
  minProperties: 'too-few', maxProperties: 'too-many', minimum: 'too-small', exclusiveMinimum: 'too-small',
  maximum: 'too-large', exclusiveMaximum: 'too-large', uniqueItems: 'duplicate',
};

/** The stable field error code of an ajv keyword; 'invalid' for any other. */
export const codeOfKeyword = (keyword: string): FieldErrorCode => CODE_OF_KEYWORD[keyword] ?? 'invalid';

/**
 * Turns ajv errors into pointer + detail pairs, one per field and reason. Where a field
 * may take one of several forms (`oneOf`), the branches' complaints about the field as a
 * whole are folded into one; complaints about its parts (e.g. one item of a list) stay.
 */
export function toFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  const oneOfAt = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const deeper = (p: string): boolean => errors.some((e) => e.instancePath.startsWith(`${p}/`));
  for (const e of errors) {
    // `if`/`then` wrappers repeat the real error; keep the real one only.
    if (e.keyword === 'if') continue;
    if (oneOfAt.has(e.instancePath) && e.keyword !== 'oneOf' && e.keyword !== 'required' && e.keyword !== 'additionalProperties') continue;
    if (e.keyword === 'oneOf' && deeper(e.instancePath)) continue;
    let pointer = e.instancePath || '';
    let detail: string;
    let code: FieldErrorCode = codeOfKeyword(e.keyword);
    switch (e.keyword) {
      case 'required':
        pointer = `${pointer}/${String(e.params.missingProperty)}`;
        detail = 'is required';
        break;
      case 'errorMessage': {
        // The schema's own words (ajv-errors). For a missing property, point at the property.
        const wrapped = (e.params.errors ?? []) as ErrorObject[];
        const missing = wrapped.find((w) => w.keyword === 'required' || w.keyword === 'dependentRequired')?.params.missingProperty;
        if (missing !== undefined) pointer = `${pointer}/${String(missing)}`;
        code = codeOfKeyword(wrapped[0]?.keyword ?? '');
        detail = e.message ?? 'is invalid';
        break;
      }
      case 'dependentRequired':
        // Point at what is missing, and say what asks for it (ajv's message names no field).
        pointer = `${pointer}/${String(e.params.missingProperty)}`;
        detail = `is required when ${String(e.params.property)} is set`;
        break;
      case 'additionalProperties':
        pointer = `${pointer}/${String(e.params.additionalProperty)}`;
        detail = 'is not an allowed field';
        break;
      case 'enum':
        detail = `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
        break;
      case 'pattern':
        detail = 'has a form that is not allowed here';
        break;
      case 'oneOf':
        detail = 'matches none of the forms allowed here';
        break;
      default:
        detail = e.message ?? 'is invalid';
    }
    const key = `${pointer}\u0000${detail}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ pointer: pointer || '/', code, detail });
    }
  }
  return out;
}
