/**
 * The broker's side of C2SP tlog-witness (https://c2sp.org/tlog-witness): after a checkpoint is
 * written, push it to every configured witness with a consistency proof from the size that witness
 * last cosigned, check the cosignatures it answers against its configured key, and store them
 * (logboek_cosignatures). The read API serves the checkpoint with them (GET /v1/log/checkpoint).
 *
 * Any number of broker processes on one database may push: a witness serialises them (409 names its
 * size, and the pusher retries once from there), and a cosignature stored twice is stored once.
 *
 * Invariants:
 * - Only the newest checkpoint with a note is pushed: a witness that cosigns it vouches, through
 *   the consistency proof, for every smaller tree; the ones in between need no cosignature. The
 *   exception is a checkpoint announcing a new log key, pushed first, so that the witness can
 *   follow the rotation (log-signer.ts).
 * - A cosignature is stored only when it verifies (tlog-cosignature v1) under the key configured
 *   for that witness, over that checkpoint's note text; anything else the witness says is logged
 *   and not kept.
 * - A witness that cannot be reached or refuses is reported and tried again at the next push;
 *   it never holds up the sequencer or a request.
 * - {@link WitnessPusher.witnessLag} says how far witnessing is behind, for /readyz and metrics.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { cosignatureVerifierFromVkey, type CosignatureVerifier } from './cosignature.js';
import { cosignaturesOf, firstCheckpointAfter, insertCosignatures, lastCosignedSize, latestWitnessed, uncosignedAnnouncements } from './cosignature.repository.js';
import { latestCheckpoint, type StoredCheckpoint } from './logboek.repository.js';
import { parseNote } from './signed-note.js';
import { consistencyProof } from './tree-proofs.js';
import { formatAddCheckpoint, parseCosignatureLines, parseTlogSize, TLOG_SIZE_CONTENT_TYPE } from './witness-protocol.js';

export interface WitnessConfig {
  readonly url: string;
  /** The witness's cosignature/v1 verifier key (type 0x04). */
  readonly vkey: string;
}

/** How far witnessing is behind: a value a readiness check or a metric can report as it is. */
export interface WitnessLag {
  /** The witnesses configured, and how many of them make a checkpoint witnessed. */
  readonly witnesses: number;
  readonly quorum: number;
  /** The newest checkpoint (with a note), if any. */
  readonly latest: { readonly id: number; readonly treeSize: number; readonly createdAt: Date } | null;
  /** The newest checkpoint that at least `quorum` witnesses cosigned, if any. */
  readonly witnessed: { readonly id: number; readonly treeSize: number; readonly createdAt: Date } | null;
  /** Entries in the newest checkpoint that no witnessed checkpoint covers yet. */
  readonly entriesBehind: number;
  /** Seconds since the oldest checkpoint newer than the witnessed one was written (0 when none waits). */
  readonly secondsBehind: number;
  /** Whether that is longer than the configured maximum (never, without a quorum). */
  readonly behind: boolean;
}

export interface PushOutcome {
  readonly witness: string;
  readonly status: 'cosigned' | 'already' | 'refused' | 'unreachable';
  readonly detail?: string;
}

export interface WitnessPusher {
  /** Pushes the newest checkpoint to every witness that has not cosigned it; resolves when all answered. */
  push(): Promise<PushOutcome[]>;
  /** Asks for a push soon; pushes asked for while one runs coalesce into one more. */
  kick(): void;
  /** Pushes every `intervalMs` too, so that a witness that was down catches up. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
  witnessLag(): Promise<WitnessLag>;
}

interface Witness {
  readonly url: string;
  readonly verifier: CosignatureVerifier;
}

export function createWitnessPusher(o: {
  db: Kysely<Database>;
  witnesses: readonly WitnessConfig[];
  quorum: number;
  maxLagSeconds: number;
  now: () => Date;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): WitnessPusher {
  const doFetch = o.fetch ?? fetch;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const witnesses: Witness[] = o.witnesses.map((w) => ({ url: w.url.replace(/\/+$/, ''), verifier: cosignatureVerifierFromVkey(w.vkey) }));
  const keys = witnesses.map((w) => ({ witness: w.verifier.name, keyId: w.verifier.keyId }));
  const missing = (): Error => new Error('a Merkle node is missing from storage');

  async function post(w: Witness, body: string): Promise<{ status: number; type: string; text: string }> {
    const res = await doFetch(`${w.url}/add-checkpoint`, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  /** Pushes one checkpoint to one witness (tlog-witness add-checkpoint) and stores its cosignature. */
  async function pushOne(w: Witness, c: { id: number; treeSize: number; note: string }): Promise<PushOutcome> {
    const name = w.verifier.name;
    const text = parseNote(c.note).text;
    let oldSize = await lastCosignedSize(o.db, name, w.verifier.keyId);
    if (oldSize > c.treeSize) return { witness: name, status: 'already', detail: `it cosigned size ${oldSize} already` };
    for (let attempt = 0; attempt < 2; attempt++) {
      const proof = await consistencyProof(o.db, oldSize, c.treeSize, missing);
      let answer;
      try {
        answer = await post(w, formatAddCheckpoint({ oldSize, proof, checkpoint: c.note }));
      } catch (err) {
        return { witness: name, status: 'unreachable', detail: (err as Error).message };
      }
      if (answer.status === 409 && answer.type.startsWith(TLOG_SIZE_CONTENT_TYPE)) {
        const theirs = parseTlogSize(answer.text);
        // The witness holds another size: from an earlier push it did not answer, another broker
        // process, or a restart. Prove from there, once; a size beyond ours is the newer push's.
        if (theirs === undefined) return { witness: name, status: 'refused', detail: 'answered 409 without a size' };
        if (theirs > c.treeSize) return { witness: name, status: 'already', detail: `it holds size ${theirs}` };
        if (theirs === oldSize) return { witness: name, status: 'refused', detail: `409 at size ${theirs}: it holds another tree of that size` };
        oldSize = theirs;
        continue;
      }
      if (answer.status !== 200) return { witness: name, status: 'refused', detail: `answered ${answer.status}` };
      let lines;
      try {
        lines = parseCosignatureLines(answer.text);
      } catch (err) {
        return { witness: name, status: 'refused', detail: (err as Error).message };
      }
      const rows = lines.flatMap((l) => {
        if (l.name !== name || l.keyId !== w.verifier.keyId) return [];
        const time = w.verifier.timeOf(text, l.signature);
        return time === undefined ? [] : [{ checkpointId: c.id, witness: name, keyId: l.keyId, line: l.line, cosignedAt: new Date(time * 1000) }];
      });
      if (rows.length === 0) return { witness: name, status: 'refused', detail: 'no cosignature that verifies under its configured key' };
      await insertCosignatures(o.db, rows);
      return { witness: name, status: 'cosigned' };
    }
    return { witness: name, status: 'refused', detail: 'its size kept changing' };
  }

