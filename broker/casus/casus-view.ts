/**
 * Reading a casus as its views show it (summary and full view), and the notificatie's due date.
 * Shared by the casus, vervolgactie and notificatie services.
 *
 * Invariant: a view never carries a subject hash or pseudonym; subjects are known by subjectId.
 */
import type { Executor } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { caseOnHold } from '../rights/legal-hold.repository.js';
import { QUERYABLE_STATUSES } from './casus-workflow.js';
import { findCase, historyOf, screeningsOf, subjectsOf, vervolgactiesOf, type CaseRow, type SubjectRow } from './casus.repository.js';
import type { CasusView, NotificationView } from './casus-types.js';
import { consentsOf } from './consent.repository.js';
import { regiehouderOf } from './regie.repository.js';
import { consentStatus } from './consent-fns.js';

const DAY = 86_400_000;
const isoDate = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface CasusViews {
  /** The list's view of a casus: no history, vervolgacties or screenings. */
  summary(c: CaseRow, subjects: SubjectRow[], legalHold: boolean, now: Date): CasusView;
  /** The full view of one casus, read in `ex` (inside a changing transaction, what it committed). */
  view(ex: Executor, caseId: string, now: Date): Promise<CasusView>;
  /** When a subject's notificatie falls due: the platform's term after aanmelding, or the deferral's end. */
  dueOf(c: Pick<CaseRow, 'openedAt'>, s: Pick<SubjectRow, 'notificationState' | 'deferredUntil'>): Date | null;
}

export function createCasusViews(notificatieTermijnDays: number): CasusViews {
  const termijn = notificatieTermijnDays * DAY;
  const dueOf: CasusViews['dueOf'] = (c, s) =>
    s.notificationState === 'pending' ? new Date(c.openedAt.getTime() + termijn) : s.notificationState === 'deferred' ? s.deferredUntil : null;

  const notificationOf = (c: CaseRow, s: SubjectRow, now: Date): NotificationView => {
    const due = dueOf(c, s);
    return {
      state: s.notificationState,
      informedAt: isoDate(s.informedAt),
      deferReason: s.deferReason,
      deferredUntil: isoDate(s.deferredUntil),
      dueAt: iso(due),
      overdue: due !== null && c.status !== 'afgesloten' && due.getTime() < now.getTime(),
      changedAt: s.notificationState === 'pending' ? null : iso(s.notificationChangedAt),
      changedBy: s.notificationState === 'pending' ? null : s.notificationChangedBy,
    };
  };

  const summary: CasusViews['summary'] = (c, subjects, legalHold, now) => ({
    caseId: c.id,
    caseRef: c.caseRef,
    doel: c.doel,
    routeIn: c.routeIn,
    aanmeldcriteria: c.aanmeldcriteria,
    kind: c.kind,
    status: c.status,
    openedBy: c.openedBy,
    openedAt: c.openedAt.toISOString(),
    statusChangedAt: c.statusChangedAt.toISOString(),
    closedAt: iso(c.closedAt),
    outcome: c.outcome,
    queryable: QUERYABLE_STATUSES.has(c.status),
    legalHold,
    subjects: subjects.map((s) => ({
      subjectId: s.id,
      position: s.position,
      ageBand: s.ageBand,
      parentConsentNeeded: s.parentConsentNeeded,
      notification: notificationOf(c, s, now),
    })),
  });

  return {
    summary,
    dueOf,
    async view(ex, caseId, now) {
      const c = await findCase(ex, { id: caseId });
      if (!c) throw new AppError('not-found', 'no such casus');
      const [subjects, history, acties, hold, screenings, consents, regie] = await Promise.all([
        subjectsOf(ex, [c.id]), historyOf(ex, c.id), vervolgactiesOf(ex, c.id), caseOnHold(ex, c.id), screeningsOf(ex, c.id), consentsOf(ex, c.id), regiehouderOf(ex, c.id),
      ]);
      const base = summary(c, subjects, hold, now);
      return {
        ...base,
        subjects: base.subjects.map((s) => {
          const q = screenings.get(s.subjectId);
          return { ...s, screenings: { count: q?.count ?? 0, lastAt: iso(q?.lastAt ?? null) } };
        }),
        regie: regie ? { partner: regie.partner, since: regie.since.toISOString(), setBy: regie.setBy } : null,
        consents: consents.map((k) => ({
          consentId: k.id,
          subjectId: k.subjectId,
          givenBy: k.givenBy,
          partners: k.partners,
          doel: k.doel,
          givenOn: isoDate(k.givenOn)!,
          validUntil: isoDate(k.validUntil)!,
          withdrawnAt: iso(k.withdrawnAt),
          withdrawnBy: k.withdrawnBy,
          status: consentStatus(k, now),
          recordedBy: k.recordedBy,
          recordedAt: k.recordedAt.toISOString(),
        })),
        history: history.map((h) => ({ from: h.from, to: h.to, reason: h.reason, outcome: h.outcome, by: h.by, at: h.at.toISOString() })),
        vervolgacties: acties.map((a) => ({
          actionId: a.id,
          partner: a.partner,
          kind: a.kind,
          ...(a.toPartner ? { toPartner: a.toPartner } : {}),
          dueDate: isoDate(a.dueDate)!,
          completedAt: iso(a.completedAt),
          completedBy: a.completedBy,
          createdBy: a.createdBy,
          createdAt: a.createdAt.toISOString(),
        })),
      };
    },
  };
}
