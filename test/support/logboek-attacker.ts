/**
 * What an insider with the database owner's rights can do to the logboek through SQL,
 * bypassing the append-only triggers (`set local session_replication_role = replica`,
 * which PostgreSQL and PGlite both honour for a superuser). The tamper and witness tests
 * use it to show that verification and witnesses catch each change.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../broker/db/database.js';
import { leafData } from '../../broker/logboek/log-entry.js';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { hashesCompletedByAppend, nodeKey } from '../../broker/logboek/merkle/tree-math.js';

/** Runs `statements` with the triggers switched off, and commits. */
export async function asAttacker(db: Kysely<Database>, statements: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await statements(trx);
  });
}

/**
 * Copies every logboek table (`logboek_%`: entries, leaves, nodes, checkpoints, aliases…) aside
 * and returns a function that puts them back exactly, with the triggers off as the attacker had
 * them, so that one prepared log can be attacked case after case. Only the logboek's rows are
 * put back: what an attack does is confined to them, and nothing else may have moved (the test's
 * sequencer must be stopped).
 */
export async function snapshotLogboek(db: Kysely<Database>): Promise<() => Promise<void>> {
  const tables = (
    await sql<{ name: string }>`select table_name as name from information_schema.tables
                                 where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name like 'logboek\_%'
                                 order by table_name`.execute(db)
  ).rows.map((r) => r.name);
  for (const t of tables) await sql`create table ${sql.id(`snapshot_${t}`)} as table ${sql.id(t)}`.execute(db);
  return () =>
    asAttacker(db, async (trx) => {
      for (const t of tables) {
        await sql`delete from ${sql.id(t)}`.execute(trx);
        await sql`insert into ${sql.id(t)} overriding system value select * from ${sql.id(`snapshot_${t}`)}`.execute(trx);
      }
    });
}

/** The entry at leaf index `seq`. */
export async function entryAt(ex: Kysely<Database>, seq: number): Promise<{ id: number; content: string; outcome: string }> {
  const r = await sql<{ id: number; content: string; outcome: string }>`
    select e.id, e.content, e.outcome from logboek_leaves l join logboek_entries e on e.id = l.entry_id where l.seq = ${seq}`.execute(ex);
  return r.rows[0]!;
}

/** Replaces the content of the entry at `seq` and its stored leaf hash, so that the two agree again. */
export async function forgeEntry(trx: Kysely<Database>, seq: number, forged: string): Promise<void> {
  await sql`update logboek_entries set content = ${forged} where id = (select entry_id from logboek_leaves where seq = ${seq})`.execute(trx);
  await sql`update logboek_leaves set leaf_hash = ${leafHash(leafData(forged, seq))} where seq = ${seq}`.execute(trx);
}

/** Recomputes every Merkle node from the stored leaf hashes, so that the stored tree is consistent again. */
export async function rebuildNodes(trx: Kysely<Database>): Promise<void> {
  const leaves = (await sql<{ seq: number; leaf_hash: Uint8Array }>`select seq, leaf_hash from logboek_leaves order by seq`.execute(trx)).rows;
  const nodes = new Map<string, Uint8Array>();
  await sql`delete from logboek_nodes`.execute(trx);
  for (const l of leaves) {
    for (const n of hashesCompletedByAppend(Number(l.seq), new Uint8Array(l.leaf_hash), (lv, i) => nodes.get(nodeKey(lv, i))!)) {
      nodes.set(nodeKey(n.level, n.index), n.hash);
      await sql`insert into logboek_nodes (level, idx, hash) values (${n.level}, ${n.index}, ${n.hash})`.execute(trx);
    }
  }
}
