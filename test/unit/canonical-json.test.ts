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

  it('sorts every object by its own keys, whatever objects with the same first key and count came before (the key-order cache)', () => {
    const objects: Array<Record<string, unknown>> = [
      { b: 1, a: 2, c: 3 },
      { b: 1, c: 2, a: 3 }, // same keys, other insertion order
      { b: 1, z: 2, y: 3 }, // same first key and count, other keys
      { b: 1, a: 2, c: 3 }, // the first again
      { b: 1, a: 2 },
      { b: 1, a: 2, c: 3, d: 4 },
      { '\ud83d\ude00': 1, '\uff5e': 2, e: 3 },
      {},
    ];
    for (let round = 0; round < 2; round++) {
      for (const o of objects) expect(canonicalJson(o)).toBe(canonicalize(o));
    }
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 6 }), fc.nat(), (keys, seed) => {
        const shuffled = [...keys].sort((x, y) => ((x.length * 7 + seed) % 5) - ((y.length * 7 + seed) % 5));
        const o = Object.fromEntries(shuffled.map((k, i) => [k, i]));
        expect(canonicalJson(o)).toBe(canonicalize(o));
        expect(canonicalJson({ ...o, [`${keys[0]}!`]: null })).toBe(canonicalize({ ...o, [`${keys[0]}!`]: null }));
      }),
      { numRuns: 1000 },
    );
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
