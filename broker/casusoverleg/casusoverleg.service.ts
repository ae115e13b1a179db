/**
 * The casusoverleg (issue 18 items 1-3, docs/casusoverleg.md): the voorzitter plans meetings and
 * puts casussen on their agenda; per casus the broker derives whom to invite (casusoverleg-fns.ts)
 * and the policy decides each invitation; an invited partner's professionals and adapter see the
 * casussen their organisation (an adapter: its partner) is invited to, with their own matching refs,
 * the regiehouder and their own vervolgacties, and the regiehouder sees its overdue vervolgacties.
 *
 * Invariants:
 * - Only a person with `manage-cases` plans, puts on the agenda or adds a partner (access gate).
 * - Inviting is a disclosure ("this youth is on the agenda"): decided by the active policy's action
 *   `uitnodigen` (with consent: `uitnodigen-met-toestemming`) for the voorzitter's role, the casus's
 *   doel and the partner, BEFORE anything is stored; a partner the policy excludes is not invited,
 *   and the voorzitter sees why (a code, with the rules).
 * - Every step is logged in its transaction (`casusoverleg`): the plan; the agenda placement per
 *   subject; each decision per partner and subject, naming the partner and the rules with their
 *   grondslag. Bad input stores and logs nothing.
 * - A partner sees only invitations made to it: the meeting's date, the casus reference, and its OWN
 *   current signal refs in the categories that made its hit. Never another partner's signals or
 *   answers, never a subject, pseudonym or subject hash. Its reads are not logged: they disclose
 *   nothing the logged invitation did not.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import { partnersOfPerson, type Platform } from '../platform/platform.js';
import type { FieldError, SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { PolicyService } from '../policy/policy.service.js';
import { invitationActionFor } from '../policy/policy-actions.js';
import type { EntryDraft, PersonWork, UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import { findCase, subjectsOf, type CaseRow } from '../casus/casus.repository.js';
import { withEntryHashes } from '../casus/casus-change.js';
import { consentsOf } from '../casus/consent.repository.js';
import { overdueVervolgacties, regiehouderOf } from '../casus/regie.repository.js';
import { UUID } from '../casus/casus-types.js';
import { consentCoverage, decideInvitations, deriveCandidates, meetingDateErrors, type Decided } from './casusoverleg-fns.js';
import {
  agendaOf, findMeeting, hitsOfCase, insertAgendaItem, insertInvitations, insertMeeting, invitationsForPartners, invitationsOf, listMeetings, onAgenda, ownRefsOf,
  vervolgactiesForPartners, type MeetingRow,
} from './casusoverleg.repository.js';
import type { ExclusionReason, InvitationReason, MeetingSummary, MeetingView, PartnerOverview } from './casusoverleg-types.js';

export type * from './casusoverleg-types.js';

const DAY = 86_400_000;
const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
type Addition = { partner: string; reason: InvitationReason };

export interface CasusoverlegService {
  planMeeting(principal: Principal, body: unknown, traceId: string): Promise<MeetingView>;
  listMeetings(principal: Principal, query: Record<string, unknown>): Promise<{ items: MeetingSummary[] }>;
  getMeeting(principal: Principal, meetingId: string): Promise<MeetingView>;
  /** Puts a casus on the agenda and decides its derived invitation list (and the voorzitter's additions). */
  addToAgenda(principal: Principal, meetingId: string, body: unknown, traceId: string): Promise<MeetingView>;
  /** Adds one partner, with a reason, to a casus already on the agenda; the policy decides. */
  invitePartner(principal: Principal, meetingId: string, caseId: string, body: unknown, traceId: string): Promise<MeetingView>;
  /** What a partner sees: its invitations, and the overdue vervolgacties of casussen it holds the regie of. */
  partnerOverview(principal: Principal, traceId: string): Promise<PartnerOverview>;
}

