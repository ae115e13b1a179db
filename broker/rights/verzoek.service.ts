/**
 * The register of verzoeken van betrokkenen (issue 19 item 2), for privacy officers and juristen
 * (capability `rights`). Under the WGS a request to the samenwerkingsverband's contact point counts
 * as a request to every joint controller; this register keeps each one with its deadline
 * (one month, extendable once by two months with a reason: AVG art. 12(3)) and its answer.
 *
 * Invariants:
 * - The subject arrives as pseudonym(s) and is stored as hashes only; no view carries them.
 * - The identity check is a method from a closed list, never a copy or number of an ID.
 * - Free text (extension reason, grondslag) is refused when it looks like an identity.
 * - Registering, extending and answering are each logged in their transaction, with the
 *   subject as its hash and codes only in the details (never the free text).
 * - "Today" is the unit of work's time as a day in Europe/Amsterdam.
 */
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import type { Principal } from '../auth/principal.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { hashSubjectInput } from '../subjects/subject-input.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { answerVerzoek, extendVerzoek, findVerzoek, insertVerzoek, listVerzoeken, overdueVerzoeken, verzoekSubjectHashes } from './verzoek.repository.js';
import { amsterdamDay, deadlineOf, extendedDeadlineOf, extensionRefusal, type VerzoekDecision, type VerzoekType } from './verzoek-fns.js';
import { UUID, verzoekView, type VerzoekView } from './rights-types.js';

export interface VerzoekService {
  registerVerzoek(principal: Principal, body: unknown, traceId: string): Promise<VerzoekView>;
  /** The open verzoeken (or all), earliest deadline first, complete; never a subject. */
  listVerzoeken(principal: Principal, query: Record<string, unknown>): Promise<{ items: VerzoekView[] }>;
  /** The open verzoeken past their deadline, earliest deadline first. */
  overdueVerzoeken(principal: Principal): Promise<{ items: VerzoekView[] }>;
  getVerzoek(principal: Principal, verzoekId: string): Promise<VerzoekView>;
  extendVerzoek(principal: Principal, verzoekId: string, body: unknown, traceId: string): Promise<VerzoekView>;
  answerVerzoek(principal: Principal, verzoekId: string, body: unknown, traceId: string): Promise<VerzoekView>;
}

const PROSE = new Map([
  ['reason', 'prose'],
  ['grondslag', 'prose'],
] as const);

export function createVerzoekService(deps: { uow: UnitOfWork; schemas: SchemaRegistry; querySchemas: SchemaRegistry; hashSubject: SubjectHasher }): VerzoekService {
  const check = (name: Parameters<SchemaRegistry['validate']>[0], body: unknown, registry = deps.schemas): void => {
    const errors = registry.validate(name, body);
    if (errors.length > 0) throw validationError(errors);
  };
  const noIdentity = (body: unknown): void => {
    const leaks = findIdentityValues(body, PROSE);
    if (leaks.length > 0) throw identityDetected(leaks);
  };
  type Ex = Parameters<typeof findVerzoek>[0];
  const locked = async (ex: Ex, id: string) => {
    const v = UUID.test(id) ? await findVerzoek(ex, id, true) : undefined;
    if (!v) throw new AppError('not-found', 'no such verzoek');
    return v;
  };

  return {
    registerVerzoek: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        check('rights#/$defs/verzoekRequest', body);
        const req = body as { subject: string | string[]; type: VerzoekType; receivedOn: string; requester: 'betrokkene' | 'ouder-of-voogd' | 'gemachtigde'; identityCheck: string };
        const today = amsterdamDay(w.now());
        if (req.receivedOn > today) throw validationError([{ pointer: '/receivedOn', code: 'in-future', detail: 'lies in the future' }]);
        const hashes = hashSubjectInput(req.subject, '/subject', deps.hashSubject);
        const v = await insertVerzoek(w.trx, { ...req, deadline: deadlineOf(req.receivedOn), subjectHashes: hashes, by: w.person.id, at: w.now() });
        w.log({
          action: 'verzoek',
          outcome: 'registered',
          subjectHash: hashes[0]!,
          alsoSubjectHashes: hashes.slice(1),
          details: { verzoekId: v.id, type: v.type, receivedOn: v.receivedOn, deadline: v.deadline, identityCheck: v.identityCheck },
        });
        return verzoekView(v, today);
      }),

    listVerzoeken: (principal, query) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, '', async (w) => {
        const params: Record<string, unknown> = { ...query };
        check('rights#/$defs/verzoekQuery', params, deps.querySchemas);
        const today = amsterdamDay(w.now());
        return { items: (await listVerzoeken(w.trx, params['status'] !== 'all')).map((v) => verzoekView(v, today)) };
      }),

    overdueVerzoeken: (principal) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, '', async (w) => {
        const today = amsterdamDay(w.now());
        return { items: (await overdueVerzoeken(w.trx, today)).map((v) => verzoekView(v, today)) };
      }),

    getVerzoek: (principal, verzoekId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, '', async (w) => {
        const v = UUID.test(verzoekId) ? await findVerzoek(w.trx, verzoekId) : undefined;
        if (!v) throw new AppError('not-found', 'no such verzoek');
        return verzoekView(v, amsterdamDay(w.now()));
      }),

    extendVerzoek: (principal, verzoekId, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        noIdentity(body);
        check('rights#/$defs/verzoekExtension', body);
        const v = await locked(w.trx, verzoekId);
        const today = amsterdamDay(w.now());
        const refusal = extensionRefusal(v, today);
        if (refusal) throw new AppError('conflict', refusal);
        const until = extendedDeadlineOf(v.deadline);
        const reason = (body as { reason: string }).reason.trim();
        await extendVerzoek(w.trx, v.id, until, reason);
        const hashes = await verzoekSubjectHashes(w.trx, v.id);
        w.log({ action: 'verzoek', outcome: 'extended', subjectHash: hashes[0]!, alsoSubjectHashes: hashes.slice(1), details: { verzoekId: v.id, type: v.type, extendedUntil: until } });
        return verzoekView({ ...v, extendedUntil: until, extensionReason: reason }, today);
      }),

    answerVerzoek: (principal, verzoekId, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        noIdentity(body);
        check('rights#/$defs/verzoekAnswer', body);
        const v = await locked(w.trx, verzoekId);
        if (v.status !== 'open') throw new AppError('conflict', 'the verzoek is answered already');
        const today = amsterdamDay(w.now());
        const req = body as { decision: VerzoekDecision; grondslag: string; answeredOn?: string };
        const answeredOn = req.answeredOn ?? today;
        if (answeredOn > today) throw validationError([{ pointer: '/answeredOn', code: 'in-future', detail: 'lies in the future' }]);
        if (answeredOn < v.receivedOn) throw validationError([{ pointer: '/answeredOn', code: 'before-start', detail: 'lies before the day the verzoek was received' }]);
        const grondslag = req.grondslag.trim();
        await answerVerzoek(w.trx, v.id, { decision: req.decision, grondslag, answeredOn, by: w.person.id });
        const hashes = await verzoekSubjectHashes(w.trx, v.id);
        const answered = { ...v, status: 'answered' as const, decision: req.decision, grondslag, answeredOn, answeredBy: w.person.id };
        const view = verzoekView(answered, today);
        w.log({
          action: 'verzoek',
          outcome: 'answered',
          subjectHash: hashes[0]!,
          alsoSubjectHashes: hashes.slice(1),
          details: { verzoekId: v.id, type: v.type, decision: req.decision, answeredOn, onTime: view.onTime },
        });
        return view;
      }),
  };
}
