/**
 * The sequencer seals each entry by splicing `"seq":N` into its stored canonical text
 * (broker/logboek/leaf-splice.ts). For everything the log writer can store, that must be
 * byte for byte the full definition, JCS(content + {seq}) (leafData in log-entry.ts), which the
 * browser and third-party verifiers compute.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, leafData } from '../../broker/logboek/log-entry.js';
import { sealLeafHash, SPLICE_MARGIN, splicedLeafInput, writeLeafBytes } from '../../broker/logboek/leaf-splice.js';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';

/** Keys that sort around "seq" and keys that need escapes or are not ASCII. */
const key = fc.oneof(
  fc.constantFrom('s', 'se', 'sep', 'seq0', 'seqa', 'ser', 'sf', 'r', 'zz', 'S', 'Seq', 'sé', 'seq\u00e9', '\u{1f600}', 'a"b', 'a\\b', 'tab\t', ''),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ maxLength: 6 }),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const content = fc.dictionary(key, value, { maxKeys: 8 }).filter((o) => !Object.hasOwn(o, 'seq'));
const seq = fc.nat({ max: Number.MAX_SAFE_INTEGER });

const fullInput = (text: string, n: number): Buffer => Buffer.concat([Buffer.of(0), Buffer.from(leafData(text, n))]);

describe('sealing a leaf by splicing seq into the canonical text', () => {
  it('gives exactly 0x00 || JCS(content + {seq}) whenever it splices, for arbitrary objects', () => {
    fc.assert(
      fc.property(content, seq, (c, n) => {
        const text = canonicalJson(c);
        const spliced = splicedLeafInput(Buffer.from(text, 'utf8'), n);
        const topLevelEscape = Object.keys(c).some((k) => JSON.stringify(k) !== `"${k}"`);
        if (!topLevelEscape) expect(spliced).toBeDefined();
        if (spliced) expect(Buffer.from(spliced).equals(fullInput(text, n))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('seals the same leaf hash as the full canonicalisation, also where it cannot splice', () => {
    fc.assert(
      fc.property(content, seq, (c, n) => {
        const text = canonicalJson(c);
        expect(Buffer.from(sealLeafHash(text, n))).toEqual(Buffer.from(leafHash(leafData(text, n))));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes the leaf bytes into a page at an offset, or hands back the full canonicalisation where it cannot splice', () => {
    fc.assert(
      fc.property(content, seq, fc.nat({ max: 40 }), (c, n, offset) => {
        const text = canonicalJson(c);
        const out = Buffer.alloc(offset + Buffer.byteLength(text) + SPLICE_MARGIN + 8, 0xee);
        const written = writeLeafBytes(text, n, out, offset);
        const bytes = typeof written === 'number' ? out.subarray(offset, offset + written) : Buffer.from(written);
        expect(bytes.equals(Buffer.from(leafData(text, n)))).toBe(true);
        if (typeof written === 'number') expect(out.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 1000 },
    );
    const declined = writeLeafBytes('{"a\\"b":1}', 4, Buffer.alloc(64), 0);
    expect(typeof declined).not.toBe('number');
  });

  it.each([
    ['empty object', '{}', 7, '{"seq":7}'],
    ['seq goes last', '{"a":1,"b":{"z":[1,"}"]}}', 3, '{"a":1,"b":{"z":[1,"}"]},"seq":3}'],
    ['seq goes first', '{"t":"x"}', 0, '{"seq":0,"t":"x"}'],
    ['between, past a nested seq and a quoted brace', '{"a":{"q":"\\"}","seq":1},"sf":2}', 12, '{"a":{"q":"\\"}","seq":1},"seq":12,"sf":2}'],
    ['a non-ASCII key sorts after seq', '{"s\u00e9":1}', 5, '{"seq":5,"s\u00e9":1}'],
  ])('splices at the sorted place: %s', (_name, text, n, expected) => {
    expect(Buffer.from(splicedLeafInput(Buffer.from(text, 'utf8'), n)!).equals(Buffer.concat([Buffer.of(0), Buffer.from(expected, 'utf8')]))).toBe(true);
    expect(canonicalJson({ ...JSON.parse(text), seq: n })).toBe(expected);
  });

  it.each([
    ['an array', '[1,2]'],
    ['a top-level seq of its own', '{"a":1,"seq":2}'],
    ['an escaped top-level key', '{"a\\"b":1}'],
    ['not JSON at all', 'seq'],
    ['text after the object', '{"a":1}{}'],
  ])('declines to splice %s', (_name, text) => {
    expect(splicedLeafInput(Buffer.from(text, 'utf8'), 1)).toBeUndefined();
  });
});
