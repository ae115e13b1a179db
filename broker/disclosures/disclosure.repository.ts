/**
 * Disclosures as the logboek holds them, in both forms (logboek/disclosure-fns.ts): `disclosure`
 * entries (one per partner, until issue 21 step B) and `question` entries (one per question, an
 * answer per partner, with an index row per answer in logboek_disclosures, migration 0220). Each
 * answer is one disclosure, whichever form holds it. Read only.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import type { LogContent } from '../logboek/log-entry.js';
import type { RuleRef } from '../policy/decision-table.js';
import { DISCLOSURE_ACTIONS, disclosuresOf } from '../logboek/disclosure-fns.js';

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
  /** Return the disclosures after this one in the list (older; newest first). */
  readonly before?: DisclosureKey;
  /** Return the `limit` disclosures just before this one in the list (the page before; still answered newest first). */
  readonly after?: DisclosureKey;
  readonly limit: number;
}

export interface DisclosureRow {
  /** The logboek entry's id. */
  id: number;
  /** The answer's index in a `question` entry (issue 21 step B); absent for a `disclosure` entry. */
  answer?: number;
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

type Conditions = Omit<DisclosureFilter, 'before' | 'after' | 'limit'>;

/** The answer's index within its entry: a `question` entry's index row's, 0 for a `disclosure` entry (which has none). */
const ANSWER = sql<number>`coalesce(d.answer, 0)`;

/** The filter's conditions on a disclosure, one expression: what listDisclosures returns and countDisclosures counts. */
function matching(eb: ExpressionBuilder<Database & { e: Database['logboek_entries']; d: Database['logboek_disclosures'] }, 'e' | 'd'>, f: Conditions): Expression<SqlBool> {
  return eb.and([
    eb('e.action', 'in', DISCLOSURE_ACTIONS),
    // Entries past their bewaartermijn are redacted (docs/casus.md): no longer a disclosure anyone can read.
    eb('e.content', 'is not', null),
    ...(f.from ? [eb('e.logged_at', '>=', f.from)] : []),
    ...(f.to ? [eb('e.logged_at', '<', f.to)] : []),
    // A question's partner and outcome are its answer's (the index row's); a disclosure entry's its own.
    ...(f.partner ? [sql<SqlBool>`coalesce(d.partner_id, e.partner_id) = ${f.partner}`] : []),
    ...(f.role ? [eb('e.role_id', '=', f.role)] : []),
    ...(f.doel ? [eb('e.doel', '=', f.doel)] : []),
    ...(f.grondslag
      ? [sql<SqlBool>`(case when d.entry_id is null then e.content::jsonb -> 'rules' else e.content::jsonb -> 'details' -> 'answers' -> d.answer::int -> 'rules' end) @> ${JSON.stringify([{ grondslag: f.grondslag }])}::jsonb`]
      : []),
    ...(f.outcome ? [sql<SqlBool>`coalesce(d.outcome, e.outcome) = ${f.outcome}`] : []),
    ...(f.caseRef ? [eb('e.case_ref', '=', f.caseRef)] : []),
  ]);
}

/** Disclosures: entries of both forms, a question's with its answers' index rows (one row per answer). */
const disclosures = (ex: Executor) => ex.selectFrom('logboek_entries as e').leftJoin('logboek_disclosures as d', 'd.entry_id', 'e.id');

/** How many disclosures (answers) match the filter's conditions (its cursors and limit aside): the same conditions as listDisclosures. */
export async function countDisclosures(ex: Executor, f: Conditions): Promise<number> {
  const q = disclosures(ex).select(sql<number>`count(*)::int`.as('n')).where((eb) => matching(eb, f));
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/**
 * Lists disclosures newest first, a question's answers in the platform's order; fetches one extra
 * row so the caller knows whether more follow (older ones; with `after`, newer ones). A question
 * entry yields one row per partner, as the entries per partner before it did, so the impact replay
 * (policy-analysis.service.ts) counts the same decisions from either form.
 */
export async function listDisclosures(ex: Executor, f: DisclosureFilter): Promise<DisclosureRow[]> {
  const newer = f.after !== undefined;
  let q = disclosures(ex)
    .leftJoin('logboek_leaves as l', 'l.entry_id', 'e.id')
    .select(['e.id', 'l.seq', 'e.content', 'e.logged_at', 'd.answer'])
    .where((eb) => matching(eb, f))
    .orderBy('e.id', newer ? 'asc' : 'desc')
    .orderBy(ANSWER, newer ? 'desc' : 'asc')
    .limit(f.limit + 1);
  if (f.before) q = q.where(sql<SqlBool>`(e.id < ${f.before.id} or (e.id = ${f.before.id} and ${ANSWER} > ${f.before.answer}))`);
  if (f.after) q = q.where(sql<SqlBool>`(e.id > ${f.after.id} or (e.id = ${f.after.id} and ${ANSWER} < ${f.after.answer}))`);
  const rows = await q.execute();
  return rows.map((r) => {
    const c = JSON.parse(r.content!) as LogContent;
    const actor = c.actor as Extract<LogContent['actor'], { kind: 'person' }>;
    const all = disclosuresOf(c);
    const one = (r.answer === null ? all[0] : all[Number(r.answer)])!;
    return {
      id: Number(r.id),
      ...(one.answer !== undefined ? { answer: one.answer } : {}),
      seq: r.seq,
      queryId: c.queryId!,
      loggedAt: r.logged_at,
      user: actor.id,
      organisation: actor.organisation,
      role: actor.role,
      doel: c.doel!,
      caseRef: c.caseRef!,
      consent: c.details['consent'] === true,
      partner: one.partner,
      outcome: one.outcome,
      categoriesCounted: [...one.categoriesCounted],
      rules: [...one.rules],
      policyVersion: c.policy!.version,
      policyHash: c.policy!.hash,
      traceId: c.traceId,
    };
  });
}

/** A disclosure's place in the list: its entry and, in a question entry, its answer (0 for an entry per partner). */
export interface DisclosureKey {
  readonly id: number;
  readonly answer: number;
}

/** The key of a listed disclosure. */
export const keyOf = (r: Pick<DisclosureRow, 'id' | 'answer'>): DisclosureKey => ({ id: r.id, answer: r.answer ?? 0 });
