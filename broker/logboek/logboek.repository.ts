/**
 * The logboek at rest: entries, Merkle nodes and checkpoints. Append and read only; the
 * one UPDATE (sequencing) sets seq and leaf_hash once, as the database's guard allows.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { nodeKey, type NodeCoord } from './merkle/tree-math.js';

export interface NewLogRow {
  readonly content: string;
  readonly action: string;
  readonly loggedAt: Date;
  readonly actorId: string;
  readonly organisationId: string | null;
  readonly roleId: string | null;
  readonly partnerId: string | null;
  readonly doel: string | null;
  readonly caseRef: string | null;
  readonly outcome: string;
  readonly subjectHash: Uint8Array | null;
  readonly queryId: string | null;
  readonly traceId: string;
}

export async function insertLogRows(ex: Executor, rows: readonly NewLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  await ex
    .insertInto('logboek_entries')
    .values(
      rows.map((r) => ({
        content: r.content,
        action: r.action,
        logged_at: r.loggedAt,
        actor_id: r.actorId,
        organisation_id: r.organisationId,
        role_id: r.roleId,
        partner_id: r.partnerId,
        doel: r.doel,
        case_ref: r.caseRef,
        outcome: r.outcome,
        subject_hash: r.subjectHash,
        query_id: r.queryId,
        trace_id: r.traceId,
      })),
    )
    .execute();
}

/** A fixed advisory-lock key: one sequencer at a time, across every broker process. */
const SEQUENCER_LOCK = 0x6a70706c6f67; // "jpplog"

/** Takes the sequencer lock for the rest of the transaction. */
export async function lockSequencer(ex: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(ex);
}

/** Entries not yet in the tree, oldest first. */
export async function pendingEntries(ex: Executor, limit: number): Promise<Array<{ id: number; content: string }>> {
  return ex.selectFrom('logboek_entries').select(['id', 'content']).where('seq', 'is', null).orderBy('id').limit(limit).execute();
}

/** The highest leaf index among the stored level-0 nodes, plus one: the tree's size as its nodes say. */
export async function nodeTreeSize(ex: Executor): Promise<number> {
  const row = await ex
    .selectFrom('logboek_nodes')
    .select(sql<number>`coalesce(max(idx) + 1, 0)::int`.as('n'))
    .where('level', '=', 0)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The number of leaves in the tree. */
export async function treeSize(ex: Executor): Promise<number> {
  const row = await ex
    .selectFrom('logboek_entries')
    .select(sql<number>`coalesce(max(seq) + 1, 0)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function setSequenced(ex: Executor, rows: ReadonlyArray<{ id: number; seq: number; leafHash: Uint8Array }>): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(rows.map((r) => sql`(${r.id}::bigint, ${r.seq}::bigint, ${r.leafHash}::bytea)`));
  await sql`
    update logboek_entries as e set seq = v.seq, leaf_hash = v.leaf_hash
      from (values ${values}) as v(id, seq, leaf_hash)
     where e.id = v.id`.execute(ex);
}

/** The stored hashes of the given complete nodes, keyed by `level:idx`. */
export async function getNodes(ex: Executor, coords: readonly NodeCoord[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (coords.length === 0) return out;
  const rows = await ex
    .selectFrom('logboek_nodes')
    .select(['level', 'idx', 'hash'])
    .where(({ eb, refTuple, tuple }) => eb(refTuple('level', 'idx'), 'in', coords.map((c) => tuple(c.level, c.index))))
    .execute();
  for (const r of rows) out.set(nodeKey(r.level, r.idx), new Uint8Array(r.hash));
  return out;
}

export async function insertNodes(ex: Executor, nodes: ReadonlyArray<{ level: number; index: number; hash: Uint8Array }>): Promise<void> {
  for (let i = 0; i < nodes.length; i += 5000) {
    await ex
      .insertInto('logboek_nodes')
      .values(nodes.slice(i, i + 5000).map((n) => ({ level: n.level, idx: n.index, hash: n.hash })))
      .execute();
  }
}

export interface StoredCheckpoint {
  id: number;
  treeSize: number;
  rootHash: Uint8Array;
  jws: string;
  createdAt: Date;
}

const toCheckpoint = (r: { id: number; tree_size: number; root_hash: Uint8Array; jws: string; created_at: Date }): StoredCheckpoint => ({
  id: r.id,
  treeSize: r.tree_size,
  rootHash: new Uint8Array(r.root_hash),
  jws: r.jws,
  createdAt: r.created_at,
});

export async function latestCheckpoint(ex: Executor): Promise<StoredCheckpoint | undefined> {
  const r = await ex.selectFrom('logboek_checkpoints').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r && toCheckpoint(r);
}

export async function listCheckpoints(ex: Executor, afterId: number, limit: number): Promise<StoredCheckpoint[]> {
  const rows = await ex.selectFrom('logboek_checkpoints').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toCheckpoint);
}

export async function insertCheckpoint(ex: Executor, c: Omit<StoredCheckpoint, 'id'>): Promise<number> {
  const r = await ex
    .insertInto('logboek_checkpoints')
    .values({ tree_size: c.treeSize, root_hash: c.rootHash, jws: c.jws, created_at: c.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export interface SequencedEntry {
  seq: number;
  leafHash: Uint8Array;
  content: string;
}

/** Sequenced entries with seq in [from, to), in order. */
export async function sequencedEntries(ex: Executor, from: number, to: number): Promise<SequencedEntry[]> {
  const rows = await ex
    .selectFrom('logboek_entries')
    .select(['seq', 'leaf_hash', 'content'])
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: r.seq!, leafHash: new Uint8Array(r.leaf_hash!), content: r.content }));
}
