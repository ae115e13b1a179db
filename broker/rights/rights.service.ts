/**
 * Data-subject rights, for privacy officers and juristen (capability `rights`):
 * - inzage (AVG art. 15): every disclosure about one subject, complete, as JSON or PDF;
 * - bezwaar (AVG art. 21): an upheld objection blocks the subject for named doelen;
 * - legal holds: suspend retention for one casus (by caseId or caseRef) or one subject (e.g. a
 *   pending complaint).
 *
 * Invariants:
 * - The identity never reaches the broker: the caller pseudonymises it locally (browser or
 *   CLI) and sends the pseudonym(s), which are hashed at once.
 * - The report is never truncated: it reads every matching entry, and says how many.
 * - Producing a report, deciding a bezwaar and placing or releasing a hold are each logged
 *   in their own transaction, with the subject as its hash only.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import { requirePerson, type Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { hashSubjectInput } from '../subjects/subject-input.js';
import { requireRegistered } from '../people/require-registered.js';
import type { LogWriter } from '../logboek/log-writer.js';
import { actorOf, type LogContent } from '../logboek/log-entry.js';
import type { RuleRef } from '../policy/decision-table.js';
import { findCase } from '../casus/casus.repository.js';
import { entriesAboutSubject } from './inzage.repository.js';
import { bezwarenAbout, bezwaarSubjectHashes, findBezwaar, insertBezwaar, liftBezwaar, listBezwaren, type BezwaarRow } from './bezwaar.repository.js';
import { findHold, holdSubjectHashes, insertHold, listHolds, releaseHold, type HoldRow } from './legal-hold.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface InzageReport {
  reportId: string;
  generatedAt: string;
  generatedBy: string;
  complete: true;
  total: number;
  disclosures: Array<{
    entryId: number;
    loggedAt: string;
    partner: string;
    outcome: 'hit' | 'no-hit' | 'not-permitted';
    toRole: string;
    toOrganisation: string;
    doel: string;
    grondslagen: RuleRef[];
    caseRef: string | null;
    queryId: string | null;
  }>;
  notifications: Array<{ caseRef: string; state: string; at: string }>;
  bezwaren: BezwaarView[];
}

export interface BezwaarView {
  bezwaarId: string;
  doelen: string[];
  decision: 'upheld' | 'rejected';
  decidedBy: string;
  decidedAt: string;
  liftedAt: string | null;
  active: boolean;
}

export interface HoldView {
  holdId: string;
  scope: 'case' | 'subject';
  caseId: string | null;
  caseRef: string | null;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedAt: string | null;
}

export interface RightsService {
  inzage(principal: Principal, body: unknown, traceId: string): Promise<InzageReport>;
  decideBezwaar(principal: Principal, body: unknown, traceId: string): Promise<BezwaarView>;
  liftBezwaar(principal: Principal, bezwaarId: string, traceId: string): Promise<BezwaarView>;
  /** The bezwaren decided (by default the active ones), newest first, complete; never a subject. */
  listBezwaren(principal: Principal, query: Record<string, unknown>): Promise<{ items: BezwaarView[] }>;
  placeHold(principal: Principal, body: unknown, traceId: string): Promise<HoldView>;
  listHolds(principal: Principal, query: Record<string, unknown>): Promise<{ items: HoldView[] }>;
  releaseHold(principal: Principal, holdId: string, traceId: string): Promise<HoldView>;
}

const bezwaarView = (b: BezwaarRow): BezwaarView => ({
  bezwaarId: b.id,
  doelen: b.doelen,
  decision: b.decision,
  decidedBy: b.decidedBy,
  decidedAt: b.decidedAt.toISOString(),
  liftedAt: b.liftedAt?.toISOString() ?? null,
  active: b.decision === 'upheld' && b.liftedAt === null,
});

const holdView = (h: HoldRow): HoldView => ({
  holdId: h.id,
  scope: h.scope,
  caseId: h.caseId,
  caseRef: h.caseRef,
  reason: h.reason,
  placedBy: h.placedBy,
  placedAt: h.placedAt.toISOString(),
  releasedAt: h.releasedAt?.toISOString() ?? null,
});

