/**
 * A witness's store: one directory per log it follows, on the witness's own machine.
 *
 *     public-key.json     the pinned log key: {origin, key (Ed25519 JWK), vkey, earlierKeys}
 *     checkpoints.jsonl   every checkpoint it verified and kept, one per line, oldest first
 *     alarm.json          after misbehaviour: what was found (the witness stops until it is removed)
 *     evidence/<time>-<kind>/   the checkpoints and proofs that show it
 *
 * Invariants:
 * - The store only grows: checkpoints.jsonl is appended to (and synced) before the witness says
 *   anything about a checkpoint; it is never rewritten. public-key.json changes only by a key
 *   rotation that the pinned key itself announced; the key it replaces is kept in earlierKeys.
 * - One process at a time works on a store (a lock file), so that checking the latest checkpoint
 *   and keeping the next one is atomic (tlog-witness asks this).
 * - Stores written before checkpoint notes (JWS only) read as they are.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { JWK } from 'jose';
import type { CheckpointFacts, SignedCheckpoint } from './checkpoint-forms.js';
import { parseVerifierKey, SIGNATURE_TYPE, formatVerifierKey, rawEd25519 } from './signed-note.js';

export const WITNESS_KEY_FILE = 'public-key.json';
export const WITNESS_CHECKPOINTS_FILE = 'checkpoints.jsonl';
export const WITNESS_ALARM_FILE = 'alarm.json';
export const WITNESS_EVIDENCE_DIR = 'evidence';

/** A checkpoint as the witness keeps it: its forms, what it states, the broker's id, and when it was checked. */
export interface HeldCheckpoint extends SignedCheckpoint {
  readonly id?: number;
  readonly jws?: string;
  readonly note?: string;
  readonly body: Omit<CheckpointFacts, 'form'> & { readonly form?: CheckpointFacts['form'] };
  readonly witnessedAt: string;
  /** The cosignature line this witness answered, when a log pushed the checkpoint to it. */
  readonly cosignature?: string;
}

/** The pinned log key, and the keys it replaced by announced rotations (oldest first). */
export interface PinnedKey {
  readonly origin: string;
  readonly key: JWK;
  readonly vkey?: string;
  readonly earlierKeys?: ReadonlyArray<{ readonly key: JWK; readonly until: string; readonly treeSize: number }>;
}

/** What a witness store holds: the pinned key and origin, and the checkpoints, oldest first. */
export interface WitnessStore {
  readonly dir: string;
  readonly origin: string;
  /** The key new checkpoints must be signed with. */
  readonly key: JWK;
  /** Every key this store has trusted, the current one first: earlier checkpoints verify with these. */
  readonly keys: readonly JWK[];
  readonly pinned: PinnedKey;
  readonly checkpoints: readonly HeldCheckpoint[];
  readonly alarm?: { kind: string; message: string; evidence: string };
}

