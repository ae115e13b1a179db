/**
 * Casussen at rest: the casus row, its subjects (as hashes), its status history and its
 * vervolgacties. Pseudonyms never reach this layer; subject hashes never leave it except
 * to the logboek writer.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { CaseKind, CaseStatus } from './casus-workflow.js';

export interface CaseRow {
  id: string;
  caseRef: string;
  doel: string;
  kind: CaseKind;
  routeIn: string;
  status: CaseStatus;
  openedBy: string;
  openedAt: Date;
  statusChangedAt: Date;
  closedAt: Date | null;
  outcome: string | null;
  aanmeldcriteria: string[];
}

export interface SubjectRow {
  id: string;
  caseId: string;
  position: number;
  notificationState: 'pending' | 'informed' | 'deferred';
  informedAt: Date | null;
  deferReason: string | null;
  deferredUntil: Date | null;
  /** When and by whom the current notificatie was recorded (by: migration 0180; null before it). */
  notificationChangedAt: Date | null;
  notificationChangedBy: string | null;
  ageBand: string | null;
  parentConsentNeeded: boolean;
}

const caseColumns = [
  'id',
  'case_ref as caseRef',
  'doel',
  'kind',
  'route_in as routeIn',
  'status',
  'opened_by as openedBy',
  'opened_at as openedAt',
  'status_changed_at as statusChangedAt',
  'closed_at as closedAt',
  'outcome',
  'aanmeldcriteria',
] as const;

