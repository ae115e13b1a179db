/**
 * The logboek at rest: entries, leaves, Merkle nodes and checkpoints. Insert and read only:
 * the database refuses every UPDATE and DELETE (migration 0005).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { precompile } from '../db/precompiled.js';
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

/**
 * Inserts entries; with `returnIds`, returns their ids in the order given. (Ids come from an
 * identity column, assigned row by row in the order the rows are given, from the VALUES list or
 * from unnest, so sorting them gives that order back.)
 */
export async function insertLogRows(ex: Executor, rows: readonly NewLogRow[], returnIds = false): Promise<number[]> {
  if (rows.length === 0) return [];
  let ids: Array<{ id: number }>;
  if (rows.length <= PRECOMPILED_ROWS) {
    const statement = returnIds ? insertReturningStatement : insertStatement;
    ids = (await statement.execute(ex, { rows: rows.map((r) => ({ ...r })) })).rows;
  } else {
    ids = (await (returnIds ? insertColumns(rows, sql`returning id`) : insertColumns(rows, sql``)).execute(ex)).rows;
  }
  return returnIds ? ids.map((r) => r.id).sort((a, b) => a - b) : [];
}

/**
 * Every question appends its entries with the same statement: compiled once per number of rows
 * (db/precompiled.ts), with and without RETURNING. A larger append (a partner's batch: its record
 * and one signal-intake entry per stored signal, up to 1,001 rows) is one statement with a column
 * array per field (unnest), whatever its length: as a VALUES list of 13 parameters per row, kysely
 * built and compiled 13,000 parameters per batch, pg serialised each, and PostgreSQL parsed and
 * planned a thousand-row VALUES list (docs/performance.md, scenario 7).
 */
const PRECOMPILED_ROWS = 32;
const buildInsert = (ex: Executor, rows: readonly NewLogRow[]) =>
  ex.insertInto('logboek_entries').values(
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
  );
const insertStatement = precompile<{ rows: NewLogRow[] }, { id: number }>((ex, { rows }) => buildInsert(ex, rows));
const insertReturningStatement = precompile<{ rows: NewLogRow[] }, { id: number }>((ex, { rows }) => buildInsert(ex, rows).returning('id'));

/**
 * The same rows as one insert from column arrays. The contents (canonical JSON, most of the bytes)
 * go as one JSON array of strings, which JSON.stringify escapes natively, instead of a text array
 * that pg escapes element by element (a regular expression per quote and backslash, most of the
 * broker's time in this insert); PostgreSQL cuts it apart in element order. Times go as ISO text,
 * so that pg does not format each Date.
 */
const insertColumns = (rows: readonly NewLogRow[], returning: ReturnType<typeof sql>) => {
  const column = <T>(f: (r: NewLogRow) => T): T[] => rows.map(f);
  const contents = JSON.stringify(column((r) => r.content));
  return sql<{ id: number }>`
    insert into logboek_entries (content, action, logged_at, actor_id, organisation_id, role_id, partner_id, doel, case_ref, outcome, subject_hash, query_id, trace_id)
    select * from unnest(
      array(select c from json_array_elements_text(${contents}::json) with ordinality as e(c, n) order by n),
      ${column((r) => r.action)}::text[], ${column((r) => r.loggedAt.toISOString())}::timestamptz[],
      ${column((r) => r.actorId)}::text[], ${column((r) => r.organisationId)}::text[], ${column((r) => r.roleId)}::text[],
      ${column((r) => r.partnerId)}::text[], ${column((r) => r.doel)}::text[], ${column((r) => r.caseRef)}::text[],
      ${column((r) => r.outcome)}::text[], ${column((r) => (r.subjectHash ? Buffer.from(r.subjectHash.buffer, r.subjectHash.byteOffset, r.subjectHash.byteLength) : null))}::bytea[],
      ${column((r) => r.queryId)}::uuid[], ${column((r) => r.traceId)}::text[])
    ${returning}`;
};

