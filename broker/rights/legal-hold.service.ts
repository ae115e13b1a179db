/**
 * Legal holds (bewaarplicht), for privacy officers and juristen (capability `rights`): a hold on
 * one casus (by caseId or caseRef) or one subject suspends retention for it, e.g. during a
 * pending complaint, until it is released.
 *
 * Invariants:
 * - A subject arrives as pseudonym(s) and is stored as hashes only.
 * - Placing and releasing are each logged in their transaction; a released hold stays on record.
 */
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import type { Principal } from '../auth/principal.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { hashSubjectInput } from '../subjects/subject-input.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { findCase } from '../casus/casus.repository.js';
import { subjectFields } from '../logboek/log-entry.js';
import { findHold, holdSubjectHashes, insertHold, listHolds, releaseHold } from './legal-hold.repository.js';
import { holdView, UUID, type HoldView } from './rights-types.js';

export interface LegalHoldService {
  placeHold(principal: Principal, body: unknown, traceId: string): Promise<HoldView>;
  listHolds(principal: Principal, query: Record<string, unknown>): Promise<{ items: HoldView[] }>;
  releaseHold(principal: Principal, holdId: string, traceId: string): Promise<HoldView>;
}

export function createLegalHoldService(deps: { uow: UnitOfWork; schemas: SchemaRegistry; querySchemas: SchemaRegistry; hashSubject: SubjectHasher }): LegalHoldService {
  return {
    placeHold: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        // A case number is typed by a person: no identity may hide in it (protocol/identity).
        const leaks = findIdentityValues(body, new Set(['caseRef']));
        if (leaks.length > 0) throw identityDetected(leaks);
        const errors = deps.schemas.validate('rights#/$defs/legalHoldRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const req = body as { caseId?: string; caseRef?: string; subject?: string | string[]; reason: string };
        const hashes = req.subject !== undefined ? hashSubjectInput(req.subject, '/subject', deps.hashSubject) : [];
        let held: { id: string; caseRef: string } | undefined;
        if (req.caseId !== undefined || req.caseRef !== undefined) {
          const c = await findCase(w.trx, req.caseId !== undefined ? { id: req.caseId } : { caseRef: req.caseRef! });
          if (!c) throw new AppError('not-found', 'no such casus', [{ pointer: req.caseId !== undefined ? '/caseId' : '/caseRef', code: 'not-found', detail: 'names no casus' }]);
          held = { id: c.id, caseRef: c.caseRef };
        }
        const h = await insertHold(w.trx, { caseId: held?.id ?? null, caseRef: held?.caseRef ?? null, subjectHashes: hashes, reason: req.reason, by: w.person.id, at: w.now() });
        w.log({
          action: 'legal-hold',
          outcome: 'placed',
          ...subjectFields(hashes),
          ...(held ? { caseRef: held.caseRef } : {}),
          details: { holdId: h.id, scope: h.scope, reason: req.reason },
        });
        return holdView(h);
      }),

    listHolds: (principal, query) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, '', async (w) => {
        const params: Record<string, unknown> = { ...query };
        const errors = deps.querySchemas.validate('rights#/$defs/legalHoldQuery', params);
        if (errors.length > 0) throw validationError(errors);
        return { items: (await listHolds(w.trx, params['active'] as boolean)).map(holdView) };
      }),

    releaseHold: (principal, holdId, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        const h = UUID.test(holdId) ? await findHold(w.trx, holdId) : undefined;
        if (!h) throw new AppError('not-found', 'no such legal hold');
        if (h.releasedAt) throw new AppError('conflict', 'this legal hold was released already');
        const now = w.now();
        await releaseHold(w.trx, h.id, w.person.id, now);
        const hashes = await holdSubjectHashes(w.trx, h.id);
        w.log({
          action: 'legal-hold',
          outcome: 'released',
          ...subjectFields(hashes),
          ...(h.caseRef ? { caseRef: h.caseRef } : {}),
          details: { holdId: h.id, scope: h.scope },
        });
        return holdView({ ...h, releasedAt: now });
      }),
  };
}
