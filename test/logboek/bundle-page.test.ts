/**
 * The compact export's page (broker/logboek/bundle-page.ts) built from blocks of texts must be
 * byte for byte the page built from rows, whose entries are JCS(content + {seq}) as the sequencer
 * sealed them; a block that does not add up (a seq missing, out of order or twice, texts of another
 * length than its index says, leaf hashes missing) is refused, and an entry the splice declines
 * sends the page back to the rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, leafData } from '../../broker/logboek/log-entry.js';
import { PageBlockError, pageFromBlocks, pageFromRows, type PageBlock } from '../../broker/logboek/bundle-page.js';
import { decodeBundle } from '../../broker/logboek/tiles.js';

type Row = { seq: number; content: string | null };

/** One block as sequencedPageBlocks (logboek.repository.ts) answers it for these rows. */
const blockOf = (rows: readonly Row[], leaves: Buffer = Buffer.alloc(32 * rows.length, 9)): PageBlock => ({
  leaves,
  text: rows.map((r) => r.content ?? '').join(''),
  index: rows.map((r) => `${r.seq}:${r.content === null ? '-' : Buffer.byteLength(r.content, 'utf8')}`).join(','),
});
/** The rows cut into blocks of `size` entries, as the repository cuts a page. */
const blocksOf = (rows: readonly Row[], size: number, leaves: Buffer): PageBlock[] => {
  const out: PageBlock[] = [];
  for (let k = 0; k < rows.length; k += size) out.push(blockOf(rows.slice(k, k + size), leaves.subarray(32 * k, 32 * Math.min(k + size, rows.length))));
  return out;
};
const rowsFrom = (from: number, contents: ReadonlyArray<string | null>): Row[] => contents.map((content, k) => ({ seq: from + k, content }));

const entry = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 6,
    arbitrary: fc
      .dictionary(fc.constantFrom('action', 'actor', 'r', 'sep', 'ser', 'subject', 'z', 'é', '\u{1f600}'), fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.array(fc.string(), { maxLength: 3 })), { maxKeys: 6 })
      .map((o) => canonicalJson(o)),
  },
);

describe('the compact export page from blocks of texts', () => {
  it('is byte for byte the page from rows, for arbitrary entries (redacted, non-ASCII, empty objects) at any seq, in blocks of any size', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 41 }), (contents, from, size) => {
        const rows = rowsFrom(from, contents);
        const leaves = Buffer.from(Array.from({ length: 32 * rows.length }, (_, i) => i % 251));
        const page = pageFromBlocks(blocksOf(rows, size, leaves), from, from + rows.length);
        expect(page).toBeDefined();
        expect(page!.equals(pageFromRows(leaves, rows))).toBe(true);
        const entries = decodeBundle(page!.subarray(32 * rows.length));
        rows.forEach((r, k) => expect(Buffer.from(entries[k]!).equals(r.content === null ? Buffer.alloc(0) : Buffer.from(leafData(r.content, r.seq)))).toBe(true));
      }),
      { numRuns: 500 },
    );
  });

  it('hands the page back to the rows when an entry needs its full canonicalisation', () => {
    const rows = rowsFrom(3, ['{"a":1}', '{"a\\"b":1}', '{"z":2}']);
    expect(pageFromBlocks([blockOf(rows)], 3, 6)).toBeUndefined();
    expect(pageFromRows(Buffer.alloc(96, 9), rows).length).toBeGreaterThan(96);
  });

  const good = rowsFrom(10, ['{"a":1}', null, '{"é":"ü"}']); // 7 and 11 bytes
  const two = blocksOf(good, 2, Buffer.alloc(96, 9));
  it('reads the blocks these cases alter', () => {
    expect(blockOf(good).index).toBe('10:7,11:-,12:11');
    expect(two.map((b) => b.index)).toEqual(['10:7,11:-', '12:11']);
    expect(pageFromBlocks([blockOf(good)], 10, 13)).toBeDefined();
    expect(pageFromBlocks(two, 10, 13)!.equals(pageFromBlocks([blockOf(good)], 10, 13)!)).toBe(true);
  });
  it.each([
    ['a seq missing', { ...blockOf(good), index: '10:7,12:11' }],
    ['seqs out of order', { ...blockOf(good), index: '10:7,12:-,11:11' }],
    ['a seq twice', { ...blockOf(good), index: '10:7,10:-,12:11' }],
    ['a seq too many', { ...blockOf(good), index: '10:7,11:-,12:11,13:0' }],
    ['another first seq', { ...blockOf(good), index: '9:7,10:-,11:11' }],
    ['a text longer than indexed', { ...blockOf(good), index: '10:7,11:-,12:10' }],
    ['a text shorter than indexed', { ...blockOf(good), index: '10:7,11:-,12:12' }],
    ['a malformed index', { ...blockOf(good), index: '10:7,11:,12:11' }],
    ['a seq without digits', { ...blockOf(good), index: ':7,11:-,12:11' }],
    ['a leaf hash missing', { ...blockOf(good), leaves: Buffer.alloc(64) }],
  ])('refuses a block with %s', (_, block) => {
    expect(() => pageFromBlocks([block], 10, 13)).toThrow(PageBlockError);
  });
  it.each([
    ['a block missing', [two[1]!]],
    ['the blocks in the wrong order', [two[1]!, two[0]!]],
    ['a block twice', [two[0]!, two[0]!, two[1]!]],
    ['texts that move from one block to the next (the sum of their lengths right)', [{ ...two[0]!, text: two[0]!.text + '{' }, { ...two[1]!, text: two[1]!.text.slice(1) }]],
    ['leaf hashes that move from one block to the next', [{ ...two[0]!, leaves: Buffer.alloc(32) }, { ...two[1]!, leaves: Buffer.alloc(64) }]],
  ])('refuses blocks with %s', (_, blocks) => {
    expect(() => pageFromBlocks(blocks, 10, 13)).toThrow(PageBlockError);
  });
});
