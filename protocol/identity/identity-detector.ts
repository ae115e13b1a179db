/**
 * The identity detector: refuses values that look like identities wherever a person or a
 * partner types them (bodies, query strings, path segments, form fields, free text). The
 * rules per kind of value are in identity-rules.ts; docs/identity-detection.md explains them.
 * The broker, the adapters and the browser (broker/web/client) all import this module.
 *
 * Invariants:
 * - Reasons never repeat the value.
 * - Walking a body never recurses: a deeply nested body cannot overflow the stack here.
 * - Fields with a strict format of their own (pseudonyms, typed dates) are not listed and
 *   not scanned.
 */
import type { FieldError } from '../schemas/schema-registry.js';
import { passesElfproef } from '../pseudonymisation/elfproef.js';
import { identityReasonFor, type ValueKind } from './identity-rules.js';

export { passesElfproef };
export { identityFormIn, identityReasonFor, IDENTITY_REASONS, type IdentityForm, type ValueKind } from './identity-rules.js';

/** Why `value`, read as an identifier (a ref, a batch id, a case number), looks like an identity; null when it does not. */
export function identityReason(value: string): string | null {
  return identityReasonFor(value, 'identifier');
}

/** Why `value`, read as prose (a note, a grondslag, a rules text), looks like an identity; null when it does not. */
export function findIdentityInProse(value: string): string | null {
  return identityReasonFor(value, 'prose');
}

/** What each field holds, by property name; a plain set means identifiers. */
export type IdentityFields = ReadonlySet<string> | ReadonlyMap<string, ValueKind>;

const FIELD_ADVICE: Record<ValueKind, string> = {
  identifier: 'this field must be opaque',
  prose: 'write no identity in this text',
};

/** A field error for `value` at `pointer` read as `kind`, or null. */
export function identityError(pointer: string, value: string, kind: ValueKind): FieldError | null {
  const reason = identityReasonFor(value, kind);
  return reason ? errorAt(pointer, reason, kind) : null;
}

const errorAt = (pointer: string, reason: string, kind: ValueKind): FieldError => ({ pointer: pointer || '/', code: 'identity', detail: `${reason}; ${FIELD_ADVICE[kind]}` });

/** A value still to visit: its parent and its property name or index in it, so that its pointer is built only when it is reported. */
interface Visit {
  readonly value: unknown;
  readonly parent: Visit | null;
  readonly segment: string;
  readonly key: string | null;
}

/** The JSON Pointer (RFC 6901) of a visited value. */
function pointerOf(visit: Visit): string {
  const segments: string[] = [];
  for (let v: Visit | null = visit; v && v.parent; v = v.parent) segments.push(v.segment);
  return segments.reverse().map((s) => `/${escapePointer(s)}`).join('');
}

/**
 * Walks a JSON value and reports every string at one of `fields` (by property name, also
 * inside arrays under that name) that looks like an identity, with its JSON Pointer
 * (RFC 6901), in document order. Iterative: the depth of a body does not matter. Only
 * objects, arrays and the strings it reads are visited, and a pointer is built only for a
 * value it reports: a batch of a thousand signals has one scanned field per signal
 * (docs/performance.md, scenario 7).
 */
export function findIdentityValues(body: unknown, fields: IdentityFields): FieldError[] {
  const kindOf = (key: string | null): ValueKind | undefined =>
    key === null ? undefined : fields instanceof Map ? fields.get(key) : (fields as ReadonlySet<string>).has(key) ? 'identifier' : undefined;
  /** Whether a child under `key` needs a visit: containers always, strings only at a field that is read. */
  const visits = (value: unknown, key: string | null): boolean =>
    typeof value === 'string' ? kindOf(key) !== undefined : value !== null && typeof value === 'object';
  const found: FieldError[] = [];
  const stack: Visit[] = [{ value: body, parent: null, segment: '', key: null }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, key } = visit;
    if (typeof value === 'string') {
      const kind = kindOf(key);
      const reason = kind ? identityReasonFor(value, kind) : null;
      if (reason) found.push(errorAt(pointerOf(visit), reason, kind!));
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (visits(item, key)) stack.push({ value: item, parent: visit, segment: String(i), key });
      }
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const child: unknown = (value as Record<string, unknown>)[k];
        if (visits(child, k)) stack.push({ value: child, parent: visit, segment: k, key: k });
      }
    }
  }
  return found;
}

const escapePointer = (s: string): string => (s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s);
