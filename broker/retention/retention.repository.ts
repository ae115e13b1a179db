/**
 * What retention removes, in SQL: expired signals, closed casussen past their bewaartermijn,
 * the content of logboek entries past theirs, ended bezwaren and answered verzoeken whose subject
 * has nothing left, and custodian usage counts the quotas no longer read. Each function skips what an active
 * legal hold protects and returns a count and the range of the moments that made things expire.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.js';
import { USAGE_WINDOW_MS } from '../custodian/custodian-usage.repository.js';

export interface Removed {
  count: number;
  from: Date | null;
  to: Date | null;
}

const heldSubjects = sql`(select h.subject_hash from legal_hold_subject_hashes h join legal_holds l on l.id = h.hold_id where l.released_at is null)`;
const heldCases = sql`(
  select case_id from legal_holds where released_at is null and case_id is not null
  union
  select s.case_id from case_subjects s join case_subject_hashes ch on ch.subject_id = s.id
   where ch.subject_hash in ${heldSubjects})`;

const summarise = (rows: Array<{ at: Date }>): Removed => {
  if (rows.length === 0) return { count: 0, from: null, to: null };
  const times = rows.map((r) => new Date(r.at).getTime());
  return { count: rows.length, from: new Date(Math.min(...times)), to: new Date(Math.max(...times)) };
};

/** Deletes signals whose expiresAt has passed, unless their subject is on hold. */
export async function removeExpiredSignals(ex: Executor, now: Date): Promise<Removed> {
  const rows = await ex
    .deleteFrom('signals')
    .where('expires_at', '<=', now)
    .where(sql<boolean>`subject_hash not in ${heldSubjects}`)
    .returning('expires_at as at')
    .execute();
  return summarise(rows);
}

/** Signals that expired but stay because a hold protects their subject. */
export async function heldExpiredSignals(ex: Executor, now: Date): Promise<number> {
  const row = await ex
    .selectFrom('signals')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('expires_at', '<=', now)
    .where(sql<boolean>`subject_hash in ${heldSubjects}`)
    .executeTakeFirstOrThrow();
  return row.n;
}


const RETENTION_LOCK = 0x6a7070726574; // "jppret"

