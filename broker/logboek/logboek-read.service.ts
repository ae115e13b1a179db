/**
 * Reading the logboek's checkpoints, proofs, tiles and entries.
 *
 * - Checkpoints (as JSON, and as a C2SP checkpoint note with its witnesses' cosignatures),
 *   inclusion and consistency proofs, and C2SP tlog-tiles Merkle tiles hold hashes only:
 *   anyone may fetch them, so that witnesses and third parties can check the broker without an
 *   account (RFC 9162 §4 offers the same to CT monitors).
 * - Entries hold who asked what about whom (as a hash): only roles with the
 *   `read-disclosures` capability may read them, as pages or as tlog-tiles entry bundles, and
 *   every read is itself logged. A redacted entry is read as what retention left: its leaf hash.
 *
 * Invariants: proofs and tiles are computed from stored complete nodes only, for sizes that
 * exist; a request beyond the tree's size is refused, never answered with a made-up hash.
 */
import type { LogReadDetails } from './log-vocabulary.js';
import type { Kysely } from 'kysely';
import type { JWK } from 'jose';
import type { Database, Executor } from '../db/database.js';
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import { givePageBuffer } from './page-buffers.js';
import { latestCheckpoint, listCheckpoints, nodeRange, sequencedEntries, sequencedPage, sequencedPageBlocks, treeSize, type SequencedEntry, type StoredCheckpoint } from './logboek.repository.js';
import { cosignaturesOf } from './cosignature.repository.js';
import { consistencyProof, inclusionProof } from './tree-proofs.js';
import { bundleRange, encodeBundle, tileExists, tileNodes, type TileRef } from './tiles.js';
import { splicedLeafInput } from './leaf-splice.js';
import { PageBlockError, pageFromBlocks, pageFromRows } from './bundle-page.js';
import { leafData } from './log-entry.js';
import type { UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const missingNode = (): Error => new AppError('internal', 'a Merkle node is missing from storage');

export interface CheckpointView {
  id: number;
  treeSize: number;
  rootHash: string;
  createdAt: string;
  jws: string;
  /** The C2SP checkpoint note with the witnesses' cosignatures; null for checkpoints from before notes. */
  note: string | null;
}

export interface LogEntryView {
  seq: number;
  leafHash: string;
  /** The stored content; verifiers hash JCS(content + seq) and compare with leafHash. */
  content: unknown;
}

export interface LogboekReadService {
  publicKey(): JWK;
  /** The current checkpoint key as a C2SP verifier key (Ed25519, named after the origin). */
  vkey(): string;
  origin(): string;
  checkpoints(afterId: number, limit: number): Promise<CheckpointView[]>;
  latestCheckpoint(): Promise<CheckpointView | undefined>;
  /** The newest checkpoint as a C2SP note with its cosignatures (tlog-tiles `/checkpoint`); undefined before the first note. */
  checkpointNote(): Promise<string | undefined>;
  /** A tlog-tiles Merkle tile: the concatenated hashes; undefined when it does not exist (yet). */
  tile(ref: TileRef & { level: number }): Promise<Uint8Array | undefined>;
  /** A tlog-tiles entry bundle (tiles.ts); logged like `entries`. Undefined when it does not exist (yet). */
  entryBundle(principal: Principal, ref: TileRef & { level: null }, traceId: string, purpose?: 'read' | 'export' | 'verify'): Promise<Uint8Array | undefined>;
  /**
   * Entries [fromSeq, fromSeq + limit) of the tree as it is now, in one read (the compact export,
   * bundle-export.ts): `body` is their level-0 hashes (32 bytes each), then the same entries as
   * tlog-tiles bundle bytes, built in one buffer. Logged like `entries`, once per call. `release`
   * gives the body's memory back for a later page (page-buffers.ts): call it once the body was
   * written (or the connection closed), and never read the body after.
   */
  entryBundles(principal: Principal, fromSeq: number, limit: number, traceId: string, purpose?: 'read' | 'export' | 'verify'): Promise<{ treeSize: number; entries: number; body: Buffer; release: () => void }>;
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

/**
 * The leaf bytes of an entry, JCS(content + {seq}), built as the sequencer sealed them
 * (sealLeafHash): the splice, or the full canonicalisation where it does not apply. The splice
 * is a view of a shared buffer, so it is copied.
 */
const leafBytes = (content: string, seq: number): Uint8Array => {
  const spliced = splicedLeafInput(Buffer.from(content, 'utf8'), seq);
  return spliced ? Buffer.from(spliced.subarray(1)) : leafData(content, seq);
};

/**
 * The compact export's page of entries [from, to) (bundle-page.ts): read as blocks of texts, or
 * as rows where an entry needs its full canonicalisation. Entries missing or out of place are an
 * internal error, never a page with a hole.
 */
async function readPage(trx: Executor, from: number, to: number): Promise<Buffer> {
  const missing = (why: string): AppError => new AppError('internal', `a sequenced entry is missing from storage (${why})`);
  let page: Buffer | undefined;
  try {
    page = pageFromBlocks(await sequencedPageBlocks(trx, from, to), from, to);
  } catch (err) {
    if (err instanceof PageBlockError) throw missing(err.message);
    throw err;
  }
  if (page) return page;
  const { leaves, rows } = await sequencedPage(trx, from, to);
  if (rows.length !== to - from || leaves.length !== 32 * rows.length) throw missing(`${rows.length} of ${to - from}`);
  return pageFromRows(leaves, rows);
}

export function createLogboekReadService(deps: {
  db: Kysely<Database>;
  uow: UnitOfWork;
  publicJwk: JWK;
  vkey: string;
  origin: string;
}): LogboekReadService {
  const { db } = deps;
  const count = (name: string, v: number): void => {
    if (!Number.isSafeInteger(v) || v < 0) throw validationError([{ pointer: `/${name}`, code: 'wrong-type', detail: 'must be a whole number, 0 or more' }]);
  };
  /** Checkpoints as the API shows them: the note with every cosignature stored for it. */
  const views = async (rows: StoredCheckpoint[]): Promise<CheckpointView[]> => {
    const cosignatures = await cosignaturesOf(db, rows.filter((c) => c.note !== null).map((c) => c.id));
    return rows.map((c) => ({
      id: c.id,
      treeSize: c.treeSize,
      rootHash: b64(c.rootHash),
      createdAt: c.createdAt.toISOString(),
      jws: c.jws,
      note: c.note === null ? null : c.note + cosignatures.filter((s) => s.checkpointId === c.id).map((s) => s.line).join(''),
    }));
  };
  /** Every read of entries is itself logged: log-read, log-export or log-verify by its purpose. */
  const logRead = (w: Work, purpose: 'read' | 'export' | 'verify', details: LogReadDetails): void =>
    w.log({ action: purpose === 'export' ? 'log-export' : purpose === 'verify' ? 'log-verify' : 'log-read', outcome: 'read', details });

  return {
    publicKey: () => deps.publicJwk,
    vkey: () => deps.vkey,
    origin: () => deps.origin,
    async checkpoints(afterId, limit) {
      return views(await listCheckpoints(db, afterId, limit));
    },
    async latestCheckpoint() {
      const c = await latestCheckpoint(db);
      return c && (await views([c]))[0];
    },
    async checkpointNote() {
      const c = await latestCheckpoint(db);
      if (!c || c.note === null) return undefined;
      return (await views([c]))[0]!.note!;
    },
    async tile(ref) {
      if (!tileExists(ref, await treeSize(db))) return undefined;
      const { level, first, width } = tileNodes(ref);
      const hashes = await nodeRange(db, level, first, width);
      if (hashes.length !== width) throw new AppError('internal', 'a Merkle node is missing from storage');
      return Buffer.concat(hashes);
    },
    entryBundle: (principal, ref, traceId, purpose = 'read') =>
      deps.uow.asPerson(principal, { capability: 'read-disclosures' }, traceId, async (w) => {
        if (!tileExists(ref, await treeSize(w.trx))) return undefined;
        const { from, to } = bundleRange(ref);
        const rows = await sequencedEntries(w.trx, from, to);
        if (rows.length !== to - from) throw new AppError('internal', 'a sequenced entry is missing from storage');
        logRead(w, purpose, { resource: 'entry-bundle', fromSeq: from, returned: rows.length });
        return encodeBundle(rows.map((r) => (r.content === null ? new Uint8Array(0) : leafBytes(r.content, r.seq))));
      }),
    entryBundles: (principal, fromSeq, limit, traceId, purpose = 'read') =>
      deps.uow.asPerson(principal, { capability: 'read-disclosures' }, traceId, async (w) => {
        count('fromSeq', fromSeq);
        const size = await treeSize(w.trx);
        const to = Math.min(size, fromSeq + limit);
        const entries = Math.max(0, to - fromSeq);
        const body = entries > 0 ? await readPage(w.trx, fromSeq, to) : Buffer.alloc(0);
        logRead(w, purpose, { resource: 'entry-bundle', fromSeq, returned: entries });
        return { treeSize: size, entries, body, release: () => givePageBuffer(body) };
      }),
    async inclusionProof(index, size) {
      count('index', index);
      count('treeSize', size);
      if (index >= size) throw validationError([{ pointer: '/index', code: 'too-large', detail: 'must be below treeSize' }]);
      if (size > (await treeSize(db))) throw validationError([{ pointer: '/treeSize', code: 'too-large', detail: 'is larger than the log' }]);
      // The leaf as the tree holds it (its level-0 node): the hash every proof is built from.
      const { leafHash, proof } = await inclusionProof(db, index, size, missingNode);
      return { index, treeSize: size, leafHash: b64(leafHash), proof: proof.map(b64) };
    },
    async consistencyProof(size1, size2) {
      count('size1', size1);
      count('size2', size2);
      // RFC 9162 defines no proof from the empty tree (§2.1.4): there is nothing to prove.
      if (size1 === 0) throw validationError([{ pointer: '/size1', code: 'too-small', detail: 'must be 1 or more: there is no consistency proof from the empty tree' }]);
      if (size1 > size2) throw validationError([{ pointer: '/size1', code: 'too-large', detail: 'must not exceed size2' }]);
      if (size2 > (await treeSize(db))) throw validationError([{ pointer: '/size2', code: 'too-large', detail: 'is larger than the log' }]);
      return { size1, size2, proof: (await consistencyProof(db, size1, size2, missingNode)).map(b64) };
    },
    entries: (principal, fromSeq, limit, traceId, purpose = 'read') =>
      deps.uow.asPerson(principal, { capability: 'read-disclosures' }, traceId, async (w) => {
        count('fromSeq', fromSeq);
        const size = await treeSize(w.trx);
        const rows = await sequencedEntries(w.trx, fromSeq, Math.min(size, fromSeq + limit));
        logRead(w, purpose, { resource: 'entries', fromSeq, returned: rows.length });
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
