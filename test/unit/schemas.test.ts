/** The schemas agree with the code and with each other. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createSchemaRegistry, SCHEMA_DIR } from '../../protocol/schemas/schema-registry.js';
import { SIGNAL_CATEGORIES } from '../../broker/signals/signal-category.js';

it('lists the same signal categories in the schema and in the code', () => {
  const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, 'signal-category.schema.json'), 'utf8'));
  expect(schema.enum).toEqual([...SIGNAL_CATEGORIES]);
});

it('accepts 32-byte base64url pseudonyms only', () => {
  const registry = createSchemaRegistry();
  const body = (subject: string) => ({ subject, doel: 'jpp-screening', caseRef: 'c-1' });
  expect(registry.validate('query-request', body(Buffer.alloc(32, 7).toString('base64url')))).toEqual([]);
  for (const bad of [Buffer.alloc(31, 7).toString('base64url'), Buffer.alloc(33, 7).toString('base64url'), `${Buffer.alloc(32, 7).toString('base64')}`]) {
    expect(registry.validate('query-request', body(bad)).map((e) => e.pointer)).toEqual(['/subject']);
  }
});
