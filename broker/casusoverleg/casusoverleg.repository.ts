/**
 * The casusoverleg at rest (migration 0120): meetings, their agenda, the invitations decided per
 * casus; and the reads the derivation and a partner's view need: the hits the logboek recorded for
 * a casus, and a partner's OWN current signal refs for the youths of a casus.
 *
 * Subject hashes never leave this file. Only `ownRefsOf` reads signals, and only of the one partner
 * it is given, for the youths of one casus it is invited to, in the categories that made its hit.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { RuleRef } from '../policy/decision-table.js';
import { DISCLOSURE_ACTIONS, disclosuresOf } from '../logboek/disclosure-fns.js';
import type { LogContent } from '../logboek/log-entry.js';

export interface MeetingRow {
  id: string;
  date: Date;
  plannedBy: string;
  plannedAt: Date;
}

export async function insertMeeting(ex: Executor, m: { date: Date; by: string; at: Date }): Promise<string> {
  const row = await ex.insertInto('casusoverleg_meetings').values({ meeting_date: m.date, planned_by: m.by, planned_at: m.at }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The meeting; with `lock`, first takes a transaction-scoped advisory lock on it, so that agenda
 * changes of one meeting are decided one after the other. An advisory lock, not `FOR UPDATE`:
 * a row lock needs UPDATE privilege, and the broker's runtime role never updates a meeting
 * (migration 0110; test/db/runtime-role.test.ts).
 */
export async function findMeeting(ex: Executor, id: string, lock = false): Promise<MeetingRow | undefined> {
  if (lock) await sql`select pg_advisory_xact_lock(hashtextextended(${`casusoverleg:${id}`}, 0))`.execute(ex);
  return ex.selectFrom('casusoverleg_meetings').select(['id', 'meeting_date as date', 'planned_by as plannedBy', 'planned_at as plannedAt']).where('id', '=', id).executeTakeFirst();
}

/** Every meeting, newest date first, with how many casussen are on its agenda. */
export async function listMeetings(ex: Executor): Promise<Array<MeetingRow & { agendaCount: number }>> {
  return ex
    .selectFrom('casusoverleg_meetings as m')
    .select(['m.id', 'm.meeting_date as date', 'm.planned_by as plannedBy', 'm.planned_at as plannedAt'])
    .select(sql<number>`(select count(*)::int from casusoverleg_agenda a where a.meeting_id = m.id)`.as('agendaCount'))
    .orderBy('m.meeting_date', 'desc')
    .orderBy('m.id')
    .execute();
}

export interface AgendaRow {
  caseId: string;
  caseRef: string;
  status: string;
  regiehouder: string | null;
  addedAt: Date;
}

export async function agendaOf(ex: Executor, meetingId: string): Promise<AgendaRow[]> {
  return ex
    .selectFrom('casusoverleg_agenda as a')
    .innerJoin('cases as c', 'c.id', 'a.case_id')
    .select(['c.id as caseId', 'c.case_ref as caseRef', 'c.status', 'c.regiehouder', 'a.added_at as addedAt'])
    .where('a.meeting_id', '=', meetingId)
    .orderBy('a.added_at')
    .orderBy('c.case_ref')
    .execute();
}

/** Puts a casus on the agenda; false when it is there already. */
export async function insertAgendaItem(ex: Executor, a: { meetingId: string; caseId: string; by: string; at: Date }): Promise<boolean> {
  const rows = await ex
    .insertInto('casusoverleg_agenda')
    .values({ meeting_id: a.meetingId, case_id: a.caseId, added_by: a.by, added_at: a.at })
    .onConflict((oc) => oc.columns(['meeting_id', 'case_id']).doNothing())
    .returning('case_id')
    .execute();
  return rows.length > 0;
}

export async function onAgenda(ex: Executor, meetingId: string, caseId: string): Promise<boolean> {
  return (await ex.selectFrom('casusoverleg_agenda').select('case_id').where('meeting_id', '=', meetingId).where('case_id', '=', caseId).executeTakeFirst()) !== undefined;
}

export interface InvitationRow {
  caseId: string;
  partner: string;
  invited: boolean;
  grounds: string[];
  categories: string[];
  addedReason: string | null;
  consent: boolean;
  exclusionReason: string | null;
  rules: RuleRef[];
  decidedAt: Date;
}

