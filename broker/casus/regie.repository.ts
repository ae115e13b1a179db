/**
 * Regie at rest: the regiehouder of a casus and the overdue vervolgacties of open casussen.
 * Subject hashes never leave this file; rows name casussen, partners and codes only.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export async function setRegiehouder(ex: Executor, caseId: string, partner: string, at: Date, by: string): Promise<void> {
  await ex.updateTable('cases').set({ regiehouder: partner, regiehouder_since: at, regiehouder_set_by: by }).where('id', '=', caseId).execute();
}

/** The regiehouder, since when, and who recorded it (null before migration 0180). */
export async function regiehouderOf(ex: Executor, caseId: string): Promise<{ partner: string; since: Date; setBy: string | null } | null> {
  const row = await ex.selectFrom('cases').select(['regiehouder', 'regiehouder_since', 'regiehouder_set_by']).where('id', '=', caseId).executeTakeFirst();
  return row?.regiehouder && row.regiehouder_since ? { partner: row.regiehouder, since: row.regiehouder_since, setBy: row.regiehouder_set_by } : null;
}

export interface OverdueVervolgactieRow {
  caseId: string;
  caseRef: string;
  actionId: string;
  partner: string;
  kind: string;
  dueDate: Date;
  regiehouder: string | null;
}

/**
 * Vervolgacties not completed whose due date lies before `today` (midnight UTC), of casussen not
 * closed; optionally only those of casussen whose regiehouder is `regiehouder`. Oldest due first.
 */
export async function overdueVervolgacties(ex: Executor, today: Date, regiehouder?: string): Promise<OverdueVervolgactieRow[]> {
  let q = ex
    .selectFrom('case_vervolgacties as v')
    .innerJoin('cases as c', 'c.id', 'v.case_id')
    .select(['c.id as caseId', 'c.case_ref as caseRef', 'v.id as actionId', 'v.partner_id as partner', 'v.kind', 'v.due_date as dueDate', 'c.regiehouder'])
    .where('v.completed_at', 'is', null)
    .where('v.due_date', '<', today)
    .where('c.status', '<>', 'afgesloten');
  if (regiehouder !== undefined) q = q.where('c.regiehouder', '=', regiehouder);
  return (await q.orderBy('v.due_date').orderBy(sql`v.id`).execute()) as OverdueVervolgactieRow[];
}
