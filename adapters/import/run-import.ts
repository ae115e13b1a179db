/**
 * One import run: a partner export in, minimal signed signals out. The CLI's `import`
 * command and the SDK (adapters/index.ts) both call this.
 *
 * Steps: read and map every row (mapping.ts, map-row.ts) → replace the signals whose
 * record changed or whose pseudonym is of an older key epoch (withdraw, then send again)
 * → pseudonymise the new rows through the key custodian, in batches → sign each batch
 * (JWS) and submit it → in snapshot mode, withdraw the refs no longer in the export →
 * record the new state. Refs the broker erased on a verzoek van een betrokkene (AVG art. 17:
 * its tasks answered `withdrawn`, or a batch rejection with code `erased`) are skipped and never
 * sent again; the report says how many, and how many tasks are open.
 *
 * Invariants:
 * - Nothing identifying leaves the partner: the custodian sees blinded elements, the
 *   broker pseudonyms; the journal and every report hold refs, counts and reasons only.
 * - Idempotent and resumable: the run id is derived from the previous completed run, the
 *   export, the mapping, the mode and the key epoch, and batch ids from the run id; a run
 *   that stopped halfway is continued, not repeated (journal.ts).
 * - Rows outside the doelgroep are never sent, not even pseudonymised.
 * - A dry run contacts nobody: it reads, maps and counts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { BatchResult, BrokerClientOptions } from '../broker-client.js';
import { BrokerRefusal, listVerzoekTaken, submitBatch, submitSignedBatch, withdrawSignal } from '../broker-client.js';
import { fetchCustodianKeys, pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import { createPseudonymisePool } from '../pseudonymisation/pseudonymise-pool.js';
import type { VoprfSuite } from '../../protocol/pseudonymisation/voprf-suite.js';
import type { BatchSigner } from '../transport/sign-batch.js';
import { openJournal, type KnownRef } from './journal.js';
import { mapRow, type MappedSignal } from './map-row.js';
import type { AdapterMapping } from './mapping.js';
import { readExport } from './read-export.js';

export type ImportMode = 'delta' | 'snapshot';

export interface ImportOptions {
  readonly mapping: AdapterMapping;
  readonly exportFile: string;
  readonly mode: ImportMode;
  /** The adapter's state directory for this partner (journal.ts). */
  readonly stateDir: string;
  readonly broker: BrokerClientOptions;
  readonly custodian: { readonly baseUrl: string; readonly token: string; readonly suite?: VoprfSuite };
  /** Signs each batch (JWS). Without it, batches go as plain JSON, which only a demo broker takes. */
  readonly signer?: BatchSigner;
  /** Signals per batch (at most 1000, the broker's limit). Default 500. */
  readonly batchSize?: number;
  /** Batches pseudonymised ahead of the one being submitted, concurrently. Default 3, or three per thread. */
  readonly pseudonymiseAhead?: number;
  /**
   * Worker threads that pseudonymise (pseudonymise-pool.ts, each with libsodium; `custodian.suite`
   * is then not used). Default 0: in this thread.
   */
  readonly pseudonymiseThreads?: number;
  readonly dryRun?: boolean;
  /** The day of the import, YYYY-MM-DD (default: today, UTC). */
  readonly today?: string;
  readonly onProgress?: (progress: Readonly<ImportProgress>) => void;
}

export interface ImportProgress {
  read: number;
  sent: number;
  skipped: number;
  rejected: number;
  withdrawn: number;
}

