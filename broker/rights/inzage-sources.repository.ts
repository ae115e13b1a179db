/**
 * What the broker holds about ONE subject, source by source, for inzage (AVG art. 15; issue 19
 * item 1). Every source has a listing query and a separate COUNT query with the same conditions
 * written out again, so that the report's completeness count is taken independently of the rows
 * it lists (inzage-sources.ts compares them).
 *
 * A subject is found under every key epoch: `subjectClosure` widens the hashes given (one per
 * active epoch) with the hashes the broker itself has linked to them (a casus subject's hashes,
 * a verzoek's, a bezwaar's, a legal hold's, and the other hashes of a log entry written during a
 * rotation's overlap), until nothing new is found. No other subject is read.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.js';

const inList = (hashes: readonly Buffer[]): RawBuilder<unknown> => sql`(${sql.join(hashes)})`;
const n = async (ex: Executor, q: RawBuilder<{ n: number }>): Promise<number> => (await q.execute(ex)).rows[0]!.n;

/** The subject's hashes under every key epoch the broker has linked to the given ones. */
export async function subjectClosure(ex: Executor, hashes: readonly Buffer[]): Promise<Buffer[]> {
  const seen = new Map(hashes.map((h) => [h.toString('hex'), h]));
  for (let round = 0; round < 5; round += 1) {
    const h = inList([...seen.values()]);
    const r = await sql<{ h: Uint8Array }>`
      select s2.subject_hash as h from case_subject_hashes s1 join case_subject_hashes s2 on s2.subject_id = s1.subject_id where s1.subject_hash in ${h}
      union select v2.subject_hash from verzoek_subject_hashes v1 join verzoek_subject_hashes v2 on v2.verzoek_id = v1.verzoek_id where v1.subject_hash in ${h}
      union select b2.subject_hash from bezwaar_subject_hashes b1 join bezwaar_subject_hashes b2 on b2.bezwaar_id = b1.bezwaar_id where b1.subject_hash in ${h}
      union select l2.subject_hash from legal_hold_subject_hashes l1 join legal_hold_subject_hashes l2 on l2.hold_id = l1.hold_id where l1.subject_hash in ${h}
      union select a.subject_hash from logboek_entries e join logboek_subject_aliases a on a.entry_id = e.id where e.subject_hash in ${h}
      union select e.subject_hash from logboek_subject_aliases a join logboek_entries e on e.id = a.entry_id where a.subject_hash in ${h} and e.subject_hash is not null`.execute(ex);
    const before = seen.size;
    for (const row of r.rows) {
      const b = Buffer.from(row.h);
      seen.set(b.toString('hex'), b);
    }
    if (seen.size === before) break;
  }
  return [...seen.values()];
}

export interface HeldSignalRow { partnerId: string; category: string; registeredAt: Date; expiresAt: Date }
export async function listSignals(ex: Executor, hashes: readonly Buffer[]): Promise<HeldSignalRow[]> {
  return (
    await sql<HeldSignalRow>`select partner_id as "partnerId", category, registered_at as "registeredAt", expires_at as "expiresAt"
      from signals where subject_hash in ${inList(hashes)} order by registered_at, partner_id, category`.execute(ex)
  ).rows;
}
export const countSignals = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(ex, sql<{ n: number }>`select count(*)::int as n from signals where subject_hash in ${inList(hashes)}`);

/** The subject's places in casussen (case_subjects rows), found by any of its hashes. */
const subjectIds = (hashes: readonly Buffer[]): RawBuilder<unknown> => sql`(select subject_id from case_subject_hashes where subject_hash in ${inList(hashes)})`;
const caseIds = (hashes: readonly Buffer[]): RawBuilder<unknown> => sql`(select case_id from case_subjects where id in ${subjectIds(hashes)})`;

export interface CasusRow {
  caseRef: string; kind: string; status: string; openedAt: Date; closedAt: Date | null; outcome: string | null;
  regiehouder: string | null; regiehouderSince: Date | null; notificationState: string; informedAt: Date | null; deferredUntil: Date | null;
}
export async function listCasussen(ex: Executor, hashes: readonly Buffer[]): Promise<CasusRow[]> {
  return (
    await sql<CasusRow>`select c.case_ref as "caseRef", c.kind, c.status, c.opened_at as "openedAt", c.closed_at as "closedAt", c.outcome,
        c.regiehouder, c.regiehouder_since as "regiehouderSince", s.notification_state as "notificationState", s.informed_at as "informedAt", s.deferred_until as "deferredUntil"
      from case_subjects s join cases c on c.id = s.case_id where s.id in ${subjectIds(hashes)} order by c.opened_at, c.case_ref`.execute(ex)
  ).rows;
}
export const countCasussen = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(ex, sql<{ n: number }>`select count(*)::int as n from case_subjects where id in (select subject_id from case_subject_hashes where subject_hash in ${inList(hashes)})`);