/** Serialises retention runs across processes: one run at a time per database (transaction-scoped advisory lock). */
export async function lockRetention(ex: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${RETENTION_LOCK})`.execute(ex);
}

/** Deletes closed casussen (with subjects, history, vervolgacties, queries) closed on or before `closedBefore`, unless held. */
export async function removeClosedCases(ex: Executor, closedBefore: Date, termDays: number): Promise<Removed & { held: number }> {
  const held = await ex
    .selectFrom('cases')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('closed_at', '<=', closedBefore)
    .where(sql<boolean>`id in ${heldCases}`)
    .executeTakeFirstOrThrow();
  const rows = await ex
    .deleteFrom('cases')
    .where('closed_at', '<=', closedBefore)
    .where(sql<boolean>`id not in ${heldCases}`)
    .returning(sql<Date>`closed_at + make_interval(days => ${termDays})`.as('at'))
    .execute();
  return { ...summarise(rows), held: held.n };
}

/**
 * Redacts the content of logboek entries logged on or before `loggedBefore`: content, subject
 * hash, case ref and query id become NULL; what is left says what kind of step happened when,
 * by which role, without whom it was about. Only entries already in the Merkle tree (a row of
 * logboek_leaves) are redacted, so the leaf hash that proofs rest on is never lost. Entries
 * about a held subject or casus keep their content, also when the held hash is one of the
 * entry's other hashes (a key rotation's overlap) or the subject of one of its intake records (a
 * chunk, migration 0240: the whole chunk stays, since a leaf covers its content whole); a redacted
 * entry's other hashes and intake records' index rows are removed.
 */
export async function redactLogContent(ex: Executor, loggedBefore: Date, termDays: number): Promise<Removed & { held: number }> {
  const eligible = sql`e.content is not null and e.logged_at <= ${loggedBefore}
      and exists (select 1 from logboek_leaves l where l.entry_id = e.id)`;
  const isHeld = sql`((e.subject_hash is not null and e.subject_hash in ${heldSubjects})
      or exists (select 1 from logboek_subject_aliases a where a.entry_id = e.id and a.subject_hash in ${heldSubjects})
      or exists (select 1 from logboek_intake_records r where r.entry_id = e.id and r.subject_hash in ${heldSubjects})
      or (e.case_ref is not null and e.case_ref in (select case_ref from cases where id in ${heldCases})))`;
  const held = await sql<{ n: number }>`select count(*)::int as n from logboek_entries e where ${eligible} and ${isHeld}`.execute(ex);
  const rows = await sql<{ at: Date; id: number; intake: boolean }>`
    update logboek_entries e set content = null, subject_hash = null, case_ref = null, query_id = null
     where ${eligible} and not ${isHeld}
     returning e.logged_at + make_interval(days => ${termDays}) as at, e.id, e.action = 'signal-intake' as intake`.execute(ex);
  // The other hashes a redacted entry was indexed under go with its subject hash (migration 0011).
  await sql`delete from logboek_subject_aliases a using logboek_entries e where e.id = a.entry_id and e.content is null`.execute(ex);
  // So do the index rows of a redacted chunk of intake records (migration 0240): those of the intake entries this run redacted.
  const chunks = rows.rows.filter((r) => r.intake).map((r) => r.id);
  if (chunks.length > 0) await sql`delete from logboek_intake_records where entry_id = any(string_to_array(${chunks.join(',')}, ',')::bigint[])`.execute(ex);
  return { ...summarise(rows.rows), held: held.rows[0]!.n };
}

/**
 * Whether anything of a subject is still held: a signal, a casus, or a logboek entry (or an alias of
 * one, or an intake record of a chunk) that still names it. The record of how a bezwaar or a verzoek about
 * the subject was handled stays while this holds (AVG art. 5(2)). `hashes` is a subquery of the
 * subject's hashes.
 */
const dataLeftAbout = (hashes: RawBuilder<unknown>): RawBuilder<unknown> => sql`(exists (select 1 from signals s where s.subject_hash in ${hashes})
      or exists (select 1 from case_subject_hashes c where c.subject_hash in ${hashes})
      or exists (select 1 from logboek_entries e where e.subject_hash in ${hashes})
      or exists (select 1 from logboek_subject_aliases a where a.subject_hash in ${hashes})
      or exists (select 1 from logboek_intake_records r where r.subject_hash in ${hashes}))`;

/**
 * Deletes ended bezwaren (rejected, or upheld and lifted) `termDays` after they ended, but only
 * once nothing of their subject is left: no signal, no casus, no logboek entry that still names
 * the subject (entries are redacted after their own term), and no active hold. A bezwaar is
 * evidence of how an objection was handled (AVG art. 21, art. 5(2) accountability), so it stays as
 * long as the data it was about; an upheld bezwaar in force is never removed: it is the block
 * itself. Its subject hashes go with it (ON DELETE CASCADE).
 */
export async function removeEndedBezwaren(ex: Executor, endedBefore: Date, termDays: number): Promise<Removed & { held: number }> {
  const ended = sql`(case when b.decision = 'rejected' then b.decided_at else b.lifted_at end)`;
  const eligible = sql`${ended} is not null and ${ended} <= ${endedBefore}`;
  const hashes = sql`(select h.subject_hash from bezwaar_subject_hashes h where h.bezwaar_id = b.id)`;
  const dataLeft = dataLeftAbout(hashes);
  const isHeld = sql`exists (select 1 from bezwaar_subject_hashes h where h.bezwaar_id = b.id and h.subject_hash in ${heldSubjects})`;
  const held = await sql<{ n: number }>`select count(*)::int as n from bezwaren b where ${eligible} and ${isHeld}`.execute(ex);
  const rows = await sql<{ at: Date }>`
    delete from bezwaren b where ${eligible} and not ${isHeld} and not ${dataLeft}
     returning ${ended} + make_interval(days => ${termDays}) as at`.execute(ex);
  return { ...summarise(rows.rows), held: held.rows[0]!.n };
}

/**
 * Deletes answered verzoeken van betrokkenen `termDays` after they were answered, with their
 * tasks for partners and their subject hashes (ON DELETE CASCADE), on the same terms as ended
 * bezwaren: only once nothing of their subject is left (no signal, casus or logboek entry that
 * still names it) and no active hold protects it. A verzoek is the evidence that a request was
 * handled, and in time (AVG arts. 12(3) and 5(2)), so it stays as long as the data it was about.
 * An open verzoek is never removed, nor an answered one while a task of it is still open at a
 * partner. The erasure records (`signal_erasures`) are not removed: they name a partner and its
 * opaque ref only, and keep an erased signal out for as long as the partner could send it again.
 */
export async function removeAnsweredVerzoeken(ex: Executor, answeredBefore: Date, termDays: number): Promise<Removed & { held: number }> {
  // answered_on is a date: the term runs from the start of that day (UTC, the database's zone).
  const eligible = sql`v.status = 'answered' and v.answered_on <= ${answeredBefore}::date
      and not exists (select 1 from verzoek_taken t where t.verzoek_id = v.id and t.status = 'open')`;
  const hashes = sql`(select h.subject_hash from verzoek_subject_hashes h where h.verzoek_id = v.id)`;
  const dataLeft = dataLeftAbout(hashes);
  const isHeld = sql`exists (select 1 from verzoek_subject_hashes h where h.verzoek_id = v.id and h.subject_hash in ${heldSubjects})`;
  const held = await sql<{ n: number }>`select count(*)::int as n from verzoeken v where ${eligible} and ${isHeld}`.execute(ex);
  const rows = await sql<{ at: Date }>`
    delete from verzoeken v where ${eligible} and not ${isHeld} and not ${dataLeft}
     returning (v.answered_on + make_interval(days => ${termDays}))::timestamptz as at`.execute(ex);
  return { ...summarise(rows.rows), held: held.rows[0]!.n };
}

/** Deletes custodian usage counts of minutes that the quotas' window (24 hours) no longer covers. They name callers, never subjects. */
export async function removeStaleCustodianUsage(ex: Executor, now: Date): Promise<Removed> {
  const rows = await ex
    .deleteFrom('custodian_usage')
    .where('minute', '<=', new Date(now.getTime() - USAGE_WINDOW_MS))
    .returning(sql<Date>`minute + interval '1 day'`.as('at'))
    .execute();
  return summarise(rows);
}