export async function insertCase(
  ex: Executor,
  c: {
    caseRef: string;
    doel: string;
    kind: CaseKind;
    routeIn: string;
    aanmeldcriteria: readonly string[];
    openedBy: string;
    openedAt: Date;
    subjects: Buffer[][];
    /** Per subject, in order: the age band and whether a parent must consent. */
    ages: ReadonlyArray<{ band: string; parentConsentNeeded: boolean }>;
  },
): Promise<{ id: string; subjectIds: string[] } | null> {
  const row = await ex
    .insertInto('cases')
    .values({
      case_ref: c.caseRef,
      doel: c.doel,
      kind: c.kind,
      route_in: c.routeIn,
      aanmeldcriteria: JSON.stringify(c.aanmeldcriteria),
      opened_by: c.openedBy,
      opened_at: c.openedAt,
      status: 'aangemeld',
      status_changed_at: c.openedAt,
    })
    .onConflict((oc) => oc.column('case_ref').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return null;
  const subjects = await ex
    .insertInto('case_subjects')
    .values(c.subjects.map((_, position) => ({ case_id: row.id, position, age_band: c.ages[position]!.band, parent_consent_needed: c.ages[position]!.parentConsentNeeded })))
    .returning(['id', 'position'])
    .execute();
  const idAt = new Map(subjects.map((s) => [s.position, s.id]));
  const subjectIds = c.subjects.map((_, i) => idAt.get(i)!);
  await ex
    .insertInto('case_subject_hashes')
    .values(c.subjects.flatMap((hashes, i) => hashes.map((h) => ({ subject_id: subjectIds[i]!, subject_hash: h }))))
    .execute();
  await insertStatusChange(ex, { caseId: row.id, from: null, to: 'aangemeld', reason: null, outcome: null, by: c.openedBy, at: c.openedAt });
  return { id: row.id, subjectIds };
}

export async function insertStatusChange(
  ex: Executor,
  s: { caseId: string; from: CaseStatus | null; to: CaseStatus; reason: string | null; outcome: string | null; by: string; at: Date },
): Promise<void> {
  await ex
    .insertInto('case_status_changes')
    .values({ case_id: s.caseId, from_status: s.from, to_status: s.to, reason: s.reason, outcome: s.outcome, changed_by: s.by, changed_at: s.at })
    .execute();
}

/** The casus by id or by case reference; `forUpdate` locks its row for a status move. */
export async function findCase(ex: Executor, by: { id: string } | { caseRef: string }, forUpdate = false): Promise<CaseRow | undefined> {
  let q = ex.selectFrom('cases').select(caseColumns);
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('case_ref', '=', by.caseRef);
  if (forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) as CaseRow | undefined;
}

export async function updateCaseStatus(
  ex: Executor,
  id: string,
  s: { status: CaseStatus; at: Date; outcome: string | null; closedAt: Date | null },
): Promise<void> {
  await ex.updateTable('cases').set({ status: s.status, status_changed_at: s.at, outcome: s.outcome, closed_at: s.closedAt }).where('id', '=', id).execute();
}

/** A page of cases, newest first, keyset-paged on (opened_at, id); one row more than `limit` tells that another page follows. */
export async function listCases(
  ex: Executor,
  f: { openedBy?: string; status?: CaseStatus; caseRefContains?: string; limit: number; before?: { openedAt: Date; id: string } },
): Promise<CaseRow[]> {
  let q = ex.selectFrom('cases').select(caseColumns);
  if (f.openedBy) q = q.where('opened_by', '=', f.openedBy);
  // LIKE's own characters in the search text are escaped: they match themselves.
  if (f.caseRefContains) q = q.where(sql<boolean>`lower(case_ref) like ${`%${f.caseRefContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.before) q = q.where(sql<boolean>`(opened_at, id) < (${f.before.openedAt}, ${f.before.id}::uuid)`);
  return (await q.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute()) as CaseRow[];
}

export async function subjectsOf(ex: Executor, caseIds: readonly string[]): Promise<SubjectRow[]> {
  if (caseIds.length === 0) return [];
  return ex
    .selectFrom('case_subjects')
    .select([
      'id',
      'case_id as caseId',
      'position',
      'notification_state as notificationState',
      'informed_at as informedAt',
      'defer_reason as deferReason',
      'deferred_until as deferredUntil',
      'notification_changed_at as notificationChangedAt',
      'notification_changed_by as notificationChangedBy',
      'age_band as ageBand',
      'parent_consent_needed as parentConsentNeeded',
    ])
    .where('case_id', 'in', caseIds)
    .orderBy('case_id')
    .orderBy('position')
    .execute();
}

/**
 * The questions asked about each subject of a casus: how many, and when last. A question counts
 * for the subject whose hashes hold the subject hash the question recorded.
 */
export async function screeningsOf(ex: Executor, caseId: string): Promise<Map<string, { count: number; lastAt: Date }>> {
  const rows = await ex
    .selectFrom('queries as q')
    .innerJoin('case_subject_hashes as h', 'h.subject_hash', 'q.subject_hash')
    .innerJoin('case_subjects as s', (j) => j.onRef('s.id', '=', 'h.subject_id').onRef('s.case_id', '=', 'q.case_id'))
    .select(['s.id as subjectId', sql<number>`count(*)::int`.as('count'), sql<Date>`max(q.asked_at)`.as('lastAt')])
    .where('q.case_id', '=', caseId)
    .groupBy('s.id')
    .execute();
  return new Map(rows.map((r) => [r.subjectId, { count: Number(r.count), lastAt: new Date(r.lastAt) }]));
}

/** The hashes (one per key epoch given) of one subject of a casus. */
export async function hashesOfSubject(ex: Executor, subjectId: string): Promise<Buffer[]> {
  const rows = await ex.selectFrom('case_subject_hashes').select('subject_hash').where('subject_id', '=', subjectId).execute();
  return rows.map((r) => Buffer.from(r.subject_hash));
}

export async function historyOf(ex: Executor, caseId: string) {
  return ex
    .selectFrom('case_status_changes')
    .select(['from_status as from', 'to_status as to', 'reason', 'outcome', 'changed_by as by', 'changed_at as at'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

export async function vervolgactiesOf(ex: Executor, caseId: string) {
  return ex
    .selectFrom('case_vervolgacties')
    .select(['id', 'partner_id as partner', 'kind', 'to_partner_id as toPartner', 'due_date as dueDate', 'completed_at as completedAt', 'completed_by as completedBy', 'created_by as createdBy', 'created_at as createdAt'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertVervolgactie(
  ex: Executor,
  v: { caseId: string; partner: string; kind: string; toPartner?: string; dueDate: Date; by: string; at: Date },
): Promise<string> {
  const row = await ex
    .insertInto('case_vervolgacties')
    .values({ case_id: v.caseId, partner_id: v.partner, kind: v.kind, to_partner_id: v.toPartner ?? null, due_date: v.dueDate, created_by: v.by, created_at: v.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks an open vervolgactie done; returns false if there is no such open action in the casus. */
export async function completeVervolgactie(ex: Executor, caseId: string, actionId: string, by: string, at: Date): Promise<'done' | 'already' | 'missing'> {
  const row = await ex
    .selectFrom('case_vervolgacties')
    .select('completed_at')
    .where('id', '=', actionId)
    .where('case_id', '=', caseId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return 'missing';
  if (row.completed_at) return 'already';
  await ex.updateTable('case_vervolgacties').set({ completed_at: at, completed_by: by }).where('id', '=', actionId).execute();
  return 'done';
}

export async function setNotification(
  ex: Executor,
  caseId: string,
  subjectId: string,
  n: { state: 'informed' | 'deferred'; informedAt: Date | null; deferReason: string | null; deferredUntil: Date | null; at: Date; by: string },
): Promise<boolean> {
  const r = await ex
    .updateTable('case_subjects')
    .set({ notification_state: n.state, informed_at: n.informedAt, defer_reason: n.deferReason, deferred_until: n.deferredUntil, notification_changed_at: n.at, notification_changed_by: n.by })
    .where('id', '=', subjectId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Subjects of open casussen that are not informed yet, with their casus's opening time. */
export async function uninformedOpenSubjects(ex: Executor) {
  return ex
    .selectFrom('case_subjects as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .select([
      'c.id as caseId',
      'c.case_ref as caseRef',
      'c.opened_at as openedAt',
      's.id as subjectId',
      's.notification_state as state',
      's.deferred_until as deferredUntil',
    ])
    .where('c.status', '<>', 'afgesloten')
    .where('s.notification_state', '<>', 'informed')
    .execute();
}

/** Ids of the casussen (of `caseIds`) that have a subject among `hashes`. */
export async function casesWithSubject(ex: Executor, hashes: readonly Buffer[]): Promise<{ caseId: string; caseRef: string }[]> {
  if (hashes.length === 0) return [];
  return ex
    .selectFrom('case_subject_hashes as h')
    .innerJoin('case_subjects as s', 's.id', 'h.subject_id')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .select(['c.id as caseId', 'c.case_ref as caseRef'])
    .where('h.subject_hash', 'in', hashes)
    .distinct()
    .execute();
}

