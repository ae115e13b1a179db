/**
 * The key custodian's service: evaluates blinded elements for authenticated callers,
 * within their quotas, and counts every evaluation in the logboek.
 *
 * Invariants:
 * - Offline dictionary attacks become online ones: every caller (a partner's adapter, or
 *   a person) has a quota per minute and per day; past it the answer is 429 and nothing
 *   is evaluated (RFC 9497 §7.2.3 also asks to limit evaluations per key), with `Retry-After`
 *   saying when the quota lets the caller in again (rate-limit-fns.ts).
 * - Every evaluation is logged (who, how many elements, epoch, doel) in the transaction
 *   that counts it; no log, no output. A batch is evaluated (which also validates every
 *   element) before it is counted, so a malformed element is a 422 that costs no quota,
 *   and the result leaves only after the count and the log entry committed.
 * - A person must be confirmed by the register (the access gate), and may have pseudonyms
 *   computed only under a doel their role may act under (the platform definition's role
 *   doelen), so the doel the logboek records is one the role may use. An adapter names no doel.
 * - Refusals for a doel the role may not use, and for a used-up quota, are logged like
 *   evaluations (outcome `refused`), with nothing counted or evaluated.
 * - The custodian sees only blinded elements: uniformly random group elements that
 *   reveal nothing about the identity behind them (RFC 9497 §7.1).
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { roleAllows } from '../access/access-gate.js';
import type { EntryDraft, UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import type { KeyStore } from './key-store.js';
import { addUsage } from './custodian-usage.repository.js';
import { exceeded } from '../rate-limit/rate-limit-fns.js';
import { blindedElementsFromJson, bytesToBase64Url, evaluateBatch, evaluationToJson, OprfRequestError, type VoprfSuite } from './oprf-evaluator.js';

export interface Quota {
  readonly perMinute: number;
  readonly perDay: number;
}

export interface CustodianQuotas {
  readonly adapter: Quota;
  readonly person: Quota;
}

export interface KeysView {
  suite: 'ristretto255-SHA512';
  current: number;
  epochs: Array<{ epoch: number; publicKey: string; createdAt: string; retiredAt: string | null }>;
}

export interface EvaluateResult {
  epoch: number;
  evaluatedElements: string[];
  proof: string;
}

export interface CustodianService {
  keys(): KeysView;
  evaluate(principal: Principal, body: unknown, traceId: string): Promise<EvaluateResult>;
}

export function createCustodianService(deps: {
  uow: UnitOfWork;
  platform: Platform;
  schemas: SchemaRegistry;
  keys: KeyStore;
  quotas: CustodianQuotas;
  /** The RFC 9497 implementation; libsodium's is several times faster than the default. */
  suite?: VoprfSuite;
}): CustodianService {
  const doelen = new Set(deps.platform.doelen.map((d) => d.id));

  /** A validated, evaluated batch, not yet counted or logged. */
  interface Evaluated {
    readonly result: EvaluateResult;
    readonly count: number;
    readonly doel: string | undefined;
    readonly refusal: (reason: 'doel-not-allowed' | 'quota') => EntryDraft;
  }

  /** Validates and evaluates in the caller's unit of work; a person only under a doel of their role (refused and logged otherwise). */
  const evaluateIn = (w: Work, role: string | undefined, body: unknown): Evaluated => {
    const errors = deps.schemas.validate('oprf#/$defs/evaluateRequest', body);
    if (errors.length > 0) throw validationError(errors);
    const req = body as { epoch: number; doel?: string; blindedElements: string[] };
    if (role !== undefined && (!req.doel || !doelen.has(req.doel))) {
      throw validationError([{ pointer: '/doel', code: 'not-in-list', detail: req.doel ? 'is not a doel of this platform' : 'is required for people' }]);
    }
    if (role === undefined && req.doel !== undefined) {
      throw validationError([{ pointer: '/doel', code: 'not-applicable', detail: 'is not given by adapters: their pseudonyms serve no doel of their own' }]);
    }
    const refusal = (reason: 'doel-not-allowed' | 'quota'): EntryDraft => ({
      action: 'custodian-evaluation',
      outcome: 'refused',
      ...(req.doel ? { doel: req.doel } : {}),
      details: { epoch: req.epoch, elements: req.blindedElements.length, reason },
    });
    if (role !== undefined && !roleAllows(deps.platform, role, { doel: req.doel! })) {
      w.refuse(new AppError('forbidden', `role ${role} may not have pseudonyms computed under doel ${req.doel}`), refusal('doel-not-allowed'));
    }
    const secretKey = deps.keys.secretKeyOf(req.epoch);
    if (!secretKey) throw validationError([{ pointer: '/epoch', code: 'not-in-list', detail: 'is not an active key epoch' }]);
    const key = deps.keys.epochs().find((e) => e.epoch === req.epoch)!;
    let elements: Uint8Array[];
    let evaluation;
    try {
      elements = blindedElementsFromJson(req.blindedElements);
      evaluation = evaluateBatch(secretKey, elements, { publicKey: key.publicKey, ...(deps.suite ? { suite: deps.suite } : {}) });
    } catch (err) {
      if (err instanceof OprfRequestError) throw validationError([{ pointer: '/blindedElements', code: 'invalid', detail: err.message }]);
      throw err;
    }
    return { result: { epoch: req.epoch, ...evaluationToJson(evaluation) }, count: elements.length, doel: req.doel, refusal };
  };

  /** Counts the batch against the caller's quota and logs it; the result leaves only after the commit. */
  const countAndLog = async (w: Work, callerId: string, quota: Quota, { result, count, doel, refusal }: Evaluated): Promise<EvaluateResult> => {
    const now = w.now();
    const over = exceeded(quota, await addUsage(w.trx, callerId, count, now), now);
    if (over) {
      const which = over.window === 'minute' ? `${quota.perMinute} elements per minute` : `${quota.perDay} elements per 24 hours`;
      w.refuse(
        new AppError('too-many-requests', `the quota of ${which} is used up; nothing was evaluated`, [], { retryAfterSeconds: over.retryAfterSeconds }),
        refusal('quota'),
      );
    }
    w.log({ action: 'custodian-evaluation', outcome: 'evaluated', ...(doel ? { doel } : {}), details: { epoch: result.epoch, elements: count } });
    return result;
  };

  return {
    keys() {
      return {
        suite: 'ristretto255-SHA512',
        current: deps.keys.current().epoch,
        epochs: deps.keys.epochs().map((e) => ({ epoch: e.epoch, publicKey: bytesToBase64Url(e.publicKey), createdAt: e.createdAt, retiredAt: e.retiredAt })),
      };
    },

    evaluate: (principal, body, traceId) =>
      principal.kind === 'adapter'
        ? deps.uow.asAdapter(principal, traceId, (w) => countAndLog(w, `adapter:${w.adapter.partner}`, deps.quotas.adapter, evaluateIn(w, undefined, body)))
        : // People pseudonymise to ask (query) or, as privacy officer or jurist, to handle inzage and bezwaar (rights): under a doel of their role.
          deps.uow.asPerson(principal, { registered: true }, traceId, (w) =>
            countAndLog(w, `person:${w.person.id}`, deps.quotas.person, evaluateIn(w, w.person.role, body)),
          ),
  };
}
