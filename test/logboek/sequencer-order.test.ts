/**
 * The sequencer never updates an entry, and never skips one (migration 0005):
 * - upgrading a log whose sequenced entries were not a prefix by id, with entries still
 *   pending, places every pending entry exactly once, after the existing leaves;
 * - on PostgreSQL, an entry of a transaction that is still open while a later one commits
 *   is placed once it commits, before nothing it should follow;
 * - on PostgreSQL, a long transaction in another database of the same server does not hold
 *   the log back.
 */
import { afterEach, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import type { Database } from '../../broker/db/database.js';
import { migrateTo, migrateToLatest } from '../../broker/db/migrate.js';
import { canonicalJson, leafData } from '../../broker/logboek/log-entry.js';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { decomposeRange, hashesCompletedByAppend, nodeKey, rangeHash } from '../../broker/logboek/merkle/tree-math.js';
import { createLogSigner } from '../../broker/logboek/log-signer.js';
import { createSequencer } from '../../broker/logboek/sequencer.js';
import { getNodes } from '../../broker/logboek/logboek.repository.js';
import { referenceMth } from '../../broker/logboek/merkle/reference-tree.js';
import { createTestDatabase, openEngineDatabase } from '../support/test-database.js';
import { generateKeyPair, exportJWK } from 'jose';
import pg from 'pg';

const adminUrl = process.env['DATABASE_URL'];
let opened: { db: Kysely<Database>; close(): Promise<void> } | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function open(): Promise<Kysely<Database>> {
  opened = await openEngineDatabase('jpp_seqorder');
  return opened.db;
}

async function sequencerFor(db: Kysely<Database>) {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const signer = await createLogSigner({ origin: 'test', signingJwk: { ...(await exportJWK(privateKey)), kid: 'test' } });
  return createSequencer({ db, signer, checkpointEveryEntries: 1000, checkpointEverySeconds: 3600, now: () => new Date(), logger: pino({ enabled: false }) });
}

const content = (n: number): string => canonicalJson({ v: 1, action: 'log-read', n });

async function addEntry(ex: Kysely<Database>, n: number): Promise<number> {
  const r = await sql<{ id: number }>`
    insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
    values (${content(n)}, 'log-read', now(), 'test', 'read', 'trace') returning id`.execute(ex);
  return Number(r.rows[0]!.id);
}

/** The placed entries' markers `n`, in leaf order, after checking every leaf hash and the stored root. */
async function placed(db: Kysely<Database>): Promise<number[]> {
  const rows = (
    await sql<{ seq: number; leaf_hash: Uint8Array; content: string }>`
      select l.seq, l.leaf_hash, e.content from logboek_leaves l join logboek_entries e on e.id = l.entry_id order by l.seq`.execute(db)
  ).rows;
  expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i));
  const leaves = rows.map((r) => new Uint8Array(r.leaf_hash));
  rows.forEach((r, i) => expect(Buffer.from(leaves[i]!)).toEqual(Buffer.from(leafHash(leafData(r.content, i)))));
  if (rows.length > 0) {
    const stored = await getNodes(db, decomposeRange(0, rows.length));
    // The stored nodes give the root that the leaves alone give (RFC 9162 §2.1.1, by the reference code).
    const root = rangeHash(0, rows.length, (lv, i) => stored.get(nodeKey(lv, i))!);
    expect(Buffer.from(root)).toEqual(Buffer.from(referenceMth(rows.map((r) => leafData(r.content, Number(r.seq))))));
  }
  return rows.map((r) => (JSON.parse(r.content) as { n: number }).n);
}

// [1, 4, 2]: entry 4 has a leaf but sorts after the last leaf's entry (2), so the pending read must
// drop it (the probe kept for entries from before migration 0005, tx 1 and 2).
it.each([
  [[1, 2, 4], [3, 5, 6]],
  [[1, 4, 2], [3, 5, 6]],
])('upgrading a log with out-of-order sequenced entries (%j) and pending ones places each pending entry once', async (old, pendingAfter) => {
  const db = await open();
  await migrateTo(db, '0004-key-epochs');
  const ids: number[] = [];
  for (let n = 1; n <= 6; n++) ids.push(await addEntry(db, n));
  // The old sequencer placed some entries out of order (e.g. 4 had committed before 3) ...
  const nodes = new Map<string, Uint8Array>();
  for (const [seq, n] of old.entries()) {
    const leaf = leafHash(leafData(content(n), seq));
    await sql`update logboek_entries set seq = ${seq}, leaf_hash = ${leaf} where id = ${ids[n - 1]!}`.execute(db);
    for (const node of hashesCompletedByAppend(seq, leaf, (lv, i) => nodes.get(nodeKey(lv, i))!)) {
      nodes.set(nodeKey(node.level, node.index), node.hash);
      await sql`insert into logboek_nodes (level, idx, hash) values (${node.level}, ${node.index}, ${node.hash})`.execute(db);
    }
  }
  // ... and the others were pending when the broker was upgraded.
  await migrateToLatest(db);
  expect(await placed(db)).toEqual(old);
  const sequencer = await sequencerFor(db);
  const run = await sequencer.drain();
  expect(run.treeSize).toBe(6);
  expect(await placed(db)).toEqual([...old, ...pendingAfter]);
  await addEntry(db, 7);
  await sequencer.drain();
  expect(await placed(db)).toEqual([...old, ...pendingAfter, 7]);
});

it.skipIf(!adminUrl)('an entry whose transaction is still open is not skipped when a later one commits first (PostgreSQL)', async () => {
  const db = await open();
  await migrateToLatest(db);
  const sequencer = await sequencerFor(db);
  await addEntry(db, 1);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let inserted!: () => void;
  const isInserted = new Promise<void>((r) => (inserted = r));
  // Transaction A writes entry 2 and stays open ...
  const a = db.transaction().execute(async (trx) => {
    await addEntry(trx, 2);
    inserted();
    await released;
  });
  await isInserted;
  // ... while B writes entry 3 and commits.
  await addEntry(db, 3);
  await sequencer.drain();
  // Entry 3 waits: A is older and still running, so placing 3 now could skip 2.
  expect(await placed(db)).toEqual([1]);
  release();
  await a;
  await sequencer.drain();
  expect(await placed(db)).toEqual([1, 2, 3]);
});

it.skipIf(!adminUrl)('a long transaction in another database of the server does not hold the log back (PostgreSQL)', async () => {
  const db = await open();
  await migrateToLatest(db);
  const sequencer = await sequencerFor(db);
  const other = await createTestDatabase(adminUrl!, 'jpp_seqother');
  const client = new pg.Client({ connectionString: other.url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('create table busy (x int)'); // takes a transaction id, and keeps it
    await addEntry(db, 1);
    await addEntry(db, 2);
    await sequencer.drain();
    expect(await placed(db)).toEqual([1, 2]);
    await client.query('rollback');
  } finally {
    await client.end();
    await other.drop();
  }
});
