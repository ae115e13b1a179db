/**
 * Reads the database's transaction counter against the logboek (transaction-counter-fns.ts).
 * One statement; `max(tx)` is the last key of `logboek_tx_ix`, so it does not scan the log.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { TransactionCounter } from './transaction-counter-fns.js';

/** The next transaction id to be assigned (`pg_snapshot_xmax`, which assigns none) and the highest entry's `tx`. */
export async function readTransactionCounter(ex: Executor): Promise<TransactionCounter> {
  const r = await sql<{ next: string; highest: string | null }>`
    select pg_snapshot_xmax(pg_current_snapshot())::text as next, (select max(tx) from logboek_entries)::text as highest`.execute(ex);
  return r.rows[0]!;
}
