/** intake-fns.ts: a stored signal's records from either form of a `signal-intake` entry, and a batch's chunks (issue 21, item 3). */
import { describe, expect, it } from 'vitest';
import { chunked, INTAKE_CHUNK, intakeRecordsOf, isIntakeChunk, type IntakeEntryContent } from '../../broker/logboek/intake-fns.js';

const S1 = Buffer.alloc(32, 1).toString('base64url');
const S2 = Buffer.alloc(32, 2).toString('base64url');
const base = { subject: null, partner: 'halt', spanId: 'a'.repeat(16) };

describe('intakeRecordsOf', () => {
  it.each<[string, IntakeEntryContent, ReturnType<typeof intakeRecordsOf>]>([
    [
      'a per-signal entry (before 0240): one record, the subject and span id the entry\'s own',
      { ...base, action: 'signal-intake', subject: S1, details: { batchId: 'b', ref: 'r1', category: 'halt-afdoening', epoch: 2 } },
      [{ subject: S1, ref: 'r1', category: 'halt-afdoening', epoch: 2, spanId: 'a'.repeat(16), batchId: 'b', partner: 'halt' }],
    ],
    [
      'a per-signal entry without an epoch',
      { ...base, action: 'signal-intake', subject: S1, details: { batchId: 'b', ref: 'r1', category: 'halt-afdoening' } },
      [{ subject: S1, ref: 'r1', category: 'halt-afdoening', spanId: 'a'.repeat(16), batchId: 'b', partner: 'halt' }],
    ],
    [
      'a chunk: one record per element, in order, each with its index and own span id',
      {
        ...base,
        action: 'signal-intake',
        details: { batchId: 'b', records: [{ subject: S1, ref: 'r1', category: 'halt-afdoening', epoch: 1, spanId: '1'.repeat(16) }, { subject: S2, ref: 'r2', category: 'halt-afdoening', spanId: '2'.repeat(16) }] },
      },
      [
        { subject: S1, ref: 'r1', category: 'halt-afdoening', epoch: 1, spanId: '1'.repeat(16), batchId: 'b', partner: 'halt', record: 0 },
        { subject: S2, ref: 'r2', category: 'halt-afdoening', spanId: '2'.repeat(16), batchId: 'b', partner: 'halt', record: 1 },
      ],
    ],
    ['another action: none', { ...base, action: 'signal-withdrawal', subject: S1, details: { ref: 'r1' } }, []],
  ])('%s', (_name, content, expected) => {
    expect(intakeRecordsOf(content)).toEqual(expected);
  });

  it('tells a chunk by its records', () => {
    expect([isIntakeChunk({ batchId: 'b', records: [] }), isIntakeChunk({ batchId: 'b', ref: 'r' }), isIntakeChunk(undefined)]).toEqual([true, false, false]);
  });
});

describe('chunked', () => {
  it.each([
    [0, []],
    [1, [1]],
    [INTAKE_CHUNK, [INTAKE_CHUNK]],
    [INTAKE_CHUNK + 1, [INTAKE_CHUNK, 1]],
    [1000, [200, 200, 200, 200, 200]],
  ])('%i items → chunks of %j', (n, sizes) => {
    const items = Array.from({ length: n }, (_, i) => i);
    const chunks = chunked(items);
    expect(chunks.map((c) => c.length)).toEqual(sizes);
    expect(chunks.flat()).toEqual(items);
  });
});
