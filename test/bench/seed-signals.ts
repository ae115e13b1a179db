/**
 * The benchmark's data and request mix, all synthetic:
 * - 100,000 signals across the platform's 9 partners, each of a category that partner
 *   holds, for random subjects (random 32-byte pseudonyms) with 1–3 signals each.
 *   Registration dates are spread over the last 900 days with the platform's maximum
 *   validity (730 days), so about a fifth of the signals have expired.
 * - The subjects to ask about: 1,000 pseudonyms, alternating one with signals and one
 *   without, so the requests hit known and unknown subjects half and half.
 * Signals are stored as the broker stores them: subject_hash = HMAC-SHA256(k_db, pseudonym),
 * bulk-inserted straight into the database in batches of 5,000 rows. Scenario 9 (scale-bench.ts)
 * grows the table with the same generator and insert (`addSubjectSignals`, `insertSignals`).
 */
import pg from 'pg';
import { createSubjectHasher, looksRandom } from '../../broker/subjects/subject-hash.js';
import type { Platform } from '../../broker/platform/platform.js';
import { randomPseudonym } from '../support/synthetic.js';
import type { LookupPair } from './lookup-pairs.js';

const DAY_MS = 86_400_000;
const BATCH_SIZE = 5_000;

export interface SeededSignal {
  readonly partnerId: string;
  readonly category: string;
  readonly registeredAt: Date;
  readonly expiresAt: Date;
}

export interface Workload {
  /** The pseudonyms requests rotate through: known and unknown alternate. */
  readonly rotation: readonly string[];
  /** A known subject with a current signal of a pair the asker may count, and that signal. */
  readonly hitSubject: { readonly pseudonym: string; readonly signal: SeededSignal };
  /** A subject without any signal. */
  readonly unknownSubject: string;
  readonly signalCount: number;
  readonly subjectCount: number;
}

export interface WorkloadOptions {
  readonly signals: number;
  /** How many pseudonyms the requests rotate through (half known, half unknown). */
  readonly rotation: number;
  readonly now: Date;
}

/** A random pseudonym that the broker accepts (it refuses ones that do not look random). */
export const randomSubject = (): string => {
  for (;;) {
    const p = randomPseudonym();
    if (looksRandom(p)) return p;
  }
};
const pseudonym = randomSubject;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Signal rows as column arrays, sent through `unnest` by this file's own `insertSignals` (the broker's, in broker/signals, sends them otherwise since issue 21's store-step pass). */
export interface SignalColumns {
  readonly partner: string[];
  readonly hash: Buffer[];
  readonly category: string[];
  readonly registered: Date[];
  readonly expires: Date[];
  readonly ref: string[];
}

export const emptySignalColumns = (): SignalColumns => ({ partner: [], hash: [], category: [], registered: [], expires: [], ref: [] });

/**
 * One subject's signals (1–3, at most `max`), appended to `cols` with refs `bench-<row number>`
 * (unique per partner, as the table demands, when every row of the table is made here).
 */
export function addSubjectSignals(cols: SignalColumns, platform: Platform, subjectHash: Buffer, nowMs: number, max: number, refOffset = 0): SeededSignal[] {
  const n = Math.min(1 + Math.floor(Math.random() * 3), max);
  const signals: SeededSignal[] = [];
  for (let i = 0; i < n; i++) {
    const partner = pick(platform.partners);
    const registeredAt = new Date(nowMs - (1 + Math.floor(Math.random() * 900)) * DAY_MS);
    const signal: SeededSignal = {
      partnerId: partner.id,
      category: pick(partner.categories),
      registeredAt,
      expiresAt: new Date(registeredAt.getTime() + platform.signalMaxValidityDays * DAY_MS),
    };
    signals.push(signal);
    cols.partner.push(signal.partnerId);
    cols.hash.push(subjectHash);
    cols.category.push(signal.category);
    cols.registered.push(signal.registeredAt);
    cols.expires.push(signal.expiresAt);
    cols.ref.push(`bench-${refOffset + cols.ref.length + 1}`);
  }
  return signals;
}

/** Inserts the rows into the (migrated) signals table, one `insert … select from unnest` per batch. */
export async function insertSignals(client: pg.Client, cols: SignalColumns, batchSize = BATCH_SIZE): Promise<void> {
  for (let start = 0; start < cols.ref.length; start += batchSize) {
    const end = start + batchSize;
    await client.query(
      `insert into signals (partner_id, subject_hash, category, registered_at, expires_at, ref, batch_id)
       select p, h, c, r, e, ref, 'bench-seed'
       from unnest($1::text[], $2::bytea[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[]) as t(p, h, c, r, e, ref)`,
      [
        cols.partner.slice(start, end),
        cols.hash.slice(start, end),
        cols.category.slice(start, end),
        cols.registered.slice(start, end),
        cols.expires.slice(start, end),
        cols.ref.slice(start, end),
      ],
    );
  }
}

/** Makes the data and inserts it into `databaseUrl`'s (migrated) signals table. */
export async function seedSignals(
  databaseUrl: string,
  subjectKey: Buffer,
  platform: Platform,
  pairs: readonly LookupPair[],
  opts: WorkloadOptions,
): Promise<Workload> {
  const hash = createSubjectHasher(subjectKey);
  const now = opts.now.getTime();
  const knownWanted = Math.floor(opts.rotation / 2);
  const known: Array<{ pseudonym: string; signals: SeededSignal[] }> = [];

  const cols = emptySignalColumns();
  let subjects = 0;
  while (cols.ref.length < opts.signals) {
    const p = pseudonym();
    const signals = addSubjectSignals(cols, platform, hash(p), now, opts.signals - cols.ref.length);
    if (known.length < knownWanted) known.push({ pseudonym: p, signals });
    subjects++;
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await insertSignals(client, cols);
    // Fresh statistics and visibility map, as a table in steady state would have.
    await client.query('vacuum analyze signals');
  } finally {
    await client.end();
  }

  const counts = new Set(pairs.map(([p, c]) => `${p}\u0000${c}`));
  const isCountedHit = (s: SeededSignal): boolean =>
    counts.has(`${s.partnerId}\u0000${s.category}`) && s.registeredAt.getTime() <= now && s.expiresAt.getTime() > now;
  const hit = known.map((k) => ({ pseudonym: k.pseudonym, signal: k.signals.find(isCountedHit) })).find((k) => k.signal);
  if (!hit?.signal) throw new Error('no known subject has a current signal the asker may count; cannot verify hits');

  const unknown = Array.from({ length: opts.rotation - known.length }, pseudonym);
  const rotation: string[] = [];
  for (let i = 0; i < Math.max(known.length, unknown.length); i++) {
    if (i < known.length) rotation.push(known[i]!.pseudonym);
    if (i < unknown.length) rotation.push(unknown[i]!);
  }
  return {
    rotation,
    hitSubject: { pseudonym: hit.pseudonym, signal: hit.signal },
    unknownSubject: unknown[0]!,
    signalCount: cols.ref.length,
    subjectCount: subjects,
  };
}
