/**
 * Tasks for partners (verzoek_taken, migration 0130): a verzoek forwarded to a partner with the
 * partner's own signal refs. Reads for the jurist go by verzoek; reads for a partner go by its
 * own partner id(s) only, so a partner never reads another partner's task.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { VerzoekType } from './verzoek-fns.js';

export type TaakStatus = 'open' | 'corrected' | 'withdrawn' | 'refused';

export interface TaakRow {
  id: string;
  verzoekId: string;
  partnerId: string;
  refs: string[];
  status: TaakStatus;
  reason: string | null;
  forwardedBy: string;
  forwardedAt: Date;
  answeredBy: string | null;
  answeredAt: Date | null;
}

/** A task with what the partner needs of its verzoek: the type and the deadline that applies. */
export interface PartnerTaakRow extends TaakRow {
  type: VerzoekType;
  deadline: string;
}

const columns = [
  't.id',
  't.verzoek_id as verzoekId',
  't.partner_id as partnerId',
  't.refs',
  't.status',
  't.reason',
  't.forwarded_by as forwardedBy',
  't.forwarded_at as forwardedAt',
  't.answered_by as answeredBy',
  't.answered_at as answeredAt',
] as const;

/** Inserts a task; undefined when the verzoek was forwarded to this partner already. */
export async function insertTaak(ex: Executor, t: { verzoekId: string; partnerId: string; refs: readonly string[]; by: string; at: Date }): Promise<TaakRow | undefined> {
  const row = await ex
    .insertInto('verzoek_taken')
    .values({ verzoek_id: t.verzoekId, partner_id: t.partnerId, refs: [...t.refs], forwarded_by: t.by, forwarded_at: t.at })
    .onConflict((oc) => oc.columns(['verzoek_id', 'partner_id']).doNothing())
    .returning(['id'])
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, verzoekId: t.verzoekId, partnerId: t.partnerId, refs: [...t.refs], status: 'open', reason: null, forwardedBy: t.by, forwardedAt: t.at, answeredBy: null, answeredAt: null };
}

/** The tasks of one verzoek, by partner. */
export async function takenOfVerzoek(ex: Executor, verzoekId: string): Promise<TaakRow[]> {
  return ex.selectFrom('verzoek_taken as t').select(columns).where('t.verzoek_id', '=', verzoekId).orderBy('t.partner_id').execute();
}

/** The tasks of these partners (open ones, or all), earliest deadline first. */
export async function takenOfPartners(ex: Executor, partnerIds: readonly string[], openOnly: boolean): Promise<PartnerTaakRow[]> {
  if (partnerIds.length === 0) return [];
  let q = ex
    .selectFrom('verzoek_taken as t')
    .innerJoin('verzoeken as v', 'v.id', 't.verzoek_id')
    .select([...columns, 'v.type', sql<string>`coalesce(v.extended_until, v.deadline)::text`.as('deadline')])
    .where('t.partner_id', 'in', [...partnerIds]);
  if (openOnly) q = q.where('t.status', '=', 'open');
  return q.orderBy(sql`coalesce(v.extended_until, v.deadline)`).orderBy('t.forwarded_at').orderBy('t.id').execute();
}

/** One task of these partners, locked for its answer; undefined for another partner's task. */
export async function findPartnerTaak(ex: Executor, id: string, partnerIds: readonly string[]): Promise<PartnerTaakRow | undefined> {
  if (partnerIds.length === 0) return undefined;
  return ex
    .selectFrom('verzoek_taken as t')
    .innerJoin('verzoeken as v', 'v.id', 't.verzoek_id')
    .select([...columns, 'v.type', sql<string>`coalesce(v.extended_until, v.deadline)::text`.as('deadline')])
    .where('t.id', '=', id)
    .where('t.partner_id', 'in', [...partnerIds])
    .forUpdate()
    .executeTakeFirst();
}

export async function answerTaak(ex: Executor, id: string, a: { status: Exclude<TaakStatus, 'open'>; reason: string | null; by: string; at: Date }): Promise<void> {
  await ex.updateTable('verzoek_taken').set({ status: a.status, reason: a.reason, answered_by: a.by, answered_at: a.at }).where('id', '=', id).where('status', '=', 'open').execute();
}
