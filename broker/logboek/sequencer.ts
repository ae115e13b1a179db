/**
 * The sequencer gives logged entries their place in the Merkle tree, in batches, and
 * writes signed checkpoints.
 *
 * Entries are written in the transactions of the steps they record ("no log, no answer"),
 * without a place in the tree. Giving every query its leaf inside its own transaction
 * would serialise all queries behind one lock; instead the sequencer takes the pending
 * entries in batches under a PostgreSQL advisory lock, so that any number of broker
 * processes on one database form one tree.
 *
 * Invariants:
 * - Only the holder of the advisory lock appends leaves, nodes and checkpoints.
 * - Leaves, nodes and the checkpoint of one run are written in one transaction (in parts, sent
 *   while the run hashes on; every part is awaited before the checkpoint is signed).
 * - A checkpoint is written when N entries were added since the last one, or T seconds
 *   passed and the tree grew, whichever comes first.
 * - A run places nothing while the database's transaction counter is behind the log's highest
 *   entry (after a restore into another cluster): it stops as for a damaged log, since entries
 *   written then would sort before the placed ones (transaction-counter-fns.ts).
 * - A run that fails because the database cannot be reached changes nothing (one transaction);
 *   the background loop simply runs again, so the sequencer recovers with the database.
 * - Each checkpoint is written as a C2SP signed note and as a JWS (log-signer.ts), chained to the
 *   one before; it is chained only to a checkpoint that is this log's own: signed by its key (or,
 *   during a key rotation, its previous key), for its origin, with the stored tree's root. The
 *   first checkpoint after a rotation announces the new key (log-signer.ts).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Executor } from '../db/database.js';
import { isDatabaseUnavailable } from '../db/database-faults.js';
import { decomposeRange, nodeReader, rangeHash } from './merkle/tree-math.js';
import { createAppend, foldRoot } from './merkle/batch-append.js';
import { sealLeafHash } from './leaf-splice.js';
import { verifyCheckpoint } from './checkpoint.js';
import { jwsDigestForNote, noteTextDigest, openCheckpoint } from './checkpoint-note.js';
import type { LogSigner } from './log-signer.js';
import {
  getNodes,
  insertCheckpoint,
  insertLeaves,
  insertNodes,
  latestCheckpoint,
  lockSequencer,
  nodeTreeSize,
  pendingEntries,
  treeSize,
  type StoredCheckpoint,
} from './logboek.repository.js';
import { readTransactionCounter } from './transaction-counter.repository.js';
import { behindTheLog } from './transaction-counter-fns.js';

export interface SequencerOptions {
  readonly db: Kysely<Database>;
  readonly signer: LogSigner;
  readonly checkpointEveryEntries: number;
  readonly checkpointEverySeconds: number;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Largest number of entries per run. */
  readonly batchSize?: number;
  /** Called after a run that wrote checkpoints has committed (e.g. to push them to witnesses). */
  readonly onCheckpoint?: () => void;
}

export interface SequencerRun {
  readonly sequenced: number;
  readonly treeSize: number;
  readonly checkpointId: number | undefined;
}

export interface Sequencer {
  /** Sequences what is pending now (one batch) and checkpoints if due. */
  runOnce(opts?: { forceCheckpoint?: boolean }): Promise<SequencerRun>;
  /** Runs until nothing is pending; used by tests and before export. */
  drain(opts?: { forceCheckpoint?: boolean }): Promise<SequencerRun>;
  /** Asks for a run soon; runs triggered while one is going coalesce into one more. */
  kick(): void;
  /** Starts the background loop (a run every `intervalMs`, and on kick). */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
  /** Why the sequencer stopped placing entries (a damaged log), or undefined while healthy. */
  damage(): string | undefined;
}

/** The log's storage lost entries, nodes or checkpoints: appending would fork it. */
export class LogboekDamagedError extends Error {
  override readonly name = 'LogboekDamagedError';
}

/** How many entries a run hashes between two turns of the event loop. */
const YIELD_EVERY = 1000;
/** How many entries' leaves and nodes a run sends to the database in one statement each, while it hashes on. */
const WRITE_EVERY = 2000;

const missingNode = (level: number, index: number): Error =>
  new LogboekDamagedError(`logboek node ${level}:${index} is missing; the sequencer stops`);

