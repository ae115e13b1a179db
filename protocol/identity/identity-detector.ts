/**
 * Refuses values that look like identities in fields meant to be opaque (refs, batch
 * and case references). The broker takes minimal signals only (AVG art. 5(1)(c)); an
 * adapter whose mapping leaks a BSN, e-mail address or birth date into a ref must fail
 * loudly instead of spreading it.
 *
 * Invariants:
 * - Reasons never repeat the value.
 * - A run of 8 digits counts too: spreadsheets drop a BSN's leading zero.
 * - Any full calendar date counts: a ref is no place for a date, and a birth date cannot
 *   be told apart from any other date.
 */
import type { FieldError } from '../schemas/schema-registry.js';
import { passesElfproef } from '../pseudonymisation/elfproef.js';

export { passesElfproef };

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]{2,}/;
// Digit groups joined by dots or spaces, as BSNs are written (123.456.782, 123 456 782).
// Not across hyphens: a case number like ZVH-2026-0003 must not read as 20260003.
const DIGIT_RUN = /\d+(?:[.\s]\d+)*/g;
const ISO_DATE = /(?<!\d)(19|20)\d{2}[-/.]?(0[1-9]|1[0-2])[-/.]?(0[1-9]|[12]\d|3[01])(?!\d)/;
const DUTCH_DATE = /(?<!\d)(0?[1-9]|[12]\d|3[01])[-/.](0?[1-9]|1[0-2])[-/.](19|20)\d{2}(?!\d)/;

/** Why `value` looks like an identity, or null when it does not. */
export function identityReason(value: string): string | null {
  if (EMAIL.test(value)) return 'looks like an e-mail address';
  for (const run of value.match(DIGIT_RUN) ?? []) {
    const digits = run.replace(/[.\s]/g, '');
    if ((digits.length === 9 || digits.length === 8) && passesElfproef(digits)) {
      return 'looks like a BSN (passes the 11-proef)';
    }
  }
  if (ISO_DATE.test(value) || DUTCH_DATE.test(value)) return 'looks like a date (possibly a date of birth)';
  return null;
}

/**
 * Walks a JSON value and reports every string at one of `fields` (by property name)
 * that looks like an identity. Fields with a strict format of their own (pseudonyms,
 * typed dates) are not listed and not scanned.
 */
export function findIdentityValues(body: unknown, fields: ReadonlySet<string>): FieldError[] {
  const found: FieldError[] = [];
  const walk = (value: unknown, pointer: string, key: string | null): void => {
    if (typeof value === 'string') {
      if (key !== null && fields.has(key)) {
        const reason = identityReason(value);
        if (reason) found.push({ pointer: pointer || '/', detail: `${reason}; this field must be opaque` });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${pointer}/${i}`, key));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, `${pointer}/${escapePointer(k)}`, k);
    }
  };
  walk(body, '', null);
  return found;
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
