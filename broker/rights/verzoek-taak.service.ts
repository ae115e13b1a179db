/**
 * Verzoeken forwarded to partners (issue 19 items 3 and 4). Under the WGS a request to the
 * samenwerkingsverband's contact point counts as a request to every joint controller; when it
 * concerns a partner's signals, the jurist forwards it and it becomes a task for that partner,
 * which the partner answers: corrected (rectificatie, AVG art. 16), withdrawn (wissing, art. 17)
 * or refused with a reason.
 *
 * Invariants:
 * - A partner sees only its own tasks, with its own refs and the deadline: never the subject, a
 *   pseudonym, or another partner's refs. Another partner's task is "not found", as a task
 *   that does not exist (a denial reveals nothing).
 * - A withdrawal deletes the signals and records their (partner, ref) in `signal_erasures`, so
 *   intake refuses them when they are sent again (signal.service.ts). An active legal hold on the
 *   subject blocks it (409, in Dutch: the adapter's user reads it).
 * - A correction replaces the signal (same ref, subject, epoch) with the corrected category or
 *   dates, checked as intake checks them (verzoek-taak-fns.ts).
 * - Every step is logged in its transaction: the forwarding per partner, each signal erased or
 *   corrected, and the answer, with the subject as its hash and codes only (never the reason text).
 * - Bad input stores and logs nothing.
 */
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import type { Principal } from '../auth/principal.js';
import { partnersOfPerson, type Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import type { Transport } from '../transport/client-certificate.js';
import { checkAdapterTransport } from '../transport/adapter-transport.js';
import { deleteSignal, insertSignals, partnerSignalsByRef, recordErasures, signalsAboutSubject } from '../signals/signal.repository.js';
import { subjectOnHold } from './legal-hold.repository.js';
import { findVerzoek, verzoekSubjectHashes } from './verzoek.repository.js';
import { answerTaak, findPartnerTaak, insertTaak, takenOfPartners, takenOfVerzoek, type PartnerTaakRow, type TaakRow } from './verzoek-taak.repository.js';
import { correctionErrors, forwardRefusal, outcomeRefusal, refsPerPartner, type Correction, type TaakOutcome } from './verzoek-taak-fns.js';
import { UUID } from './rights-types.js';
import type { VerzoekType } from './verzoek-fns.js';

/** A task as the jurist sees it (rights#/$defs/taak). */
export interface TaakView {
  taakId: string;
  verzoekId: string;
  type: VerzoekType;
  partner: string;
  partnerName: string;
  refs: string[];
  status: TaakRow['status'];
  reason: string | null;
  forwardedBy: string;
  forwardedAt: string;
  answeredBy: string | null;
  answeredAt: string | null;
}

/** A task as its partner sees it (rights#/$defs/partnerTaak): its own refs, nothing of the subject. */
export interface PartnerTaakView {
  taakId: string;
  type: VerzoekType;
  refs: string[];
  status: TaakRow['status'];
  reason: string | null;
  deadline: string;
  forwardedAt: string;
  answeredAt: string | null;
}

export interface VerzoekTaakService {
  /** Forwards a rectificatie or wissing to the partners holding signals about its subject (jurist, privacy officer). */
  forwardVerzoek(principal: Principal, verzoekId: string, body: unknown, traceId: string): Promise<{ items: TaakView[] }>;
  /** The tasks of one verzoek with the partners' answers (jurist, privacy officer). */
  takenOfVerzoek(principal: Principal, verzoekId: string): Promise<{ items: TaakView[] }>;
  /** The adapter's own tasks (open, or all). */
  partnerTaken(principal: Principal, query: Record<string, unknown>, transport?: Transport): Promise<{ items: PartnerTaakView[] }>;
  /** The adapter answers one of its own tasks. */
  answerPartnerTaak(principal: Principal, taakId: string, body: unknown, traceId: string, transport?: Transport): Promise<PartnerTaakView>;
  /** The tasks of the partners of the signed-in person's organisation (its web pages). */
  organisationTaken(principal: Principal): Promise<{ partners: Array<{ partner: string; name: string; items: PartnerTaakView[] }> }>;
}

const PROSE = new Map([
  ['reason', 'prose'],
  ['ref', 'identifier'],
] as const);
/** Dutch: the adapter's user (a partner's functioneel beheerder) reads it. */
export const LEGAL_HOLD_BLOCKS_WISSING =
  'Er rust een bewaarplicht (legal hold) op deze jongere. De signalen worden niet gewist zolang de bewaarplicht geldt. Vraag de jurist van het samenwerkingsverband wanneer die wordt opgeheven, en beantwoord de taak daarna opnieuw.';

export function createVerzoekTaakService(deps: {
  uow: UnitOfWork;
  platform: Pick<Platform, 'partners' | 'roles' | 'signalMaxValidityDays'>;
  schemas: SchemaRegistry;
  querySchemas: SchemaRegistry;
  requireMtls?: boolean;
}): VerzoekTaakService {
  const partners = new Map(deps.platform.partners.map((p) => [p.id, p]));
  const nameOf = (id: string): string => partners.get(id)?.name ?? id;
  const check = (name: Parameters<SchemaRegistry['validate']>[0], body: unknown, registry = deps.schemas): void => {
    const errors = registry.validate(name, body);
    if (errors.length > 0) throw validationError(errors);
  };
  const taakView = (t: TaakRow, type: VerzoekType): TaakView => ({
    taakId: t.id,
    verzoekId: t.verzoekId,
    type,
    partner: t.partnerId,
    partnerName: nameOf(t.partnerId),
    refs: t.refs,
    status: t.status,
    reason: t.reason,
    forwardedBy: t.forwardedBy,
    forwardedAt: t.forwardedAt.toISOString(),
    answeredBy: t.answeredBy,
    answeredAt: t.answeredAt?.toISOString() ?? null,
  });
  const partnerView = (t: PartnerTaakRow): PartnerTaakView => ({
    taakId: t.id,
    type: t.type,
    refs: t.refs,
    status: t.status,
    reason: t.reason,
    deadline: t.deadline,
    forwardedAt: t.forwardedAt.toISOString(),
    answeredAt: t.answeredAt?.toISOString() ?? null,
  });
  type Ex = Parameters<typeof findVerzoek>[0];
  const verzoekOf = async (ex: Ex, id: string, lock = false) => {
    const v = UUID.test(id) ? await findVerzoek(ex, id, lock) : undefined;
    if (!v) throw new AppError('not-found', 'no such verzoek');
    return v;
  };

  /** Erases the task's signals that the broker still holds, and records that they must not come back. */
  const erase = async (w: Work, t: PartnerTaakRow, subject: Buffer[]): Promise<void> => {
    if (await subjectOnHold(w.trx, subject)) throw new AppError('conflict', LEGAL_HOLD_BLOCKS_WISSING);
    for (const ref of t.refs) {
      const deleted = await deleteSignal(w.trx, t.partnerId, ref);
      if (deleted) {
        w.log({ action: 'signal-withdrawal', outcome: 'withdrawn', subjectHash: deleted.subjectHash, partner: t.partnerId, details: { ref, category: deleted.category, verzoekId: t.verzoekId } });
      }
    }
    await recordErasures(w.trx, t.refs.map((ref) => ({ partnerId: t.partnerId, ref, verzoekId: t.verzoekId, taakId: t.id, at: w.now() })));
  };

  /** Replaces each corrected signal by its corrected version (same ref, subject, epoch and batch). */
  const correct = async (w: Work, t: PartnerTaakRow, corrections: readonly Correction[]): Promise<void> => {
    const held = await partnerSignalsByRef(w.trx, t.partnerId, t.refs);
    const byRef = new Map(held.map((s) => [s.ref, s]));
    const categories = new Set<string>(partners.get(t.partnerId)?.categories ?? []);
    const errors = correctionErrors(corrections, { taakRefs: t.refs, held: byRef, categories, now: w.now(), maxValidityDays: deps.platform.signalMaxValidityDays });
    if (errors.length > 0) throw validationError(errors);
    for (const c of corrections) {
      const s = byRef.get(c.ref)!;
      const next = {
        ...s,
        category: c.category ?? s.category,
        registeredAt: c.registeredAt ? new Date(`${c.registeredAt}T00:00:00Z`) : s.registeredAt,
        expiresAt: c.expiresAt ? new Date(`${c.expiresAt}T00:00:00Z`) : s.expiresAt,
      };
      await deleteSignal(w.trx, t.partnerId, c.ref);
      await insertSignals(w.trx, [next]);
      w.log({
        action: 'verzoek',
        outcome: 'signal-corrected',
        subjectHash: s.subjectHash,
        partner: t.partnerId,
        details: { verzoekId: t.verzoekId, type: t.type, taakId: t.id, taakPartner: t.partnerId, ref: c.ref, category: next.category },
      });
    }
  };

  return {
    forwardVerzoek: (principal, verzoekId, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        check('rights#/$defs/taakForward', body);
        const asked = (body as { partners?: string[] }).partners;
        const unknown = (asked ?? []).findIndex((p) => !partners.has(p));
        if (unknown >= 0) throw validationError([{ pointer: `/partners/${unknown}`, code: 'not-in-list', detail: 'is not a partner of this platform' }]);
        const v = await verzoekOf(w.trx, verzoekId, true);
        const refusal = forwardRefusal(v);
        if (refusal) throw new AppError('conflict', refusal);
        const subject = await verzoekSubjectHashes(w.trx, v.id);
        const perPartner = refsPerPartner(await signalsAboutSubject(w.trx, subject), asked);
        const without = (asked ?? []).findIndex((p) => !perPartner.has(p));
        if (without >= 0) throw validationError([{ pointer: `/partners/${without}`, code: 'not-applicable', detail: 'holds no signal about the subject of this verzoek' }]);
        if (perPartner.size === 0) throw new AppError('conflict', 'no partner holds a signal about the subject of this verzoek');
        const items: TaakView[] = [];
        for (const [partnerId, refs] of perPartner) {
          const t = await insertTaak(w.trx, { verzoekId: v.id, partnerId, refs, by: w.person.id, at: w.now() });
          if (!t) continue; // forwarded to this partner before
          w.log({
            action: 'verzoek',
            outcome: 'forwarded',
            subjectHash: subject[0]!,
            alsoSubjectHashes: subject.slice(1),
            partner: partnerId,
            details: { verzoekId: v.id, type: v.type, taakId: t.id, taakPartner: partnerId, refs: refs.length },
          });
          items.push(taakView(t, v.type));
        }
        if (items.length === 0) throw new AppError('conflict', 'the verzoek was forwarded to these partners already');
        return { items };
      }),

    takenOfVerzoek: (principal, verzoekId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, '', async (w) => {
        const v = await verzoekOf(w.trx, verzoekId);
        return { items: (await takenOfVerzoek(w.trx, v.id)).map((t) => taakView(t, v.type)) };
      }),

    partnerTaken: (principal, query, transport = { channel: 'plain' }) =>
      deps.uow.asAdapter(principal, '', async (w) => {
        checkAdapterTransport(w.adapter, transport, deps.requireMtls ?? false);
        const params: Record<string, unknown> = { ...query };
        check('rights#/$defs/partnerTaakQuery', params, deps.querySchemas);
        return { items: (await takenOfPartners(w.trx, [w.adapter.partner], params['status'] !== 'all')).map(partnerView) };
      }),

    answerPartnerTaak: (principal, taakId, body, traceId, transport = { channel: 'plain' }) =>
      deps.uow.asAdapter(principal, traceId, async (w) => {
        checkAdapterTransport(w.adapter, transport, deps.requireMtls ?? false);
        const leaks = findIdentityValues(body, PROSE);
        if (leaks.length > 0) throw identityDetected(leaks);
        check('rights#/$defs/taakAnswer', body);
        const answer = body as { outcome: TaakOutcome; reason?: string; corrections?: Correction[] };
        const t = UUID.test(taakId) ? await findPartnerTaak(w.trx, taakId, [w.adapter.partner]) : undefined;
        if (!t) throw new AppError('not-found', 'this partner has no such task');
        if (t.status !== 'open') throw new AppError('conflict', 'the task is answered already');
        const wrong = outcomeRefusal(t.type, answer.outcome);
        if (wrong) throw validationError([{ pointer: '/outcome', code: 'not-applicable', detail: wrong }]);
        const subject = await verzoekSubjectHashes(w.trx, t.verzoekId);
        if (answer.outcome === 'withdrawn') await erase(w, t, subject);
        if (answer.outcome === 'corrected') await correct(w, t, answer.corrections!);
        const at = w.now();
        const reason = answer.reason?.trim() ?? null;
        await answerTaak(w.trx, t.id, { status: answer.outcome, reason, by: w.adapter.id, at });
        w.log({
          action: 'verzoek',
          outcome: 'partner-answered',
          subjectHash: subject[0]!,
          alsoSubjectHashes: subject.slice(1),
          partner: t.partnerId,
          details: { verzoekId: t.verzoekId, type: t.type, taakId: t.id, taakPartner: t.partnerId, refs: t.refs.length, taakOutcome: answer.outcome },
        });
        return partnerView({ ...t, status: answer.outcome, reason, answeredBy: w.adapter.id, answeredAt: at });
      }),

    organisationTaken: (principal) =>
      deps.uow.asPerson(principal, { registered: true }, '', async (w) => {
        const own = partnersOfPerson(deps.platform, w.person);
        const rows = await takenOfPartners(w.trx, own.map((p) => p.id), false);
        return { partners: own.map((p) => ({ partner: p.id, name: p.name, items: rows.filter((r) => r.partnerId === p.id).map(partnerView) })) };
      }),
  };
}
