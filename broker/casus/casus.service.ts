/**
 * The casus workflow for the voorzitter (docs/casus.md): aanmelding, status moves,
 * vervolgacties, notificatie per subject, and the list of overdue notifications.
 *
 * Invariants:
 * - Only a registered person whose role has `manage-cases` may touch a casus (checked here,
 *   below the routes).
 * - Subjects arrive as pseudonyms and are stored as subject hashes only; no response carries
 *   either: subjects are known outside by their subjectId.
 * - Every change writes one logboek entry per subject of the casus (Logboek Dataverwerkingen:
 *   one record per data subject), in the transaction of the change.
 * - No narrative: every reason, outcome and action is a code from a closed list.
 */
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { requirePerson, type PersonPrincipal, type Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { hashSubjectInput } from '../subjects/subject-input.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import { requireRegistered } from '../people/require-registered.js';
import type { LogWriter } from '../logboek/log-writer.js';
import { actorOf, type LogAction, type LogEntryInput } from '../logboek/log-entry.js';
import { caseOnHold } from '../rights/legal-hold.repository.js';
import {
  canMove,
  NEEDS_REASON,
  OTHER_ROUTES_IN,
  QUERYABLE_STATUSES,
  SUBJECT_COUNT,
  VERVOLG_STATUSES,
  type CaseKind,
  type CaseStatus,
} from './casus-workflow.js';
import {
  completeVervolgactie,
  findCase,
  hashesOfSubject,
  historyOf,
  insertCase,
  insertStatusChange,
  insertVervolgactie,
  listCases,
  screeningsOf,
  setNotification,
  subjectsOf,
  uninformedOpenSubjects,
  updateCaseStatus,
  vervolgactiesOf,
  type CaseRow,
  type SubjectRow,
} from './casus.repository.js';

const DAY = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoDate = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface NotificationView {
  state: 'pending' | 'informed' | 'deferred';
  informedAt: string | null;
  deferReason: string | null;
  deferredUntil: string | null;
  dueAt: string | null;
  overdue: boolean;
}

export interface CasusView {
  caseId: string;
  caseRef: string;
  doel: string;
  routeIn: string;
  kind: CaseKind;
  status: CaseStatus;
  openedBy: string;
  openedAt: string;
  statusChangedAt: string;
  closedAt: string | null;
  outcome: string | null;
  queryable: boolean;
  legalHold: boolean;
  subjects: Array<{ subjectId: string; position: number; notification: NotificationView; screenings?: { count: number; lastAt: string | null } }>;
  history?: Array<{ from: string | null; to: string; reason: string | null; outcome: string | null; by: string; at: string }>;
  vervolgacties?: Array<{ actionId: string; partner: string; kind: string; dueDate: string; completedAt: string | null; createdBy: string; createdAt: string }>;
}

export interface OverdueItem {
  caseId: string;
  caseRef: string;
  subjectId: string;
  state: 'pending' | 'deferred';
  dueAt: string;
}

export interface CasusService {
  create(principal: Principal, body: unknown, traceId: string): Promise<CasusView>;
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: CasusView[]; nextCursor: string | null }>;
  get(principal: Principal, caseId: string): Promise<CasusView>;
  transition(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusView>;
  addVervolgactie(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusView>;
  completeVervolgactie(principal: Principal, caseId: string, actionId: string, traceId: string): Promise<CasusView>;
  setNotification(principal: Principal, caseId: string, subjectId: string, body: unknown, traceId: string): Promise<CasusView>;
  overdue(principal: Principal): Promise<{ items: OverdueItem[]; total: number }>;
}

export function createCasusService(deps: {
  db: Kysely<Database>;
  platform: Platform;
  schemas: SchemaRegistry;
  querySchemas: SchemaRegistry;
  hashSubject: SubjectHasher;
  log: LogWriter;
  now: () => Date;
}): CasusService {
  const { db, platform } = deps;
  const doelen = new Set(platform.doelen.map((d) => d.id));
  const partners = new Set(platform.partners.map((p) => p.id));
  const routesIn = new Set<string>([...partners, ...OTHER_ROUTES_IN]);
  const termijn = platform.notificatieTermijnDays * DAY;

  const check = (name: Parameters<SchemaRegistry['validate']>[0], body: unknown): void => {
    const errors = deps.schemas.validate(name, body);
    if (errors.length > 0) throw validationError(errors);
  };

  const notificationOf = (c: CaseRow, s: SubjectRow, now: Date): NotificationView => {
    const due =
      s.notificationState === 'pending' ? new Date(c.openedAt.getTime() + termijn) : s.notificationState === 'deferred' ? s.deferredUntil : null;
    return {
      state: s.notificationState,
      informedAt: isoDate(s.informedAt),
      deferReason: s.deferReason,
      deferredUntil: isoDate(s.deferredUntil),
      dueAt: iso(due),
      overdue: due !== null && c.status !== 'afgesloten' && due.getTime() < now.getTime(),
    };
  };

  const summary = (c: CaseRow, subjects: SubjectRow[], legalHold: boolean, now: Date): CasusView => ({
    caseId: c.id,
    caseRef: c.caseRef,
    doel: c.doel,
    routeIn: c.routeIn,
    kind: c.kind,
    status: c.status,
    openedBy: c.openedBy,
    openedAt: c.openedAt.toISOString(),
    statusChangedAt: c.statusChangedAt.toISOString(),
    closedAt: iso(c.closedAt),
    outcome: c.outcome,
    queryable: QUERYABLE_STATUSES.has(c.status),
    legalHold,
    subjects: subjects.map((s) => ({ subjectId: s.id, position: s.position, notification: notificationOf(c, s, now) })),
  });

  /** The full view of one casus, read in `ex` (inside the changing transaction, so the answer is what was committed). */
  const view = async (ex: Executor, caseId: string): Promise<CasusView> => {
    const c = await findCase(ex, { id: caseId });
    if (!c) throw new AppError('not-found', 'no such casus');
    const [subjects, history, acties, hold, screenings] = await Promise.all([
      subjectsOf(ex, [c.id]), historyOf(ex, c.id), vervolgactiesOf(ex, c.id), caseOnHold(ex, c.id), screeningsOf(ex, c.id),
    ]);
    const base = summary(c, subjects, hold, deps.now());
    return {
      ...base,
      subjects: base.subjects.map((s) => {
        const q = screenings.get(s.subjectId);
        return { ...s, screenings: { count: q?.count ?? 0, lastAt: iso(q?.lastAt ?? null) } };
      }),
      history: history.map((h) => ({ from: h.from, to: h.to, reason: h.reason, outcome: h.outcome, by: h.by, at: h.at.toISOString() })),
      vervolgacties: acties.map((a) => ({
        actionId: a.id,
        partner: a.partner,
        kind: a.kind,
        dueDate: isoDate(a.dueDate)!,
        completedAt: iso(a.completedAt),
        createdBy: a.createdBy,
        createdAt: a.createdAt.toISOString(),
      })),
    };
  };

  /** One entry per subject of the casus (one record per data subject). */
  const logPerSubject = async (
    ex: Executor,
    person: PersonPrincipal,
    c: { id: string; caseRef: string; doel: string },
    e: { action: LogAction; outcome: string; traceId: string; startedAt: Date; details: LogEntryInput['details']; onlySubject?: string },
  ): Promise<void> => {
    const subjects = (await subjectsOf(ex, [c.id])).filter((s) => !e.onlySubject || s.id === e.onlySubject);
    const entries: LogEntryInput[] = [];
    for (const s of subjects) {
      const hashes = await hashesOfSubject(ex, s.id);
      entries.push({
        action: e.action,
        actor: actorOf(person),
        outcome: e.outcome,
        traceId: e.traceId,
        startedAt: e.startedAt,
        endedAt: deps.now(),
        ...(hashes[0] ? { subjectHash: hashes[0], alsoSubjectHashes: hashes.slice(1) } : {}),
        doel: c.doel,
        caseRef: c.caseRef,
        details: {
          caseId: c.id,
          subjectId: s.id,
          ...(e.details ?? {}),
        },
      });
    }
    await deps.log.append(ex, entries);
  };

  /** Runs a change to one casus in a transaction, with the person checked against the register and the casus row locked. */
  const change = async (
    principal: Principal,
    caseId: string,
    work: (trx: Executor, person: PersonPrincipal, c: CaseRow) => Promise<void>,
  ): Promise<CasusView> => {
    const person = requirePerson(principal, platform, 'manage-cases');
    if (!UUID.test(caseId)) throw new AppError('not-found', 'no such casus');
    const result = await db.transaction().execute(async (trx) => {
      await requireRegistered(trx, person);
      const c = await findCase(trx, { id: caseId }, true);
      if (!c) throw new AppError('not-found', 'no such casus');
      await work(trx, person, c);
      return view(trx, caseId);
    });
    deps.log.committed();
    return result;
  };

  return {
    async create(principal, body, traceId) {
      const startedAt = deps.now();
      const person = requirePerson(principal, platform, 'manage-cases');
      const leaks = findIdentityValues(body, new Set(['caseRef']));
      if (leaks.length > 0) throw identityDetected(leaks);
      check('casus#/$defs/createRequest', body);
      const req = body as { caseRef: string; doel: string; routeIn: string; kind: CaseKind; subjects: Array<string | string[]> };
      const errors = [];
      if (!doelen.has(req.doel)) errors.push({ pointer: '/doel', detail: 'is not a doel of this platform' });
      if (!routesIn.has(req.routeIn)) errors.push({ pointer: '/routeIn', detail: `must be a partner of this platform or one of: ${OTHER_ROUTES_IN.join(', ')}` });
      const count = SUBJECT_COUNT[req.kind];
      if (req.subjects.length < count.min || req.subjects.length > count.max) {
        errors.push({ pointer: '/subjects', detail: req.kind === 'person' ? 'a person casus has exactly one subject' : `a group casus has ${count.min} to ${count.max} subjects` });
      }
      if (errors.length > 0) throw validationError(errors);
      const hashes = req.subjects.map((s, i) => hashSubjectInput(s, `/subjects/${i}`, deps.hashSubject));
      const seen = new Set<string>();
      hashes.forEach((hs, i) => {
        for (const h of hs) {
          if (seen.has(h.toString('hex'))) throw validationError([{ pointer: `/subjects/${i}`, detail: 'names a subject that is already in this casus' }]);
          seen.add(h.toString('hex'));
        }
      });
      const result = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        const now = deps.now();
        const created = await insertCase(trx, { caseRef: req.caseRef, doel: req.doel, kind: req.kind, routeIn: req.routeIn, openedBy: person.id, openedAt: now, subjects: hashes });
        if (!created) throw new AppError('conflict', 'a casus with this caseRef exists already', [{ pointer: '/caseRef', detail: 'is in use' }]);
        await logPerSubject(trx, person, { id: created.id, caseRef: req.caseRef, doel: req.doel }, {
          action: 'casus-aanmelding',
          outcome: 'aangemeld',
          traceId,
          startedAt,
          details: { kind: req.kind, routeIn: req.routeIn },
        });
        return view(trx, created.id);
      });
      deps.log.committed();
      return result;
    },

    async list(principal, query) {
      const person = requirePerson(principal, platform, 'manage-cases');
      const params: Record<string, unknown> = { ...query };
      const errors = deps.querySchemas.validate('casus#/$defs/listQuery', params);
      if (errors.length > 0) throw validationError(errors);
      const p = params as { status?: CaseStatus; mine: boolean; limit: number; cursor?: string };
      const before = p.cursor ? { openedAt: new Date(Number(p.cursor.split('_')[0])), id: p.cursor.split('_')[1]! } : undefined;
      const now = deps.now();
      return db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        const rows = await listCases(trx, { ...(p.mine ? { openedBy: person.id } : {}), ...(p.status ? { status: p.status } : {}), limit: p.limit, ...(before ? { before } : {}) });
        const page = rows.slice(0, p.limit);
        const subjects = await subjectsOf(trx, page.map((c) => c.id));
        const items: CasusView[] = [];
        for (const c of page) items.push(summary(c, subjects.filter((s) => s.caseId === c.id), await caseOnHold(trx, c.id), now));
        const last = page[page.length - 1];
        return { items, nextCursor: rows.length > p.limit && last ? `${last.openedAt.getTime()}_${last.id}` : null };
      });
    },

    async get(principal, caseId) {
      const person = requirePerson(principal, platform, 'manage-cases');
      if (!UUID.test(caseId)) throw new AppError('not-found', 'no such casus');
      return db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        return view(trx, caseId);
      });
    },

    async transition(principal, caseId, body, traceId) {
      const startedAt = deps.now();
      check('casus#/$defs/transitionRequest', body);
      const req = body as { to: CaseStatus; reason?: string; outcome?: string };
      const errors = [];
      if (NEEDS_REASON.has(req.to) && !req.reason) errors.push({ pointer: '/reason', detail: `is required to move a casus to ${req.to}` });
      if (!NEEDS_REASON.has(req.to) && req.reason) errors.push({ pointer: '/reason', detail: 'is only given for opgeschaald or afgeschaald' });
      if (req.to === 'afgesloten' && !req.outcome) errors.push({ pointer: '/outcome', detail: 'is required to close a casus' });
      if (req.to !== 'afgesloten' && req.outcome) errors.push({ pointer: '/outcome', detail: 'is only given when closing a casus' });
      if (errors.length > 0) throw validationError(errors);
      return change(principal, caseId, async (trx, person, c) => {
        if (!canMove(c.status, req.to)) {
          throw new AppError('conflict', `a casus in status ${c.status} cannot move to ${req.to}`, [{ pointer: '/to', detail: `is not reachable from ${c.status}` }]);
        }
        const now = deps.now();
        await updateCaseStatus(trx, c.id, { status: req.to, at: now, outcome: req.outcome ?? null, closedAt: req.to === 'afgesloten' ? now : null });
        await insertStatusChange(trx, { caseId: c.id, from: c.status, to: req.to, reason: req.reason ?? null, outcome: req.outcome ?? null, by: person.id, at: now });
        await logPerSubject(trx, person, c, {
          action: 'casus-status',
          outcome: req.to,
          traceId,
          startedAt,
          details: { from: c.status, ...(req.reason ? { reason: req.reason } : {}), ...(req.outcome ? { caseOutcome: req.outcome } : {}) },
        });
      });
    },

    async addVervolgactie(principal, caseId, body, traceId) {
      const startedAt = deps.now();
      check('casus#/$defs/vervolgactieRequest', body);
      const req = body as { partner: string; kind: string; dueDate: string };
      if (!partners.has(req.partner)) throw validationError([{ pointer: '/partner', detail: 'is not a partner of this platform' }]);
      const dueDate = new Date(`${req.dueDate}T00:00:00Z`);
      return change(principal, caseId, async (trx, person, c) => {
        if (!VERVOLG_STATUSES.has(c.status)) {
          throw new AppError('conflict', `vervolgacties are recorded when a casus is besproken or in vervolg, not ${c.status}`);
        }
        if (dueDate.getTime() < deps.now().getTime() - DAY) throw validationError([{ pointer: '/dueDate', detail: 'lies in the past' }]);
        const actionId = await insertVervolgactie(trx, { caseId: c.id, partner: req.partner, kind: req.kind, dueDate, by: person.id, at: deps.now() });
        await logPerSubject(trx, person, c, {
          action: 'casus-vervolgactie',
          outcome: 'recorded',
          traceId,
          startedAt,
          details: { actionId, actionPartner: req.partner, actionKind: req.kind, dueDate: req.dueDate },
        });
      });
    },

    async completeVervolgactie(principal, caseId, actionId, traceId) {
      const startedAt = deps.now();
      return change(principal, caseId, async (trx, person, c) => {
        const result = UUID.test(actionId) ? await completeVervolgactie(trx, c.id, actionId, person.id, deps.now()) : 'missing';
        if (result === 'missing') throw new AppError('not-found', 'no such vervolgactie in this casus');
        if (result === 'already') throw new AppError('conflict', 'this vervolgactie is completed already');
        await logPerSubject(trx, person, c, { action: 'casus-vervolgactie', outcome: 'completed', traceId, startedAt, details: { actionId } });
      });
    },

    async setNotification(principal, caseId, subjectId, body, traceId) {
      const startedAt = deps.now();
      check('casus#/$defs/notificationRequest', body);
      const req = body as { state: 'informed'; informedAt: string } | { state: 'deferred'; deferReason: string; deferredUntil: string };
      const now = deps.now();
      let informedAt: Date | null = null;
      let deferredUntil: Date | null = null;
      if (req.state === 'informed') {
        informedAt = new Date(`${req.informedAt}T00:00:00Z`);
        if (informedAt.getTime() > now.getTime()) throw validationError([{ pointer: '/informedAt', detail: 'lies in the future' }]);
      } else {
        deferredUntil = new Date(`${req.deferredUntil}T00:00:00Z`);
        if (deferredUntil.getTime() <= now.getTime()) throw validationError([{ pointer: '/deferredUntil', detail: 'must lie in the future' }]);
        if (deferredUntil.getTime() > now.getTime() + 365 * DAY) throw validationError([{ pointer: '/deferredUntil', detail: 'may lie at most 365 days ahead; defer again when it passes' }]);
      }
      return change(principal, caseId, async (trx, person, c) => {
        if (c.status === 'afgesloten') throw new AppError('conflict', 'this casus is closed');
        const found =
          UUID.test(subjectId) &&
          (await setNotification(trx, c.id, subjectId, {
            state: req.state,
            informedAt,
            deferReason: req.state === 'deferred' ? req.deferReason : null,
            deferredUntil,
            at: now,
          }));
        if (!found) throw new AppError('not-found', 'no such subject in this casus');
        await logPerSubject(trx, person, c, {
          action: 'casus-notificatie',
          outcome: req.state,
          traceId,
          startedAt,
          onlySubject: subjectId,
          details: req.state === 'informed' ? { informedAt: req.informedAt } : { deferReason: req.deferReason, deferredUntil: req.deferredUntil },
        });
      });
    },

    async overdue(principal) {
      const person = requirePerson(principal, platform, 'manage-cases');
      const now = deps.now();
      const rows = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        return uninformedOpenSubjects(trx);
      });
      const items = rows
        .map((r) => ({
          caseId: r.caseId,
          caseRef: r.caseRef,
          subjectId: r.subjectId,
          state: r.state as 'pending' | 'deferred',
          due: r.state === 'deferred' ? r.deferredUntil! : new Date(r.openedAt.getTime() + termijn),
        }))
        .filter((r) => r.due.getTime() < now.getTime())
        .sort((a, b) => a.due.getTime() - b.due.getTime() || a.subjectId.localeCompare(b.subjectId))
        .map(({ due, ...r }) => ({ ...r, dueAt: due.toISOString() }));
      return { items, total: items.length };
    },
  };
}
