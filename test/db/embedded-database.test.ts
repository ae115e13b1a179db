/**
 * The embedded database keeps its data across a restart, and refuses a second process
 * on the same data directory (PGlite has no lock of its own; two processes corrupt it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';

const dir = mkdtempSync(join(tmpdir(), 'jpp-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('survives a restart, and refuses a second opener while in use', async () => {
  const first = await openDatabase({ kind: 'pglite', dataDir: dir });
  await migrateToLatest(first.db);
  await first.db.insertInto('organisations').values({ id: 'org-x', name: 'X' }).execute();
  await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toThrow(/in use by another process/);
  await first.close();

  const again = await openDatabase({ kind: 'pglite', dataDir: dir });
  await migrateToLatest(again.db);
  const rows = await again.db.selectFrom('organisations').selectAll().execute();
  expect(rows.map((r) => ({ id: r.id, name: r.name }))).toEqual([{ id: 'org-x', name: 'X' }]);
  const n = await sql<{ n: unknown }>`select count(*) as n from organisations`.execute(again.db);
  // int8 arrives as a number on both engines.
  expect(n.rows[0]!.n).toBe(1);
  await again.close();
}, 60_000);