export function createCasusoverlegService(deps: {
  uow: UnitOfWork;
  platform: Pick<Platform, 'id' | 'partners' | 'roles'>;
  schemas: SchemaRegistry;
  policy: Pick<PolicyService, 'active'>;
}): CasusoverlegService {
  const { platform } = deps;
  const partnerIds = platform.partners.map((p) => p.id);
  const known = new Set(partnerIds);
  const contactOf = (partner: string) => {
    const c = platform.partners.find((p) => p.id === partner)?.contact;
    return c ? { team: c.team, email: c.email } : null;
  };
  const check = (name: Parameters<SchemaRegistry['validate']>[0], body: unknown): void => {
    const errors = deps.schemas.validate(name, body);
    if (errors.length > 0) throw validationError(errors);
  };
  const meetingOr404 = async (w: Work, meetingId: string, lock = false): Promise<MeetingRow> => {
    const m = UUID.test(meetingId) ? await findMeeting(w.trx, meetingId, lock) : undefined;
    if (!m) throw new AppError('not-found', 'no such casusoverleg');
    return m;
  };
  const additionErrors = (add: readonly Addition[], base: string): FieldError[] => {
    const seen = new Set<string>();
    return add.flatMap((a, i): FieldError[] => {
      if (!known.has(a.partner)) return [{ pointer: `${base}/${i}/partner`, code: 'not-in-list', detail: 'is not a partner of this platform' }];
      if (seen.has(a.partner)) return [{ pointer: `${base}/${i}/partner`, code: 'duplicate', detail: 'names a partner twice' }];
      seen.add(a.partner);
      return [];
    });
  };

  const view = async (w: Work, m: MeetingRow): Promise<MeetingView> => {
    const [agenda, decisions] = await Promise.all([agendaOf(w.trx, m.id), invitationsOf(w.trx, m.id)]);
    return {
      meetingId: m.id,
      platform: platform.id,
      date: isoDate(m.date),
      plannedBy: m.plannedBy,
      plannedAt: m.plannedAt.toISOString(),
      agenda: agenda.map((a) => {
        // In platform order: the order the list was derived in, whatever order the decisions were stored in.
        const mine = decisions.filter((d) => d.caseId === a.caseId).sort((x, y) => partnerIds.indexOf(x.partner) - partnerIds.indexOf(y.partner));
        return {
          caseId: a.caseId,
          caseRef: a.caseRef,
          status: a.status,
          regiehouder: a.regiehouder,
          addedAt: a.addedAt.toISOString(),
          invitations: mine.filter((d) => d.invited).map((d) => ({
            partner: d.partner, grounds: d.grounds as MeetingView['agenda'][number]['invitations'][number]['grounds'], addedReason: d.addedReason as InvitationReason | null,
            consent: d.consent, basis: d.rules, contact: contactOf(d.partner), invitedAt: d.decidedAt.toISOString(),
          })),
          excluded: mine.filter((d) => !d.invited).map((d) => ({
            partner: d.partner, grounds: d.grounds as MeetingView['agenda'][number]['excluded'][number]['grounds'], addedReason: d.addedReason as InvitationReason | null,
            reason: d.exclusionReason as ExclusionReason, basis: d.rules, decidedAt: d.decidedAt.toISOString(),
          })),
        };
      }),
    };
  };

  /**
   * Decides the candidates by the policy, stores the decisions and queues their entries: per
   * partner and subject, `invited` (naming the partner and the rules) or `not-permitted`.
   */
  const decide = async (w: PersonWork, m: MeetingRow, c: CaseRow, added: readonly Addition[], only?: string): Promise<Decided[]> => {
    const [hits, subjects, consents] = await Promise.all([hitsOfCase(w.trx, c), subjectsOf(w.trx, [c.id]), consentsOf(w.trx, c.id)]);
    const regiehouder = (await regiehouderOf(w.trx, c.id))?.partner ?? null;
    let candidates = deriveCandidates({ partners: partnerIds, hits, routeIn: c.routeIn, regiehouder, added });
    if (only !== undefined) candidates = candidates.filter((x) => x.partner === only);
    const table = deps.policy.active().table;
    const decided = decideInvitations(
      candidates,
      table.scopes(w.person.role, c.doel, invitationActionFor(false)),
      table.scopes(w.person.role, c.doel, invitationActionFor(true)),
      consentCoverage(subjects.map((s) => s.id), consents, c.doel, w.now()),
    );
    const at = w.now();
    await insertInvitations(w.trx, m.id, decided.map((d) => ({
      caseId: c.id, partner: d.partner, invited: d.invited, grounds: d.grounds, categories: d.categories, addedReason: d.addedReason,
      consent: d.consent, exclusionReason: d.invited ? null : d.reason, rules: d.basis, by: w.person.id, at,
    })));
    for (const s of await withEntryHashes(w.trx, subjects)) {
      for (const d of decided) {
        w.log(<EntryDraft>{
          action: 'casusoverleg',
          outcome: d.invited ? 'invited' : 'not-permitted',
          ...s.hashes,
          doel: c.doel,
          partner: d.partner,
          caseRef: c.caseRef,
          rules: d.basis,
          details: { meetingId: m.id, meetingDate: isoDate(m.date), caseId: c.id, subjectId: s.id, grounds: d.grounds, ...(d.addedReason ? { addedReason: d.addedReason } : {}), consent: d.consent },
        });
      }
    }
    return decided;
  };

  return {
    planMeeting: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, traceId, async (w) => {
        check('casusoverleg#/$defs/meetingRequest', body);
        const { date } = body as { date: string };
        const day = new Date(`${date}T00:00:00Z`);
        const errors = meetingDateErrors(day, w.now());
        if (errors.length > 0) throw validationError(errors);
        const id = await insertMeeting(w.trx, { date: day, by: w.person.id, at: w.now() });
        w.log({ action: 'casusoverleg', outcome: 'planned', details: { meetingId: id, meetingDate: date } });
        return view(w, (await findMeeting(w.trx, id))!);
      }),

    listMeetings: (principal, query) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, '', async (w) => {
        check('casusoverleg#/$defs/meetingListQuery', query);
        const rows = await listMeetings(w.trx);
        return { items: rows.map((m) => ({ meetingId: m.id, platform: platform.id, date: isoDate(m.date), agendaCount: m.agendaCount })) };
      }),

    getMeeting: (principal, meetingId) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, '', async (w) => view(w, await meetingOr404(w, meetingId))),

    addToAgenda: (principal, meetingId, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, traceId, async (w) => {
        check('casusoverleg#/$defs/agendaRequest', body);
        const req = body as { caseId: string; add?: Addition[] };
        const errors = additionErrors(req.add ?? [], '/add');
        if (errors.length > 0) throw validationError(errors);
        const m = await meetingOr404(w, meetingId, true);
        const c = await findCase(w.trx, { id: req.caseId }, true);
        if (!c) throw validationError([{ pointer: '/caseId', code: 'not-found', detail: 'names no casus' }]);
        if (c.status === 'afgesloten') throw new AppError('conflict', 'a closed casus is not put on an agenda');
        if (isoDate(m.date) < isoDate(w.now())) throw new AppError('conflict', 'this casusoverleg lies in the past');
        if (!(await insertAgendaItem(w.trx, { meetingId: m.id, caseId: c.id, by: w.person.id, at: w.now() }))) {
          throw new AppError('conflict', 'this casus is on the agenda already', [{ pointer: '/caseId', code: 'in-use', detail: 'is on the agenda already' }]);
        }
        for (const s of await withEntryHashes(w.trx, await subjectsOf(w.trx, [c.id]))) {
          w.log(<EntryDraft>{
            action: 'casusoverleg',
            outcome: 'agendered',
            ...s.hashes,
            doel: c.doel,
            caseRef: c.caseRef,
            details: { meetingId: m.id, meetingDate: isoDate(m.date), caseId: c.id, subjectId: s.id },
          });
        }
        await decide(w, m, c, req.add ?? []);
        return view(w, m);
      }),

    invitePartner: (principal, meetingId, caseId, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, traceId, async (w) => {
        check('casusoverleg#/$defs/addition', body);
        const add = body as Addition;
        const errors = additionErrors([add], '').map((e) => ({ ...e, pointer: e.pointer.replace(/^\/0/, '') }));
        if (errors.length > 0) throw validationError(errors);
        const m = await meetingOr404(w, meetingId, true);
        const c = UUID.test(caseId) ? await findCase(w.trx, { id: caseId }, true) : undefined;
        if (!c || !(await onAgenda(w.trx, m.id, c.id))) throw new AppError('not-found', 'no such casus on the agenda of this casusoverleg');
        if ((await invitationsOf(w.trx, m.id)).some((d) => d.caseId === c.id && d.partner === add.partner)) {
          throw new AppError('conflict', 'this partner was decided for this casus already', [{ pointer: '/partner', code: 'in-use', detail: 'is on the list already' }]);
        }
        await decide(w, m, c, [add], add.partner);
        return view(w, m);
      }),

    partnerOverview: async (principal, traceId) => {
      const work = async (w: Work, partners: string[]): Promise<PartnerOverview> => {
        const now = w.now();
        const today = new Date(Math.floor(now.getTime() / DAY) * DAY);
        const rows = await invitationsForPartners(w.trx, partners);
        const acties = await vervolgactiesForPartners(w.trx, [...new Set(rows.map((r) => r.caseId))], partners);
        const items = [];
        for (const r of rows) {
          const ownRefs = await ownRefsOf(w.trx, { partner: r.partner, caseId: r.caseId, categories: r.categories, now });
          // No log, no answer: the read is logged per youth of the casus, naming the partner.
          for (const s of await withEntryHashes(w.trx, await subjectsOf(w.trx, [r.caseId]))) {
            w.log(<EntryDraft>{
              action: 'casusoverleg',
              outcome: 'read',
              ...s.hashes,
              partner: r.partner,
              caseRef: r.caseRef,
              details: { meetingId: r.meetingId, meetingDate: isoDate(r.date), caseId: r.caseId, subjectId: s.id, refsShown: ownRefs.length },
            });
          }
          items.push({
            meetingId: r.meetingId,
            date: isoDate(r.date),
            caseId: r.caseId,
            caseRef: r.caseRef,
            partner: r.partner,
            ownRefs,
            regiehouder: r.regiehouder,
            vervolgacties: acties
              .filter((a) => a.caseId === r.caseId && (a.partner === r.partner || a.toPartner === r.partner))
              .map((a) => ({
                actionId: a.id, partner: a.partner, kind: a.kind, toPartner: a.toPartner, dueDate: isoDate(a.dueDate),
                completedAt: a.completedAt ? a.completedAt.toISOString() : null, overdue: !a.completedAt && a.dueDate.getTime() < today.getTime(),
              })),
          });
        }
        const regieOverdue = [];
        for (const p of partners) {
          for (const o of await overdueVervolgacties(w.trx, today, p)) regieOverdue.push({ ...o, dueDate: isoDate(o.dueDate), regiehouder: p });
        }
        regieOverdue.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.actionId.localeCompare(b.actionId));
        return { partners, items, regieOverdue };
      };
      if (principal.kind === 'adapter') return deps.uow.asAdapter(principal, traceId, (w) => work(w, [w.adapter.partner]));
      return deps.uow.asPerson(principal, { capability: 'query' }, traceId, (w) =>
        work(w, partnersOfPerson(platform, w.person).map((p) => p.id)),
      );
    },
  };
}
