/** Legal holds at rest: placed, listed, released; and the question retention asks of them. */
import type { Executor } from '../db/database.js';

export interface HoldRow {
  id: string;
  scope: 'case' | 'subject';
  caseId: string | null;
  /** The held casus's reference (null for a hold on a subject). */
  caseRef: string | null;
  reason: string;
  placedBy: string;
  placedAt: Date;
  releasedAt: Date | null;
}

const holdColumns = ['id', 'scope', 'case_id as caseId', 'reason', 'placed_by as placedBy', 'placed_at as placedAt', 'released_at as releasedAt'] as const;
const joinedColumns = ['h.id', 'h.scope', 'h.case_id as caseId', 'c.case_ref as caseRef', 'h.reason', 'h.placed_by as placedBy', 'h.placed_at as placedAt', 'h.released_at as releasedAt'] as const;

export async function insertHold(
  ex: Executor,
  h: { caseId: string | null; caseRef: string | null; subjectHashes: readonly Buffer[]; reason: string; by: string; at: Date },
): Promise<HoldRow> {
  const row = await ex
    .insertInto('legal_holds')
    .values({ scope: h.caseId ? 'case' : 'subject', case_id: h.caseId, reason: h.reason, placed_by: h.by, placed_at: h.at })
    .returning(holdColumns)
    .executeTakeFirstOrThrow();
  if (h.subjectHashes.length > 0) {
    await ex.insertInto('legal_hold_subject_hashes').values(h.subjectHashes.map((s) => ({ hold_id: row.id, subject_hash: s }))).execute();
  }
  return { ...row, caseRef: h.caseRef };
}

export async function listHolds(ex: Executor, activeOnly: boolean): Promise<HoldRow[]> {
  let q = ex.selectFrom('legal_holds as h').leftJoin('cases as c', 'c.id', 'h.case_id').select(joinedColumns);
  if (activeOnly) q = q.where('h.released_at', 'is', null);
  return q.orderBy('h.placed_at', 'desc').orderBy('h.id').execute();
}

export async function findHold(ex: Executor, id: string): Promise<HoldRow | undefined> {
  return ex.selectFrom('legal_holds as h').leftJoin('cases as c', 'c.id', 'h.case_id').select(joinedColumns).where('h.id', '=', id).forUpdate('h').executeTakeFirst();
}

export async function releaseHold(ex: Executor, id: string, by: string, at: Date): Promise<void> {
  await ex.updateTable('legal_holds').set({ released_by: by, released_at: at }).where('id', '=', id).execute();
}

export async function holdSubjectHashes(ex: Executor, holdId: string): Promise<Buffer[]> {
  const rows = await ex.selectFrom('legal_hold_subject_hashes').select('subject_hash').where('hold_id', '=', holdId).execute();
  return rows.map((r) => Buffer.from(r.subject_hash));
}

/** Everything active holds protect: casus ids held directly, and subject hashes held. */
export async function activeHolds(ex: Executor): Promise<{ caseIds: Set<string>; subjectHashes: Set<string> }> {
  const cases = await ex.selectFrom('legal_holds').select('case_id').where('released_at', 'is', null).where('case_id', 'is not', null).execute();
  const subjects = await ex
    .selectFrom('legal_hold_subject_hashes as h')
    .innerJoin('legal_holds as l', 'l.id', 'h.hold_id')
    .select('h.subject_hash')
    .where('l.released_at', 'is', null)
    .execute();
  return {
    caseIds: new Set(cases.map((c) => c.case_id!)),
    subjectHashes: new Set(subjects.map((s) => Buffer.from(s.subject_hash).toString('hex'))),
  };
}

/** Whether an active hold covers the casus, directly or through one of its subjects. */
export async function caseOnHold(ex: Executor, caseId: string): Promise<boolean> {
  const direct = await ex.selectFrom('legal_holds').select('id').where('case_id', '=', caseId).where('released_at', 'is', null).executeTakeFirst();
  if (direct) return true;
  const viaSubject = await ex
    .selectFrom('legal_hold_subject_hashes as h')
    .innerJoin('legal_holds as l', 'l.id', 'h.hold_id')
    .innerJoin('case_subject_hashes as ch', 'ch.subject_hash', 'h.subject_hash')
    .innerJoin('case_subjects as s', 's.id', 'ch.subject_id')
    .select('l.id')
    .where('s.case_id', '=', caseId)
    .where('l.released_at', 'is', null)
    .executeTakeFirst();
  return viaSubject !== undefined;
}

/** Whether an active hold covers the subject (any of its hashes): a wissing must wait for its release. */
export async function subjectOnHold(ex: Executor, subjectHashes: readonly Buffer[]): Promise<boolean> {
  if (subjectHashes.length === 0) return false;
  const row = await ex
    .selectFrom('legal_hold_subject_hashes as h')
    .innerJoin('legal_holds as l', 'l.id', 'h.hold_id')
    .select('l.id')
    .where('h.subject_hash', 'in', [...subjectHashes])
    .where('l.released_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
