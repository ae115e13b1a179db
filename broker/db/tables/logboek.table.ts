import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;
type ImmutableOptional<T> = ColumnType<T | null, T | null | undefined, never>;

/**
 * One logboek entry (Logboek Dataverwerkingen; NEN 7513): every processing step, from a
 * disclosure to a read of the log itself.
 *
 * An entry is written, with its canonical `content`, in the transaction of the step it
 * records. The sequencer later gives it its place in the Merkle tree (`seq`, the leaf
 * index) and its `leaf_hash`; that NULL-to-value transition is the only UPDATE the
 * database allows. The other columns copy fields of `content` for filtering.
 * Retention (a later issue) is to redact `content` and the copies but never `leaf_hash`:
 * verification already accepts an entry known only by its leaf hash; the database guard
 * will admit that one more transition when retention is built (today it refuses it).
 */
export interface LogboekEntryTable {
  id: Generated<number>;
  /** Leaf index in the Merkle tree; null until sequenced. */
  seq: ColumnType<number | null, never, number>;
  /** RFC 9162 leaf hash of the canonical entry (content with seq); null until sequenced. */
  leaf_hash: ColumnType<Uint8Array | null, never, Uint8Array>;
  /** RFC 8785 canonical JSON of the entry without its seq. */
  content: Immutable<string>;
  action: Immutable<string>;
  logged_at: Immutable<Date>;
  actor_id: Immutable<string>;
  organisation_id: ImmutableOptional<string>;
  role_id: ImmutableOptional<string>;
  partner_id: ImmutableOptional<string>;
  doel: ImmutableOptional<string>;
  case_ref: ImmutableOptional<string>;
  outcome: Immutable<string>;
  subject_hash: ImmutableOptional<Uint8Array>;
  query_id: ImmutableOptional<string>;
  trace_id: Immutable<string>;
}

/** A complete subtree of the Merkle tree: its level (log2 of its leaf count), its index at that level, its hash. */
export interface LogboekNodeTable {
  level: Immutable<number>;
  idx: Immutable<number>;
  hash: Immutable<Uint8Array>;
}

/** A signed checkpoint (tree head): a JWS over {origin, treeSize, rootHash, time, previous}. */
export interface LogboekCheckpointTable {
  id: Generated<number>;
  tree_size: Immutable<number>;
  root_hash: Immutable<Uint8Array>;
  jws: Immutable<string>;
  created_at: Immutable<Date>;
}
