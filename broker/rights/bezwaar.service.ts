/**
 * Bezwaar (AVG art. 21), for privacy officers and juristen (capability `rights`): an upheld
 * objection blocks the subject for the named doelen until it is lifted; the query service then
 * reads none of the subject's signals for those doelen.
 *
 * Invariants:
 * - The subject arrives as pseudonym(s) and is stored as hashes only; no view carries them.
 * - Deciding and lifting are each logged in their transaction, with the subject as its hash.
 * - Only an active, upheld bezwaar can be lifted; a lifted one stays on record.
 * - A beperking (AVG art. 18) is kept as a bezwaar of kind `beperking` for every doel: the same
 *   block on the question path, the same lifting and retention; logged as `beperking`.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { hashSubjectInput } from '../subjects/subject-input.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { bezwaarSubjectHashes, findBezwaar, insertBezwaar, liftBezwaar, listBezwaren } from './bezwaar.repository.js';
import { bezwaarView, UUID, type BezwaarView } from './rights-types.js';
import { findVerzoek } from './verzoek.repository.js';

export interface BezwaarService {
  decideBezwaar(principal: Principal, body: unknown, traceId: string): Promise<BezwaarView>;
  liftBezwaar(principal: Principal, bezwaarId: string, traceId: string): Promise<BezwaarView>;
  /**
   * Beperking van de verwerking (AVG art. 18): blocks the subject for every doel of the platform,
   * as an upheld bezwaar does, until it is lifted (liftBezwaar). Optionally answers a verzoek of
   * type beperking.
   */
  restrictProcessing(principal: Principal, body: unknown, traceId: string): Promise<BezwaarView>;
  /** The bezwaren decided (by default the active ones), newest first, complete; never a subject. */
  listBezwaren(principal: Principal, query: Record<string, unknown>): Promise<{ items: BezwaarView[] }>;
}

export function createBezwaarService(deps: {
  uow: UnitOfWork;
  platform: Pick<Platform, 'doelen'>;
  schemas: SchemaRegistry;
  querySchemas: SchemaRegistry;
  hashSubject: SubjectHasher;
}): BezwaarService {
  const doelen = new Set(deps.platform.doelen.map((d) => d.id));
  return {
    decideBezwaar: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        const errors = deps.schemas.validate('rights#/$defs/bezwaarRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const req = body as { subject: string | string[]; doelen: string[]; decision: 'upheld' | 'rejected' };
        const unknown = req.doelen.findIndex((d) => !doelen.has(d));
        if (unknown >= 0) throw validationError([{ pointer: `/doelen/${unknown}`, code: 'not-in-list', detail: 'is not a doel of this platform' }]);
        const hashes = hashSubjectInput(req.subject, '/subject', deps.hashSubject);
        const b = await insertBezwaar(w.trx, { subjectHashes: hashes, doelen: req.doelen, decision: req.decision, by: w.person.id, at: w.now() });
        w.log({
          action: 'bezwaar',
          outcome: req.decision,
          subjectHash: hashes[0]!,
          alsoSubjectHashes: hashes.slice(1),
          details: { bezwaarId: b.id, doelen: req.doelen },
        });
        return bezwaarView(b);
      }),

    restrictProcessing: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        const errors = deps.schemas.validate('rights#/$defs/beperkingRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const req = body as { subject: string | string[]; verzoekId?: string };
        if (req.verzoekId !== undefined) {
          const v = await findVerzoek(w.trx, req.verzoekId);
          if (!v) throw new AppError('not-found', 'no such verzoek', [{ pointer: '/verzoekId', code: 'not-found', detail: 'names no verzoek' }]);
          if (v.type !== 'beperking') throw validationError([{ pointer: '/verzoekId', code: 'mismatch', detail: 'names a verzoek that is not of type beperking' }]);
        }
        const hashes = hashSubjectInput(req.subject, '/subject', deps.hashSubject);
        const all = [...doelen];
        const b = await insertBezwaar(w.trx, { subjectHashes: hashes, doelen: all, decision: 'upheld', by: w.person.id, at: w.now(), kind: 'beperking' });
        w.log({
          action: 'beperking',
          outcome: 'restricted',
          subjectHash: hashes[0]!,
          alsoSubjectHashes: hashes.slice(1),
          details: { bezwaarId: b.id, doelen: all, verzoekId: req.verzoekId ?? null },
        });
        return bezwaarView(b);
      }),

    liftBezwaar: (principal, bezwaarId, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        const b = UUID.test(bezwaarId) ? await findBezwaar(w.trx, bezwaarId) : undefined;
        if (!b) throw new AppError('not-found', 'no such bezwaar');
        if (b.decision !== 'upheld' || b.liftedAt) throw new AppError('conflict', 'only an active, upheld bezwaar can be lifted');
        const now = w.now();
        await liftBezwaar(w.trx, b.id, now);
        const hashes = await bezwaarSubjectHashes(w.trx, b.id);
        w.log({ action: b.kind === 'beperking' ? 'beperking' : 'bezwaar', outcome: 'lifted', subjectHash: hashes[0]!, alsoSubjectHashes: hashes.slice(1), details: { bezwaarId: b.id } });
        return bezwaarView({ ...b, liftedAt: now });
      }),

    listBezwaren: (principal, query) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, '', async (w) => {
        const params: Record<string, unknown> = { ...query };
        const errors = deps.querySchemas.validate('rights#/$defs/bezwaarQuery', params);
        if (errors.length > 0) throw validationError(errors);
        return { items: (await listBezwaren(w.trx, params['active'] as boolean)).map(bezwaarView) };
      }),
  };
}
