/**
 * The partner's mapping file (schemas/adapter-mapping.schema.json): which columns hold
 * the identity, dates, ref and source code, how codes map to categories, the doelgroep
 * and the validity period. Checked with ajv against the schema before any row is read;
 * a bad mapping stops the run with every problem named by its JSON Pointer.
 */
import { readFileSync } from 'node:fs';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';

export type DateFormat = 'yyyy-mm-dd' | 'dd-mm-yyyy' | 'dd/mm/yyyy' | 'yyyymmdd';

export interface DateColumn {
  column: string;
  format: DateFormat;
}

export interface AdapterMapping {
  partner: string;
  source: { format: 'csv'; delimiter?: string; encoding?: 'utf-8' | 'latin1'; quote?: string } | { format: 'jsonl' };
  identity: { bsn?: string; fallback?: { surname: string; tussenvoegsel?: string; firstName: string } };
  birthDate: DateColumn;
  registeredAt: DateColumn;
  ref: { column: string; prefix?: string };
  category: { column: string; map: Record<string, string> };
  doelgroep: { minAge: number; maxAge: number };
  validity: { days: number };
}

/** A mapping file that does not pass its schema; `problems` name the field (JSON Pointer) and the reason. */
export class MappingError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ReadonlyArray<{ pointer: string; detail: string }>,
  ) {
    super(`mapping file ${file} is not valid:\n${problems.map((p) => `  ${p.pointer || '/'}: ${p.detail}`).join('\n')}`);
    this.name = 'MappingError';
  }
}

let registry: ReturnType<typeof createSchemaRegistry> | undefined;

/** Validates a parsed mapping (filling defaults). Throws MappingError. */
export function checkMapping(value: unknown, file = '(mapping)'): AdapterMapping {
  registry ??= createSchemaRegistry({ compileAll: false });
  const errors = registry.validate('adapter-mapping', value);
  if (errors.length > 0) throw new MappingError(file, errors);
  const m = value as AdapterMapping;
  if (!m.identity.bsn && !m.identity.fallback) {
    throw new MappingError(file, [{ pointer: '/identity', detail: 'name a bsn column, a fallback, or both' }]);
  }
  if (m.doelgroep.minAge > m.doelgroep.maxAge) {
    throw new MappingError(file, [{ pointer: '/doelgroep/minAge', detail: 'must not exceed maxAge' }]);
  }
  return m;
}

/** Reads and checks a mapping file. */
export function loadMapping(file: string): AdapterMapping {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new MappingError(file, [{ pointer: '', detail: `is not JSON (${(err as Error).message})` }]);
  }
  return checkMapping(parsed, file);
}
