/** Bezwaren at rest. The question path reads the block itself (`jpp_ask`, migrations 0210 and 0220, called by queries/query.repository.ts), in the same statement as its casus. */
import type { Executor } from '../db/database.js';

export interface BezwaarRow {
  id: string;
  doelen: string[];
  decision: 'upheld' | 'rejected';
  decidedBy: string;
  decidedAt: Date;
  liftedAt: Date | null;
  kind: 'bezwaar' | 'beperking';
}

const columns = ['id', 'doelen', 'decision', 'decided_by as decidedBy', 'decided_at as decidedAt', 'lifted_at as liftedAt', 'kind'] as const;

export async function insertBezwaar(
  ex: Executor,
  b: { subjectHashes: readonly Buffer[]; doelen: readonly string[]; decision: 'upheld' | 'rejected'; by: string; at: Date; kind?: 'bezwaar' | 'beperking' },
): Promise<BezwaarRow> {
  const row = await ex
    .insertInto('bezwaren')
    .values({ doelen: JSON.stringify(b.doelen), decision: b.decision, decided_by: b.by, decided_at: b.at, kind: b.kind ?? 'bezwaar' })
    .returning(columns)
    .executeTakeFirstOrThrow();
  await ex.insertInto('bezwaar_subject_hashes').values(b.subjectHashes.map((h) => ({ bezwaar_id: row.id, subject_hash: h }))).execute();
  return row;
}

export async function findBezwaar(ex: Executor, id: string): Promise<BezwaarRow | undefined> {
  return ex.selectFrom('bezwaren').select(columns).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function liftBezwaar(ex: Executor, id: string, at: Date): Promise<void> {
  await ex.updateTable('bezwaren').set({ lifted_at: at }).where('id', '=', id).execute();
}

export async function bezwaarSubjectHashes(ex: Executor, id: string): Promise<Buffer[]> {
  const rows = await ex.selectFrom('bezwaar_subject_hashes').select('subject_hash').where('bezwaar_id', '=', id).execute();
  return rows.map((r) => Buffer.from(r.subject_hash));
}

/** The bezwaren about a subject (any of its hashes), oldest first. */
export async function bezwarenAbout(ex: Executor, hashes: readonly Buffer[]): Promise<BezwaarRow[]> {
  return ex
    .selectFrom('bezwaren')
    .select(columns)
    .where('id', 'in', (qb) => qb.selectFrom('bezwaar_subject_hashes').select('bezwaar_id').where('subject_hash', 'in', hashes))
    .orderBy('decided_at')
    .orderBy('id')
    .execute();
}

/** Every bezwaar, or only the active ones (upheld, not lifted), newest decision first. */
export async function listBezwaren(ex: Executor, activeOnly: boolean): Promise<BezwaarRow[]> {
  let q = ex.selectFrom('bezwaren').select(columns);
  if (activeOnly) q = q.where('decision', '=', 'upheld').where('lifted_at', 'is', null);
  return q.orderBy('decided_at', 'desc').orderBy('id').execute();
}
