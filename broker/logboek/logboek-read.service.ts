/**
 * Reading the logboek's proofs and entries.
 *
 * - Checkpoints, inclusion proofs and consistency proofs hold hashes only: anyone may
 *   fetch them, so that witnesses and third parties can check the broker without an
 *   account (RFC 9162 §4 offers the same to CT monitors).
 * - Entries hold who asked what about whom (as a hash): only roles with the
 *   `read-disclosures` capability may read them, and every read is itself logged.
 *
 * Invariants: proofs are computed from stored complete nodes only, for sizes that exist;
 * a request beyond the tree's size is refused, never answered with a made-up hash.
 */
import type { Kysely } from 'kysely';
import type { JWK } from 'jose';
import type { Database } from '../db/database.js';
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import { consistencyProofRanges, hashRanges, inclusionProofRanges, nodeReader, nodesForRanges, type LeafRange } from './merkle/tree-math.js';
import { getNodes, latestCheckpoint, listCheckpoints, sequencedEntries, treeSize, type StoredCheckpoint } from './logboek.repository.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const missingNode = (): Error => new AppError('internal', 'a Merkle node is missing from storage');

export interface CheckpointView {
  id: number;
  treeSize: number;
  rootHash: string;
  createdAt: string;
  jws: string;
}

export interface LogEntryView {
  seq: number;
  leafHash: string;
  /** The stored content; verifiers hash JCS(content + seq) and compare with leafHash. */
  content: unknown;
}

export interface LogboekReadService {
  publicKey(): JWK;
  origin(): string;
  checkpoints(afterId: number, limit: number): Promise<CheckpointView[]>;
  latestCheckpoint(): Promise<CheckpointView | undefined>;
  inclusionProof(index: number, size: number): Promise<{ index: number; treeSize: number; leafHash: string; proof: string[] }>;
  consistencyProof(size1: number, size2: number): Promise<{ size1: number; size2: number; proof: string[] }>;
  /** `purpose` decides how the read is logged: log-read, log-export or log-verify. */
  entries(
    principal: Principal,
    fromSeq: number,
    limit: number,
    traceId: string,
    purpose?: 'read' | 'export' | 'verify',
  ): Promise<{ entries: LogEntryView[]; treeSize: number; nextSeq: number | null }>;
}

const view = (c: StoredCheckpoint): CheckpointView => ({
  id: c.id,
  treeSize: c.treeSize,
  rootHash: b64(c.rootHash),
  createdAt: c.createdAt.toISOString(),
  jws: c.jws,
});

export function createLogboekReadService(deps: {
  db: Kysely<Database>;
  uow: UnitOfWork;
  publicJwk: JWK;
  origin: string;
}): LogboekReadService {
  const { db } = deps;
  const count = (name: string, v: number): void => {
    if (!Number.isSafeInteger(v) || v < 0) throw validationError([{ pointer: `/${name}`, detail: 'must be a whole number, 0 or more' }]);
  };
  const proofFor = async (ranges: LeafRange[]): Promise<string[]> => {
    const nodes = await getNodes(db, nodesForRanges(ranges));
    return hashRanges(ranges, nodeReader(nodes, missingNode)).map(b64);
  };

  return {
    publicKey: () => deps.publicJwk,
    origin: () => deps.origin,
    async checkpoints(afterId, limit) {
      return (await listCheckpoints(db, afterId, limit)).map(view);
    },
    async latestCheckpoint() {
      const c = await latestCheckpoint(db);
      return c && view(c);
    },
    async inclusionProof(index, size) {
      count('index', index);
      count('treeSize', size);
      if (index >= size) throw validationError([{ pointer: '/index', detail: 'must be below treeSize' }]);
      if (size > (await treeSize(db))) throw validationError([{ pointer: '/treeSize', detail: 'is larger than the log' }]);
      // The leaf as the tree holds it (its level-0 node): the hash every proof is built from.
      const leaf = nodeReader(await getNodes(db, [{ level: 0, index }]), missingNode)(0, index);
      return { index, treeSize: size, leafHash: b64(leaf), proof: await proofFor(inclusionProofRanges(index, size)) };
    },
    async consistencyProof(size1, size2) {
      count('size1', size1);
      count('size2', size2);
      if (size1 > size2) throw validationError([{ pointer: '/size1', detail: 'must not exceed size2' }]);
      if (size2 > (await treeSize(db))) throw validationError([{ pointer: '/size2', detail: 'is larger than the log' }]);
      return { size1, size2, proof: size1 === 0 || size1 === size2 ? [] : await proofFor(consistencyProofRanges(size1, size2)) };
    },
    entries: (principal, fromSeq, limit, traceId, purpose = 'read') =>
      deps.uow.asPerson(principal, { capability: 'read-disclosures' }, traceId, async (w) => {
        count('fromSeq', fromSeq);
        const size = await treeSize(w.trx);
        const rows = await sequencedEntries(w.trx, fromSeq, Math.min(size, fromSeq + limit));
        w.log({
          action: purpose === 'export' ? 'log-export' : purpose === 'verify' ? 'log-verify' : 'log-read',
          outcome: 'read',
          details: { resource: 'entries', fromSeq, returned: rows.length },
        });
        return {
          entries: rows.map((r) => ({ seq: r.seq, leafHash: b64(r.leafHash), content: r.content === null ? null : (JSON.parse(r.content) as unknown) })),
          treeSize: size,
          // Past the last entry returned, or past the window when it held none (a gap must not stall paging).
          nextSeq: (() => {
            const next = rows.length > 0 ? rows[rows.length - 1]!.seq + 1 : fromSeq + limit;
            return next < size ? next : null;
          })(),
        };
      }),
  };
}