export async function invitationsOf(ex: Executor, meetingId: string): Promise<InvitationRow[]> {
  const rows = await ex
    .selectFrom('casusoverleg_invitations')
    .select(['case_id as caseId', 'partner_id as partner', 'invited', 'grounds', 'categories', 'added_reason as addedReason', 'consent', 'exclusion_reason as exclusionReason', 'rules', 'decided_at as decidedAt'])
    .where('meeting_id', '=', meetingId)
    .orderBy('decided_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, grounds: json(r.grounds), categories: json(r.categories), rules: json(r.rules) }));
}

export async function insertInvitations(ex: Executor, meetingId: string, rows: ReadonlyArray<Omit<InvitationRow, 'decidedAt'> & { by: string; at: Date }>): Promise<void> {
  if (rows.length === 0) return;
  await ex
    .insertInto('casusoverleg_invitations')
    .values(
      rows.map((r) => ({
        meeting_id: meetingId,
        case_id: r.caseId,
        partner_id: r.partner,
        invited: r.invited,
        grounds: JSON.stringify(r.grounds),
        categories: JSON.stringify(r.categories),
        added_reason: r.addedReason,
        consent: r.consent,
        exclusion_reason: r.exclusionReason,
        rules: JSON.stringify(r.rules),
        decided_by: r.by,
        decided_at: r.at,
      })),
    )
    .execute();
}

/**
 * The partners that answered `hit` to a question about this casus, with the categories that
 * counted: read from the logboek's disclosures (the record of every answer), not from the
 * signals, so that the list is what the questions found. Both forms (logboek/disclosure-fns.ts):
 * a `disclosure` entry with outcome hit, and each hit answer of a `question` entry (found by its
 * index rows, migration 0220).
 */
export async function hitsOfCase(ex: Executor, c: { id: string; caseRef: string }): Promise<Array<{ partner: string; categories: string[] }>> {
  const rows = await ex
    .selectFrom('logboek_entries as e')
    .select(['e.content'])
    .where('e.action', 'in', DISCLOSURE_ACTIONS)
    .where('e.case_ref', '=', c.caseRef)
    .where('e.content', 'is not', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('e.action', '=', 'disclosure'), eb('e.outcome', '=', 'hit')]),
        eb.and([eb('e.action', '=', 'question'), eb.exists(eb.selectFrom('logboek_disclosures as d').select('d.answer').whereRef('d.entry_id', '=', 'e.id').where('d.outcome', '=', 'hit'))]),
      ]),
    )
    .execute();
  return rows.flatMap((r) => {
    const content = JSON.parse(r.content!) as LogContent;
    if (content.details?.['caseId'] !== c.id) return [];
    return disclosuresOf(content)
      .filter((d) => d.outcome === 'hit' && d.partner !== '')
      .map((d) => ({ partner: d.partner, categories: [...d.categoriesCounted] }));
  });
}

export interface PartnerInvitationRow {
  meetingId: string;
  date: Date;
  caseId: string;
  caseRef: string;
  partner: string;
  categories: string[];
  regiehouder: string | null;
}

/** The invitations made to these partners (never the excluded ones), newest meeting first. */
export async function invitationsForPartners(ex: Executor, partners: readonly string[]): Promise<PartnerInvitationRow[]> {
  if (partners.length === 0) return [];
  const rows = await ex
    .selectFrom('casusoverleg_invitations as i')
    .innerJoin('casusoverleg_meetings as m', 'm.id', 'i.meeting_id')
    .innerJoin('cases as c', 'c.id', 'i.case_id')
    .select(['m.id as meetingId', 'm.meeting_date as date', 'c.id as caseId', 'c.case_ref as caseRef', 'i.partner_id as partner', 'i.categories', 'c.regiehouder'])
    .where('i.invited', '=', true)
    .where('i.partner_id', 'in', [...partners])
    .orderBy('m.meeting_date', 'desc')
    .orderBy('c.case_ref')
    .orderBy('i.partner_id')
    .execute();
  return rows.map((r) => ({ ...r, categories: json(r.categories) }));
}

/** The partner's own current signal refs, for the youths of the casus, in the given categories. */
export async function ownRefsOf(ex: Executor, q: { partner: string; caseId: string; categories: readonly string[]; now: Date }): Promise<string[]> {
  if (q.categories.length === 0) return [];
  const rows = await ex
    .selectFrom('signals')
    .select('ref')
    .distinct()
    .where('partner_id', '=', q.partner)
    .where('category', 'in', [...q.categories])
    .where('registered_at', '<=', q.now)
    .where('expires_at', '>', q.now)
    .where('subject_hash', 'in', (eb) =>
      eb.selectFrom('case_subject_hashes as h').innerJoin('case_subjects as s', 's.id', 'h.subject_id').select('h.subject_hash').where('s.case_id', '=', q.caseId),
    )
    .orderBy('ref')
    .execute();
  return rows.map((r) => r.ref);
}

/** The vervolgacties of these casussen that these partners own or receive (a warme overdracht). */
export async function vervolgactiesForPartners(ex: Executor, caseIds: readonly string[], partners: readonly string[]) {
  if (caseIds.length === 0 || partners.length === 0) return [];
  return ex
    .selectFrom('case_vervolgacties')
    .select(['id', 'case_id as caseId', 'partner_id as partner', 'kind', 'to_partner_id as toPartner', 'due_date as dueDate', 'completed_at as completedAt'])
    .where('case_id', 'in', [...caseIds])
    .where((eb) => eb.or([eb('partner_id', 'in', [...partners]), eb('to_partner_id', 'in', [...partners])]))
    .orderBy('due_date')
    .orderBy('id')
    .execute();
}

/** jsonb arrives parsed from pg and PGlite alike; a string (an older driver) is parsed here. */
function json<T>(v: T | string): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}
