/** Processed signal batches: the idempotency record of POST /v1/signals. */
import type { Executor } from '../db/database.js';

export interface StoredBatch {
  readonly bodyHash: string;
  readonly result: unknown;
}

export async function findBatch(ex: Executor, partnerId: string, batchId: string): Promise<StoredBatch | undefined> {
  const row = await ex
    .selectFrom('signal_batches')
    .select(['body_hash', 'result'])
    .where('partner_id', '=', partnerId)
    .where('batch_id', '=', batchId)
    .executeTakeFirst();
  return row && { bodyHash: row.body_hash, result: row.result };
}

/** Records a batch. Returns false when the same batch was recorded first by another transaction. */
export async function recordBatch(
  ex: Executor,
  batch: { partnerId: string; batchId: string; bodyHash: string; result: unknown },
): Promise<boolean> {
  const rows = await ex
    .insertInto('signal_batches')
    .values({ partner_id: batch.partnerId, batch_id: batch.batchId, body_hash: batch.bodyHash, result: JSON.stringify(batch.result) })
    .onConflict((oc) => oc.columns(['partner_id', 'batch_id']).doNothing())
    .returning('batch_id')
    .execute();
  return rows.length === 1;
}
