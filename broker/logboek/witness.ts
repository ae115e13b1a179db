/**
 * A witness: a small program that a partner or a jurist runs away from the broker. It fetches the
 * broker's new signed checkpoints, checks each one and keeps it, so that a broker that rewrites its
 * history, or shows two histories, is caught (the role of witnesses and monitors in Certificate
 * Transparency, RFC 9162 §8.2-8.3, https://www.rfc-editor.org/rfc/rfc9162#section-8.2).
 *
 * Each new checkpoint must:
 * - carry a valid EdDSA signature (RFC 7515 compact JWS, https://www.rfc-editor.org/rfc/rfc7515;
 *   Ed25519 per RFC 8037) by the key pinned in the store on first use (or given with --public-key),
 *   for the pinned origin;
 * - name, as `previous`, the SHA-256 of the last checkpoint the witness holds (one chain only);
 * - not give a second root for a size the witness already holds (a fork), nor a smaller size;
 * - be consistent with the last held checkpoint: an RFC 9162 §2.1.4 consistency proof
 *   (https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4), fetched from the broker and verified
 *   here (merkle-verify.ts), shows the new tree extends the old one.
 * And the broker's latest checkpoint must not be older than the last one held: a broker whose
 * database was restored from a backup (or rolled back otherwise) serves an earlier checkpoint
 * as its latest, and has lost the entries after it ('rollback').
 *
 * Invariants:
 * - The store only grows: checkpoints.jsonl is appended to, never rewritten.
 * - On misbehaviour the witness keeps the evidence (both checkpoints, the proof, a report) in
 *   evidence/<time>-<kind>/, writes alarm.json, and refuses to continue until a person has looked
 *   at it and removed alarm.json: a finding must not scroll away in a poll loop.
 * - A broker that cannot be reached, or fails with 5xx, is an error to retry, not misbehaviour.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { checkpointDigest, verifyCheckpoint, type CheckpointBody } from './checkpoint.js';
import { verifyConsistency } from './merkle/merkle-verify.js';
import { allCheckpoints, LogClientError, type LogClient } from './export-log.js';
import type { CheckpointView } from './logboek-read.service.js';

export const WITNESS_KEY_FILE = 'public-key.json';
export const WITNESS_CHECKPOINTS_FILE = 'checkpoints.jsonl';
export const WITNESS_ALARM_FILE = 'alarm.json';
export const WITNESS_EVIDENCE_DIR = 'evidence';

/** A checkpoint as the witness keeps it: the JWS, its body, the broker's id, and when it was checked. */
export interface HeldCheckpoint {
  readonly id: number;
  readonly jws: string;
  readonly body: CheckpointBody;
  readonly witnessedAt: string;
}

/** What a witness store holds: the pinned key and origin, and the checkpoints, oldest first. */
export interface WitnessStore {
  readonly dir: string;
  readonly origin: string;
  readonly key: JWK;
  readonly checkpoints: readonly HeldCheckpoint[];
  readonly alarm?: { kind: string; message: string; evidence: string };
}

export type MisbehaviourKind = 'fork' | 'inconsistent' | 'bad-signature' | 'key-changed' | 'rollback';

export type WitnessOutcome =
  | { readonly status: 'ok'; readonly added: number; readonly latest: HeldCheckpoint | undefined }
  | { readonly status: 'misbehaviour'; readonly kind: MisbehaviourKind | 'earlier-alarm'; readonly message: string; readonly evidence: string };

/** A public key file: the /v1/log/public-key answer ({origin, key}) or a bare JWK. */
export function parsePublicKeyFile(text: string): { origin?: string; key: JWK } {
  const v = JSON.parse(text) as { origin?: unknown; key?: unknown; kty?: unknown };
  const pair = typeof v.key === 'object' && v.key !== null ? { key: v.key as JWK, ...(typeof v.origin === 'string' ? { origin: v.origin } : {}) } : { key: v as JWK };
  if (pair.key.kty !== 'OKP' || pair.key.crv !== 'Ed25519' || typeof pair.key.x !== 'string') throw new Error('not an Ed25519 public key (JWK with kty OKP, crv Ed25519)');
  if ('d' in pair.key) throw new Error('this is a private key; give the public key (GET /v1/log/public-key)');
  return pair;
}

const sameKey = async (a: JWK, b: JWK): Promise<boolean> => (await calculateJwkThumbprint(a)) === (await calculateJwkThumbprint(b));