export interface RowRejection {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

export interface ImportReport extends ImportProgress {
  readonly runId: string;
  readonly mode: ImportMode;
  readonly dryRun: boolean;
  /** Whether this run continued one that had stopped halfway. */
  readonly resumed: boolean;
  readonly epoch: number | null;
  /** Already at the broker before this run (by an earlier run), so not sent again. */
  readonly unchanged: number;
  /** Changed or re-keyed records: withdrawn and sent again. */
  readonly replaced: number;
  /** Snapshot mode: refs no longer in the export, to be withdrawn (dry run: that would be). */
  readonly toWithdraw: number;
  /** Signals the broker already held (a replayed or overlapping batch). */
  readonly duplicate: number;
  /** `erased`: refs the broker erased at a data subject's request (AVG art. 17), not sent again. */
  readonly skippedBy: { outsideDoelgroep: number; unmappedCode: number; expired: number; erased: number };
  /** Tasks from verzoeken van betrokkenen waiting for this partner's answer (null: not asked, e.g. a dry run). */
  readonly openTaken: number | null;
  /** Signals sent (dry run: that would be sent), per category. */
  readonly categories: Record<string, number>;
  readonly rejections: RowRejection[];
  readonly batches: number;
}

const DAY = (d: Date): string => d.toISOString().slice(0, 10);

/** Letters only: an opaque id that cannot hold a digit run the broker would take for a BSN or a date. */
function letters(hex: string, n: number): string {
  return [...Buffer.from(hex, 'hex').subarray(0, n)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

const fingerprint = (s: MappedSignal): string =>
  createHash('sha256').update(`${s.category}|${s.registeredAt}|${s.expiresAt}`).digest('base64url').slice(0, 16);

async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function runImport(o: ImportOptions): Promise<ImportReport> {
  const { mapping } = o;
  const partner = mapping.partner;
  const batchSize = Math.min(Math.max(o.batchSize ?? 500, 1), 1000);
  const today = o.today ?? DAY(new Date());
  const journal = openJournal(o.stateDir, partner);
  const state = journal.readState();
  const progress: ImportProgress = { read: 0, sent: 0, skipped: 0, rejected: 0, withdrawn: 0 };
  const tell = (): void => o.onProgress?.({ ...progress });
  const skippedBy = { outsideDoelgroep: 0, unmappedCode: 0, expired: 0, erased: 0 };
  // 0. Refs erased at the broker on a verzoek (AVG art. 17): known from the state, and from this partner's answered tasks.
  const erased = new Set<string>(state.erased ?? []);
  let openTaken: number | null = null;
  if (!o.dryRun) {
    try {
      const taken = await listVerzoekTaken(o.broker, 'all');
      for (const t of taken) if (t.status === 'withdrawn') for (const ref of t.refs) erased.add(ref);
      openTaken = taken.filter((t) => t.status === 'open').length;
    } catch (err) {
      // A broker without the rights desk's tasks (404): the batch rejections still say which refs are erased.
      if (!(err instanceof BrokerRefusal && err.status === 404)) throw err;
    }
  }
  for (const ref of erased) delete state.refs[ref];
  const rejections: RowRejection[] = [];
  const categories: Record<string, number> = {};

  // 1. Read and map.
  const toSend: Array<{ line: number; signal: MappedSignal; f: string }> = [];
  const keep = new Set<string>(); // refs that stay at the broker (in the export)
  const replace: string[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  const refColumn = mapping.ref.column;
  for await (const row of readExport(o.exportFile, mapping.source)) {
    progress.read += 1;
    if ('error' in row) {
      rejections.push({ line: row.line, field: '(line)', reason: row.error });
    } else {
      const out = mapRow(row.record, mapping, today);
      if (out.kind === 'rejected') {
        rejections.push({ line: row.line, field: out.field, reason: out.reason });
        // A record that is in the export but unreadable tonight is not withdrawn for it.
        const raw = (row.record[refColumn] ?? '').trim();
        if (raw) keep.add(`${mapping.ref.prefix ?? ''}${raw}`);
      } else if (out.kind === 'skipped') {
        progress.skipped += 1;
        skippedBy[out.reason === 'outside-doelgroep' ? 'outsideDoelgroep' : out.reason === 'unmapped-code' ? 'unmappedCode' : 'expired'] += 1;
      } else if (erased.has(out.signal.ref)) {
        progress.skipped += 1;
        skippedBy.erased += 1;
      } else if (seen.has(out.signal.ref)) {
        rejections.push({ line: row.line, field: refColumn, reason: 'the same ref appears twice in the export' });
      } else {
        seen.add(out.signal.ref);
        keep.add(out.signal.ref);
        toSend.push({ line: row.line, signal: out.signal, f: fingerprint(out.signal) });
      }
    }
    if (progress.read % 1000 === 0) tell();
  }
  progress.rejected = rejections.length;
  tell();

  // 2. Which rows are new, changed or re-keyed. (The epoch is the custodian's current one.)
  let epoch: number | null = null;
  let publicKey: string | undefined;
  if (!o.dryRun) {
    const keys = await fetchCustodianKeys(o.custodian.baseUrl);
    epoch = keys.current;
    publicKey = keys.epochs.find((e) => e.epoch === epoch)?.publicKey;
    const pinned = state.pinned[String(epoch)];
    if (pinned && publicKey !== pinned) {
      throw new Error(`the custodian's key for epoch ${epoch} differs from the key pinned in ${o.stateDir}; refusing to use it`);
    }
  }
  const pending = toSend.filter(({ signal, f }) => {
    const known = state.refs[signal.ref];
    if (!known) return true;
    if (known.f === f && (epoch === null || known.e === epoch)) {
      unchanged += 1;
      return false;
    }
    replace.push(signal.ref);
    return true;
  });
  for (const { signal } of pending) categories[signal.category] = (categories[signal.category] ?? 0) + 1;
  const gone = o.mode === 'snapshot' ? Object.keys(state.refs).filter((ref) => !keep.has(ref)) : [];

  const exportHash = await fileHash(o.exportFile);
  const runId = letters(
    createHash('sha256')
      // Erased refs change what is sent: a run that leaves them out is another run (its batches differ).
      .update(JSON.stringify([partner, o.mode, state.lastCompletedRun, exportHash, mapping, epoch, batchSize, today, ...(erased.size > 0 ? [[...erased].sort()] : [])]))
      .digest('hex'),
    20,
  );
  const report = (extra: { resumed: boolean; duplicate: number; batches: number }): ImportReport => ({
    ...progress,
    runId,
    mode: o.mode,
    dryRun: o.dryRun ?? false,
    epoch,
    unchanged,
    replaced: replace.length,
    toWithdraw: gone.length,
    skippedBy,
    openTaken,
    categories,
    rejections,
    ...extra,
  });
  if (o.dryRun) {
    return report({ resumed: false, duplicate: 0, batches: Math.ceil(pending.length / batchSize) });
  }

  const done = journal.linesOf(runId);
  if (done.some((l) => l.step === 'complete')) {
    return report({ resumed: true, duplicate: 0, batches: 0 });
  }
  const resumed = done.length > 0;
  const withdrawnBefore = new Set(done.flatMap((l) => (l.step === 'withdrawn' ? l.refs : [])));
  const batchesBefore = new Map(done.flatMap((l) => (l.step === 'batch' ? [[l.batchId, l] as const] : [])));
  if (publicKey && !state.pinned[String(epoch)]) state.pinned[String(epoch)] = publicKey;

  const withdrawAll = async (refs: readonly string[]): Promise<void> => {
    const todo = refs.filter((r) => !withdrawnBefore.has(r));
    progress.withdrawn += refs.length - todo.length;
    for (let i = 0; i < todo.length; i += 100) {
      const chunk = todo.slice(i, i + 100);
      for (const ref of chunk) {
        try {
          await withdrawSignal(o.broker, ref);
        } catch (err) {
          // Already gone (e.g. withdrawn before a crash, or expired and purged): the goal is reached.
          if (!(err instanceof BrokerRefusal && err.status === 404)) throw err;
        }
      }
      journal.append({ run: runId, step: 'withdrawn', refs: chunk, at: new Date().toISOString() });
      progress.withdrawn += chunk.length;
      tell();
    }
  };

  // 3. Replace changed and re-keyed records: withdraw them first (a known ref is otherwise a duplicate).
  await withdrawAll(replace);

  // 4. Pseudonymise, sign and submit, batch by batch.
  let duplicate = 0;
  let batches = 0;
  const stored: Record<string, KnownRef> = {};
  const plan = Array.from({ length: Math.ceil(pending.length / batchSize) }, (_, n) => ({
    batchId: `${partner}-${runId}-b${n}`,
    slice: pending.slice(n * batchSize, (n + 1) * batchSize),
  }));
  // Pseudonymise the next batches while the broker stores this one. Each batch is blinded
  // here, evaluated by the custodian (another process) and finalised here, in that order, so
  // with one batch in flight this process and the custodian mostly wait for each other;
  // with a few in flight, both work (docs/performance.md, scenario 6).
  const custodian = { baseUrl: o.custodian.baseUrl, token: o.custodian.token, pinned: state.pinned };
  const pseudonymsOf = (slice: typeof pending): Promise<string[]> => {
    const identities = slice.map((x) => x.signal.identity);
    const done = pool
      ? pool.pseudonymise(custodian, identities, { epoch: epoch! })
      : pseudonymise({ ...custodian, ...(o.custodian.suite ? { suite: o.custodian.suite } : {}) }, identities, { epoch: epoch! });
    return done.then((r) => r.pseudonyms);
  };
  const todo = plan.filter((b) => !batchesBefore.has(b.batchId));
  const pool = (o.pseudonymiseThreads ?? 0) > 0 && todo.length > 0 ? createPseudonymisePool(o.pseudonymiseThreads!) : undefined;
  for (const b of plan) {
    const before = batchesBefore.get(b.batchId);
    if (before && before.step === 'batch') {
      Object.assign(stored, before.stored);
      progress.sent += before.accepted;
      duplicate += before.duplicate;
      batches += 1;
    }
  }
  const depth = Math.max(o.pseudonymiseAhead ?? Math.max(3, 3 * (pool?.threads ?? 0)), 1);
  const ahead: Array<Promise<string[]>> = [];
  const prefetch = (t: number): void => {
    if (t >= todo.length) return;
    const p = pseudonymsOf(todo[t]!.slice);
    // An unhandled rejection of a prefetch must not crash the run before it is awaited.
    p.catch(() => undefined);
    ahead.push(p);
  };
  try {
    for (let t = 0; t < depth; t += 1) prefetch(t);
    for (let t = 0; t < todo.length; t += 1) {
      const { batchId, slice } = todo[t]!;
      const pseudonyms = await ahead.shift()!;
      prefetch(t + depth);
      const body = {
        batchId,
        signals: slice.map(({ signal }, k) => ({
          subject: pseudonyms[k]!,
          epoch: epoch!,
          category: signal.category,
          registeredAt: signal.registeredAt,
          expiresAt: signal.expiresAt,
          ref: signal.ref,
        })),
      };
      const result: BatchResult = o.signer ? await submitSignedBatch(o.broker, await o.signer.sign(body)) : await submitBatch(o.broker, body);
      const rejectedAt = new Set(result.rejections.map((r) => r.index));
      const batchStored: Record<string, KnownRef> = {};
      slice.forEach(({ signal, f }, k) => {
        if (!rejectedAt.has(k)) batchStored[signal.ref] = { e: epoch!, f };
      });
      for (const r of result.rejections) {
        if (r.code === 'erased') {
          // Erased since the tasks were read: skipped, and never sent again.
          erased.add(slice[r.index]!.signal.ref);
          progress.skipped += 1;
          skippedBy.erased += 1;
          continue;
        }
        rejections.push({ line: slice[r.index]!.line, field: `broker ${r.pointer.replace(/^\/signals\/\d+\//, '')}`, reason: r.reason });
      }
      journal.append({ run: runId, step: 'batch', batchId, accepted: result.accepted, duplicate: result.duplicate, rejected: result.rejected, stored: batchStored, at: new Date().toISOString() });
      Object.assign(stored, batchStored);
      progress.sent += result.accepted;
      progress.rejected = rejections.length;
      duplicate += result.duplicate;
      batches += 1;
      tell();
    }
  } finally {
    await pool?.close();
  }

  // 5. Snapshot: the partner's own deletions reach the broker.
  await withdrawAll(gone);

  // 6. The new state: what the broker now holds of this partner's signals.
  const refs = { ...state.refs };
  for (const ref of [...replace, ...gone]) delete refs[ref];
  Object.assign(refs, stored);
  for (const ref of erased) delete refs[ref];
  journal.writeState({ partner, lastCompletedRun: runId, refs, pinned: state.pinned, erased: [...erased].sort() });
  journal.append({ run: runId, step: 'complete', at: new Date().toISOString() });
  tell();
  return report({ resumed, duplicate, batches });
}
