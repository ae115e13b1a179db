/**
 * The casus workflow for the voorzitter (docs/casus.md): aanmelding, reading casussen, and status
 * moves. Vervolgacties (vervolgactie.service.ts) and notificatie (notificatie.service.ts) are
 * services of their own; `createCasusService` composes the three into one port.
 *
 * Invariants:
 * - Only a person whose role has `manage-cases`, confirmed by the register, may touch a casus
 *   (the access gate, through the unit of work).
 * - Subjects arrive as pseudonyms and are stored as subject hashes only; no response carries
 *   either: subjects are known outside by their subjectId.
 * - Every change writes one logboek entry per subject of the casus (Logboek Dataverwerkingen:
 *   one record per data subject), in the transaction of the change.
 * - Opening a casus past the person's or organisation's rate limit is refused (429, logged as
 *   `rate-limit`, rate-limiter.ts); the refusal rolls the casus back, so nothing of it remains.
 * - No narrative: every reason, outcome and action is a code from a closed list.
 * - An aanmelding names at least one of the platform's aanmeldcriteria and each subject's age in
 *   the doelgroep (aanmelding-fns.ts); only the age band is kept, in the subject's row.
 */
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { FieldError, SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { hashSubjectInput } from '../subjects/subject-input.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { caseOnHold } from '../rights/legal-hold.repository.js';
import { canMove, NEEDS_REASON, OTHER_ROUTES_IN, SUBJECT_COUNT, type CaseKind, type CaseStatus } from './casus-workflow.js';
import { insertCase, insertStatusChange, listCases, subjectsOf, updateCaseStatus } from './casus.repository.js';
import { createCasusViews } from './casus-view.js';
import { casusChange, logPerSubject } from './casus-change.js';
import { aanmeldingErrors, ageBand, parentConsentNeeded } from './aanmelding-fns.js';
import { UUID, type CasusView, type OverdueItem } from './casus-types.js';
import { createVervolgactieService, type VervolgactieService } from './vervolgactie.service.js';
import { createNotificatieService, type NotificatieService } from './notificatie.service.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { createConsentService, type ConsentService } from './consent.service.js';
import { createRegieService, type RegieService } from './regie.service.js';

export type { CasusView, ConsentView, NotificationView, OverdueItem } from './casus-types.js';

export interface CasusCoreService {
  create(principal: Principal, body: unknown, traceId: string): Promise<CasusView>;
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: CasusView[]; nextCursor: string | null }>;
  get(principal: Principal, caseId: string): Promise<CasusView>;
  transition(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusView>;
}

export type CasusService = CasusCoreService & VervolgactieService & NotificatieService & ConsentService & RegieService;

export interface CasusDeps {
  readonly uow: UnitOfWork;
  readonly platform: Pick<Platform, 'doelen' | 'partners' | 'notificatieTermijnDays' | 'aanmeldcriteria' | 'doelgroep' | 'consent'>;
  readonly schemas: SchemaRegistry;
  readonly querySchemas: SchemaRegistry;
  readonly hashSubject: SubjectHasher;
  /** Casus creations per person and organisation (issue 17): counted before the casus is written. */
  readonly rateLimiter: RateLimiter;
}

export function createCasusService(deps: CasusDeps): CasusService {
  const views = createCasusViews(deps.platform.notificatieTermijnDays);
  const change = casusChange({ uow: deps.uow, views });
  return {
    ...createCasusCoreService(deps, views, change),
    ...createVervolgactieService({ ...deps, change }),
    ...createNotificatieService({ ...deps, change, views }),
    ...createConsentService({ ...deps, change }),
    ...createRegieService({ ...deps, change }),
  };
}

function createCasusCoreService(deps: CasusDeps, views: ReturnType<typeof createCasusViews>, change: ReturnType<typeof casusChange>): CasusCoreService {
  const { platform } = deps;
  const doelen = new Set(platform.doelen.map((d) => d.id));
  const routesIn = new Set<string>([...platform.partners.map((p) => p.id), ...OTHER_ROUTES_IN]);
  const check = (name: Parameters<SchemaRegistry['validate']>[0], body: unknown): void => {
    const errors = deps.schemas.validate(name, body);
    if (errors.length > 0) throw validationError(errors);
  };

  return {
    create: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, traceId, async (w) => {
        const leaks = findIdentityValues(body, new Set(['caseRef']));
        if (leaks.length > 0) throw identityDetected(leaks);
        check('casus#/$defs/createRequest', body);
        const req = body as { caseRef: string; doel: string; routeIn: string; kind: CaseKind; subjects: Array<string | string[]>; aanmeldcriteria: string[]; agesAtAanmelding: number[] };
        const errors = aanmeldingErrors(platform, { aanmeldcriteria: req.aanmeldcriteria, agesAtAanmelding: req.agesAtAanmelding, subjectCount: req.subjects.length });
        if (!doelen.has(req.doel)) errors.push({ pointer: '/doel', code: 'not-in-list', detail: 'is not a doel of this platform' });
        if (!routesIn.has(req.routeIn)) errors.push({ pointer: '/routeIn', code: 'not-in-list', detail: `must be a partner of this platform or one of: ${OTHER_ROUTES_IN.join(', ')}` });
        const count = SUBJECT_COUNT[req.kind];
        if (req.subjects.length < count.min || req.subjects.length > count.max) {
          errors.push({ pointer: '/subjects', code: 'invalid', detail: req.kind === 'person' ? 'a person casus has exactly one subject' : `a group casus has ${count.min} to ${count.max} subjects` });
        }
        if (errors.length > 0) throw validationError(errors);
        const hashes = req.subjects.map((s, i) => hashSubjectInput(s, `/subjects/${i}`, deps.hashSubject));
        const seen = new Set<string>();
        hashes.forEach((hs, i) => {
          for (const h of hs) {
            if (seen.has(h.toString('hex'))) throw validationError([{ pointer: `/subjects/${i}`, code: 'duplicate', detail: 'names a subject that is already in this casus' }]);
            seen.add(h.toString('hex'));
          }
        });
        const ages = req.agesAtAanmelding.map((age) => ({ band: ageBand(age), parentConsentNeeded: parentConsentNeeded(platform, age) }));
        const created = await insertCase(w.trx, {
          caseRef: req.caseRef,
          doel: req.doel,
          kind: req.kind,
          routeIn: req.routeIn,
          aanmeldcriteria: req.aanmeldcriteria,
          openedBy: w.person.id,
          openedAt: w.now(),
          subjects: hashes,
          ages,
        });
        if (!created) throw new AppError('conflict', 'a casus with this caseRef exists already', [{ pointer: '/caseRef', code: 'in-use', detail: 'is in use' }]);
        await logPerSubject(w, w.trx, { id: created.id, caseRef: req.caseRef, doel: req.doel }, {
          action: 'casus-aanmelding',
          outcome: 'aangemeld',
          details: { kind: req.kind, routeIn: req.routeIn, aanmeldcriteria: req.aanmeldcriteria },
        });
        // Counted last, so the counters' row locks are held only until the commit; a refusal rolls the casus back.
        await deps.rateLimiter.admit(w, 'casusCreation', req.doel);
        return views.view(w.trx, created.id, w.now());
      }),

    list: (principal, query) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, '', async (w) => {
        const params: Record<string, unknown> = { ...query };
        const leaks = findIdentityValues(params, new Set(['caseRef']));
        if (leaks.length > 0) throw identityDetected(leaks);
        const errors = deps.querySchemas.validate('casus#/$defs/listQuery', params);
        if (errors.length > 0) throw validationError(errors);
        const p = params as { status?: CaseStatus; mine: boolean; caseRef?: string; limit: number; cursor?: string };
        const before = p.cursor ? { openedAt: new Date(Number(p.cursor.split('_')[0])), id: p.cursor.split('_')[1]! } : undefined;
        const now = w.now();
        const rows = await listCases(w.trx, { ...(p.mine ? { openedBy: w.person.id } : {}), ...(p.status ? { status: p.status } : {}), ...(p.caseRef ? { caseRefContains: p.caseRef } : {}), limit: p.limit, ...(before ? { before } : {}) });
        const page = rows.slice(0, p.limit);
        const subjects = await subjectsOf(w.trx, page.map((c) => c.id));
        const items: CasusView[] = [];
        for (const c of page) items.push(views.summary(c, subjects.filter((s) => s.caseId === c.id), await caseOnHold(w.trx, c.id), now));
        const last = page[page.length - 1];
        return { items, nextCursor: rows.length > p.limit && last ? `${last.openedAt.getTime()}_${last.id}` : null };
      }),

    get: (principal, caseId) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, '', async (w) => {
        if (!UUID.test(caseId)) throw new AppError('not-found', 'no such casus');
        return views.view(w.trx, caseId, w.now());
      }),

    transition: (principal, caseId, body, traceId) =>
      change(principal, caseId, traceId, async (w, c) => {
        check('casus#/$defs/transitionRequest', body);
        const req = body as { to: CaseStatus; reason?: string; outcome?: string };
        const errors: FieldError[] = [];
        if (NEEDS_REASON.has(req.to) && !req.reason) errors.push({ pointer: '/reason', code: 'required', detail: `is required to move a casus to ${req.to}` });
        if (!NEEDS_REASON.has(req.to) && req.reason) errors.push({ pointer: '/reason', code: 'not-applicable', detail: 'is only given for opgeschaald or afgeschaald' });
        if (req.to === 'afgesloten' && !req.outcome) errors.push({ pointer: '/outcome', code: 'required', detail: 'is required to close a casus' });
        if (req.to !== 'afgesloten' && req.outcome) errors.push({ pointer: '/outcome', code: 'not-applicable', detail: 'is only given when closing a casus' });
        if (errors.length > 0) throw validationError(errors);
        if (!canMove(c.status, req.to)) {
          throw new AppError('conflict', `a casus in status ${c.status} cannot move to ${req.to}`, [{ pointer: '/to', code: 'not-reachable', detail: `is not reachable from ${c.status}` }]);
        }
        const now = w.now();
        await updateCaseStatus(w.trx, c.id, { status: req.to, at: now, outcome: req.outcome ?? null, closedAt: req.to === 'afgesloten' ? now : null });
        await insertStatusChange(w.trx, { caseId: c.id, from: c.status, to: req.to, reason: req.reason ?? null, outcome: req.outcome ?? null, by: w.person.id, at: now });
        await logPerSubject(w, w.trx, c, {
          action: 'casus-status',
          outcome: req.to,
          details: { from: c.status, ...(req.reason ? { reason: req.reason } : {}), ...(req.outcome ? { caseOutcome: req.outcome } : {}) },
        });
      }),
  };
}

