import type { ColumnType, Generated } from 'kysely';

/**
 * A minimal signal: partner, subject, category, dates and the partner's opaque ref.
 * Nothing else about the youth is ever stored. `subject_hash` is HMAC-SHA256(k_db, pseudonym).
 * A withdrawn signal is deleted, not flagged (AVG art. 5(1)(c), minimisation).
 */
export interface SignalTable {
  id: Generated<number>;
  partner_id: ColumnType<string, string, never>;
  subject_hash: ColumnType<Uint8Array, Uint8Array, never>;
  category: ColumnType<string, string, never>;
  registered_at: ColumnType<Date, Date, never>;
  /** Exclusive: the signal stops counting at this instant. */
  expires_at: ColumnType<Date, Date, never>;
  ref: ColumnType<string, string, never>;
  batch_id: ColumnType<string, string, never>;
  /** The custodian key epoch the pseudonym was computed under. */
  epoch: ColumnType<number, number | undefined, never>;
  received_at: ColumnType<Date, Date | undefined, never>;
}

/** One processed signal batch, kept so that a retry gets the same result and stores nothing twice. */
export interface SignalBatchTable {
  partner_id: ColumnType<string, string, never>;
  batch_id: ColumnType<string, string, never>;
  /** SHA-256 of the canonical batch body: the same batchId with other content is a conflict. */
  body_hash: ColumnType<string, string, never>;
  result: ColumnType<unknown, string, never>;
  received_at: ColumnType<Date, Date | undefined, never>;
}
