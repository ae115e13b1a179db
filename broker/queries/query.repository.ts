/** Query records: who asked what, when, under which policy version. */
import type { Executor } from '../db/database.js';

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

export async function insertQuery(ex: Executor, q: NewQuery): Promise<void> {
  await ex
    .insertInto('queries')
    .values({
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
    })
    .execute();
}