const ed25519Jwk = (raw: Uint8Array): JWK => ({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') });

/** A log's vkey (Ed25519, type 0x01) as the pinned key: its name is the origin. */
export function pinFromVkey(vkey: string): PinnedKey {
  const k = parseVerifierKey(vkey);
  if (k.type !== SIGNATURE_TYPE.ed25519) throw new Error('a log key is an Ed25519 verifier key (type 0x01)');
  return { origin: k.name, key: ed25519Jwk(k.publicKey), vkey: k.vkey };
}

/** The vkey of an Ed25519 JWK for `origin`. */
export const vkeyOf = (origin: string, key: JWK): string => formatVerifierKey(origin, SIGNATURE_TYPE.ed25519, rawEd25519(key));

/**
 * A public key file: the /v1/log/public-key answer ({origin, key, vkey}), a bare JWK, or a C2SP
 * verifier key (`<origin>+<id>+<base64>`, as Go's sumdb/note writes it).
 */
export function parsePublicKeyFile(text: string): { origin?: string; key: JWK } {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return pinFromVkey(trimmed);
  const v = JSON.parse(trimmed) as { origin?: unknown; key?: unknown; kty?: unknown };
  const pair = typeof v.key === 'object' && v.key !== null ? { key: v.key as JWK, ...(typeof v.origin === 'string' ? { origin: v.origin } : {}) } : { key: v as JWK };
  if (pair.key.kty !== 'OKP' || pair.key.crv !== 'Ed25519' || typeof pair.key.x !== 'string') throw new Error('not an Ed25519 public key (JWK with kty OKP, crv Ed25519, or a verifier key)');
  if ('d' in pair.key) throw new Error('this is a private key; give the public key (GET /v1/log/public-key)');
  return pair;
}

/** Reads a witness store. Why exported: `audit verify --witness-store` trusts what it holds. */
export function readWitnessStore(dir: string): WitnessStore {
  const keyFile = join(dir, WITNESS_KEY_FILE);
  if (!existsSync(keyFile)) throw new Error(`${dir} is not a witness store (no ${WITNESS_KEY_FILE}); run \`jpp-broker audit witness\` first`);
  const pinned = JSON.parse(readFileSync(keyFile, 'utf8')) as PinnedKey;
  const file = join(dir, WITNESS_CHECKPOINTS_FILE);
  const checkpoints: HeldCheckpoint[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as HeldCheckpoint)
    : [];
  const alarmFile = join(dir, WITNESS_ALARM_FILE);
  const alarm = existsSync(alarmFile) ? (JSON.parse(readFileSync(alarmFile, 'utf8')) as WitnessStore['alarm']) : undefined;
  const keys = [pinned.key, ...[...(pinned.earlierKeys ?? [])].reverse().map((k) => k.key)];
  return { dir, origin: pinned.origin, key: pinned.key, keys, pinned, checkpoints, ...(alarm ? { alarm } : {}) };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

/** Pins a log key in a new store (trust on first use, or a key obtained out of band). */
export function pinKey(dir: string, pin: { origin: string; key: JWK }): void {
  mkdirSync(dir, { recursive: true });
  const { d: _d, ...pub } = pin.key as JWK & { d?: string };
  writeAtomically(join(dir, WITNESS_KEY_FILE), `${JSON.stringify({ origin: pin.origin, key: pub, vkey: vkeyOf(pin.origin, pub) }, null, 2)}\n`);
}

/** Follows an announced key rotation: the announced key becomes the pinned one, the old one is kept. */
export function rotateKey(store: WitnessStore, next: JWK, at: { time: string; treeSize: number }): PinnedKey {
  const pinned: PinnedKey = {
    origin: store.origin,
    key: next,
    vkey: vkeyOf(store.origin, next),
    earlierKeys: [...(store.pinned.earlierKeys ?? []), { key: store.key, until: at.time, treeSize: at.treeSize }],
  };
  writeAtomically(join(store.dir, WITNESS_KEY_FILE), `${JSON.stringify(pinned, null, 2)}\n`);
  return pinned;
}

/** Appends a checkpoint to the store and syncs it to disk before returning. */
export function keepCheckpoint(dir: string, held: HeldCheckpoint): void {
  const file = join(dir, WITNESS_CHECKPOINTS_FILE);
  appendFileSync(file, `${JSON.stringify(held)}\n`);
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type MisbehaviourKind = 'fork' | 'inconsistent' | 'bad-signature' | 'key-changed' | 'rollback';

export interface Evidence {
  readonly kind: MisbehaviourKind;
  readonly message: string;
  readonly held?: SignedCheckpoint | undefined;
  readonly received?: SignedCheckpoint | undefined;
  readonly extra?: Record<string, unknown>;
}

/**
 * Keeps the evidence in the store; with `alarm` (misbehaviour the checkpoints themselves prove),
 * also raises the alarm that stops the witness. Returns the evidence directory.
 */
export function keepEvidence(dir: string, source: string, now: Date, e: Evidence, alarm = true): string {
  const name = `${now.toISOString().replace(/[:.]/g, '-')}-${e.kind}`;
  const evidenceDir = join(dir, WITNESS_EVIDENCE_DIR, name);
  mkdirSync(evidenceDir, { recursive: true });
  const write = (base: string, c: SignedCheckpoint | undefined): void => {
    if (c?.jws) writeFileSync(join(evidenceDir, `${base}.jws`), `${c.jws}\n`);
    if (c?.note) writeFileSync(join(evidenceDir, `${base}.note`), c.note);
  };
  write('held', e.held);
  write('received', e.received);
  const brief = (c: SignedCheckpoint | undefined) => (c ? { ...(c.id !== undefined ? { id: c.id } : {}), ...(c.jws ? { jws: c.jws } : {}), ...(c.note ? { note: c.note } : {}) } : null);
  const report = { kind: e.kind, message: e.message, log: source, at: now.toISOString(), held: brief(e.held), received: brief(e.received), ...e.extra };
  writeFileSync(join(evidenceDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const relative = join(WITNESS_EVIDENCE_DIR, name);
  if (alarm) writeAtomically(join(dir, WITNESS_ALARM_FILE), `${JSON.stringify({ kind: e.kind, message: e.message, evidence: relative, at: now.toISOString() }, null, 2)}\n`);
  return evidenceDir;
}

/** Takes the store's lock, or throws naming the other process's use. Returns the release. */
export async function lockStore(dir: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, { lockfilePath: join(dir, 'witness.lock'), stale: 30_000, update: 10_000 });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') throw new Error(`the witness store ${dir} is in use by another witness process`, { cause: err });
    throw err;
  }
}
