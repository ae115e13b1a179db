/**
 * After a bulk fill, a `CHECKPOINT` before anything is measured (scenarios 7, 8 and 9).
 *
 * Why: filling millions of rows writes gigabytes of WAL, which makes PostgreSQL start checkpoints
 * (max_wal_size, 1 GB by default) that run on, spread over minutes, into the measurement after the
 * fill: the checkpointer writes the fill's dirty pages back, and every page first changed after a
 * checkpoint began goes into the WAL whole (full-page writes), so commits wait longer. Measured
 * (5 December 2026, scenario 9): the broker's p99 at 5,000,000 signals was 2.15x the 100,000 run's
 * while a checkpoint of the 4,000,000 new rows was writing 14,907 buffers; the fill is the
 * benchmark's own artefact, not part of what is measured. The checkpoint makes each measurement
 * start from the same state; the work a measurement itself writes still triggers its own
 * checkpoints, and is still paid for. Needs a superuser or pg_checkpoint (PostgreSQL 15+); without
 * it, says so and goes on.
 * https://www.postgresql.org/docs/15/wal-configuration.html
 */
import type pg from 'pg';

/** Forces a checkpoint on the client's server; returns false (and says why) where the role may not. */
export async function settleWal(client: pg.Client, say: (line: string) => void): Promise<boolean> {
  try {
    await client.query('checkpoint');
    return true;
  } catch (err) {
    say(`bench: no CHECKPOINT after the fill (${(err as Error).message}): the measurement may pay for the fill's checkpoints`);
    return false;
  }
}