export function createSequencer(o: SequencerOptions): Sequencer {
  const batchSize = o.batchSize ?? 10_000;

  /**
   * A checkpoint is chained to only if it is this log's own: our signature, our origin, our root.
   * Returns which of our keys signed it: the previous one means a rotation is yet to be announced.
   */
  async function checkOwnCheckpoint(trx: Executor, c: StoredCheckpoint): Promise<'current' | 'previous'> {
    let body: { treeSize: number; rootHash: string };
    let by: 'current' | 'previous';
    try {
      if (c.note !== null) {
        const opened = openCheckpoint(c.note, o.signer.noteVerifiers, o.signer.origin);
        body = opened.body;
        by = opened.signedBy.some((s) => s.keyId === o.signer.keyId) ? 'current' : 'previous';
      } else {
        try {
          body = await verifyCheckpoint(c.jws, o.signer.publicJwk, o.signer.origin);
          by = 'current';
        } catch (err) {
          if (!o.signer.previous) throw err;
          body = await verifyCheckpoint(c.jws, o.signer.previous.publicJwk, o.signer.origin);
          by = 'previous';
        }
      }
    } catch (err) {
      throw new LogboekDamagedError(`checkpoint ${c.id} is not signed by this log's key (${(err as Error).message}); the sequencer stops`);
    }
    const nodes = await getNodes(trx, decomposeRange(0, c.treeSize));
    const root = rangeHash(0, c.treeSize, nodeReader(nodes, missingNode));
    if (body.treeSize !== c.treeSize || body.rootHash !== Buffer.from(root).toString('base64') || !Buffer.from(root).equals(Buffer.from(c.rootHash))) {
      throw new LogboekDamagedError(`checkpoint ${c.id} does not match the stored tree; the sequencer stops`);
    }
    return by;
  }

  /** The note's link to a checkpoint: its note text, or its JWS where it has no note. */
  const linkTo = (c: StoredCheckpoint): string => (c.note !== null ? noteTextDigest(c.note.slice(0, c.note.lastIndexOf('\n\n') + 1)) : jwsDigestForNote(c.jws));

  async function runOnce(opts: { forceCheckpoint?: boolean } = {}): Promise<SequencerRun> {
    const run = await o.db.transaction().execute(async (trx) => {
      await lockSequencer(trx);
      // After a restore into another cluster, new entries would sort before the placed ones (transaction-counter-fns.ts).
      const behind = behindTheLog(await readTransactionCounter(trx));
      if (behind !== undefined) throw new LogboekDamagedError(`${behind}; the sequencer stops`);
      const size0 = await treeSize(trx);
      const last = await latestCheckpoint(trx);
      // Refuse to build on a log that lost its newest entries or nodes: appending would
      // reuse their places and fork from every checkpoint already signed.
      const nodesSay = await nodeTreeSize(trx);
      if (nodesSay !== size0 || size0 < (last?.treeSize ?? 0)) {
        throw new LogboekDamagedError(
          `the logboek's entries end at ${size0}, its nodes at ${nodesSay}, and the latest checkpoint is at ${last?.treeSize ?? 0}: ` +
            'entries were removed; the sequencer stops until this is investigated (jpp-broker audit verify --database)',
        );
      }
      const pending = await pendingEntries(trx, batchSize);
      const frontier = decomposeRange(0, size0);
      const known = await getNodes(trx, frontier);
      if (known.size !== frontier.length) throw new LogboekDamagedError('logboek nodes of the tree\'s right edge are missing; the sequencer stops');
      const node = nodeReader(known, missingNode);
      // The sizes this run may sign (a checkpoint per N entries after the last one, and the
      // run's end): their roots are taken from the append's frontier as it passes them.
      const lastSize = last?.treeSize ?? 0;
      const size = size0 + pending.length;
      const append = createAppend(size0, frontier.map((c) => node(c.level, c.index)), pending.length);
      const roots = new Map<number, Uint8Array>();
      // The leaves and nodes are written in parts of WRITE_EVERY entries, each sent as soon as it
      // is hashed and not awaited until the end, so that PostgreSQL stores one part while this
      // process hashes the next (one connection: the statements run in order, in this transaction).
      const writes: Array<Promise<void>> = [];
      let written = 0;
      let nodeMark = 0;
      const writePart = (): void => {
        const end = append.leafHashes().length / 32;
        if (end === written) return;
        const added = append.nodesSince(nodeMark);
        writes.push(insertLeaves(trx, size0 + written, pending.slice(written, end).map((e) => e.id), append.leafHashes().subarray(32 * written, 32 * end)));
        writes.push(insertNodes(trx, added.levels, added.indexes, added.hashes));
        for (const w of writes.slice(-2)) w.catch(() => undefined); // awaited below, in order
        written = end;
        nodeMark = append.nodeCount();
      };
      for (let i = 0; i < pending.length; i++) {
        append.push(sealLeafHash(pending[i]!.content, size0 + i));
        const at = size0 + i + 1;
        if ((at - lastSize) % o.checkpointEveryEntries === 0 || at === size) roots.set(at, append.root());
        // Hashing is the broker's own CPU: let requests (and the database's answers) in between (a run seals thousands).
        if (i % YIELD_EVERY === YIELD_EVERY - 1) {
          if (i + 1 - written >= WRITE_EVERY) writePart();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      writePart();
      for (const w of writes) await w;
      /** The root at `treeSize`: from this run's append, or from the stored nodes for a size it did not pass. */
      const rootOf = async (treeSize: number): Promise<Uint8Array> => {
        const taken = roots.get(treeSize) ?? (treeSize === size0 && size0 > 0 ? foldRoot(frontier.map((c) => node(c.level, c.index))) : undefined);
        if (taken) return taken;
        const stored = await getNodes(trx, decomposeRange(0, treeSize));
        return rangeHash(0, treeSize, nodeReader(stored, missingNode));
      };

      // A checkpoint for every N entries, also when one run placed many more; then one for
      // the rest when T seconds passed (or one is asked for).
      let checkpointId: number | undefined;
      let previous = last;
      let signedBy: 'current' | 'previous' | undefined;
      const sign = async (treeSize: number): Promise<void> => {
        // Chain only to this log's own, matching checkpoint; checked once, before signing.
        if (last && signedBy === undefined) signedBy = await checkOwnCheckpoint(trx, last);
        const root = await rootOf(treeSize);
        const createdAt = o.now();
        const { jws, note } = await o.signer.sign({
          treeSize,
          rootHash: Buffer.from(root).toString('base64'),
          time: createdAt,
          previousJws: previous ? previous.jws : null,
          previousLink: previous ? linkTo(previous) : null,
          // The first checkpoint after the key changed announces the new key, signed by the old one.
          announce: signedBy === 'previous',
        });
        signedBy = 'current';
        checkpointId = await insertCheckpoint(trx, { treeSize, rootHash: root, jws, note, createdAt });
        previous = { id: checkpointId, treeSize, rootHash: root, jws, note, createdAt };
      };
      if (size > (last?.treeSize ?? 0)) {
        while (size - (previous?.treeSize ?? 0) >= o.checkpointEveryEntries) await sign((previous?.treeSize ?? 0) + o.checkpointEveryEntries);
        const age = previous ? (o.now().getTime() - previous.createdAt.getTime()) / 1000 : Infinity;
        if (size > (previous?.treeSize ?? 0) && (age >= o.checkpointEverySeconds || opts.forceCheckpoint)) await sign(size);
      }
      return { sequenced: pending.length, treeSize: size, checkpointId };
    });
    if (run.checkpointId !== undefined) o.onCheckpoint?.();
    return run;
  }

  let damaged: string | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const loop = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = runOnce()
      .then((r) => {
        if (r.sequenced === batchSize) again = true;
      })
      .then(() => {
        damaged = undefined;
      })
      .catch((err: unknown) => {
        if (err instanceof LogboekDamagedError) damaged = err.message;
        if (isDatabaseUnavailable(err)) o.logger.warn({ err }, 'logboek sequencer: the database cannot be reached; the next run tries again');
        else o.logger.error({ err }, 'logboek sequencer run failed');
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          setImmediate(loop);
        }
      });
  };

  return {
    runOnce,
    async drain(opts = {}) {
      await running;
      let last: SequencerRun;
      do last = await runOnce(opts);
      while (last.sequenced === batchSize);
      return last;
    },
    damage: () => damaged,
    kick: () => {
      if (!stopped) loop();
    },
    start(intervalMs = 1000) {
      stopped = false;
      timer = setInterval(loop, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
