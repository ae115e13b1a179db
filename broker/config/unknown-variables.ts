/**
 * Misspelt variables. A `JPP_` variable that jpp-broker does not know is almost always a typo
 * (`JPP_SUBJECT_KY`), and ignoring it would start the broker without the setting the operator
 * meant: a default port, no OpenID Connect login, or in demo mode a generated key. So the
 * configuration refuses it, naming the known variable nearest to it by edit distance.
 *
 * Invariants:
 * - Known are the variables of the broker's and the custodian's configuration schemas (so a
 *   variable added to a schema is known at once), `JPP_PLATFORMS`, and the command lines' own
 *   (`COMMAND_LINE_VARIABLES`): one shell may set them all for several commands.
 * - A platform's own variable (`<KNOWN>__<PLATFORM KEY>`, platforms-config.ts) is known only when
 *   JPP_PLATFORMS is set; whether its suffix names a listed platform is platforms-config.ts's check.
 * - Only names that begin with `JPP_` are checked: the environment holds much else.
 * - A problem names the variable, never its value (a value may be a secret).
 */
import { closest } from 'fastest-levenshtein';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';

/** Variables the command lines read as conveniences, not the service's configuration. */
export const COMMAND_LINE_VARIABLES = [
  'JPP_TOKEN', // jpp-broker audit: the bearer token for /v1/log/entries
  'JPP_ADAPTER_TOKEN', // jpp-adapter: the adapter's bearer token
  'JPP_BROKER_URL', // jpp-adapter: the broker's address
  'JPP_ADAPTER_STATE', // jpp-adapter import: where journals live
] as const;

const CONFIG_SCHEMAS = ['config.schema.json', 'custodian-config.schema.json'];

/** A platform's own variable: `<BASE>__<PLATFORM KEY>`. */
const SUFFIXED = /^([A-Z][A-Z0-9_]*?)__([A-Z0-9_]+)$/;

/** Every variable name jpp-broker knows, from its configuration schemas and the command lines. */
export function knownVariables(schemas: SchemaRegistry): ReadonlySet<string> {
  const known = new Set<string>(['JPP_PLATFORMS', ...COMMAND_LINE_VARIABLES]);
  for (const file of CONFIG_SCHEMAS) {
    const properties = (schemas.documents().get(file)?.['properties'] ?? {}) as Record<string, unknown>;
    for (const name of Object.keys(properties)) known.add(name);
  }
  return known;
}

/**
 * One line per `JPP_` variable of `env` that jpp-broker does not know, as `NAME: what is wrong`,
 * with the nearest known name. `severalPlatforms`: JPP_PLATFORMS is set, so `<KNOWN>__<KEY>` is known.
 */
export function unknownVariableProblems(env: Readonly<Record<string, string | undefined>>, known: ReadonlySet<string>, severalPlatforms: boolean): string[] {
  const problems: string[] = [];
  const candidates = [...known].sort();
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('JPP_') || known.has(name) || !env[name]) continue; // empty counts as unset
    const [, base, suffix] = SUFFIXED.exec(name) ?? [];
    if (base !== undefined && suffix !== undefined && known.has(base)) {
      if (!severalPlatforms) problems.push(`${name}: a platform's own variable (suffix __${suffix}), but JPP_PLATFORMS is not set; set JPP_PLATFORMS, or use ${base}`);
      continue;
    }
    const nearest = base !== undefined && suffix !== undefined ? `${closest(base, candidates)}__${suffix}` : closest(name, candidates);
    problems.push(`${name}: is not a jpp-broker variable; did you mean ${nearest}? (docs/configuration.md lists them all)`);
  }
  return problems;
}
