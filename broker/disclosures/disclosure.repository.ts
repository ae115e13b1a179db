/**
 * The disclosure log at rest. Append and read only: there is no update or delete here,
 * and the database refuses them too (see migration 0001).
 */
import type { Executor } from '../db/database.js';
import type { LoggedRule } from '../db/tables/disclosure-log.table.js';

export type Outcome = 'hit' | 'no-hit' | 'not-permitted';

export interface NewDisclosure {
  readonly queryId: string;
  readonly loggedAt: Date;
  readonly userId: string;
  readonly organisationId: string;
  readonly roleId: string;
  readonly doel: string;
  readonly caseRef: string;
  readonly consent: boolean;
  readonly subjectHash: Buffer;
  readonly partnerId: string;
  readonly outcome: Outcome;
  readonly categoriesCounted: readonly string[];
  readonly rules: readonly LoggedRule[];
  readonly policyVersionId: number;
  readonly policyHash: string;
  readonly traceId: string;
}

/** Appends entries in one statement. */
export async function appendDisclosures(ex: Executor, entries: readonly NewDisclosure[]): Promise<void> {
  if (entries.length === 0) return;
  await ex
    .insertInto('disclosure_log')
    .values(
      entries.map((e) => ({
        query_id: e.queryId,
        logged_at: e.loggedAt,
        user_id: e.userId,
        organisation_id: e.organisationId,
        role_id: e.roleId,
        doel: e.doel,
        case_ref: e.caseRef,
        consent: e.consent,
        subject_hash: e.subjectHash,
        partner_id: e.partnerId,
        outcome: e.outcome,
        categories_counted: JSON.stringify(e.categoriesCounted),
        rules: JSON.stringify(e.rules),
        policy_version_id: e.policyVersionId,
        policy_hash: e.policyHash,
        trace_id: e.traceId,
      })),
    )
    .execute();
}

export interface DisclosureFilter {
  readonly from?: Date;
  readonly to?: Date;
  readonly partner?: string;
  readonly doel?: string;
  readonly outcome?: Outcome;
  readonly caseRef?: string;
  /** Return entries with an id below this one (newest first). */
  readonly beforeId?: number;
  readonly limit: number;
}

export interface DisclosureRow {
  id: number;
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
  rules: LoggedRule[];
  policyVersion: number;
  policyHash: string;
  traceId: string;
}

/** Lists entries newest first; fetches one extra row so the caller knows whether more follow. */
export async function listDisclosures(ex: Executor, f: DisclosureFilter): Promise<DisclosureRow[]> {
  let q = ex
    .selectFrom('disclosure_log')
    .select([
      'id', 'query_id', 'logged_at', 'user_id', 'organisation_id', 'role_id', 'doel', 'case_ref', 'consent',
      'partner_id', 'outcome', 'categories_counted', 'rules', 'policy_version_id', 'policy_hash', 'trace_id',
    ])
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.from) q = q.where('logged_at', '>=', f.from);
  if (f.to) q = q.where('logged_at', '<', f.to);
  if (f.partner) q = q.where('partner_id', '=', f.partner);
  if (f.doel) q = q.where('doel', '=', f.doel);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.caseRef) q = q.where('case_ref', '=', f.caseRef);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    queryId: r.query_id,
    loggedAt: r.logged_at,
    user: r.user_id,
    organisation: r.organisation_id,
    role: r.role_id,
    doel: r.doel,
    caseRef: r.case_ref,
    consent: r.consent,
    partner: r.partner_id,
    outcome: r.outcome,
    categoriesCounted: r.categories_counted,
    rules: r.rules,
    policyVersion: r.policy_version_id,
    policyHash: r.policy_hash,
    traceId: r.trace_id,
  }));
}
