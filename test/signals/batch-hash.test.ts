/**
 * batchBodyHash (broker/signals/batch-hash.ts) is sha256(canonicalJson(batch)) for every body the
 * signal-batch schema admits: the stored body hashes of batches received before it stay comparable.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../../broker/logboek/log-entry.js';
import { BATCH_KEYS, batchBodyHash, canonicalBatchJson } from '../../broker/signals/batch-hash.js';
import { createSchemaRegistry, SCHEMA_DIR } from '../../protocol/schemas/schema-registry.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Every name under a `properties` keyword of a schema, at any depth. */
function propertyNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) propertyNames(s, into);
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object') for (const name of Object.keys(value)) into.add(name);
      propertyNames(value, into);
    }
  }
  return into;
}

/** The object's entries in a shuffled order (insertion order is what JSON.parse gives). */
const shuffledObject = (entries: Array<[string, unknown]>, order: number[]): Record<string, unknown> => {
  const keyed = entries.map((e, i) => ({ e, k: order[i % order.length]! * 31 + i }));
  keyed.sort((a, b) => a.k - b.k);
  return Object.fromEntries(keyed.map((x) => x.e));
};

const anyText = fc.string({ unit: 'binary', maxLength: 12 });
const signal = fc.record(
  {
    subject: anyText,
    category: anyText,
    registeredAt: anyText,
    expiresAt: anyText,
    ref: anyText,
    epoch: fc.oneof(fc.integer({ min: 1 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
  },
  { requiredKeys: ['subject', 'category', 'registeredAt', 'expiresAt', 'ref'] },
);
const batch = fc
  .tuple(anyText, fc.array(fc.tuple(signal, fc.array(fc.nat(50), { minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 20 }), fc.boolean())
  .map(([batchId, signals, signalsFirst]) => {
    const list = signals.map(([s, order]) => shuffledObject(Object.entries(s), order));
    return signalsFirst ? { signals: list, batchId } : { batchId, signals: list };
  });

describe('batchBodyHash', () => {
  it('names every property the signal-batch schema allows, and no other, in RFC 8785 order', () => {
    const schema = JSON.parse(readFileSync(`${SCHEMA_DIR}/signal-batch.schema.json`, 'utf8')) as unknown;
    expect([...propertyNames(schema)].sort()).toEqual([...BATCH_KEYS]);
    expect([...BATCH_KEYS].sort()).toEqual(BATCH_KEYS);
    expect(JSON.stringify(schema)).toContain('"additionalProperties":false');
  });

  it('writes the canonical JSON of any batch-shaped body: any key order, any text, any number', () => {
    fc.assert(
      fc.property(batch, (b) => {
        const expected = canonicalJson(b);
        expect(canonicalBatchJson(b)).toBe(expected);
        expect(canonicalBatchJson(b)).toBe(canonicalize(b));
        expect(batchBodyHash(b)).toBe(sha256(expected));
      }),
      { numRuns: 400 },
    );
  });

  it('hashes a batch the schema admits (with its defaults applied) as canonicalJson does, whatever the key order', () => {
    const schemas = createSchemaRegistry();
    const text = '{"signals":[{"ref":"r-1","subject":"' + 'A'.repeat(43) + '","expiresAt":"2027-01-01","category":"c","registeredAt":"2026-01-01"},' +
      '{"epoch":3,"category":"c","ref":"r-\\u00e9","registeredAt":"2026-01-01","expiresAt":"2027-01-01","subject":"' + 'B'.repeat(43) + '"}],"batchId":"b-1"}';
    const body = JSON.parse(text) as Record<string, unknown>;
    schemas.validate('signal-batch', body);
    expect((body['signals'] as Array<Record<string, unknown>>)[0]!['epoch']).toBe(1); // the default, applied by validation
    expect(batchBodyHash(body)).toBe(sha256(canonicalJson(body)));
  });

  it('differs from canonical JSON for a body the schema refuses (a property it does not know): only validated bodies are hashed', () => {
    const body = { batchId: 'b', signals: [{ ref: 'r', extra: 1 }] };
    expect(canonicalBatchJson(body)).not.toBe(canonicalJson(body));
  });
});
