/**
 * Signals at rest. The only reads are (a) the hit lookup, which names the exact
 * (partner, category) pairs the policy lets count, and (b) the rights desk's reads of ONE
 * subject's signals by its hashes (inzage, a verzoek forwarded to the partners: AVG arts.
 * 15-17), and a partner's own signals by its own refs. No query lists or browses signals, so
 * free search is impossible by construction.
 *
 * Erasure (AVG art. 17): `signal_erasures` keeps the (partner, ref) pairs erased on a verzoek,
 * without a subject, so that intake refuses them when a partner sends them again.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { precompile } from '../db/precompiled.js';

export interface NewSignal {
  readonly partnerId: string;
  readonly subjectHash: Buffer;
  readonly category: string;
  readonly registeredAt: Date;
  readonly expiresAt: Date;
  readonly ref: string;
  readonly batchId: string;
  /** The custodian key epoch of the subject's pseudonym. */
  readonly epoch: number;
}

/**
 * Inserts signals; a (partner, ref) already present is left as it is. Returns the refs inserted.
 * One statement whatever the number (a batch holds up to 1,000 signals), with as few values for pg
 * to serialise as possible (docs/performance.md, scenario 7):
 * - the subject hashes as ONE binary bytea, cut apart by PostgreSQL (as insertIntakeRecords does):
 *   a bytea[] went as text, each hash hex-encoded and escaped by pg element by element;
 * - the text columns as JSON arrays (JSON.stringify is native), because pg escapes every element
 *   of a text[] with regular expressions (`escapeElement`);
 * - timestamps as their milliseconds since 1970 and epochs, as comma-separated text (a timestamp is
 *   `'epoch' + ms × 1 millisecond`, exact to the microsecond: `toISOString` per date was about 1 µs
 *   of the broker's CPU per signal).
 * The columns are zipped by position (`rows from ... with ordinality`), so row i takes the i-th of each.
 */
export async function insertSignals(ex: Executor, signals: readonly NewSignal[]): Promise<Set<string>> {
  const n = signals.length;
  if (n === 0) return new Set();
  const hashes = Buffer.allocUnsafe(32 * n);
  const partners = new Array<string>(n);
  const categories = new Array<string>(n);
  const refs = new Array<string>(n);
  const batches = new Array<string>(n);
  const registered = new Array<number>(n);
  const expires = new Array<number>(n);
  const epochs = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = signals[i]!;
    if (s.subjectHash.length !== 32) throw new RangeError('insertSignals: a subject hash is not 32 bytes');
    hashes.set(s.subjectHash, 32 * i);
    partners[i] = s.partnerId;
    categories[i] = s.category;
    refs[i] = s.ref;
    batches[i] = s.batchId;
    registered[i] = s.registeredAt.getTime();
    expires[i] = s.expiresAt.getTime();
    if (!Number.isSafeInteger(registered[i]) || !Number.isSafeInteger(expires[i])) throw new RangeError('insertSignals: an invalid date');
    if (!Number.isInteger(s.epoch)) throw new RangeError('insertSignals: an epoch is not an integer');
    epochs[i] = s.epoch;
  }
  const rows = await sql<{ ref: string }>`
    insert into signals (partner_id, subject_hash, category, registered_at, expires_at, ref, batch_id, epoch)
    select c.partner_id, substring(${hashes}::bytea from (32 * (c.i - 1) + 1)::int for 32), c.category,
           'epoch'::timestamptz + c.registered_at::bigint * interval '1 millisecond',
           'epoch'::timestamptz + c.expires_at::bigint * interval '1 millisecond', c.ref, c.batch_id, c.epoch::int
      from rows from (
             json_array_elements_text(${JSON.stringify(partners)}::json),
             json_array_elements_text(${JSON.stringify(categories)}::json),
             unnest(string_to_array(${registered.join(',')}::text, ',')),
             unnest(string_to_array(${expires.join(',')}::text, ',')),
             json_array_elements_text(${JSON.stringify(refs)}::json),
             json_array_elements_text(${JSON.stringify(batches)}::json),
             unnest(string_to_array(${epochs.join(',')}::text, ','))
           ) with ordinality as c(partner_id, category, registered_at, expires_at, ref, batch_id, epoch, i)
    on conflict (partner_id, ref) do nothing
    returning ref`.execute(ex);
  return new Set(rows.rows.map((r) => r.ref));
}

/** Deletes one of the partner's own signals. Returns its subject hash and category, or undefined when there was none. */
export async function deleteSignal(ex: Executor, partnerId: string, ref: string): Promise<{ subjectHash: Buffer; category: string } | undefined> {
  const row = await ex
    .deleteFrom('signals')
    .where('partner_id', '=', partnerId)
    .where('ref', '=', ref)
    .returning(['subject_hash as subjectHash', 'category'])
    .executeTakeFirst();
  return row ? { subjectHash: Buffer.from(row.subjectHash), category: row.category } : undefined;
}

/** A (partner, category) pair the policy lets count. */
export interface LookupScope {
  readonly partnerId: string;
  readonly categories: readonly string[];
}

