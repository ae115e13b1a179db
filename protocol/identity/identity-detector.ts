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
  return reason ? { pointer: pointer || '/', code: 'identity', detail: `${reason}; ${FIELD_ADVICE[kind]}` } : null;
}

/**
 * Walks a JSON value and reports every string at one of `fields` (by property name, also
 * inside arrays under that name) that looks like an identity, with its JSON Pointer
 * (RFC 6901). Iterative: the depth of a body does not matter.
 */
export function findIdentityValues(body: unknown, fields: IdentityFields): FieldError[] {
  const kindOf = (key: string | null): ValueKind | undefined =>
    key === null ? undefined : fields instanceof Map ? fields.get(key) : (fields as ReadonlySet<string>).has(key) ? 'identifier' : undefined;
  const found: FieldError[] = [];
  const stack: Array<{ value: unknown; pointer: string; key: string | null }> = [{ value: body, pointer: '', key: null }];
  while (stack.length > 0) {
    const { value, pointer, key } = stack.pop()!;
    if (typeof value === 'string') {
      const kind = kindOf(key);
      const error = kind ? identityError(pointer, value, kind) : null;
      if (error) found.push(error);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: `${pointer}/${i}`, key });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        stack.push({ value: v, pointer: `${pointer}/${escapePointer(k)}`, key: k });
      }
    }
  }
  return found;
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
