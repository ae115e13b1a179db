/**
 * Partner adapters in the register, for the functioneel beheerder (capability `administer`): an
 * adapter's client identity (the `sub` of its bearer tokens, and its mTLS certificate's subject),
 * its validity period, deactivation, and its partner's signing keys (signed signal batches),
 * building on the partner key registry (transport/partner-key.repository.ts).
 *
 * Invariants:
 * - The access gate admits an adapter only while the register confirms it for the partner its
 *   token names; deactivation acts on the next request.
 * - Keys are public JWKs (Ed25519 or P-256) without private members; a key is never removed and a
 *   revocation is never undone, so that every stored JWS stays verifiable.
 * - Every change is a `register-change` logboek entry in its transaction. Nothing is deleted.
 */
import type { RegisterDetails, RegisterOutcome } from '../logboek/log-vocabulary.js';
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import { insertPartnerKeys, listPartnerKeys, revokePartnerKeys, findPartnerKey } from '../transport/partner-key.repository.js';
import { publicKeyProblem } from '../transport/partner-registry.js';
import { findAdapter, insertAdapter, listAdapters, setAdapterActive, type AdapterRow } from './adapter.repository.js';
import { periodOf, personState } from './register-fns.js';
import type { AdapterView } from './register-types.js';

export interface AdaptersService {
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: AdapterView[] }>;
  get(principal: Principal, adapterId: string): Promise<AdapterView>;
  register(principal: Principal, body: unknown, traceId: string): Promise<AdapterView>;
  deactivate(principal: Principal, adapterId: string, traceId: string): Promise<AdapterView>;
  reactivate(principal: Principal, adapterId: string, traceId: string): Promise<AdapterView>;
  addKey(principal: Principal, adapterId: string, body: unknown, traceId: string): Promise<AdapterView>;
  revokeKey(principal: Principal, adapterId: string, kid: string, traceId: string): Promise<AdapterView>;
}

export interface AdapterSteps {
  /** Registers an adapter in `w` (a beheerder's unit, or the demo seed's). */
  registerIn(w: Work, body: unknown): Promise<AdapterView>;
}