/**
 * The (partner, category) pairs in `scopes` for which the subject has a current signal
 * at `now`. Only the given pairs are read. `subjectHashes` holds the subject's hash under
 * each key epoch asked about (more than one only during a rotation's overlap window):
 * pseudonyms of different epochs are unrelated values, so they never match each other.
 */
export async function findCurrentSignalPairs(
  ex: Executor,
  subjectHashes: readonly Buffer[],
  scopes: readonly LookupScope[],
  now: Date,
): Promise<Array<{ partnerId: string; category: string }>> {
  const pairs = scopes.flatMap((s) => s.categories.map((c) => [s.partnerId, c]));
  if (pairs.length === 0) return [];
  const { rows } = await lookupStatement.execute(ex, { hashes: [...subjectHashes], pairs, now });
  return rows.map((r) => ({ partnerId: r.partner_id, category: r.category }));
}

/**
 * The hit lookup runs for every question: compiled once per shape (the number of hashes and of
 * pairs; db/precompiled.ts). The pairs are bound parameters, as before, never part of the text.
 */
const lookupStatement = precompile<{ hashes: Buffer[]; pairs: string[][]; now: Date }, { partner_id: string; category: string }>((ex, { hashes, pairs, now }) =>
  ex
    .selectFrom('signals')
    .select(['partner_id', 'category'])
    .distinct()
    .where('subject_hash', 'in', hashes)
    .where(({ refTuple, tuple, eb }) =>
      eb(refTuple('partner_id', 'category'), 'in', pairs.map(([p, c]) => tuple(p!, c!))),
    )
    .where('registered_at', '<=', now)
    .where('expires_at', '>', now),
);

/** Counts signals; for tests and health reporting, never per subject. */
export async function countSignals(ex: Executor): Promise<number> {
  const row = await ex.selectFrom('signals').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

/** A signal as the rights desk reads it: one subject's, or a partner's own by ref. */
export interface HeldSignal {
  partnerId: string;
  ref: string;
  category: string;
  registeredAt: Date;
  expiresAt: Date;
  epoch: number;
  batchId: string;
  subjectHash: Buffer;
}

const held = ['partner_id as partnerId', 'ref', 'category', 'registered_at as registeredAt', 'expires_at as expiresAt', 'epoch', 'batch_id as batchId', 'subject_hash as subjectHash'] as const;
const heldOf = (r: Omit<HeldSignal, 'subjectHash'> & { subjectHash: Uint8Array }): HeldSignal => ({ ...r, subjectHash: Buffer.from(r.subjectHash) });

/** Every signal about one subject (any of its hashes, i.e. every key epoch), by partner and ref: for the rights desk only. */
export async function signalsAboutSubject(ex: Executor, subjectHashes: readonly Buffer[]): Promise<HeldSignal[]> {
  if (subjectHashes.length === 0) return [];
  const rows = await ex.selectFrom('signals').select(held).where('subject_hash', 'in', [...subjectHashes]).orderBy('partner_id').orderBy('ref').execute();
  return rows.map(heldOf);
}

/**
 * The partner's own signals with these refs, for a verzoek's task being answered. Not row-locked:
 * a row lock needs UPDATE privilege, which the runtime role has not on signals (they are only
 * inserted and deleted); the caller holds the task's row lock, so answers to one task are one at a time.
 */
export async function partnerSignalsByRef(ex: Executor, partnerId: string, refs: readonly string[]): Promise<HeldSignal[]> {
  if (refs.length === 0) return [];
  const rows = await ex.selectFrom('signals').select(held).where('partner_id', '=', partnerId).where('ref', 'in', [...refs]).orderBy('ref').execute();
  return rows.map(heldOf);
}

/** Records refs erased at a data subject's request; an erasure already recorded stays as it is. */
export async function recordErasures(ex: Executor, rows: ReadonlyArray<{ partnerId: string; ref: string; verzoekId: string; taakId: string; at: Date }>): Promise<void> {
  if (rows.length === 0) return;
  await ex
    .insertInto('signal_erasures')
    .values(rows.map((r) => ({ partner_id: r.partnerId, ref: r.ref, verzoek_id: r.verzoekId, taak_id: r.taakId, erased_at: r.at })))
    .onConflict((oc) => oc.columns(['partner_id', 'ref']).doNothing())
    .execute();
}

/** Which of these refs of the partner were erased at a data subject's request (intake refuses them). */
export async function erasedRefs(ex: Executor, partnerId: string, refs: readonly string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  // The refs as one JSON array: a batch's thousand refs as parameters were a thousand values for
  // kysely to compile, pg to bind and PostgreSQL to parse (docs/performance.md, scenario 7).
  const rows = await sql<{ ref: string }>`
    select e.ref from signal_erasures e
     where e.partner_id = ${partnerId} and e.ref in (select json_array_elements_text(${JSON.stringify(refs)}::json))`.execute(ex);
  return new Set(rows.rows.map((r) => r.ref));
}
