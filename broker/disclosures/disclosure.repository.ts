/**
 * Disclosures as the logboek holds them: entries with action `disclosure`. Read only.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import type { LogContent } from '../logboek/log-entry.js';
import type { RuleRef } from '../policy/decision-table.js';

export type Outcome = 'hit' | 'no-hit' | 'not-permitted';

export interface DisclosureFilter {
  readonly from?: Date;
  readonly to?: Date;
  readonly partner?: string;
  readonly role?: string;
  readonly doel?: string;
  /** Entries whose rules name exactly this grondslag. */
  readonly grondslag?: string;
  readonly outcome?: Outcome;
  readonly caseRef?: string;
  /** Return entries with an id below this one (newest first). */
  readonly beforeId?: number;
  /** Return the `limit` entries just above this id (the page before; still answered newest first). */
  readonly afterId?: number;
  readonly limit: number;
}

export interface DisclosureRow {
  id: number;
  seq: number | null;
  queryId: string;
  loggedAt: Date;
  user: string;
  organisation: string;
  role: string;
  doel: string;
  caseRef: string;
  consent: boolean;
  partner: string;
  outcome: Outcome;
  categoriesCounted: string[];
  rules: RuleRef[];
  policyVersion: number;
  policyHash: string;
  traceId: string;
}

type Conditions = Omit<DisclosureFilter, 'beforeId' | 'afterId' | 'limit'>;

/** The filter's conditions on an entry, one expression: what listDisclosures returns and countDisclosures counts. */
function matching(eb: ExpressionBuilder<Database & { e: Database['logboek_entries'] }, 'e'>, f: Conditions): Expression<SqlBool> {
  return eb.and([
    ...(f.from ? [eb('e.logged_at', '>=', f.from)] : []),
    ...(f.to ? [eb('e.logged_at', '<', f.to)] : []),
    ...(f.partner ? [eb('e.partner_id', '=', f.partner)] : []),
    ...(f.role ? [eb('e.role_id', '=', f.role)] : []),
    ...(f.doel ? [eb('e.doel', '=', f.doel)] : []),
    ...(f.grondslag ? [sql<SqlBool>`(e.content::jsonb -> 'rules') @> ${JSON.stringify([{ grondslag: f.grondslag }])}::jsonb`] : []),
    ...(f.outcome ? [eb('e.outcome', '=', f.outcome)] : []),
    ...(f.caseRef ? [eb('e.case_ref', '=', f.caseRef)] : []),
  ]);
}

/** How many disclosure entries match the filter's conditions (its cursors and limit aside): the same conditions as listDisclosures. */
export async function countDisclosures(ex: Executor, f: Conditions): Promise<number> {
  let q = ex.selectFrom('logboek_entries as e').select(sql<number>`count(*)::int`.as('n')).where('e.action', '=', 'disclosure').where('e.content', 'is not', null);
  q = q.where((eb) => matching(eb, f));
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/**
 * Lists disclosure entries newest first; fetches one extra row so the caller knows whether more
 * follow (older ones; with `afterId`, newer ones).
 */
export async function listDisclosures(ex: Executor, f: DisclosureFilter): Promise<DisclosureRow[]> {
  let q = ex
    .selectFrom('logboek_entries as e')
    .leftJoin('logboek_leaves as l', 'l.entry_id', 'e.id')
    .select(['e.id', 'l.seq', 'e.content', 'e.logged_at'])
    .where('e.action', '=', 'disclosure')
    // Entries past their bewaartermijn are redacted (docs/casus.md): no longer a disclosure anyone can read.
    .where('e.content', 'is not', null)
    .orderBy('e.id', f.afterId !== undefined ? 'asc' : 'desc')
    .limit(f.limit + 1);
  if (f.afterId !== undefined) q = q.where('e.id', '>', f.afterId);
  q = q.where((eb) => matching(eb, f));
  if (f.beforeId !== undefined) q = q.where('e.id', '<', f.beforeId);
  const rows = await q.execute();
  return rows.map((r) => {
    const c = JSON.parse(r.content!) as LogContent;
    const actor = c.actor as Extract<LogContent['actor'], { kind: 'person' }>;
    return {
      id: r.id,
      seq: r.seq,
      queryId: c.queryId!,
      loggedAt: r.logged_at,
      user: actor.id,
      organisation: actor.organisation,
      role: actor.role,
      doel: c.doel!,
      caseRef: c.caseRef!,
      consent: c.details['consent'] === true,
      partner: c.partner!,
      outcome: c.outcome as Outcome,
      categoriesCounted: (c.details['categoriesCounted'] as string[] | undefined) ?? [],
      rules: c.rules,
      policyVersion: c.policy!.version,
      policyHash: c.policy!.hash,
      traceId: c.traceId,
    };
  });
}
