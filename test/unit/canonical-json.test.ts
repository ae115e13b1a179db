/** canonicalJson (log-entry.ts) is RFC 8785 exactly as the `canonicalize` package writes it, with and without its memo. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../../broker/logboek/log-entry.js';

describe('canonicalJson', () => {
  it('writes what the canonicalize package writes, for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
        expect(canonicalJson(value, new Map())).toBe(canonicalize(value));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees on the edge cases: key order by UTF-16 code units, undefined members, dates, escapes, numbers', () => {
    const value = {
      '\u00e9': 1, e: 2, '\ud83d\ude00': 3, '\uff5e': 4, b: undefined, a: [undefined, null, 1e21, -0, 0.1, 'x\u2028\n"'],
      at: new Date(Date.UTC(2026, 11, 5)), nested: { z: { y: [] }, a: {} },
    };
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('writes a shared object once per memo, and the same text as without it', () => {
    const actor = { kind: 'person', id: 'p', organisation: 'o', role: 'r' };
    const rules = [{ rule: 'r1', grondslag: 'g' }];
    const entries = [1, 2, 3].map((n) => ({ n, actor, rules }));
    const memo = new Map<object, string>();
    const texts = entries.map((e) => canonicalJson(e, memo));
    expect(texts).toEqual(entries.map((e) => canonicalize(e)));
    expect(memo.get(actor)).toBe(canonicalize(actor));
    expect(memo.get(rules)).toBe(canonicalize(rules));
  });
});