  /**
   * Pushes the newest checkpoint to one witness; first, in order, any key announcement it has not
   * cosigned since its last size (checkpoint-note.ts): it can check the new key's checkpoints only
   * after it followed the announcement.
   */
  async function pushTo(w: Witness, c: StoredCheckpoint & { note: string }): Promise<PushOutcome> {
    const since = await lastCosignedSize(o.db, w.verifier.name, w.verifier.keyId);
    for (const a of await uncosignedAnnouncements(o.db, w.verifier.name, w.verifier.keyId, since, c.id)) {
      const r = await pushOne(w, a);
      if (r.status !== 'cosigned' && r.status !== 'already') return r;
    }
    return pushOne(w, c);
  }

  async function push(): Promise<PushOutcome[]> {
    if (witnesses.length === 0) return [];
    const c = await latestCheckpoint(o.db);
    if (!c || c.note === null) return [];
    const note = c.note;
    const have = new Set((await cosignaturesOf(o.db, [c.id])).map((s) => `${s.witness} ${s.keyId}`));
    const outcomes = await Promise.all(
      witnesses.map((w) =>
        have.has(`${w.verifier.name} ${w.verifier.keyId}`)
          ? Promise.resolve<PushOutcome>({ witness: w.verifier.name, status: 'already' })
          : pushTo(w, { ...c, note }).catch((err: unknown): PushOutcome => ({ witness: w.verifier.name, status: 'refused', detail: (err as Error).message })),
      ),
    );
    for (const r of outcomes) {
      if (r.status === 'refused' || r.status === 'unreachable') o.logger.warn({ witness: r.witness, status: r.status, detail: r.detail, checkpoint: c.id }, 'a witness did not cosign the checkpoint');
    }
    return outcomes;
  }

  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = push()
      .catch((err: unknown) => o.logger.error({ err }, 'pushing the checkpoint to the witnesses failed'))
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          setImmediate(loop);
        }
      });
  };

  return {
    push,
    kick: () => {
      if (!stopped && witnesses.length > 0) loop();
    },
    start(intervalMs = 30_000) {
      if (witnesses.length === 0) return;
      stopped = false;
      timer = setInterval(loop, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
    async witnessLag() {
      const latest = (await latestCheckpoint(o.db)) ?? null;
      const latestView = latest && latest.note !== null ? { id: latest.id, treeSize: latest.treeSize, createdAt: latest.createdAt } : null;
      const witnessed = (await latestWitnessed(o.db, keys, o.quorum)) ?? null;
      if (o.quorum < 1 || !latestView) {
        return { witnesses: witnesses.length, quorum: o.quorum, latest: latestView, witnessed, entriesBehind: 0, secondsBehind: 0, behind: false };
      }
      const waiting = witnessed && witnessed.id >= latestView.id ? undefined : await firstCheckpointAfter(o.db, witnessed?.id ?? 0);
      const secondsBehind = waiting ? Math.max(0, (o.now().getTime() - waiting.createdAt.getTime()) / 1000) : 0;
      return {
        witnesses: witnesses.length,
        quorum: o.quorum,
        latest: latestView,
        witnessed,
        entriesBehind: latestView.treeSize - (witnessed?.treeSize ?? 0),
        secondsBehind,
        behind: secondsBehind > o.maxLagSeconds,
      };
    },
  };
}
