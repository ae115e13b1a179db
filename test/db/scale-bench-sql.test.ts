/**
 * Scenario 9 (test/bench/scale-bench.ts) makes its data in PostgreSQL: GROW_SQL adds signals with
 * seed-signals.ts's distribution, FILL_LOG_SQL adds scenario 8's synthetic disclosure entries from
 * templates. Both on a migrated database of either engine: the rows must be what the broker itself
 * would hold (a valid partner and category, 32-byte subject hashes, canonical entry content whose
 * fields match the entry's columns), or the scale figures would measure something else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import canonicalize from 'canonicalize';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { syncPlatform } from '../../broker/platform/platform.repository.js';
import { FILL_LOG_SQL, GROW_SQL, entryTemplates, weightedPairs } from '../bench/scale-bench.js';
import { loadBenchScope } from '../bench/lookup-pairs.js';
import { openEngineDatabase } from '../support/test-database.js';

let opened: { db: Kysely<Database>; close(): Promise<void> };
let db: Kysely<Database>;
beforeAll(async () => {
  opened = await openEngineDatabase('jpp_scale_sql');
  db = opened.db;
  await migrateToLatest(db);
});
afterAll(() => opened.close());

const DAY_MS = 86_400_000;

describe('weightedPairs', () => {
  it.each([
    [[{ id: 'a', categories: ['x'] }], ['a'], ['x']],
    [[{ id: 'a', categories: ['x', 'y'] }, { id: 'b', categories: ['z'] }], ['a', 'a', 'b', 'b'], ['x', 'y', 'z', 'z']],
    [[{ id: 'a', categories: ['x', 'y'] }, { id: 'b', categories: ['p', 'q', 'r'] }, { id: 'c', categories: [] }], [...'aaaaaa', ...'bbbbbb'], ['x', 'y', 'x', 'y', 'x', 'y', 'p', 'q', 'r', 'p', 'q', 'r']],
  ])('%j: every partner equally often, its categories equally often', (partners, ids, categories) => {
    expect(weightedPairs(partners)).toEqual({ partners: ids, categories });
  });
});

describe('GROW_SQL', () => {
  it('adds exactly the rows asked for: 1–3 per subject, valid pairs, dates as seed-signals.ts, refs continuing', async () => {
    const scope = await loadBenchScope();
    await syncPlatform(db, scope.platform);
    const pairs = weightedPairs(scope.platform.partners);
    const now = new Date(Date.UTC(2026, 11, 5, 12, 0, 0, 123));
    const days = scope.platform.signalMaxValidityDays;
    const run = (first: number, rows: number) => db.executeQuery(CompiledQuery.raw(GROW_SQL, [first, 'salt-', rows, pairs.partners, pairs.categories, now, days, first]));
    await run(100, 3000);
    await run(3100, 1000);
    const rows = (
      await sql<{ partner_id: string; category: string; subject_hash: Uint8Array; registered_at: Date; expires_at: Date; ref: string; batch_id: string; epoch: number }>`
        select partner_id, category, subject_hash, registered_at, expires_at, ref, batch_id, epoch from signals where batch_id = 'bench-seed'`.execute(db)
    ).rows;
    expect(rows).toHaveLength(4000);
    expect(new Set(rows.map((r) => r.ref))).toEqual(new Set(Array.from({ length: 4000 }, (_, i) => `bench-${101 + i}`)));
    const valid = new Set(scope.platform.partners.flatMap((p) => p.categories.map((c) => `${p.id}/${c}`)));
    const perSubject = new Map<string, number>();
    for (const r of rows) {
      expect(valid.has(`${r.partner_id}/${r.category}`)).toBe(true);
      expect(r.subject_hash).toHaveLength(32);
      const registered = new Date(r.registered_at).getTime();
      const ago = (now.getTime() - registered) / DAY_MS;
      expect(Number.isInteger(ago) && ago >= 1 && ago <= 900).toBe(true);
      expect(new Date(r.expires_at).getTime() - registered).toBe(days * DAY_MS);
      expect(r.epoch).toBe(1);
      const key = Buffer.from(r.subject_hash).toString('hex');
      perSubject.set(key, (perSubject.get(key) ?? 0) + 1);
    }
    const counts = [...perSubject.values()];
    expect(Math.max(...counts)).toBe(3);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    // About two signals per subject; every partner drawn.
    expect(counts.length).toBeGreaterThan(4000 / 2.5);
    expect(counts.length).toBeLessThan(4000 / 1.6);
    expect(new Set(rows.map((r) => r.partner_id)).size).toBe(scope.platform.partners.length);
  });
});

describe('FILL_LOG_SQL', () => {
  it('writes canonical entries of the nine synthetic shapes, whose content names the subject, query and trace of their columns', async () => {
    const templates = entryTemplates(new Date());
    await db.executeQuery(CompiledQuery.raw(FILL_LOG_SQL, [0, 35, new Date(), 'salt-', templates.map((t) => t.content), templates.map((t) => t.partner), templates.map((t) => t.outcome)]));
    const rows = (
      await sql<{ content: string; partner_id: string; outcome: string; subject_hash: Uint8Array; query_id: string; trace_id: string }>`
        select content, partner_id, outcome, subject_hash, query_id::text as query_id, trace_id from logboek_entries where case_ref = 'bench-case'`.execute(db)
    ).rows;
    expect(rows).toHaveLength(36);
    const spans = new Set<string>();
    for (const r of rows) {
      const c = JSON.parse(r.content) as Record<string, unknown> & { details: { caseId: string } };
      expect(canonicalize(c)).toBe(r.content);
      expect(r.content).not.toContain('@');
      expect(c['subject']).toBe(Buffer.from(r.subject_hash).toString('base64url'));
      expect(c['queryId']).toBe(r.query_id);
      expect(c['traceId']).toBe(r.trace_id);
      expect(r.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(c['spanId']).toMatch(/^[0-9a-f]{16}$/);
      expect(c.details.caseId).toMatch(/^[0-9a-f-]{36}$/);
      expect(c['caseRef']).toMatch(/^bench-case-\d{3}$/);
      expect([c['partner'], c['outcome']]).toEqual([r.partner_id, r.outcome]);
      spans.add(c['spanId'] as string);
    }
    expect(spans.size).toBe(36);
    expect(new Set(rows.map((r) => `${r.partner_id}/${r.outcome}`))).toEqual(new Set(templates.map((t) => `${t.partner}/${t.outcome}`)));
  });
});