export interface StatusChangeRow { caseRef: string; fromStatus: string | null; toStatus: string; changedAt: Date }
export async function listStatusChanges(ex: Executor, hashes: readonly Buffer[]): Promise<StatusChangeRow[]> {
  return (
    await sql<StatusChangeRow>`select c.case_ref as "caseRef", h.from_status as "fromStatus", h.to_status as "toStatus", h.changed_at as "changedAt"
      from case_status_changes h join cases c on c.id = h.case_id where h.case_id in ${caseIds(hashes)} order by h.changed_at, h.id`.execute(ex)
  ).rows;
}
export const countStatusChanges = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(ex, sql<{ n: number }>`select count(*)::int as n from case_status_changes where case_id in (select case_id from case_subjects where id in (select subject_id from case_subject_hashes where subject_hash in ${inList(hashes)}))`);

export interface VervolgactieRow { caseRef: string; partnerId: string; kind: string; dueDate: Date; createdAt: Date; completedAt: Date | null }
export async function listVervolgacties(ex: Executor, hashes: readonly Buffer[]): Promise<VervolgactieRow[]> {
  return (
    await sql<VervolgactieRow>`select c.case_ref as "caseRef", v.partner_id as "partnerId", v.kind, v.due_date as "dueDate", v.created_at as "createdAt", v.completed_at as "completedAt"
      from case_vervolgacties v join cases c on c.id = v.case_id where v.case_id in ${caseIds(hashes)} order by v.created_at, v.id`.execute(ex)
  ).rows;
}
export const countVervolgacties = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(ex, sql<{ n: number }>`select count(*)::int as n from case_vervolgacties where case_id in (select case_id from case_subjects where id in (select subject_id from case_subject_hashes where subject_hash in ${inList(hashes)}))`);

export interface ConsentRow { caseRef: string; givenBy: string; doel: string; partners: string[]; givenOn: Date; validUntil: Date; withdrawnAt: Date | null }
export async function listConsents(ex: Executor, hashes: readonly Buffer[]): Promise<ConsentRow[]> {
  return (
    await sql<ConsentRow>`select c.case_ref as "caseRef", k.given_by as "givenBy", k.doel, k.partners, k.given_on as "givenOn", k.valid_until as "validUntil", k.withdrawn_at as "withdrawnAt"
      from case_consents k join cases c on c.id = k.case_id where k.subject_id in ${subjectIds(hashes)} order by k.recorded_at, k.id`.execute(ex)
  ).rows;
}
export const countConsents = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(ex, sql<{ n: number }>`select count(*)::int as n from case_consents where subject_id in (select subject_id from case_subject_hashes where subject_hash in ${inList(hashes)})`);

/**
 * The disclosures about the subject (answers to questions), counted apart from the listing: a
 * `disclosure` entry is one, a `question` entry one per answer, counted by its index rows
 * (migration 0220) rather than by its content, so the count checks the listing independently.
 */
export const countDisclosuresAbout = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(
    ex,
    sql<{ n: number }>`select count(*)::int as n from logboek_entries e left join logboek_disclosures d on d.entry_id = e.id
      where e.content is not null and ((e.action = 'disclosure' and d.entry_id is null) or (e.action = 'question' and d.entry_id is not null))
        and (e.subject_hash in ${inList(hashes)} or exists (select 1 from logboek_subject_aliases a where a.entry_id = e.id and a.subject_hash in ${inList(hashes)}))`,
  );

/** Logboek entries about the subject of these actions (and outcomes), counted apart from inzage.repository's listing. */
export const countEntries = (ex: Executor, hashes: readonly Buffer[], actions: readonly string[], outcomes?: readonly string[]): Promise<number> =>
  n(
    ex,
    sql<{ n: number }>`select count(*)::int as n from logboek_entries e
      where e.content is not null and e.action in (${sql.join(actions)}) ${outcomes ? sql`and e.outcome in (${sql.join(outcomes)})` : sql``}
        and (e.subject_hash in ${inList(hashes)} or exists (select 1 from logboek_subject_aliases a where a.entry_id = e.id and a.subject_hash in ${inList(hashes)}))`,
  );

export const countBezwaren = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(ex, sql<{ n: number }>`select count(*)::int as n from bezwaren where id in (select bezwaar_id from bezwaar_subject_hashes where subject_hash in ${inList(hashes)})`);

export const countVerzoeken = (ex: Executor, hashes: readonly Buffer[]): Promise<number> =>
  n(ex, sql<{ n: number }>`select count(*)::int as n from verzoeken where id in (select verzoek_id from verzoek_subject_hashes where subject_hash in ${inList(hashes)})`);
