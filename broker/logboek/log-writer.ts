/**
 * Writes logboek entries inside the caller's transaction, so that a step and its log
 * entry commit or fail together ("no log, no answer"), and tells the sequencer after
 * the commit.
 *
 * Invariants:
 * - An entry about a subject named under several key epochs is indexed under each of its
 *   hashes (logboek_subject_aliases), in the same transaction.
 * - Every entry names its processing activity from the platform's register of
 *   verwerkingsactiviteiten (AVG art. 30); an action without one cannot be logged.
 */
import type { Executor } from '../db/database.js';
import { canonicalJson, toLogContent, type LogAction, type LogEntryInput } from './log-entry.js';
import { insertLogRows, insertSubjectAliases } from './logboek.repository.js';

export interface LogWriter {
  append(ex: Executor, entries: readonly LogEntryInput[]): Promise<void>;
  /** Call after the transaction that appended entries has committed. */
  committed(): void;
}

export function createLogWriter(deps: { activityOf: (action: LogAction) => string; onCommitted: () => void }): LogWriter {
  return {
    async append(ex, entries) {
      const aliased = entries.some((e) => e.alsoSubjectHashes?.length);
      const ids = await insertLogRows(
        ex,
        entries.map((e) => {
          const content = toLogContent(e, deps.activityOf(e.action));
          return {
            content: canonicalJson(content),
            action: e.action,
            loggedAt: e.endedAt,
            actorId: e.actor.id,
            organisationId: e.actor.kind === 'person' ? e.actor.organisation : null,
            roleId: e.actor.kind === 'person' ? e.actor.role : null,
            partnerId: e.partner ?? (e.actor.kind === 'adapter' ? e.actor.partner : null),
            doel: e.doel ?? null,
            caseRef: e.caseRef ?? null,
            outcome: e.outcome,
            subjectHash: e.subjectHash ?? null,
            queryId: e.queryId ?? null,
            traceId: e.traceId,
          };
        }),
        aliased,
      );
      if (aliased) {
        await insertSubjectAliases(
          ex,
          entries.flatMap((e, i) => (e.alsoSubjectHashes ?? []).map((h) => ({ entryId: ids[i]!, subjectHash: h }))),
        );
      }
    },
    committed: deps.onCommitted,
  };
}
