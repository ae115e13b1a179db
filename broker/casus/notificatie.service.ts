/**
 * Notificatie of each subject of a casus (AVG art. 13/14): informed on a date, or deferred with a
 * reason until a date (art. 14(5)); and the list of subjects whose notificatie is overdue. For the
 * voorzitter (`manage-cases`).
 *
 * Invariants:
 * - A notificatie is logged for its own subject only, in its transaction.
 * - A deferral lasts at most 365 days; it is deferred again when it passes.
 * - A closed casus's notificatie no longer changes, and is never overdue.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { setNotification, uninformedOpenSubjects } from './casus.repository.js';
import { logPerSubject, type CasusChange } from './casus-change.js';
import type { CasusViews } from './casus-view.js';
import { UUID, type CasusView, type OverdueItem } from './casus-types.js';

const DAY = 86_400_000;

export interface NotificatieService {
  setNotification(principal: Principal, caseId: string, subjectId: string, body: unknown, traceId: string): Promise<CasusView>;
  overdue(principal: Principal): Promise<{ items: OverdueItem[]; total: number }>;
}

export function createNotificatieService(deps: { uow: UnitOfWork; schemas: SchemaRegistry; change: CasusChange; views: CasusViews }): NotificatieService {
  return {
    setNotification: (principal, caseId, subjectId, body, traceId) =>
      deps.change(principal, caseId, traceId, async (w, c) => {
        const errors = deps.schemas.validate('casus#/$defs/notificationRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const req = body as { state: 'informed'; informedAt: string } | { state: 'deferred'; deferReason: string; deferredUntil: string };
        const now = w.now();
        let informedAt: Date | null = null;
        let deferredUntil: Date | null = null;
        if (req.state === 'informed') {
          informedAt = new Date(`${req.informedAt}T00:00:00Z`);
          if (informedAt.getTime() > now.getTime()) throw validationError([{ pointer: '/informedAt', code: 'in-future', detail: 'lies in the future' }]);
        } else {
          deferredUntil = new Date(`${req.deferredUntil}T00:00:00Z`);
          if (deferredUntil.getTime() <= now.getTime()) throw validationError([{ pointer: '/deferredUntil', code: 'in-past', detail: 'must lie in the future' }]);
          if (deferredUntil.getTime() > now.getTime() + 365 * DAY) throw validationError([{ pointer: '/deferredUntil', code: 'too-large', detail: 'may lie at most 365 days ahead; defer again when it passes' }]);
        }
        if (c.status === 'afgesloten') throw new AppError('conflict', 'this casus is closed');
        const found =
          UUID.test(subjectId) &&
          (await setNotification(w.trx, c.id, subjectId, {
            state: req.state,
            informedAt,
            deferReason: req.state === 'deferred' ? req.deferReason : null,
            deferredUntil,
            at: now,
            by: w.person.id,
          }));
        if (!found) throw new AppError('not-found', 'no such subject in this casus');
        await logPerSubject(w, w.trx, c, {
          action: 'casus-notificatie',
          outcome: req.state,
          onlySubject: subjectId,
          details: req.state === 'informed' ? { informedAt: req.informedAt } : { deferReason: req.deferReason, deferredUntil: req.deferredUntil },
        });
      }),

    overdue: (principal) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, '', async (w) => {
        const now = w.now();
        const rows = await uninformedOpenSubjects(w.trx);
        const items = rows
          .map((r) => ({
            caseId: r.caseId,
            caseRef: r.caseRef,
            subjectId: r.subjectId,
            state: r.state as 'pending' | 'deferred',
            due: deps.views.dueOf({ openedAt: r.openedAt }, { notificationState: r.state as 'pending' | 'deferred', deferredUntil: r.deferredUntil }) ?? now,
          }))
          .filter((r) => r.due.getTime() < now.getTime())
          .sort((a, b) => a.due.getTime() - b.due.getTime() || a.subjectId.localeCompare(b.subjectId))
          .map(({ due, ...r }) => ({ ...r, dueAt: due.toISOString() }));
        return { items, total: items.length };
      }),
  };
}
