/**
 * Witness cosignatures at rest (logboek_cosignatures, migration 0030): insert and read only; the
 * database refuses every UPDATE, DELETE and TRUNCATE. Only cosignatures that were checked against
 * the witness's configured key are stored (witness-pusher.ts).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface StoredCosignature {
  readonly checkpointId: number;
  readonly witness: string;
  readonly keyId: number;
  /** The signature line, newline included. */
  readonly line: string;
  readonly cosignedAt: Date;
}

/** Stores cosignatures; one that is already stored (same checkpoint, witness and key) is kept as it was. */
export async function insertCosignatures(ex: Executor, rows: readonly StoredCosignature[]): Promise<void> {
  if (rows.length === 0) return;
  await ex
    .insertInto('logboek_cosignatures')
    .values(rows.map((r) => ({ checkpoint_id: r.checkpointId, witness: r.witness, key_id: r.keyId, line: r.line, cosigned_at: r.cosignedAt })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The cosignatures of these checkpoints, in the order they were received. */
export async function cosignaturesOf(ex: Executor, checkpointIds: readonly number[]): Promise<StoredCosignature[]> {
  if (checkpointIds.length === 0) return [];
  const rows = await ex
    .selectFrom('logboek_cosignatures')
    .select(['checkpoint_id', 'witness', 'key_id', 'line', 'cosigned_at'])
    .where('checkpoint_id', 'in', [...checkpointIds])
    .orderBy('received_at')
    .orderBy('witness')
    .execute();
  return rows.map((r) => ({ checkpointId: r.checkpoint_id, witness: r.witness, keyId: r.key_id, line: r.line, cosignedAt: r.cosigned_at }));
}

/**
 * The largest tree size this witness key has cosigned for this log, or 0: the `old` size of the
 * next add-checkpoint (tlog-witness), unless the witness says otherwise (409).
 */
export async function lastCosignedSize(ex: Executor, witness: string, keyId: number): Promise<number> {
  const r = await ex
    .selectFrom('logboek_cosignatures as w')
    .innerJoin('logboek_checkpoints as c', 'c.id', 'w.checkpoint_id')
    .select(sql<number>`coalesce(max(c.tree_size), 0)::bigint`.as('n'))
    .where('w.witness', '=', witness)
    .where('w.key_id', '=', keyId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The newest checkpoint with a note that at least `quorum` of the given witness keys cosigned,
 * with its id, size and time; undefined when there is none.
 */
export async function latestWitnessed(
  ex: Executor,
  keys: ReadonlyArray<{ witness: string; keyId: number }>,
  quorum: number,
): Promise<{ id: number; treeSize: number; createdAt: Date } | undefined> {
  if (keys.length === 0 || quorum < 1) return undefined;
  const r = await sql<{ id: number; tree_size: number; created_at: Date }>`
    select c.id, c.tree_size, c.created_at
      from logboek_checkpoints c
     where c.note is not null
       and (select count(*) from logboek_cosignatures w
             where w.checkpoint_id = c.id
               and (w.witness, w.key_id) in (select * from unnest(${keys.map((k) => k.witness)}::text[], ${keys.map((k) => k.keyId)}::bigint[]))) >= ${quorum}
     order by c.id desc
     limit 1`.execute(ex);
  const row = r.rows[0];
  return row && { id: Number(row.id), treeSize: Number(row.tree_size), createdAt: new Date(row.created_at) };
}

/** The oldest checkpoint after `afterId` (a note), or undefined: since when the log has been waiting for witnesses. */
export async function firstCheckpointAfter(ex: Executor, afterId: number): Promise<{ id: number; treeSize: number; createdAt: Date } | undefined> {
  const r = await ex
    .selectFrom('logboek_checkpoints')
    .select(['id', 'tree_size', 'created_at'])
    .where('id', '>', afterId)
    .where('note', 'is not', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r && { id: r.id, treeSize: r.tree_size, createdAt: r.created_at };
}

/**
 * Checkpoints that announce a new log key (a `key` extension line, checkpoint-note.ts) among those
 * after `afterSize` and before checkpoint `beforeId` that this witness key has not cosigned, oldest
 * first: a witness must see an announcement before it can check what the new key signed.
 */
export async function uncosignedAnnouncements(ex: Executor, witness: string, keyId: number, afterSize: number, beforeId: number): Promise<Array<{ id: number; treeSize: number; note: string }>> {
  const r = await sql<{ id: number; tree_size: number; note: string }>`
    select c.id, c.tree_size, c.note from logboek_checkpoints c
     where c.id < ${beforeId} and c.tree_size >= ${afterSize} and c.note is not null
       and position(${'\nkey '} in c.note) > 0
       and not exists (select 1 from logboek_cosignatures w where w.checkpoint_id = c.id and w.witness = ${witness} and w.key_id = ${keyId})
     order by c.id`.execute(ex);
  return r.rows.map((x) => ({ id: Number(x.id), treeSize: Number(x.tree_size), note: x.note }));
}