/** Indexes entries under their subject's other hashes (migration 0011). */
export async function insertSubjectAliases(ex: Executor, aliases: ReadonlyArray<{ entryId: number; subjectHash: Uint8Array }>): Promise<void> {
  if (aliases.length === 0) return;
  await ex
    .insertInto('logboek_subject_aliases')
    .values(aliases.map((a) => ({ entry_id: a.entryId, subject_hash: a.subjectHash })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** A fixed advisory-lock key: one sequencer at a time, across every broker process. */
const SEQUENCER_LOCK = 0x6a70706c6f67; // "jpplog"

/** Takes the sequencer lock for the rest of the transaction. */
export async function lockSequencer(ex: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(ex);
}

/**
 * The sequencing horizon: an entry whose writing transaction id is below it can be placed,
 * because no entry with a smaller transaction id can still be committed in this database.
 *
 * It is the smallest id among this database's transactions still running, and never above
 * the next transaction id as it was before they were listed. Transactions of other
 * databases on the same server are left out (they never write this log), so a long one
 * there does not hold the log back. In order:
 * 1. `next`: the next transaction id to be assigned; every transaction given an id later
 *    has an id >= next;
 * 2. the ids of this database's running transactions (pg_stat_activity, read fresh);
 * 3. in the statement that reads the entries, those of them still running.
 * A transaction running at 2 is bounded by 3 if it still runs, or visible if it committed;
 * one that got its id after 1 is bounded by `next`. If some sessions of this database
 * cannot be read (another role without pg_read_all_stats), every running transaction of
 * the server bounds the horizon instead (pg_snapshot_xmin), which is safe but can be slow.
 */
async function horizonParts(ex: Executor): Promise<{ next: string; running: string[] | null; cursor: { tx: string; id: number } | null }> {
  // The cursor, (tx, id) of the last leaf's entry, is read here too: only the sequencer (who
  // holds the lock) appends leaves, so it cannot move while the run lasts.
  const head = (
    await sql<{ next: string; tx: string | null; id: number | null }>`
      select pg_snapshot_xmax(pg_current_snapshot())::text as next, c.tx::text as tx, c.id
        from (select 1) as one
        left join lateral (
          select e.tx, e.id from logboek_leaves l join logboek_entries e on e.id = l.entry_id order by l.seq desc limit 1
        ) as c on true`.execute(ex)
  ).rows[0]!;
  await sql`select pg_stat_clear_snapshot()`.execute(ex);
  const r = (
    await sql<{ xids: string[] | null; hidden: boolean | null }>`
      select array_agg(backend_xid::text) filter (where backend_xid is not null) as xids,
             bool_or(state is null and backend_type = 'client backend') as hidden
        from pg_stat_activity where datname = current_database()`.execute(ex)
  ).rows[0]!;
  return { next: head.next, running: r.hidden ? null : (r.xids ?? []), cursor: head.tx === null || head.id === null ? null : { tx: head.tx, id: head.id } };
}

/**
 * Entries not yet in the tree, in (transaction, id) order, after the last leaf's entry, up
 * to the sequencing horizon (see horizonParts): each run continues where the last stopped
 * and none is skipped (migration 0005). Only entries from before migration 0005 (tx 1 and 2)
 * can have a leaf after the cursor; later ones are placed in this order, so they are not probed.
 *
 * The cursor is passed as values, so that the planner sees a range of logboek_tx_ix after it
 * (a row compared with a subquery's record made it scan the whole table). Whether an entry
 * already has a leaf (only for the first runs after migration 0005, whose older leaves are not
 * in this order) is asked in the select list, one probe of the entry_id index per row read, and
 * such rows are dropped here: as a condition in WHERE it made the planner guess that few rows
 * pass, so that with a backlog it read and sorted every pending entry (content and all) on every
 * run, which made sealing a million pending entries quadratic; as NOT EXISTS it became an
 * anti-join that hashed every leaf of the log. Without a filter, the LIMIT is an index range
 * scan in (tx, id) order whatever the backlog. When a window held already placed entries, the
 * next window starts after the last row read, so that a run still returns `limit` entries when
 * that many are pending.
 */
export async function pendingEntries(ex: Executor, limit: number): Promise<Array<{ id: number; content: string }>> {
  const parts = await horizonParts(ex);
  const out: Array<{ id: number; content: string }> = [];
  let after = parts.cursor;
  while (out.length < limit) {
    const want = limit - out.length;
    const rows = (await pendingWindow(parts, after, want).execute(ex)).rows;
    for (const r of rows) if (!r.placed) out.push({ id: r.id, content: r.content });
    if (rows.length < want) break;
    const last = rows[rows.length - 1]!;
    after = { tx: last.tx, id: last.id };
  }
  return out;
}

/** PostgreSQL's plan for the pending-entries query as it would run now (for the plan's regression test). */
export async function explainPendingEntries(ex: Executor, limit: number): Promise<string> {
  const parts = await horizonParts(ex);
  const r = await sql<{ 'QUERY PLAN': string }>`explain ${pendingWindow(parts, parts.cursor, limit)}`.execute(ex);
  return r.rows.map((row) => row['QUERY PLAN']).join('\n');
}

type HorizonParts = Awaited<ReturnType<typeof horizonParts>>;

function pendingWindow({ next, running }: HorizonParts, after: HorizonParts['cursor'], limit: number) {
  const horizon =
    running === null
      ? sql`pg_snapshot_xmin(pg_current_snapshot())`
      : sql`least(${next}::xid8, (select min(x) from pg_snapshot_xip(pg_current_snapshot()) as x where xid(x)::text = any(${running}::text[])))`;
  return sql<{ id: number; content: string; tx: string; placed: boolean }>`
    select e.id, e.content, e.tx::text as tx,
           case when e.tx < '3'::xid8 then (select l.seq from logboek_leaves l where l.entry_id = e.id) is not null else false end as placed
      from logboek_entries e
     where (e.tx, e.id) > (${after?.tx ?? '0'}::xid8, ${after?.id ?? 0}::bigint)
       and e.tx < ${horizon}
     order by e.tx, e.id
     limit ${limit}`;
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
    .selectFrom('logboek_leaves')
    .select(sql<number>`coalesce(max(seq) + 1, 0)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Gives entries their places in the tree: leaves `firstSeq`, `firstSeq + 1`, … for `entryIds`
 * in order, with their leaf hashes concatenated (32 bytes each) in `hashes`. One statement: the
 * ids as one comma-separated text parameter (pg's array encoding escaped every element, a few per
 * cent of a run), the hashes as one bytea parameter (sent as binary, cut apart by PostgreSQL), and
 * the seqs counted from the first. Why: a sequencer run appends thousands of
 * rows, and an array of bytea is sent as text, every hash escaped as hex and parsed back, which
 * cost the broker's event loop more than the rows cost PostgreSQL (docs/performance.md,
 * scenarios 2 and 8).
 */
export async function insertLeaves(ex: Executor, firstSeq: number, entryIds: readonly number[], hashes: Uint8Array): Promise<void> {
  if (entryIds.length === 0) return;
  if (hashes.length !== 32 * entryIds.length) throw new RangeError('insertLeaves: one 32-byte hash per entry');
  await sql`
    insert into logboek_leaves (seq, entry_id, leaf_hash)
    select ${firstSeq}::bigint + u.i - 1, u.id, substring(${hashes}::bytea from (32 * (u.i - 1) + 1)::int for 32)
      from unnest(string_to_array(${entryIds.join(',')}, ',')::bigint[]) with ordinality as u(id, i)`.execute(ex);
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

/** The stored nodes (level, idx) for idx in [first, first + count), in index order: a tile's hashes. */
export async function nodeRange(ex: Executor, level: number, first: number, count: number): Promise<Uint8Array[]> {
  const rows = await ex
    .selectFrom('logboek_nodes')
    .select(['idx', 'hash'])
    .where('level', '=', level)
    .where('idx', '>=', first)
    .where('idx', '<', first + count)
    .orderBy('idx')
    .execute();
  return rows.map((r) => new Uint8Array(r.hash));
}

/**
 * Appends completed nodes (level[i], index[i]) with their hashes concatenated (32 bytes each),
 * as one statement (see insertLeaves).
 */
export async function insertNodes(ex: Executor, levels: readonly number[], indexes: readonly number[], hashes: Uint8Array): Promise<void> {
  if (levels.length === 0) return;
  if (indexes.length !== levels.length || hashes.length !== 32 * levels.length) throw new RangeError('insertNodes: one index and one 32-byte hash per level');
  await sql`
    insert into logboek_nodes (level, idx, hash)
    select u.level, u.idx, substring(${hashes}::bytea from (32 * (u.i - 1) + 1)::int for 32)
      from unnest(string_to_array(${levels.join(',')}, ',')::smallint[], string_to_array(${indexes.join(',')}, ',')::bigint[]) with ordinality as u(level, idx, i)`.execute(ex);
}

export interface StoredCheckpoint {
  id: number;
  treeSize: number;
  rootHash: Uint8Array;
  jws: string;
  /** The C2SP signed note, signed by the log (no cosignatures); null for rows before migration 0030. */
  note: string | null;
  createdAt: Date;
}

const toCheckpoint = (r: { id: number; tree_size: number; root_hash: Uint8Array; jws: string; note: string | null; created_at: Date }): StoredCheckpoint => ({
  id: r.id,
  treeSize: r.tree_size,
  rootHash: new Uint8Array(r.root_hash),
  jws: r.jws,
  note: r.note,
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

export async function insertCheckpoint(ex: Executor, c: Omit<StoredCheckpoint, 'id' | 'note'> & { note?: string | null }): Promise<number> {
  const r = await ex
    .insertInto('logboek_checkpoints')
    .values({ tree_size: c.treeSize, root_hash: c.rootHash, jws: c.jws, note: c.note ?? null, created_at: c.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export interface SequencedEntry {
  seq: number;
  leafHash: Uint8Array;
  /** Null once retention redacted the entry (its leaf hash stays). */
  content: string | null;
}

/** Sequenced entries with seq in [from, to), in order. */
export async function sequencedEntries(ex: Executor, from: number, to: number): Promise<SequencedEntry[]> {
  const rows = await ex
    .selectFrom('logboek_leaves as l')
    .innerJoin('logboek_entries as e', 'e.id', 'l.entry_id')
    .select(['l.seq', 'l.leaf_hash', 'e.content'])
    .where('l.seq', '>=', from)
    .where('l.seq', '<', to)
    .orderBy('l.seq')
    .execute();
  return rows.map((r) => ({ seq: r.seq, leafHash: new Uint8Array(r.leaf_hash), content: r.content }));
}

/** How many entries sequencedPageBlocks joins into one row. */
export const PAGE_BLOCK = 256;

/**
 * The compact export's page [from, to) as rows of PAGE_BLOCK entries each, in seq order: per row the
 * leaf hashes joined (32 bytes each), the entries' texts joined with nothing between them (a
 * redacted entry adds none), and an index `seq:bytes,…` (`seq:-` for a redacted entry) that says
 * where each text ends. Each row aggregates a subquery sorted by seq (an ORDER BY in each aggregate
 * cost three sorts per row); the rows are put in order here (an ORDER BY over them sorted the whole
 * page, on disk) and the caller checks every seq, so that a plan that did not keep an order fails
 * the page instead of mixing it up. JIT is off for the statement: its estimate (an index probe per
 * entry) passes jit_above_cost, and compiling took longer than running it. Why all this: pg and the
 * garbage collector paid more for 16,384 rows of a 1 KB string per page than for the bytes
 * (docs/performance.md, scenario 8).
 */
export async function sequencedPageBlocks(ex: Executor, from: number, to: number): Promise<Array<{ leaves: Buffer; text: string; index: string }>> {
  await sql`set local jit = off`.execute(ex);
  const rows = (
    await sql<{ first: string | number; leaves: Uint8Array | null; text: string | null; index: string | null }>`
      select c.first, b.leaves, b.text, b.index
        from generate_series(${from}::bigint, ${to}::bigint - 1, ${PAGE_BLOCK}) as c(first)
        cross join lateral (
          select string_agg(p.leaf_hash, ''::bytea) as leaves, string_agg(coalesce(p.content, ''), '') as text,
                 string_agg(p.seq::text || ':' || coalesce(octet_length(p.content)::text, '-'), ',') as index
            from (select l.seq, l.leaf_hash, e.content from logboek_leaves l join logboek_entries e on e.id = l.entry_id
                   where l.seq >= c.first and l.seq < least(c.first + ${PAGE_BLOCK}, ${to}::bigint)
                   order by l.seq) as p) as b`.execute(ex)
  ).rows;
  rows.sort((x, y) => Number(x.first) - Number(y.first));
  return rows.map((r) => ({
    leaves: r.leaves ? Buffer.from(r.leaves.buffer, r.leaves.byteOffset, r.leaves.byteLength) : Buffer.alloc(0),
    text: r.text ?? '',
    index: r.index ?? '',
  }));
}

/**
 * Sequenced entries with seq in [from, to) for the compact export's page: their contents (null
 * once redacted) in seq order, and their leaf hashes joined by PostgreSQL into one bytea (32 bytes
 * each). Why: a page holds 16,384 entries, and a bytea per row is a hex text parsed per row.
 */
export async function sequencedPage(ex: Executor, from: number, to: number): Promise<{ leaves: Buffer; rows: Array<{ seq: number; content: string | null }> }> {
  const joined = (
    await sql<{ leaves: Uint8Array | null }>`select string_agg(leaf_hash, ''::bytea order by seq) as leaves from logboek_leaves where seq >= ${from} and seq < ${to}`.execute(ex)
  ).rows[0];
  const rows = await ex
    .selectFrom('logboek_leaves as l')
    .innerJoin('logboek_entries as e', 'e.id', 'l.entry_id')
    .select(['l.seq', 'e.content'])
    .where('l.seq', '>=', from)
    .where('l.seq', '<', to)
    .orderBy('l.seq')
    .execute();
  const leaves = joined?.leaves ? Buffer.from(joined.leaves.buffer, joined.leaves.byteOffset, joined.leaves.byteLength) : Buffer.alloc(0);
  return { leaves, rows };
}
