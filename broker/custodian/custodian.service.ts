/**
 * The key custodian's service: evaluates blinded elements for authenticated callers,
 * within their quotas, and counts every evaluation in the logboek.
 *
 * Invariants:
 * - Offline dictionary attacks become online ones: every caller (a partner's adapter, or
 *   a person) has a quota per minute and per day; past it the answer is 429 and nothing
 *   is evaluated (RFC 9497 §7.2.3 also asks to limit evaluations per key).
 * - Every evaluation is logged (who, how many elements, epoch, doel) in the transaction
 *   that counts it; no log, no output. A batch is evaluated (which also validates every
 *   element) before it is counted, so a malformed element is a 422 that costs no quota,
 *   and the result leaves only after the count and the log entry committed.
 * - A person must hold their role in the broker's register, as for a query.
 * - The custodian sees only blinded elements: uniformly random group elements that
 *   reveal nothing about the identity behind them (RFC 9497 §7.1).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError, validationError } from '../errors/app-error.js';
import { requireAdapter, requirePersonWithAny, type Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { LogWriter } from '../logboek/log-writer.js';
import { actorOf, type LogActor } from '../logboek/log-entry.js';
import type { KeyStore } from './key-store.js';
import { addUsage } from './custodian-usage.repository.js';
import { blindedElementsFromJson, bytesToBase64Url, evaluateBatch, evaluationToJson, OprfRequestError, type VoprfSuite } from './oprf-evaluator.js';
import { requireRegistered } from '../people/require-registered.js';

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
  db: Kysely<Database>;
  platform: Platform;
  schemas: SchemaRegistry;
  keys: KeyStore;
  quotas: CustodianQuotas;
  log: LogWriter;
  now: () => Date;
  /** The RFC 9497 implementation; libsodium's is several times faster than the default. */
  suite?: VoprfSuite;
}): CustodianService {
  const doelen = new Set(deps.platform.doelen.map((d) => d.id));
  return {
    keys() {
      return {
        suite: 'ristretto255-SHA512',
        current: deps.keys.current().epoch,
        epochs: deps.keys.epochs().map((e) => ({ epoch: e.epoch, publicKey: bytesToBase64Url(e.publicKey), createdAt: e.createdAt, retiredAt: e.retiredAt })),
      };
    },

    async evaluate(principal, body, traceId) {
      const startedAt = deps.now();
      let actor: LogActor;
      let quota: Quota;
      if (principal.kind === 'adapter') {
        actor = actorOf(requireAdapter(principal, deps.platform));
        quota = deps.quotas.adapter;
      } else {
        // People pseudonymise to ask (query) or, as privacy officer or jurist, to handle inzage and bezwaar (rights).
        actor = actorOf(requirePersonWithAny(principal, deps.platform, ['query', 'rights']));
        quota = deps.quotas.person;
      }
      if (principal.kind === 'person') await requireRegistered(deps.db, principal);
      const errors = deps.schemas.validate('oprf#/$defs/evaluateRequest', body);
      if (errors.length > 0) throw validationError(errors);
      const req = body as { epoch: number; doel?: string; blindedElements: string[] };
      if (actor.kind === 'person' && (!req.doel || !doelen.has(req.doel))) {
        throw validationError([{ pointer: '/doel', detail: req.doel ? 'is not a doel of this platform' : 'is required for people' }]);
      }
      const secretKey = deps.keys.secretKeyOf(req.epoch);
      if (!secretKey) throw validationError([{ pointer: '/epoch', detail: 'is not an active key epoch' }]);
      const key = deps.keys.epochs().find((e) => e.epoch === req.epoch)!;
      let elements: Uint8Array[];
      let evaluation;
      try {
        elements = blindedElementsFromJson(req.blindedElements);
        evaluation = evaluateBatch(secretKey, elements, { publicKey: key.publicKey, ...(deps.suite ? { suite: deps.suite } : {}) });
      } catch (err) {
        if (err instanceof OprfRequestError) throw validationError([{ pointer: '/blindedElements', detail: err.message }]);
        throw err;
      }

      const callerId = `${actor.kind}:${actor.kind === 'adapter' ? actor.partner : actor.id}`;
      await deps.db.transaction().execute(async (trx) => {
        const used = await addUsage(trx, callerId, elements.length, deps.now());
        if (used.minute > quota.perMinute || used.day > quota.perDay) {
          const which = used.minute > quota.perMinute ? `${quota.perMinute} elements per minute` : `${quota.perDay} elements per 24 hours`;
          throw new AppError('too-many-requests', `the quota of ${which} is used up; nothing was evaluated`);
        }
        await deps.log.append(trx, [
          {
            action: 'custodian-evaluation',
            actor,
            outcome: 'evaluated',
            traceId,
            startedAt,
            endedAt: deps.now(),
            ...(req.doel ? { doel: req.doel } : {}),
            details: { epoch: req.epoch, elements: elements.length },
          },
        ]);
      });
      deps.log.committed();
      // The output leaves only now that the count and the log entry are committed.
      return { epoch: req.epoch, ...evaluationToJson(evaluation) };
    },
  };
}
