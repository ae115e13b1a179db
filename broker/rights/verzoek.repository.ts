/** Verzoeken van betrokkenen at rest. Dates are read back as text (YYYY-MM-DD), so that both engines agree. */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { VerzoekDecision, VerzoekType } from './verzoek-fns.js';

export interface VerzoekRow {
  id: string;
  type: VerzoekType;
  requester: 'betrokkene' | 'ouder-of-voogd' | 'gemachtigde';
  identityCheck: string;
  receivedOn: string;
  deadline: string;
  extendedUntil: string | null;
  extensionReason: string | null;
  status: 'open' | 'answered';
  decision: VerzoekDecision | null;
  grondslag: string | null;
  answeredOn: string | null;
  answeredBy: string | null;
  registeredBy: string;
  registeredAt: Date;
}

const columns = [
  'id',
  'type',
  'requester',
  'identity_check as identityCheck',
  sql<string>`received_on::text`.as('receivedOn'),
  sql<string>`deadline::text`.as('deadline'),
  sql<string | null>`extended_until::text`.as('extendedUntil'),
  'extension_reason as extensionReason',
  'status',
  'decision',
  'grondslag',
  sql<string | null>`answered_on::text`.as('answeredOn'),
  'answered_by as answeredBy',
  'registered_by as registeredBy',
  'registered_at as registeredAt',
] as const;

export async function insertVerzoek(
  ex: Executor,
  v: { type: VerzoekType; requester: VerzoekRow['requester']; identityCheck: string; receivedOn: string; deadline: string; subjectHashes: readonly Buffer[]; by: string; at: Date },
): Promise<VerzoekRow> {
  const row = await ex
    .insertInto('verzoeken')
    .values({ type: v.type, requester: v.requester, identity_check: v.identityCheck, received_on: v.receivedOn, deadline: v.deadline, registered_by: v.by, registered_at: v.at })
    .returning(columns)
    .executeTakeFirstOrThrow();
  await ex.insertInto('verzoek_subject_hashes').values(v.subjectHashes.map((h) => ({ verzoek_id: row.id, subject_hash: h }))).execute();
  return row;
}

/** One verzoek, locked for an update when `lock`. */
export async function findVerzoek(ex: Executor, id: string, lock = false): Promise<VerzoekRow | undefined> {
  const q = ex.selectFrom('verzoeken').select(columns).where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export async function extendVerzoek(ex: Executor, id: string, until: string, reason: string): Promise<void> {
  await ex.updateTable('verzoeken').set({ extended_until: until, extension_reason: reason }).where('id', '=', id).execute();
}

export async function answerVerzoek(ex: Executor, id: string, a: { decision: VerzoekDecision; grondslag: string; answeredOn: string; by: string }): Promise<void> {
  await ex
    .updateTable('verzoeken')
    .set({ status: 'answered', decision: a.decision, grondslag: a.grondslag, answered_on: a.answeredOn, answered_by: a.by })
    .where('id', '=', id)
    .execute();
}

export async function verzoekSubjectHashes(ex: Executor, id: string): Promise<Buffer[]> {
  const rows = await ex.selectFrom('verzoek_subject_hashes').select('subject_hash').where('verzoek_id', '=', id).execute();
  return rows.map((r) => Buffer.from(r.subject_hash));
}

/** Every verzoek, or only the open ones, oldest deadline first (then receipt). */
export async function listVerzoeken(ex: Executor, openOnly: boolean): Promise<VerzoekRow[]> {
  let q = ex.selectFrom('verzoeken').select(columns);
  if (openOnly) q = q.where('status', '=', 'open');
  return q.orderBy(sql`coalesce(extended_until, deadline)`).orderBy('received_on').orderBy('id').execute();
}

/** Open verzoeken whose deadline (extended or not) lies before `today`, oldest deadline first. */
export async function overdueVerzoeken(ex: Executor, today: string): Promise<VerzoekRow[]> {
  return ex
    .selectFrom('verzoeken')
    .select(columns)
    .where('status', '=', 'open')
    .where(sql<boolean>`coalesce(extended_until, deadline) < ${today}::date`)
    .orderBy(sql`coalesce(extended_until, deadline)`)
    .orderBy('id')
    .execute();
}

/** The verzoeken about a subject (any of its hashes), oldest receipt first. */
export async function verzoekenAbout(ex: Executor, hashes: readonly Buffer[]): Promise<VerzoekRow[]> {
  return ex
    .selectFrom('verzoeken')
    .select(columns)
    .where('id', 'in', (qb) => qb.selectFrom('verzoek_subject_hashes').select('verzoek_id').where('subject_hash', 'in', hashes))
    .orderBy('received_on')
    .orderBy('id')
    .execute();
}