export function createRightsService(deps: {
  db: Kysely<Database>;
  platform: Platform;
  schemas: SchemaRegistry;
  querySchemas: SchemaRegistry;
  hashSubject: SubjectHasher;
  log: LogWriter;
  now: () => Date;
}): RightsService {
  const { db, platform } = deps;
  const doelen = new Set(platform.doelen.map((d) => d.id));
  const check = (name: Parameters<SchemaRegistry['validate']>[0], body: unknown): void => {
    const errors = deps.schemas.validate(name, body);
    if (errors.length > 0) throw validationError(errors);
  };

  return {
    async inzage(principal, body, traceId) {
      const startedAt = deps.now();
      const person = requirePerson(principal, platform, 'rights');
      check('rights#/$defs/inzageRequest', body);
      const hashes = hashSubjectInput((body as { subject: string | string[] }).subject, '/subject', deps.hashSubject);
      const reportId = randomUUID();
      const report = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        const entries = await entriesAboutSubject(trx, hashes, ['disclosure', 'casus-notificatie']);
        const bezwaren = await bezwarenAbout(trx, hashes);
        const disclosures: InzageReport['disclosures'] = [];
        const notifications: InzageReport['notifications'] = [];
        for (const e of entries) {
          const c = JSON.parse(e.content) as LogContent;
          if (e.action === 'disclosure') {
            const actor = c.actor as { id: string; organisation?: string; role?: string };
            disclosures.push({
              entryId: e.id,
              loggedAt: e.loggedAt.toISOString(),
              partner: c.partner ?? '',
              outcome: c.outcome as 'hit' | 'no-hit' | 'not-permitted',
              toRole: actor.role ?? '',
              toOrganisation: actor.organisation ?? '',
              doel: c.doel ?? '',
              grondslagen: c.rules,
              caseRef: c.caseRef,
              queryId: c.queryId,
            });
          } else if (c.caseRef) {
            notifications.push({ caseRef: c.caseRef, state: c.outcome, at: e.loggedAt.toISOString() });
          }
        }
        const generatedAt = deps.now();
        await deps.log.append(trx, [
          {
            action: 'inzage-report',
            actor: actorOf(person),
            outcome: 'produced',
            traceId,
            startedAt,
            endedAt: generatedAt,
            subjectHash: hashes[0]!,
            alsoSubjectHashes: hashes.slice(1),
            details: { reportId, disclosures: disclosures.length },
          },
        ]);
        return {
          reportId,
          generatedAt: generatedAt.toISOString(),
          generatedBy: person.id,
          complete: true as const,
          total: disclosures.length,
          disclosures,
          notifications,
          bezwaren: bezwaren.map(bezwaarView),
        };
      });
      deps.log.committed();
      return report;
    },

    async decideBezwaar(principal, body, traceId) {
      const startedAt = deps.now();
      const person = requirePerson(principal, platform, 'rights');
      check('rights#/$defs/bezwaarRequest', body);
      const req = body as { subject: string | string[]; doelen: string[]; decision: 'upheld' | 'rejected' };
      const unknown = req.doelen.findIndex((d) => !doelen.has(d));
      if (unknown >= 0) throw validationError([{ pointer: `/doelen/${unknown}`, detail: 'is not a doel of this platform' }]);
      const hashes = hashSubjectInput(req.subject, '/subject', deps.hashSubject);
      const row = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        const now = deps.now();
        const b = await insertBezwaar(trx, { subjectHashes: hashes, doelen: req.doelen, decision: req.decision, by: person.id, at: now });
        await deps.log.append(trx, [
          {
            action: 'bezwaar',
            actor: actorOf(person),
            outcome: req.decision,
            traceId,
            startedAt,
            endedAt: now,
            subjectHash: hashes[0]!,
            alsoSubjectHashes: hashes.slice(1),
            details: { bezwaarId: b.id, doelen: req.doelen },
          },
        ]);
        return b;
      });
      deps.log.committed();
      return bezwaarView(row);
    },

    async liftBezwaar(principal, bezwaarId, traceId) {
      const startedAt = deps.now();
      const person = requirePerson(principal, platform, 'rights');
      if (!UUID.test(bezwaarId)) throw new AppError('not-found', 'no such bezwaar');
      const row = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        const b = await findBezwaar(trx, bezwaarId);
        if (!b) throw new AppError('not-found', 'no such bezwaar');
        if (b.decision !== 'upheld' || b.liftedAt) throw new AppError('conflict', 'only an active, upheld bezwaar can be lifted');
        const now = deps.now();
        await liftBezwaar(trx, b.id, now);
        const hashes = await bezwaarSubjectHashes(trx, b.id);
        await deps.log.append(trx, [
          { action: 'bezwaar', actor: actorOf(person), outcome: 'lifted', traceId, startedAt, endedAt: now, subjectHash: hashes[0]!, alsoSubjectHashes: hashes.slice(1), details: { bezwaarId: b.id } },
        ]);
        return { ...b, liftedAt: now };
      });
      deps.log.committed();
      return bezwaarView(row);
    },

    async listBezwaren(principal, query) {
      const person = requirePerson(principal, platform, 'rights');
      const params: Record<string, unknown> = { ...query };
      const errors = deps.querySchemas.validate('rights#/$defs/bezwaarQuery', params);
      if (errors.length > 0) throw validationError(errors);
      const rows = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        return listBezwaren(trx, params['active'] as boolean);
      });
      return { items: rows.map(bezwaarView) };
    },

    async placeHold(principal, body, traceId) {
      const startedAt = deps.now();
      const person = requirePerson(principal, platform, 'rights');
      const leaks = findIdentityValues(body, new Set(['caseRef']));
      if (leaks.length > 0) throw identityDetected(leaks);
      check('rights#/$defs/legalHoldRequest', body);
      const req = body as { caseId?: string; caseRef?: string; subject?: string | string[]; reason: string };
      const hashes = req.subject !== undefined ? hashSubjectInput(req.subject, '/subject', deps.hashSubject) : [];
      const row = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        const now = deps.now();
        let held: { id: string; caseRef: string } | undefined;
        if (req.caseId !== undefined || req.caseRef !== undefined) {
          const c = await findCase(trx, req.caseId !== undefined ? { id: req.caseId } : { caseRef: req.caseRef! });
          if (!c) throw new AppError('not-found', 'no such casus', [{ pointer: req.caseId !== undefined ? '/caseId' : '/caseRef', detail: 'names no casus' }]);
          held = { id: c.id, caseRef: c.caseRef };
        }
        const caseRef = held?.caseRef;
        const h = await insertHold(trx, { caseId: held?.id ?? null, caseRef: held?.caseRef ?? null, subjectHashes: hashes, reason: req.reason, by: person.id, at: now });
        await deps.log.append(trx, [
          {
            action: 'legal-hold',
            actor: actorOf(person),
            outcome: 'placed',
            traceId,
            startedAt,
            endedAt: now,
            ...(hashes[0] ? { subjectHash: hashes[0], alsoSubjectHashes: hashes.slice(1) } : {}),
            ...(caseRef ? { caseRef } : {}),
            details: { holdId: h.id, scope: h.scope, reason: req.reason },
          },
        ]);
        return h;
      });
      deps.log.committed();
      return holdView(row);
    },

    async listHolds(principal, query) {
      const person = requirePerson(principal, platform, 'rights');
      const params: Record<string, unknown> = { ...query };
      const errors = deps.querySchemas.validate('rights#/$defs/legalHoldQuery', params);
      if (errors.length > 0) throw validationError(errors);
      const rows = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        return listHolds(trx, params['active'] as boolean);
      });
      return { items: rows.map(holdView) };
    },

    async releaseHold(principal, holdId, traceId) {
      const startedAt = deps.now();
      const person = requirePerson(principal, platform, 'rights');
      if (!UUID.test(holdId)) throw new AppError('not-found', 'no such legal hold');
      const row = await db.transaction().execute(async (trx) => {
        await requireRegistered(trx, person);
        const h = await findHold(trx, holdId);
        if (!h) throw new AppError('not-found', 'no such legal hold');
        if (h.releasedAt) throw new AppError('conflict', 'this legal hold was released already');
        const now = deps.now();
        await releaseHold(trx, h.id, person.id, now);
        const hashes = await holdSubjectHashes(trx, h.id);
        await deps.log.append(trx, [
          {
            action: 'legal-hold',
            actor: actorOf(person),
            outcome: 'released',
            traceId,
            startedAt,
            endedAt: now,
            ...(hashes[0] ? { subjectHash: hashes[0], alsoSubjectHashes: hashes.slice(1) } : {}),
            ...(h.caseRef ? { caseRef: h.caseRef } : {}),
            details: { holdId: h.id, scope: h.scope },
          },
        ]);
        return { ...h, releasedAt: now };
      });
      deps.log.committed();
      return holdView(row);
    },
  };
}
