/**
 * Consent records at rest (table `case_consents`, migration 0061): who consented (a code), to
 * which partners and doel, from and until when, and when it was withdrawn. No names, scans or
 * signatures; who recorded it is a person id of the register.
 */
import type { Executor } from '../db/database.js';
import type { ConsentGiver } from './consent-fns.js';

export interface ConsentRow {
  id: string;
  caseId: string;
  subjectId: string;
  givenBy: ConsentGiver;
  doel: string;
  partners: string[];
  givenOn: Date;
  validUntil: Date;
  withdrawnAt: Date | null;
  /** Who recorded the withdrawal (migration 0180; null before it). */
  withdrawnBy: string | null;
  recordedBy: string;
  recordedAt: Date;
}

const columns = [
  'id',
  'case_id as caseId',
  'subject_id as subjectId',
  'given_by as givenBy',
  'doel',
  'partners',
  'given_on as givenOn',
  'valid_until as validUntil',
  'withdrawn_at as withdrawnAt',
  'withdrawn_by as withdrawnBy',
  'recorded_by as recordedBy',
  'recorded_at as recordedAt',
] as const;

export async function insertConsent(ex: Executor, c: Omit<ConsentRow, 'id' | 'withdrawnAt' | 'withdrawnBy'>): Promise<string> {
  const row = await ex
    .insertInto('case_consents')
    .values({
      case_id: c.caseId,
      subject_id: c.subjectId,
      given_by: c.givenBy,
      doel: c.doel,
      partners: JSON.stringify(c.partners),
      given_on: c.givenOn,
      valid_until: c.validUntil,
      recorded_by: c.recordedBy,
      recorded_at: c.recordedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The consent records of a casus, oldest first. */
export async function consentsOf(ex: Executor, caseId: string): Promise<ConsentRow[]> {
  return (await ex.selectFrom('case_consents').select(columns).where('case_id', '=', caseId).orderBy('recorded_at').orderBy('id').execute()) as ConsentRow[];
}

/** One consent record of a casus; `forUpdate` locks it for a withdrawal. */
export async function findConsent(ex: Executor, caseId: string, consentId: string, forUpdate = false): Promise<ConsentRow | undefined> {
  let q = ex.selectFrom('case_consents').select(columns).where('case_id', '=', caseId).where('id', '=', consentId);
  if (forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) as ConsentRow | undefined;
}

export async function withdrawConsent(ex: Executor, consentId: string, at: Date, by: string): Promise<void> {
  await ex.updateTable('case_consents').set({ withdrawn_at: at, withdrawn_by: by }).where('id', '=', consentId).where('withdrawn_at', 'is', null).execute();
}
