/**
 * The database's transaction counter against the logboek (transaction-counter-fns.ts): after a
 * `pg_dump` restore into another cluster, the counter may be below the entries' `tx`, and every
 * entry written then would sort before the tree's last leaf and never be placed. The sequencer
 * then stops as for a damaged log, and the broker refuses to start, naming the `pg_resetwal`
 * values that move the counter past the log. The restore is simulated by an entry whose `tx` lies
 * ahead of the counter, which is what such a cluster holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { generateKeyPair, exportJWK } from 'jose';
import type { Database } from '../../broker/db/database.js';
import { migrateToLatest } from '../../broker/db/migrate.js';
import { canonicalJson } from '../../broker/logboek/log-entry.js';
import { createLogSigner } from '../../broker/logboek/log-signer.js';
import { createSequencer, LogboekDamagedError } from '../../broker/logboek/sequencer.js';
import { behindTheLog, resetTarget } from '../../broker/logboek/transaction-counter-fns.js';
import { readTransactionCounter } from '../../broker/logboek/transaction-counter.repository.js';
import { createMigratedTestDatabase, openEngineDatabase } from '../support/test-database.js';
import { startTestBroker } from '../support/test-broker.js';

describe('behindTheLog', () => {
  it.each([
    ['an empty log', { next: '1000', highest: null }, undefined],
    ['entries below the counter', { next: '1000', highest: '999' }, undefined],
    ['an entry at the counter', { next: '1000', highest: '1000' }, 'pg_resetwal -e 0 -x 1048576'],
    ['an entry far ahead (a real restore: counter 1084, log 79954)', { next: '1084', highest: '79954' }, 'pg_resetwal -e 0 -x 1048576'],
    ['an entry just below a pg_xact file', { next: '750', highest: '1048575' }, 'pg_resetwal -e 0 -x 1048576'],
    ['an entry at a pg_xact file', { next: '750', highest: '1048576' }, 'pg_resetwal -e 0 -x 2097152'],
    ['an entry in a later epoch', { next: '750', highest: String(5n * 2n ** 32n + 41n) }, 'pg_resetwal -e 5 -x 1048576'],
    ['the last id of an epoch', { next: '750', highest: String(2n ** 32n - 1n) }, 'pg_resetwal -e 1 -x 1048576'],
  ])('%s', (_what, counter, expected) => {
    const message = behindTheLog(counter);
    if (expected === undefined) expect(message).toBeUndefined();
    else {
      expect(message).toContain(expected);
      expect(message).toContain(`(${counter.next})`);
    }
  });

  it.each([
    [0n, { epoch: 0n, xid: 1048576n }],
    [1048575n, { epoch: 0n, xid: 1048576n }],
    [2n ** 32n + 7n, { epoch: 1n, xid: 1048576n }],
    [2n ** 32n - 2n ** 20n - 1n, { epoch: 0n, xid: 2n ** 32n - 2n ** 20n }],
  ])('resetTarget(%s) is past it, at the start of a pg_xact file', (highest, expected) => {
    expect(resetTarget(highest)).toEqual(expected);
    expect(expected.epoch * 2n ** 32n + expected.xid).toBeGreaterThan(highest);
  });
});

let opened: { db: Kysely<Database>; close(): Promise<void> } | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function addEntry(db: Kysely<Database>, n: number, tx?: bigint): Promise<void> {
  const content = canonicalJson({ v: 1, action: 'log-read', n });
  if (tx === undefined) {
    await sql`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id)
              values (${content}, 'log-read', now(), 'test', 'read', 'trace')`.execute(db);
  } else {
    await sql`insert into logboek_entries (content, action, logged_at, actor_id, outcome, trace_id, tx)
              values (${content}, 'log-read', now(), 'test', 'read', 'trace', ${tx.toString()}::xid8)`.execute(db);
  }
}

const leaves = async (db: Kysely<Database>): Promise<number> => Number((await sql<{ n: number }>`select count(*)::int as n from logboek_leaves`.execute(db)).rows[0]!.n);

describe('a log whose entries lie ahead of the transaction counter', () => {
  it('stops the sequencer, which places nothing more, and names the pg_resetwal values', async () => {
    opened = await openEngineDatabase('jpp_txcounter');
    const { db } = opened;
    await migrateToLatest(db);
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const signer = await createLogSigner({ origin: 'test', signingJwk: { ...(await exportJWK(privateKey)), kid: 'test' } });
    const sequencer = createSequencer({ db, signer, checkpointEveryEntries: 1000, checkpointEverySeconds: 3600, now: () => new Date(), logger: pino({ enabled: false }) });

    await addEntry(db, 1);
    await addEntry(db, 2);
    expect(behindTheLog(await readTransactionCounter(db))).toBeUndefined();
    expect((await sequencer.drain()).treeSize).toBe(2);

    // What a restored cluster holds: an entry written by a transaction the counter has not reached.
    const ahead = BigInt((await readTransactionCounter(db)).next) + 1_000_000n;
    await addEntry(db, 3, ahead);
    await addEntry(db, 4); // written "after the restore": its tx is below the entry above
    const failure = await sequencer.runOnce().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LogboekDamagedError);
    expect((failure as Error).message).toContain(`pg_resetwal -e 0 -x ${resetTarget(ahead).xid}`);
    expect(await leaves(db)).toBe(2);
  });

  it.skipIf(!process.env['DATABASE_URL'])('keeps the broker from starting (PostgreSQL)', async () => {
    const database = await createMigratedTestDatabase(process.env['DATABASE_URL']!, 'jpp_txcounter');
    try {
      const { Kysely: K, PostgresDialect } = await import('kysely');
      const pg = (await import('pg')).default;
      const db = new K<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) });
      const ahead = BigInt((await readTransactionCounter(db)).next) + 1_000_000n;
      await addEntry(db, 1, ahead);
      await db.destroy();
      await expect(startTestBroker({ databaseUrl: database.url })).rejects.toThrow(`pg_resetwal -e 0 -x ${resetTarget(ahead).xid}`);
    } finally {
      await database.drop();
    }
  });
});
