import type { ColumnType } from 'kysely';

/**
 * A public JWS key registered to a partner: signed signal batches from that partner must
 * verify against one of its keys. Never deleted, so that every stored JWS stays
 * verifiable; a key that must no longer be used gets `revoked_at`.
 */
export interface PartnerKeyTable {
  partner_id: ColumnType<string, string, never>;
  kid: ColumnType<string, string, never>;
  /** The public JWK (RFC 7517), without private members. */
  public_jwk: ColumnType<Record<string, unknown>, string, never>;
  added_at: ColumnType<Date, Date | undefined, never>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/**
 * The compact JWS (RFC 7515) of an accepted signed batch, exactly as received: the
 * partner cannot later deny having sent it (non-repudiation). The logboek's
 * `signal-batch` entry names `jws_sha256`.
 */
export interface SignalBatchSignatureTable {
  partner_id: ColumnType<string, string, never>;
  batch_id: ColumnType<string, string, never>;
  kid: ColumnType<string, string, never>;
  jws: ColumnType<string, string, never>;
  jws_sha256: ColumnType<string, string, never>;
  received_at: ColumnType<Date, Date | undefined, never>;
}
