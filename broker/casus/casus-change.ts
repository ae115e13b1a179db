/**
 * The shape every change to one casus shares (status moves, vervolgacties, notificatie): a unit
 * of work for a person with `manage-cases`, the casus row locked, the change, one logboek entry
 * per subject, and the full view as committed.
 *
 * Invariants:
 * - An unknown casus id and one that does not exist answer the same `not-found`.
 * - Every change writes one entry per subject of the casus (Logboek Dataverwerkingen: one record
 *   per data subject), in the transaction of the change.
 */
import type { Executor } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { DetailsOf, OutcomeOf } from '../logboek/log-vocabulary.js';
import { subjectFields } from '../logboek/log-entry.js';
import type { EntryDraft, PersonWork, UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { findCase, hashesOfSubject, subjectsOf, type CaseRow } from './casus.repository.js';
import type { CasusViews } from './casus-view.js';
import { UUID, type CasusView } from './casus-types.js';

type CasusAction = 'casus-aanmelding' | 'casus-status' | 'casus-vervolgactie' | 'casus-notificatie' | 'casus-toestemming';

/** A change to a casus as its entries describe it: the casus and subject ids are added per subject. */
export type SubjectEntry = {
  [A in CasusAction]: {
    readonly action: A;
    readonly outcome: OutcomeOf<A>;
    readonly details: Omit<DetailsOf<A>, 'caseId' | 'subjectId'>;
    /** Log for this subject only (notificatie), not for every subject of the casus. */
    readonly onlySubject?: string;
  };
}[CasusAction];

/**
 * The subjects given, each with the subject fields of its entries (`subjectFields` of its hashes,
 * one per key epoch given). Every entry about a subject of a casus takes its hashes from here.
 */
export async function withEntryHashes<S extends { readonly id: string }>(ex: Executor, subjects: readonly S[]): Promise<Array<S & { readonly hashes: Pick<EntryDraft, 'subjectHash' | 'alsoSubjectHashes'> }>> {
  const out = [];
  for (const s of subjects) {
    out.push({ ...s, hashes: subjectFields(await hashesOfSubject(ex, s.id)) });
  }
  return out;
}

/** Queues one entry per subject of casus `c` on `w` (one record per data subject). */
export async function logPerSubject(w: PersonWork, ex: Executor, c: { id: string; caseRef: string; doel: string }, e: SubjectEntry): Promise<void> {
  const subjects = (await subjectsOf(ex, [c.id])).filter((s) => !e.onlySubject || s.id === e.onlySubject);
  for (const s of await withEntryHashes(ex, subjects)) {
    w.log(<EntryDraft>{
      action: e.action,
      outcome: e.outcome,
      ...s.hashes,
      doel: c.doel,
      caseRef: c.caseRef,
      details: { caseId: c.id, subjectId: s.id, ...(e.details ?? {}) },
    });
  }
}

export type CasusChange = (
  principal: Principal,
  caseId: string,
  traceId: string,
  work: (w: PersonWork, c: CaseRow) => Promise<void>,
) => Promise<CasusView>;

/** Runs a change to one casus: the gate (`manage-cases`), the row locked, the work, the view as committed. */
export function casusChange(deps: { uow: UnitOfWork; views: CasusViews }): CasusChange {
  return (principal, caseId, traceId, work) =>
    deps.uow.asPerson(principal, { capability: 'manage-cases' }, traceId, async (w) => {
      const c = UUID.test(caseId) ? await findCase(w.trx, { id: caseId }, true) : undefined;
      if (!c) throw new AppError('not-found', 'no such casus');
      await work(w, c);
      return deps.views.view(w.trx, caseId, w.now());
    });
}
