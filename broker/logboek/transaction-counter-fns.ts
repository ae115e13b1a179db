/**
 * Whether the database's transaction counter is behind the logboek (pure).
 *
 * The sequencer places entries in the order of the transactions that wrote them (`tx`, a
 * `pg_current_xact_id()`, migration 0005), after the last placed entry. That order holds only if
 * every new transaction gets a higher id than every entry already written, which PostgreSQL
 * guarantees within one cluster. A logical restore (`pg_dump` into another cluster) keeps the
 * entries' `tx` but not the counter: the new cluster may hand out lower ids, and every entry
 * written then would sort before the tree's last leaf and never be placed, while the broker went
 * on answering. An entry at or above the next transaction id cannot exist in a healthy cluster, so
 * that is the test; the remedy is to move the cluster's counter past the highest entry
 * (docs/deployment.md, "Backup and restore").
 *
 * Invariant: `behindTheLog` returns a message exactly when some entry's `tx` >= `next`; the message
 * names only transaction ids, never an entry's content.
 */

/** The database's next transaction id and the highest `tx` of any logboek entry (xid8, as text). */
export interface TransactionCounter {
  readonly next: string;
  readonly highest: string | null;
}

/** Transactions per file of `pg_xact` (PostgreSQL's commit log): 32 pages of 8 KB, four per byte. */
const XACT_SEGMENT = 1n << 20n;

/**
 * The counter value to move a cluster to so that it is past `highest`, as `pg_resetwal` takes it:
 * the epoch (`-e`) and the 32-bit id (`-x`). Rounded up to the start of a `pg_xact` file, as
 * pg_resetwal's documentation advises for `-x`: PostgreSQL creates that file when it hands out the
 * file's first id, and a file that does not exist yet cannot be read for an id in its middle.
 */
export function resetTarget(highest: bigint): { epoch: bigint; xid: bigint } {
  const target = ((highest + 1n + XACT_SEGMENT - 1n) / XACT_SEGMENT) * XACT_SEGMENT;
  const epoch = target >> 32n;
  const xid = target & 0xffffffffn;
  // At an epoch's first id, skip to the next file: ids 0-2 are PostgreSQL's special ones.
  return { epoch, xid: xid === 0n ? XACT_SEGMENT : xid };
}

/**
 * Why the log cannot be sequenced on this cluster, or undefined when it can. The message tells
 * the operator the `pg_resetwal` values that move the counter past the highest entry.
 */
export function behindTheLog(c: TransactionCounter): string | undefined {
  if (c.highest === null) return undefined;
  const highest = BigInt(c.highest);
  const next = BigInt(c.next);
  if (highest < next) return undefined;
  const target = resetTarget(highest);
  return (
    `the database's next transaction id (${next}) is not above the logboek's highest entry (transaction ${highest}): ` +
    'entries written now would sort before the placed ones and never be placed in the tree. This happens after a ' +
    'pg_dump restore into another PostgreSQL cluster. Move the cluster\'s transaction counter past the log before ' +
    `starting the broker: stop the cluster and run pg_resetwal -e ${target.epoch} -x ${target.xid} (docs/deployment.md, "Backup and restore")`
  );
}
