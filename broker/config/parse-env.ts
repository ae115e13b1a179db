/**
 * Reads the named environment variables and checks them against a JSON Schema (types
 * coerced, defaults filled). Empty strings count as unset. Shared by the broker's and the
 * custodian's configuration, so both report problems the same way: every offending
 * variable by name, at once, unknown `JPP_` variables (misspellings) included.
 */
import { createSchemaRegistry, type SchemaName, type SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { knownVariables, unknownVariableProblems } from './unknown-variables.js';

/** A configuration problem that must stop start-up. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const value = (env: Readonly<Record<string, string | undefined>>, key: string): string | undefined => (env[key] === '' ? undefined : env[key]);

export function parseEnv(
  env: Readonly<Record<string, string | undefined>>,
  keys: readonly string[],
  schema: SchemaName,
  what: string,
  /** The name to report for a variable (a platform's own variable carries its platform's suffix). */
  label: (key: string) => string = (key) => key,
  /** A registry that coerces types, when the caller parses several configurations. */
  schemas: SchemaRegistry = createSchemaRegistry({ coerceTypes: true, compileAll: false }),
): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of keys) {
    const v = value(env, key);
    if (v !== undefined) raw[key] = v;
  }
  const problems = unknownVariableProblems(env, knownVariables(schemas), value(env, 'JPP_PLATFORMS') !== undefined);
  for (const e of schemas.validate(schema, raw)) problems.push(`${label(e.pointer.replace(/^\//, ''))}: ${e.detail}`);
  if (problems.length > 0) throw new ConfigError(`invalid ${what}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return raw;
}
