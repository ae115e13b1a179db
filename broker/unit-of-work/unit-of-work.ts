/**
 * The unit of work: the one way a service acts for a caller (issue 22). It runs, in order:
 * 1. the access gate (access-gate.ts), inside the transaction, so that the register is read in
 *    the same snapshot as the work;
 * 2. the service's work, with a context that builds logboek entries (actor, trace id, start and
 *    end time and the policy version in force are filled in);
 * 3. the append of every entry the work queued, in the same transaction ("no log, no answer");
 * 4. the commit, and only then the signal to the sequencer.
 *
 * Invariants:
 * - A service cannot append to the logboek outside a unit of work: the context is the only
 *   writer it is given.
 * - If the work or the append fails, nothing of it remains: the transaction rolls back.
 * - A refusal that must itself be logged (`work.refuse`) rolls the work back, then commits only
 *   the refusal's entries in a transaction of their own, then throws the refusal's error.
 *
 * After Kysely's example app (services own transactions; repositories take `db | trx`) and the
 * Infisical backend's service factories.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { AppError } from '../errors/app-error.js';
import type { AdapterPrincipal, PersonPrincipal, Principal } from '../auth/principal.js';
import type { LogWriter } from '../logboek/log-writer.js';
import { actorOf, type LogActor, type LogEntryBase, type LogEntryInput } from '../logboek/log-entry.js';
import type { TypedStep } from '../logboek/log-vocabulary.js';
import type { AccessGate, Requirement } from '../access/access-gate.js';

/** An entry as a service describes it (an action with its own outcome and details); the unit of work fills in the rest. */
export type EntryDraft = Omit<LogEntryBase, 'actor' | 'traceId' | 'startedAt' | 'endedAt'> &
  Partial<Pick<LogEntryBase, 'actor' | 'startedAt' | 'endedAt'>> &
  TypedStep;

export interface Work {
  readonly trx: Transaction<Database>;
  readonly traceId: string;
  /** When the caller's request began (before the transaction). */
  readonly startedAt: Date;
  readonly actor: LogActor;
  /** The broker's clock, read now. */
  now(): Date;
  /** Queues logboek entries; they are appended in this transaction, before the commit. */
  log(...entries: readonly EntryDraft[]): void;
  /** Ends the work with `error`, keeping only `entries` (a refusal that must be logged). Never returns. */
  refuse(error: AppError, ...entries: readonly EntryDraft[]): never;
}

export interface PersonWork extends Work {
  readonly person: PersonPrincipal;
}

export interface AdapterWork extends Work {
  readonly adapter: AdapterPrincipal & { readonly adapterId: string; readonly certificateSubject: string | null };
}

export interface UnitOfWork {
  /** Work for a person, admitted by the gate for `need`. */
  asPerson<T>(principal: Principal, need: Requirement, traceId: string, work: (w: PersonWork) => Promise<T>, startedAt?: Date): Promise<T>;
  /** Work for an adapter the register confirms. */
  asAdapter<T>(principal: Principal, traceId: string, work: (w: AdapterWork) => Promise<T>, startedAt?: Date): Promise<T>;
  /**
   * Work the broker does on its own account (retention's schedule, the register's bootstrap), with
   * a `system:` actor. Never reachable from a request: no route has a system principal.
   */
  asSystem<T>(systemId: `system:${string}`, traceId: string, work: (w: Work) => Promise<T>): Promise<T>;
}

/** Thrown by `Work.refuse`; carries what must be logged. Internal to this module. */
class Refusal {
  constructor(
    readonly error: AppError,
    readonly entries: readonly LogEntryInput[],
  ) {}
}

export function createUnitOfWork(deps: {
  db: Kysely<Database>;
  gate: AccessGate;
  log: Pick<LogWriter, 'append' | 'committed'>;
  now: () => Date;
  /** The policy version in force, named in every entry that does not name its own. */
  policyInForce: () => { readonly version: number; readonly hash: string } | undefined;
}): UnitOfWork {
  const run = async <T, W extends Work>(
    traceId: string,
    startedAt: Date,
    admit: (trx: Transaction<Database>) => Promise<{ actor: LogActor; extra: Omit<W, keyof Work> }>,
    work: (w: W) => Promise<T>,
  ): Promise<T> => {
    let actorSeen: LogActor | undefined;
    const complete = (draft: EntryDraft, endedAt: Date): LogEntryInput => {
      const policy = draft.policy ?? deps.policyInForce();
      return <LogEntryInput>{
        ...draft,
        actor: draft.actor ?? actorSeen!,
        traceId,
        startedAt: draft.startedAt ?? startedAt,
        endedAt: draft.endedAt ?? endedAt,
        ...(policy ? { policy } : {}),
      };
    };
    let appended = 0;
    try {
      const result = await deps.db.transaction().execute(async (trx) => {
        const { actor, extra } = await admit(trx);
        actorSeen = actor;
        const queued: EntryDraft[] = [];
        const context = {
          trx,
          traceId,
          startedAt,
          actor,
          now: deps.now,
          log: (...entries: readonly EntryDraft[]) => {
            queued.push(...entries);
          },
          refuse: (error: AppError, ...entries: readonly EntryDraft[]): never => {
            const at = deps.now();
            throw new Refusal(error, entries.map((e) => complete(e, at)));
          },
          ...extra,
        } as W;
        const value = await work(context);
        if (queued.length > 0) {
          const at = deps.now();
          await deps.log.append(trx, queued.map((e) => complete(e, at)));
          appended = queued.length;
        }
        return value;
      });
      if (appended > 0) deps.log.committed();
      return result;
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      if (err.entries.length > 0) {
        await deps.db.transaction().execute((trx) => deps.log.append(trx, err.entries));
        deps.log.committed();
      }
      throw err.error;
    }
  };

  return {
    asPerson: (principal, need, traceId, work, startedAt = deps.now()) =>
      run(traceId, startedAt, async (trx) => {
        const person = await deps.gate.person(trx, principal, need);
        return { actor: actorOf(person), extra: { person } };
      }, work),
    asAdapter: (principal, traceId, work, startedAt = deps.now()) =>
      run(traceId, startedAt, async (trx) => {
        const adapter = await deps.gate.adapter(trx, principal);
        return { actor: actorOf(adapter), extra: { adapter } };
      }, work),
    asSystem: (systemId, traceId, work) => run(traceId, deps.now(), async () => ({ actor: { kind: 'system', id: systemId } as LogActor, extra: {} }), work),
  };
}
