/**
 * The question's own SQL: its casus read and its query record. Both run for every question, so
 * both are compiled once (db/precompiled.ts) instead of by kysely on every call (issue 21).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { precompile } from '../db/precompiled.js';
import type { CaseRow } from '../casus/casus.repository.js';

export interface NewQuery {
  readonly id: string;
  readonly caseId: string;
  readonly askedBy: string;
  readonly organisationId: string;
  readonly roleId: string;
  readonly doel: string;
  readonly subjectHash: Buffer;
  readonly consent: boolean;
  readonly policyVersionId: number;
  readonly traceId: string;
  readonly askedAt: Date;
}

const insertQueryStatement = precompile<{ q: NewQuery }>((ex, { q }) =>
  ex.insertInto('queries').values({
    id: q.id,
    case_id: q.caseId,
    asked_by: q.askedBy,
    organisation_id: q.organisationId,
    role_id: q.roleId,
    doel: q.doel,
    subject_hash: q.subjectHash,
    consent: q.consent,
    policy_version_id: q.policyVersionId,
    trace_id: q.traceId,
    asked_at: q.askedAt,
  }),
);

export async function insertQuery(ex: Executor, q: NewQuery): Promise<void> {
  await insertQueryStatement.execute(ex, { q: { ...q } });
}

export type QuestionCase = CaseRow & { subjectId: string | null; blocked: boolean };

type CaseArgs = { by: { id: string } | { caseRef: string }; hashes: Buffer[]; doel: string };

const caseStatement = precompile<CaseArgs, QuestionCase>((ex, { by, hashes, doel }) => {
  const q = ex
    .selectFrom('cases as c')
    .select([
      'c.id',
      'c.case_ref as caseRef',
      'c.doel',
      'c.kind',
      'c.route_in as routeIn',
      'c.status',
      'c.opened_by as openedBy',
      'c.opened_at as openedAt',
      'c.status_changed_at as statusChangedAt',
      'c.closed_at as closedAt',
      'c.outcome',
      (eb) =>
        eb
          .selectFrom('case_subject_hashes as h')
          .innerJoin('case_subjects as s', 's.id', 'h.subject_id')
          .select('h.subject_id')
          .whereRef('s.case_id', '=', 'c.id')
          .where('h.subject_hash', 'in', hashes)
          .limit(1)
          .as('subjectId'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('bezwaar_subject_hashes as bh')
              .innerJoin('bezwaren as b', 'b.id', 'bh.bezwaar_id')
              .select('b.id')
              .where('bh.subject_hash', 'in', hashes)
              .where('b.decision', '=', 'upheld')
              .where('b.lifted_at', 'is', null)
              // The doel as a bound parameter (not the JSON text of a one-element array), so the text compiles once.
              .where(sql<boolean>`b.doelen @> jsonb_build_array(${doel}::text)`),
          )
          .as('blocked'),
    ]);
  return 'id' in by ? q.where('c.id', '=', by.id) : q.where('c.case_ref', '=', by.caseRef);
});

/**
 * What the question path needs to know about its casus, in one round-trip: the casus, which of
 * its subjects `hashes` name (null: none), and whether an upheld, unlifted bezwaar blocks the
 * subject for `doel` (the rule of rights/bezwaar.repository.ts: a decided bezwaar blocks until it
 * is lifted), compiled once.
 */
export async function caseForQuestion(ex: Executor, by: { id: string } | { caseRef: string }, hashes: readonly Buffer[], doel: string): Promise<QuestionCase | undefined> {
  const { rows } = await caseStatement.execute(ex, { by: { ...by }, hashes: [...hashes], doel });
  return rows[0];
}
