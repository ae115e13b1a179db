/**
 * The custodian's OPRF keys, one per key epoch, in a key file of the custodian's own
 * (never in the broker's database, never in the broker's process outside demo mode).
 *
 * Invariants:
 * - The file is written with mode 0600, through a temporary file and a rename, so that a
 *   reader never sees half a file.
 * - Epochs only grow. A rotation adds epoch n+1 and keeps n active: during the overlap
 *   window both are evaluated, so queries can be answered under both. Retiring an epoch
 *   stops its evaluation for good; its secret is erased from the file.
 * - Secret keys never leave this module except to the evaluator.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bytesToBase64Url, base64UrlToBytes, generateKeyPair, publicKeyOf } from './oprf-evaluator.js';

export interface KeyEpoch {
  readonly epoch: number;
  readonly publicKey: Uint8Array;
  readonly createdAt: string;
  readonly retiredAt: string | null;
}

interface StoredEpoch {
  epoch: number;
  secretKey: string | null;
  publicKey: string;
  createdAt: string;
  retiredAt: string | null;
}

export interface KeyStore {
  /** Every epoch, oldest first, without secrets. */
  epochs(): readonly KeyEpoch[];
  /** The newest active epoch: the one new signals should use. */
  current(): KeyEpoch;
  /** The secret key of an active epoch, or undefined for unknown and retired epochs. */
  secretKeyOf(epoch: number): Uint8Array | undefined;
}

function read(file: string): StoredEpoch[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { epochs?: StoredEpoch[] };
  if (!Array.isArray(parsed.epochs) || parsed.epochs.length === 0) throw new Error(`key file ${file} holds no key epochs`);
  return parsed.epochs;
}

function write(file: string, epochs: StoredEpoch[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ epochs }, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}

const newEpoch = (epoch: number, now: Date): StoredEpoch => {
  const { secretKey, publicKey } = generateKeyPair();
  return { epoch, secretKey: bytesToBase64Url(secretKey), publicKey: bytesToBase64Url(publicKey), createdAt: now.toISOString(), retiredAt: null };
};

/** Creates a key file with epoch 1 if there is none (demo mode and first set-up). */
export function ensureKeyFile(file: string, now: Date): void {
  if (!existsSync(file)) write(file, [newEpoch(1, now)]);
}

/** Adds a new epoch; the previous ones stay active until retired. Returns the new epoch number. */
export function rotateKey(file: string, now: Date): number {
  const epochs = read(file);
  const next = Math.max(...epochs.map((e) => e.epoch)) + 1;
  write(file, [...epochs, newEpoch(next, now)]);
  return next;
}

/** Retires an epoch: it is never evaluated again, and its secret is erased. */
export function retireKey(file: string, epoch: number, now: Date): void {
  const epochs = read(file);
  const target = epochs.find((e) => e.epoch === epoch);
  if (!target) throw new Error(`no key epoch ${epoch}`);
  if (epochs.filter((e) => e.retiredAt === null).length === 1 && target.retiredAt === null) {
    throw new Error('cannot retire the only active epoch; rotate first');
  }
  write(file, epochs.map((e) => (e.epoch === epoch ? { ...e, secretKey: null, retiredAt: e.retiredAt ?? now.toISOString() } : e)));
}

/** Loads a key file, checking that every active secret matches its published key. */
export function loadKeyStore(file: string): KeyStore {
  const stored = read(file);
  const secrets = new Map<number, Uint8Array>();
  const epochs: KeyEpoch[] = stored
    .map((e) => {
      const publicKey = base64UrlToBytes(e.publicKey);
      if (e.retiredAt === null) {
        if (!e.secretKey) throw new Error(`key epoch ${e.epoch} is active but has no secret key`);
        const secret = base64UrlToBytes(e.secretKey);
        if (bytesToBase64Url(publicKeyOf(secret)) !== e.publicKey) throw new Error(`key epoch ${e.epoch}: the public key does not match the secret`);
        secrets.set(e.epoch, secret);
      }
      return { epoch: e.epoch, publicKey, createdAt: e.createdAt, retiredAt: e.retiredAt };
    })
    .sort((a, b) => a.epoch - b.epoch);
  const active = epochs.filter((e) => e.retiredAt === null);
  if (active.length === 0) throw new Error(`key file ${file} has no active epoch`);
  return {
    epochs: () => epochs,
    current: () => active[active.length - 1]!,
    secretKeyOf: (epoch) => secrets.get(epoch),
  };
}