export function createAdaptersService(deps: { uow: UnitOfWork; platform: Pick<Platform, 'partners'>; schemas: SchemaRegistry }): AdaptersService & AdapterSteps {
  const partners = new Set(deps.platform.partners.map((p) => p.id));
  const admin = { capability: 'administer' } as const;

  const view = async (w: Work, a: AdapterRow): Promise<AdapterView> => ({
    adapterId: a.id,
    partner: a.partnerId,
    clientId: a.clientId,
    certificateSubject: a.certificateSubject,
    state: personState(a, w.now()),
    active: a.active,
    validFrom: a.validFrom.toISOString(),
    validUntil: a.validUntil?.toISOString() ?? null,
    createdBy: a.createdBy,
    createdAt: a.createdAt.toISOString(),
    deactivatedBy: a.deactivatedBy,
    deactivatedAt: a.deactivatedAt?.toISOString() ?? null,
    keys: (await listPartnerKeys(w.trx, a.partnerId)).map((k) => ({ kid: k.kid, addedAt: k.addedAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null })),
  });
  const mustFind = async (w: Work, adapterId: string, forUpdate = false): Promise<AdapterRow> => {
    const a = await findAdapter(w.trx, adapterId, forUpdate);
    if (!a) throw new AppError('not-found', 'no such adapter in the register');
    return a;
  };
  const logChange = (w: Work, outcome: RegisterOutcome, a: { id: string; partnerId: string }, details: RegisterDetails = {}): void => {
    w.log({ action: 'register-change', outcome, partner: a.partnerId, details: { adapter: a.id, ...details } });
  };

  const registerIn: AdapterSteps['registerIn'] = async (w, body) => {
    const errors = deps.schemas.validate('register#/$defs/adapterRequest', body);
    if (errors.length > 0) throw validationError(errors);
    const req = body as { adapterId: string; partner: string; clientId: string; certificateSubject?: string; validFrom?: string; validUntil?: string };
    if (!partners.has(req.partner)) throw validationError([{ pointer: '/partner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
    const period = periodOf(req, w.now());
    if (Array.isArray(period)) throw validationError(period);
    const inserted = await insertAdapter(w.trx, {
      id: req.adapterId,
      partnerId: req.partner,
      clientId: req.clientId,
      certificateSubject: req.certificateSubject ?? null,
      validFrom: period.validFrom,
      validUntil: period.validUntil,
      createdBy: w.actor.id,
      at: w.now(),
    });
    if (inserted === 'id') throw new AppError('conflict', 'an adapter with this id exists already', [{ pointer: '/adapterId', code: 'in-use', detail: 'is in use' }]);
    if (inserted === 'client') throw new AppError('conflict', 'another adapter has this client id', [{ pointer: '/clientId', code: 'in-use', detail: 'is in use' }]);
    logChange(w, 'adapter-registered', { id: req.adapterId, partnerId: req.partner }, { clientId: req.clientId, certificateSubject: req.certificateSubject ?? null });
    return view(w, await mustFind(w, req.adapterId));
  };

  const setActive = (active: boolean) => (principal: Principal, adapterId: string, traceId: string) =>
    deps.uow.asPerson(principal, admin, traceId, async (w) => {
      const a = await mustFind(w, adapterId, true);
      if (a.active === active) throw new AppError('conflict', active ? 'this adapter is active already' : 'this adapter is deactivated already');
      await setAdapterActive(w.trx, a.id, active ? { active, by: null, at: null } : { active, by: w.person.id, at: w.now() });
      logChange(w, active ? 'adapter-reactivated' : 'adapter-deactivated', a);
      return view(w, await mustFind(w, a.id));
    });

  return {
    registerIn,

    list: (principal, query) =>
      deps.uow.asPerson(principal, admin, '', async (w) => {
        const partner = typeof query['partner'] === 'string' ? query['partner'] : undefined;
        if (partner !== undefined && !partners.has(partner)) throw validationError([{ pointer: '/partner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
        const rows = await listAdapters(w.trx, partner ? { partnerId: partner } : {});
        const items: AdapterView[] = [];
        for (const a of rows) items.push(await view(w, a));
        return { items };
      }),

    get: (principal, adapterId) => deps.uow.asPerson(principal, admin, '', async (w) => view(w, await mustFind(w, adapterId))),

    register: (principal, body, traceId) => deps.uow.asPerson(principal, admin, traceId, (w) => registerIn(w, body)),

    deactivate: setActive(false),
    reactivate: setActive(true),

    addKey: (principal, adapterId, body, traceId) =>
      deps.uow.asPerson(principal, admin, traceId, async (w) => {
        const errors = deps.schemas.validate('register#/$defs/keyRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const req = body as { kid: string; jwk: Record<string, unknown> };
        const problem = publicKeyProblem(req.jwk);
        if (problem) throw validationError([{ pointer: '/jwk', code: 'invalid', detail: problem }]);
        const a = await mustFind(w, adapterId);
        if ((await insertPartnerKeys(w.trx, [{ partnerId: a.partnerId, kid: req.kid, jwk: req.jwk, addedAt: w.now() }])) === 0) {
          throw new AppError('conflict', "this kid is registered for the adapter's partner already", [{ pointer: '/kid', code: 'in-use', detail: 'is in use' }]);
        }
        logChange(w, 'key-added', a, { kid: req.kid });
        return view(w, a);
      }),

    revokeKey: (principal, adapterId, kid, traceId) =>
      deps.uow.asPerson(principal, admin, traceId, async (w) => {
        const a = await mustFind(w, adapterId);
        const key = await findPartnerKey(w.trx, a.partnerId, kid);
        if (!key) throw new AppError('not-found', "no such key for the adapter's partner");
        if (key.revokedAt) throw new AppError('conflict', 'this key is revoked already');
        await revokePartnerKeys(w.trx, [{ partnerId: a.partnerId, kid, revokedAt: w.now() }]);
        logChange(w, 'key-revoked', a, { kid });
        return view(w, a);
      }),
  };
}
