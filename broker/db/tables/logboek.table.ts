import type { ColumnType, Generated } from 'kysely';

type Immutable<T> = ColumnType<T, T, never>;
type ImmutableOptional<T> = ColumnType<T | null, T | null | undefined, never>;

/**
 * One logboek entry (Logboek Dataverwerkingen; NEN 7513): every processing step, from a
 * disclosure to a read of the log itself.
 *
 * An entry is written, with its canonical `content`, in the transaction of the step it
 * records, and is never updated: its place in the Merkle tree is a row of
 * `logboek_leaves`, which the sequencer inserts later. `tx` is the writing transaction's
 * id, by which the sequencer finds entries in commit-safe order (migration 0005). The other
 * columns copy fields of `content` for filtering.
 * Retention (a later issue) is to redact `content` and the copies, never the leaf: its
 * hash stays in `logboek_leaves`, and verification accepts an entry known only by it.
 */
export interface LogboekEntryTable {
  id: Generated<number>;
  /** The writing transaction's id (`pg_current_xact_id()`), as text; set by the database. */
  tx: ColumnType<string, never, never>;
  /** RFC 8785 canonical JSON of the entry without its seq; NULL once retention redacted it (0009). */
  content: ColumnType<string | null, string, never>;
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

/** A leaf of the Merkle tree: the entry at index `seq` and its RFC 9162 leaf hash. Insert-only. */
export interface LogboekLeafTable {
  seq: Immutable<number>;
  entry_id: Immutable<number>;
  /** SHA-256(0x00 || JCS(content + {seq})). */
  leaf_hash: Immutable<Uint8Array>;
}

/**
 * Another hash of an entry's subject (`details.alsoSubjects` in its content: the same youth
 * under another key epoch), as an index for inzage and legal holds (migration 0011).
 * Insert-only; a row goes only with its entry's redaction.
 */
export interface LogboekSubjectAliasTable {
  subject_hash: Immutable<Uint8Array>;
  entry_id: Immutable<number>;
}

/**
 * One answer of a `question` entry (its index in `details.answers`, its partner and outcome), as an
 * index for the per-partner readers (migration 0220). Insert-only, never deleted (redaction keeps
 * it, as it keeps an entry's partner and outcome columns).
 */
export interface LogboekDisclosureTable {
  entry_id: Immutable<number>;
  answer: Immutable<number>;
  partner_id: Immutable<string>;
  outcome: Immutable<string>;
}

/**
 * One record of a chunked `signal-intake` entry (its index in `details.records`) under its subject's
 * hash, as an index for the readers by subject (migration 0240). Insert-only; a row goes only with
 * its entry's redaction, as a subject alias does.
 */
export interface LogboekIntakeRecordTable {
  entry_id: Immutable<number>;
  record: Immutable<number>;
  subject_hash: Immutable<Uint8Array>;
}

/** A complete subtree of the Merkle tree: its level (log2 of its leaf count), its index at that level, its hash. */
export interface LogboekNodeTable {
  level: Immutable<number>;
  idx: Immutable<number>;
  hash: Immutable<Uint8Array>;
}

/**
 * A signed checkpoint (tree head): a JWS over {origin, treeSize, rootHash, time, previous}, and
 * since migration 0030 the same as a C2SP tlog-checkpoint signed note (NULL for older rows).
 */
export interface LogboekCheckpointTable {
  id: Generated<number>;
  tree_size: Immutable<number>;
  root_hash: Immutable<Uint8Array>;
  jws: Immutable<string>;
  note: ImmutableOptional<string>;
  created_at: Immutable<Date>;
}

/** A witness's tlog-cosignature of a checkpoint's note (migration 0030). Insert-only. */
export interface LogboekCosignatureTable {
  checkpoint_id: Immutable<number>;
  /** The witness's key name. */
  witness: Immutable<string>;
  /** The key ID of its cosignature key (uint32). */
  key_id: Immutable<number>;
  /** The signature line, newline included, as the witness answered it. */
  line: Immutable<string>;
  /** The time inside the cosignature. */
  cosigned_at: Immutable<Date>;
  received_at: ColumnType<Date, Date | undefined, never>;
}
