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
 * - Work that is one statement (`asPersonAtOnce`, the question: issue 21) runs on the pool, not in
 *   a transaction: the statement is its own transaction, and it reads the register (the gate's
 *   second half), inserts its entries and commits, or fails whole. The gate's first half (the
 *   platform definition) runs before the work; the work reports the register's answer
 *   (`registerRead`), and a refusal of the work that came before the register was read (bad
 *   input) is given only once the register confirms the caller, so that an unconfirmed caller
 *   learns nothing but `forbidden`, as from `asPerson`.
 *
 * After Kysely's example app (services own transactions; repositories take `db | trx`) and the
 * Infisical backend's service factories.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { AppError } from '../errors/app-error.js';
import type { AdapterPrincipal, PersonPrincipal, Principal } from '../auth/principal.js';
import type { LogWriter } from '../logboek/log-writer.js';
import { actorOf, type LogActor, type LogContent, type LogEntryBase, type LogEntryInput } from '../logboek/log-entry.js';
import type { NewLogRow } from '../logboek/logboek.repository.js';
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

/** Work that is one statement (`asPersonAtOnce`): it sends the statement itself, on the pool. */
export interface StatementWork {
  readonly db: Kysely<Database>;
  readonly person: PersonPrincipal;
  readonly traceId: string;
  readonly startedAt: Date;
  readonly actor: LogActor;
  now(): Date;
  /** The logboek rows of `entries`, checked and canonical, for the statement to insert (LogWriter.rows). */
  logRows(entries: readonly EntryDraft[], shape?: (content: LogContent) => LogContent): NewLogRow[];
  /** Reports that the statement read the register (the gate's second half), whatever it found. */
  registerRead(): void;
  /** Ends the work with `error`, committing only `entries` (a refusal that must be logged). Never returns. */
  refuse(error: AppError, ...entries: readonly EntryDraft[]): never;
}

export interface UnitOfWork {
  /** Work for a person, admitted by the gate for `need`. */
  asPerson<T>(principal: Principal, need: Requirement, traceId: string, work: (w: PersonWork) => Promise<T>, startedAt?: Date): Promise<T>;
  /**
   * Work for a person that is one statement, which reads the register's confirmation itself (the
   * question in one round trip): the gate's first half runs here, the work sends the statement.
   */
  asPersonAtOnce<T>(principal: Principal, need: Requirement, traceId: string, work: (w: StatementWork) => Promise<T>, startedAt?: Date): Promise<T>;
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
  log: Pick<LogWriter, 'append' | 'committed' | 'rows'>;
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

  const completeAll = (drafts: readonly EntryDraft[], actor: LogActor, traceId: string, startedAt: Date): LogEntryInput[] => {
    const endedAt = deps.now();
    return drafts.map((draft) => {
      const policy = draft.policy ?? deps.policyInForce();
      return <LogEntryInput>{
        ...draft,
        actor: draft.actor ?? actor,
        traceId,
        startedAt: draft.startedAt ?? startedAt,
        endedAt: draft.endedAt ?? endedAt,
        ...(policy ? { policy } : {}),
      };
    });
  };

  const atOnce = async <T>(principal: Principal, need: Requirement, traceId: string, work: (w: StatementWork) => Promise<T>, startedAt: Date): Promise<T> => {
    const person = deps.gate.personByPlatform(principal, need);
    const actor = actorOf(person);
    let registerRead = false;
    let logged = false;
    try {
      const value = await work({
        db: deps.db,
        person,
        traceId,
        startedAt,
        actor,
        now: deps.now,
        logRows: (entries, shape) => {
          logged = entries.length > 0;
          return deps.log.rows(completeAll(entries, actor, traceId, startedAt), shape);
        },
        registerRead: () => {
          registerRead = true;
        },
        refuse: (error, ...entries) => {
          throw new Refusal(error, completeAll(entries, actor, traceId, startedAt));
        },
      });
      if (!registerRead) throw new Error('work at once returned without reading the register');
      if (logged) deps.log.committed();
      return value;
    } catch (err) {
      // A refusal before the register was read is given only to a person the register confirms.
      if (!registerRead) await deps.gate.person(deps.db, principal, need);
      if (!(err instanceof Refusal)) throw err;
      if (err.entries.length > 0) {
        await deps.db.transaction().execute((trx) => deps.log.append(trx, err.entries));
        deps.log.committed();
      }
      throw err.error;
    }
  };

  return {
    asPersonAtOnce: (principal, need, traceId, work, startedAt = deps.now()) => atOnce(principal, need, traceId, work, startedAt),
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
