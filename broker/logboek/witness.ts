/**
 * The polling witness: a small program that a partner or a jurist runs away from the broker. It
 * fetches the broker's new signed checkpoints, checks each one (witness-checks.ts) and keeps it
 * (witness-store.ts), so that a broker that rewrites its history, or shows two histories, is caught
 * (the role of witnesses and monitors in Certificate Transparency, RFC 9162 §8.2-8.3,
 * https://www.rfc-editor.org/rfc/rfc9162#section-8.2). It follows every checkpoint in order, so it
 * also checks the chain (`previous`). The other way round, a log pushes its checkpoints to the
 * tlog-witness server (witness-server.ts), which keeps the same store and cosigns.
 *
 * Checkpoints are checked in their C2SP signed-note form when they have one (checkpoint-note.ts),
 * else as JWS (checkpoint.ts); a store that held JWS checkpoints goes on with notes unchanged.
 *
 * Invariants:
 * - On misbehaviour the witness keeps the evidence (both checkpoints, the proof, a report) in
 *   evidence/<time>-<kind>/, writes alarm.json, and refuses to continue until a person has looked
 *   at it and removed alarm.json: a finding must not scroll away in a poll loop.
 * - A broker that cannot be reached, or fails with 5xx, is an error to retry, not misbehaviour.
 * - A broker whose latest checkpoint is older than the last one held was rolled back (a restore
 *   from a backup): that is misbehaviour ('rollback'), the entries after it are gone.
 * - The key the broker serves is not trusted: checkpoints must verify with the pinned key, and a new
 *   key is followed only as announced by the pinned key (witness-checks.ts).
 */
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { checkpointIdentity, type SignedCheckpoint } from './checkpoint-forms.js';
import { allCheckpoints, LogClientError, type LogClient } from './log-client.js';
import type { CheckpointView } from './logboek-read.service.js';
import { checkAgainstHeld, checkSignature } from './witness-checks.js';
import {
  keepCheckpoint,
  keepEvidence,
  lockStore,
  pinKey,
  readWitnessStore,
  rotateKey,
  WITNESS_ALARM_FILE,
  WITNESS_KEY_FILE,
  type Evidence,
  type HeldCheckpoint,
  type MisbehaviourKind,
} from './witness-store.js';

export type WitnessOutcome =
  | { readonly status: 'ok'; readonly added: number; readonly latest: HeldCheckpoint | undefined; readonly rotated?: string }
  | { readonly status: 'misbehaviour'; readonly kind: MisbehaviourKind | 'earlier-alarm'; readonly message: string; readonly evidence: string };

const sameKey = async (a: JWK, b: JWK): Promise<boolean> => (await calculateJwkThumbprint(a)) === (await calculateJwkThumbprint(b));

export interface WitnessOptions {
  readonly client: LogClient;
  readonly store: string;
  /** A key obtained out of band; otherwise the broker's key is pinned on first use. */
  readonly publicKey?: { origin?: string; key: JWK };
  readonly now?: () => Date;
}

/**
 * One round: fetch the checkpoints added since the last held one, check and keep each. Returns
 * misbehaviour (with the evidence kept) instead of throwing; throws for errors worth a retry
 * (LogClientError) and for usage errors.
 */
export async function witnessOnce(o: WitnessOptions): Promise<WitnessOutcome> {
  const now = o.now ?? (() => new Date());
  mkdirSync(o.store, { recursive: true });
  const served = await o.client.publicKey();
  if (!existsSync(join(o.store, WITNESS_KEY_FILE))) {
    // Trust on first use, unless a key came out of band.
    const pin = o.publicKey ?? served;
    pinKey(o.store, { origin: pin.origin ?? served.origin, key: pin.key });
  }
  const release = await lockStore(o.store);
  try {
    return await round(o, served, now);
  } finally {
    await release();
  }
}

