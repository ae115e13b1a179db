/**
 * Vervolgacties of a casus (docs/casus.md): recorded with a partner, a kind and a due date when a
 * casus is besproken or in vervolg, and completed later. For the voorzitter (`manage-cases`).
 *
 * Invariants:
 * - A vervolgactie names a partner of the platform and a kind from a closed list: no narrative.
 * - A warme overdracht (kind `warme-overdracht`) names the receiving partner, and needs consent in
 *   force for every youth of the casus that names it (casusoverleg-fns.ts); Halt refers "warm" only with consent.
 * - Recording and completing are logged per subject of the casus, in their transaction.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { VERVOLG_STATUSES } from './casus-workflow.js';
import { completeVervolgactie, insertVervolgactie, subjectsOf } from './casus.repository.js';
import { consentsOf } from './consent.repository.js';
import { consentCoverage, overdrachtErrors } from '../casusoverleg/casusoverleg-fns.js';
import { logPerSubject, type CasusChange } from './casus-change.js';
import { UUID, type CasusView } from './casus-types.js';

const DAY = 86_400_000;

export interface VervolgactieService {
  addVervolgactie(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusView>;
  completeVervolgactie(principal: Principal, caseId: string, actionId: string, traceId: string): Promise<CasusView>;
}

export function createVervolgactieService(deps: { platform: Pick<Platform, 'partners'>; schemas: SchemaRegistry; change: CasusChange }): VervolgactieService {
  const partners = new Set(deps.platform.partners.map((p) => p.id));
  return {
    addVervolgactie: (principal, caseId, body, traceId) =>
      deps.change(principal, caseId, traceId, async (w, c) => {
        const errors = deps.schemas.validate('casus#/$defs/vervolgactieRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const req = body as { partner: string; kind: string; toPartner?: string; dueDate: string };
        if (!partners.has(req.partner)) throw validationError([{ pointer: '/partner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
        if (req.toPartner !== undefined && !partners.has(req.toPartner)) throw validationError([{ pointer: '/toPartner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
        // A warme overdracht needs consent in force, for every youth of the casus, naming the receiving partner.
        const covered = req.kind === 'warme-overdracht'
          ? consentCoverage((await subjectsOf(w.trx, [c.id])).map((s) => s.id), await consentsOf(w.trx, c.id), c.doel, w.now())
          : new Set<string>();
        const overdracht = overdrachtErrors(req, covered);
        if (overdracht.length > 0) throw validationError(overdracht);
        const dueDate = new Date(`${req.dueDate}T00:00:00Z`);
        if (!VERVOLG_STATUSES.has(c.status)) {
          throw new AppError('conflict', `vervolgacties are recorded when a casus is besproken or in vervolg, not ${c.status}`);
        }
        if (dueDate.getTime() < w.now().getTime() - DAY) throw validationError([{ pointer: '/dueDate', code: 'in-past', detail: 'lies in the past' }]);
        const actionId = await insertVervolgactie(w.trx, { caseId: c.id, partner: req.partner, kind: req.kind, ...(req.toPartner ? { toPartner: req.toPartner } : {}), dueDate, by: w.person.id, at: w.now() });
        await logPerSubject(w, w.trx, c, {
          action: 'casus-vervolgactie',
          outcome: 'recorded',
          details: { actionId, actionPartner: req.partner, actionKind: req.kind, ...(req.toPartner ? { actionToPartner: req.toPartner } : {}), dueDate: req.dueDate },
        });
      }),

    completeVervolgactie: (principal, caseId, actionId, traceId) =>
      deps.change(principal, caseId, traceId, async (w, c) => {
        const result = UUID.test(actionId) ? await completeVervolgactie(w.trx, c.id, actionId, w.person.id, w.now()) : 'missing';
        if (result === 'missing') throw new AppError('not-found', 'no such vervolgactie in this casus');
        if (result === 'already') throw new AppError('conflict', 'this vervolgactie is completed already');
        await logPerSubject(w, w.trx, c, { action: 'casus-vervolgactie', outcome: 'completed', details: { actionId } });
      }),
  };
}
