/**
 * Consent records of a casus (issue 18 item 5, docs/casus.md): the voorzitter records, per subject,
 * who consented (the youth, a parent or guardian, or both), to which partners and doel, given on and
 * valid until; and records a withdrawal. A question with consent cites a record (query.service.ts).
 *
 * Invariants:
 * - Only a person with `manage-cases` (the access gate, through the casus change) records or withdraws.
 * - Below the platform's consent age a parent or guardian must consent; from it the youth (consent-fns.ts).
 * - The scope is partners of the platform and one doel of the platform; no names, scans or signatures.
 * - Recording and withdrawing are logged for that subject only (`casus-toestemming`), in their
 *   transaction: who and when is in the logboek, not in the record.
 * - A withdrawal is final (database trigger); a closed casus takes no new consent.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { subjectsOf } from './casus.repository.js';
import { findConsent, insertConsent, withdrawConsent } from './consent.repository.js';
import { giverErrors, periodErrors, type ConsentGiver } from './consent-fns.js';
import { logPerSubject, type CasusChange } from './casus-change.js';
import { UUID, type CasusView } from './casus-types.js';

export interface ConsentService {
  recordConsent(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusView>;
  withdrawConsent(principal: Principal, caseId: string, consentId: string, traceId: string): Promise<CasusView>;
}

const dateOf = (d: string): Date => new Date(`${d}T00:00:00Z`);

export function createConsentService(deps: { platform: Pick<Platform, 'partners' | 'doelen'>; schemas: SchemaRegistry; change: CasusChange }): ConsentService {
  const partners = new Set(deps.platform.partners.map((p) => p.id));
  const doelen = new Set(deps.platform.doelen.map((d) => d.id));
  return {
    recordConsent: (principal, caseId, body, traceId) =>
      deps.change(principal, caseId, traceId, async (w, c) => {
        const schemaErrors = deps.schemas.validate('casus#/$defs/consentRequest', body);
        if (schemaErrors.length > 0) throw validationError(schemaErrors);
        const req = body as { subjectId: string; givenBy: ConsentGiver; partners: string[]; doel: string; givenOn: string; validUntil: string };
        const subject = (await subjectsOf(w.trx, [c.id])).find((s) => s.id === req.subjectId);
        const errors = [
          ...(subject ? [] : [{ pointer: '/subjectId', code: 'not-found' as const, detail: 'is not a subject of this casus' }]),
          ...req.partners.flatMap((p, i) => (partners.has(p) ? [] : [{ pointer: `/partners/${i}`, code: 'not-in-list' as const, detail: 'is not a partner of this platform' }])),
          ...(doelen.has(req.doel) ? [] : [{ pointer: '/doel', code: 'not-in-list' as const, detail: 'is not a doel of this platform' }]),
          ...(subject ? giverErrors(req.givenBy, subject.parentConsentNeeded) : []),
          ...periodErrors(dateOf(req.givenOn), dateOf(req.validUntil), w.now()),
        ];
        if (errors.length > 0) throw validationError(errors);
        if (c.status === 'afgesloten') throw new AppError('conflict', 'a closed casus takes no new consent');
        const consentId = await insertConsent(w.trx, {
          caseId: c.id,
          subjectId: req.subjectId,
          givenBy: req.givenBy,
          doel: req.doel,
          partners: req.partners,
          givenOn: dateOf(req.givenOn),
          validUntil: dateOf(req.validUntil),
          recordedBy: w.person.id,
          recordedAt: w.now(),
        });
        await logPerSubject(w, w.trx, c, {
          action: 'casus-toestemming',
          outcome: 'recorded',
          onlySubject: req.subjectId,
          details: { consentId, givenBy: req.givenBy, consentDoel: req.doel, consentPartners: req.partners, givenOn: req.givenOn, validUntil: req.validUntil },
        });
      }),

    withdrawConsent: (principal, caseId, consentId, traceId) =>
      deps.change(principal, caseId, traceId, async (w, c) => {
        const consent = UUID.test(consentId) ? await findConsent(w.trx, c.id, consentId, true) : undefined;
        if (!consent) throw new AppError('not-found', 'no such consent record in this casus');
        if (consent.withdrawnAt) throw new AppError('conflict', 'this consent was withdrawn already');
        await withdrawConsent(w.trx, consent.id, w.now(), w.person.id);
        await logPerSubject(w, w.trx, c, { action: 'casus-toestemming', outcome: 'withdrawn', onlySubject: consent.subjectId, details: { consentId } });
      }),
  };
}