/** Reads a witness store. Why exported: `audit verify --witness-store` trusts what it holds. */
export function readWitnessStore(dir: string): WitnessStore {
  const keyFile = join(dir, WITNESS_KEY_FILE);
  if (!existsSync(keyFile)) throw new Error(`${dir} is not a witness store (no ${WITNESS_KEY_FILE}); run \`jpp-broker audit witness\` first`);
  const pinned = JSON.parse(readFileSync(keyFile, 'utf8')) as { origin: string; key: JWK };
  const file = join(dir, WITNESS_CHECKPOINTS_FILE);
  const checkpoints: HeldCheckpoint[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as HeldCheckpoint)
    : [];
  const alarmFile = join(dir, WITNESS_ALARM_FILE);
  const alarm = existsSync(alarmFile) ? (JSON.parse(readFileSync(alarmFile, 'utf8')) as WitnessStore['alarm']) : undefined;
  return { dir, origin: pinned.origin, key: pinned.key, checkpoints, ...(alarm ? { alarm } : {}) };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

function appendDurably(file: string, line: string): void {
  appendFileSync(file, line);
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

interface Evidence {
  readonly kind: MisbehaviourKind;
  readonly message: string;
  readonly held?: { id?: number; jws: string } | undefined;
  readonly received?: { id?: number; jws: string } | undefined;
  readonly extra?: Record<string, unknown>;
}

/** Keeps the evidence in the store and raises the alarm; returns the evidence directory. */
function keepEvidence(dir: string, url: string, now: Date, e: Evidence): string {
  const name = `${now.toISOString().replace(/[:.]/g, '-')}-${e.kind}`;
  const evidenceDir = join(dir, WITNESS_EVIDENCE_DIR, name);
  mkdirSync(evidenceDir, { recursive: true });
  if (e.held) writeFileSync(join(evidenceDir, 'held.jws'), `${e.held.jws}\n`);
  if (e.received) writeFileSync(join(evidenceDir, 'received.jws'), `${e.received.jws}\n`);
  const report = {
    kind: e.kind,
    message: e.message,
    broker: url,
    at: now.toISOString(),
    held: e.held ?? null,
    received: e.received ?? null,
    ...e.extra,
  };
  writeFileSync(join(evidenceDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const relative = join(WITNESS_EVIDENCE_DIR, name);
  writeAtomically(join(dir, WITNESS_ALARM_FILE), `${JSON.stringify({ kind: e.kind, message: e.message, evidence: relative, at: now.toISOString() }, null, 2)}\n`);
  return evidenceDir;
}

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
  const keyFile = join(o.store, WITNESS_KEY_FILE);
  const served = await o.client.publicKey();
  if (!existsSync(keyFile)) {
    // Trust on first use, unless a key came out of band.
    const pin = o.publicKey ?? served;
    writeAtomically(keyFile, `${JSON.stringify({ origin: pin.origin ?? served.origin, key: pin.key }, null, 2)}\n`);
  }
  const store = readWitnessStore(o.store);
  if (store.alarm) {
    return {
      status: 'misbehaviour',
      kind: 'earlier-alarm',
      message: `an earlier round found ${store.alarm.kind}: ${store.alarm.message} (remove ${WITNESS_ALARM_FILE} after investigating)`,
      evidence: join(o.store, store.alarm.evidence),
    };
  }
  if (o.publicKey && !(await sameKey(o.publicKey.key, store.key))) {
    throw new Error(`--public-key differs from the key pinned in ${keyFile}; a witness store follows one key`);
  }
  const latestHeld = (): HeldCheckpoint | undefined => held[held.length - 1];
  const held = [...store.checkpoints];
  const fail = (e: Evidence): WitnessOutcome => ({ status: 'misbehaviour', kind: e.kind, message: e.message, evidence: keepEvidence(o.store, o.client.url, now(), e) });

  if (!(await sameKey(served.key, store.key)) || served.origin !== store.origin) {
    return fail({
      kind: 'key-changed',
      message: `the broker now presents a different signing key or origin (${served.origin}) than the one pinned (${store.origin}); if this is a planned key rotation, confirm it out of band and start a new store`,
      extra: { pinned: { origin: store.origin, key: store.key }, served },
    });
  }

  const bySize = new Map(held.map((c) => [c.body.treeSize, c]));
  const seen = new Set(held.map((c) => checkpointDigest(c.jws)));
  const file = join(o.store, WITNESS_CHECKPOINTS_FILE);
  let added = 0;
  // Pages follow the broker's ids; the latest checkpoint is asked for separately too, so that one
  // that paging does not reach (ids reused or rewound) is still checked against the chain.
  let servedLatest: CheckpointView | undefined;
  async function* fresh(): AsyncGenerator<CheckpointView> {
    yield* allCheckpoints(o.client, latestHeld()?.id ?? 0);
    servedLatest = await o.client.latestCheckpoint();
    if (servedLatest) yield servedLatest;
  }
  for await (const view of fresh()) {
    const digest = checkpointDigest(view.jws);
    if (seen.has(digest)) continue;
    let body: CheckpointBody;
    try {
      body = await verifyCheckpoint(view.jws, store.key, store.origin);
    } catch (err) {
      return fail({
        kind: 'bad-signature',
        message: `checkpoint ${view.id} does not verify with the pinned key: ${(err as Error).message}`,
        held: latestHeld(),
        received: { id: view.id, jws: view.jws },
      });
    }
    const received = { id: view.id, jws: view.jws };
    const sameSize = bySize.get(body.treeSize);
    if (sameSize && sameSize.body.rootHash !== body.rootHash) {
      return fail({
        kind: 'fork',
        message: `two different roots for size ${body.treeSize}: checkpoint ${sameSize.id} held since ${sameSize.witnessedAt} and checkpoint ${view.id} now: the broker shows two histories`,
        held: sameSize,
        received,
      });
    }
    const last = latestHeld();
    if (last) {
      const expected = checkpointDigest(last.jws);
      if (body.previous !== expected) {
        return fail({
          kind: 'fork',
          message: `checkpoint ${view.id} (size ${body.treeSize}) does not follow checkpoint ${last.id} (size ${last.body.treeSize}), the last one this witness holds: its previous is ${body.previous ?? 'null'}, expected ${expected}`,
          held: last,
          received,
        });
      }
      if (body.treeSize < last.body.treeSize) {
        return fail({
          kind: 'inconsistent',
          message: `checkpoint ${view.id} has size ${body.treeSize}, smaller than ${last.body.treeSize} of checkpoint ${last.id}: the log shrank`,
          held: last,
          received,
        });
      }
      if (body.treeSize > last.body.treeSize && last.body.treeSize > 0) {
        let proof: string[];
        try {
          proof = (await o.client.consistencyProof(last.body.treeSize, body.treeSize)).proof;
        } catch (err) {
          if (err instanceof LogClientError && err.status >= 400 && err.status < 500) {
            return fail({
              kind: 'inconsistent',
              message: `the broker cannot prove that checkpoint ${view.id} (size ${body.treeSize}) extends checkpoint ${last.id} (size ${last.body.treeSize}): ${err.message}`,
              held: last,
              received,
            });
          }
          throw err;
        }
        const ok = verifyConsistency(
          last.body.treeSize,
          body.treeSize,
          Buffer.from(last.body.rootHash, 'base64'),
          Buffer.from(body.rootHash, 'base64'),
          proof.map((p) => Buffer.from(p, 'base64')),
        );
        if (!ok) {
          return fail({
            kind: 'inconsistent',
            message: `checkpoint ${view.id} (size ${body.treeSize}) is not consistent with checkpoint ${last.id} (size ${last.body.treeSize}): the broker changed entries that were already checkpointed`,
            held: last,
            received,
            extra: { consistencyProof: { size1: last.body.treeSize, size2: body.treeSize, proof } },
          });
        }
      }
    }
    const keep: HeldCheckpoint = { id: view.id, jws: view.jws, body, witnessedAt: now().toISOString() };
    appendDurably(file, `${JSON.stringify(keep)}\n`);
    held.push(keep);
    bySize.set(body.treeSize, keep);
    seen.add(digest);
    added++;
  }
  const last = latestHeld();
  if (last && (servedLatest?.treeSize ?? 0) < last.body.treeSize) {
    const served = servedLatest ? `checkpoint ${servedLatest.id} (size ${servedLatest.treeSize})` : 'no checkpoint at all';
    return fail({
      kind: 'rollback',
      message: `the broker's latest checkpoint is ${served}, older than checkpoint ${last.id} (size ${last.body.treeSize}) that this witness already holds: the broker's log was rolled back (a restore from a backup?) and the entries after size ${servedLatest?.treeSize ?? 0} are gone from it`,
      held: last,
      received: servedLatest ? { id: servedLatest.id, jws: servedLatest.jws } : undefined,
    });
  }
  return { status: 'ok', added, latest: last };
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