async function round(o: WitnessOptions, served: { origin: string; key: JWK }, now: () => Date): Promise<WitnessOutcome> {
  let store = readWitnessStore(o.store);
  if (store.alarm) {
    return {
      status: 'misbehaviour',
      kind: 'earlier-alarm',
      message: `an earlier round found ${store.alarm.kind}: ${store.alarm.message} (remove ${WITNESS_ALARM_FILE} after investigating)`,
      evidence: join(o.store, store.alarm.evidence),
    };
  }
  if (o.publicKey) {
    let known = false;
    for (const k of store.keys) known ||= await sameKey(o.publicKey.key, k);
    if (!known) throw new Error(`--public-key differs from the key pinned in ${join(o.store, WITNESS_KEY_FILE)}; a witness store follows one log and the keys it announced`);
  }
  const held = [...store.checkpoints];
  const latestHeld = (): HeldCheckpoint | undefined => held[held.length - 1];
  const fail = (e: Evidence): WitnessOutcome => ({ status: 'misbehaviour', kind: e.kind, message: e.message, evidence: keepEvidence(o.store, o.client.url, now(), e) });
  const seen = new Set(held.map(checkpointIdentity));
  let added = 0;
  let rotated: string | undefined;
  // Pages follow the broker's ids; the latest checkpoint is asked for separately too, so that one
  // that paging does not reach (ids reused or rewound) is still checked against the chain.
  const after = [...held].reverse().find((h) => h.id !== undefined)?.id ?? 0;
  let servedLatest: CheckpointView | undefined;
  async function* fresh(): AsyncGenerator<CheckpointView> {
    yield* allCheckpoints(o.client, after);
    servedLatest = await o.client.latestCheckpoint();
    if (servedLatest) yield servedLatest;
  }
  for await (const view of fresh()) {
    const received: SignedCheckpoint = { id: view.id, jws: view.jws, ...(view.note ? { note: view.note } : {}) };
    const identity = checkpointIdentity(received);
    if (seen.has(identity)) continue;
    // Another key, never announced: the message says so (an earlier key of this log is not "another").
    let servedKnown = false;
    for (const k of store.keys) servedKnown ||= await sameKey(served.key, k);
    const servedDiffers = !servedKnown || served.origin !== store.origin;
    const signed = await checkSignature(received, { origin: store.origin, key: store.key }, servedDiffers);
    if (!signed.ok) return fail({ kind: signed.kind, message: signed.message, held: latestHeld(), received, ...(signed.kind === 'key-changed' ? { extra: { pinned: store.pinned, served } } : {}) });
    const first = checkAgainstHeld(received, signed.facts, held, { followChain: true, proof: 'later' });
    if (!first.ok) return fail({ kind: first.kind, message: first.message, held: first.held, received, ...(first.extra ? { extra: first.extra } : {}) });
    const last = latestHeld();
    let proof: Uint8Array[] | undefined;
    if (last && signed.facts.treeSize > last.body.treeSize && last.body.treeSize > 0) {
      try {
        proof = (await o.client.consistencyProof(last.body.treeSize, signed.facts.treeSize)).proof.map((p) => new Uint8Array(Buffer.from(p, 'base64')));
      } catch (err) {
        if (err instanceof LogClientError && err.status >= 400 && err.status < 500) {
          return fail({
            kind: 'inconsistent',
            message: `the broker cannot prove that checkpoint ${view.id} (size ${signed.facts.treeSize}) extends ${last.id !== undefined ? `checkpoint ${last.id}` : 'the last checkpoint held'} (size ${last.body.treeSize}): ${err.message}`,
            held: last,
            received,
          });
        }
        throw err;
      }
    }
    const checked = checkAgainstHeld(received, signed.facts, held, { followChain: true, proof });
    if (!checked.ok) return fail({ kind: checked.kind, message: checked.message, held: checked.held, received, ...(checked.extra ? { extra: checked.extra } : {}) });
    const { form: _form, ...facts } = signed.facts;
    const keep: HeldCheckpoint = { id: view.id, jws: view.jws, ...(view.note ? { note: view.note } : {}), body: { ...facts, form: signed.facts.form }, witnessedAt: now().toISOString() };
    keepCheckpoint(o.store, keep);
    held.push(keep);
    seen.add(identity);
    added++;
    if (signed.rotateTo) {
      rotateKey(store, signed.rotateTo, { time: now().toISOString(), treeSize: signed.facts.treeSize });
      store = readWitnessStore(o.store);
      rotated = store.pinned.vkey;
    }
  }
  // The broker's latest checkpoint must not be older than the last one held: a broker whose
  // database was restored from a backup (or rolled back otherwise) serves an earlier checkpoint
  // as its latest, and has lost the entries after it.
  const last = latestHeld();
  if (last && (servedLatest?.treeSize ?? 0) < last.body.treeSize) {
    const served = servedLatest ? `checkpoint ${servedLatest.id} (size ${servedLatest.treeSize})` : 'no checkpoint at all';
    return fail({
      kind: 'rollback',
      message: `the broker's latest checkpoint is ${served}, older than ${last.id !== undefined ? `checkpoint ${last.id}` : 'the last checkpoint held'} (size ${last.body.treeSize}) that this witness already holds: the broker's log was rolled back (a restore from a backup?) and the entries after size ${servedLatest?.treeSize ?? 0} are gone from it`,
      held: last,
      received: servedLatest ? { id: servedLatest.id, jws: servedLatest.jws, ...(servedLatest.note ? { note: servedLatest.note } : {}) } : undefined,
    });
  }
  return { status: 'ok', added, latest: last, ...(rotated ? { rotated } : {}) };
}

/**
 * Runs rounds every `intervalSeconds` until misbehaviour is found or `signal` aborts; errors are
 * reported and retried. Why it stops at misbehaviour: the evidence is kept and a person must act.
 */
export async function runWitness(
  o: WitnessOptions & { intervalSeconds: number; signal?: AbortSignal; onRound?: (outcome: WitnessOutcome) => void; onError?: (err: Error) => void },
): Promise<WitnessOutcome | undefined> {
  while (!o.signal?.aborted) {
    try {
      const outcome = await witnessOnce(o);
      o.onRound?.(outcome);
      if (outcome.status === 'misbehaviour') return outcome;
    } catch (err) {
      if (!(err instanceof LogClientError)) throw err;
      o.onError?.(err);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.intervalSeconds * 1000);
      o.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
  return undefined;
}
