/**
 * Writes logboek entries inside the caller's transaction, so that a step and its log
 * entry commit or fail together ("no log, no answer"), and tells the sequencer after
 * the commit.
 *
 * Invariants:
 * - An entry about a subject named under several key epochs is indexed under each of its
 *   hashes (logboek_subject_aliases), in the same transaction.
 * - A chunk of intake records (a `signal-intake` entry with `details.records`, intake-fns.ts) is
 *   indexed under each record's subject (logboek_intake_records), in the same transaction.
 * - Every entry names its processing activity from the platform's register of
 *   verwerkingsactiviteiten (AVG art. 30), by id and URI; an action without one cannot be logged.
 * - Every entry's action, outcome and details match the vocabulary's schema
 *   (schemas/log-entry.schema.json); one that does not fails the whole append, and with it the
 *   caller's transaction: a step the log cannot describe is not taken.
 */
import type { Executor } from '../db/database.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { canonicalJson, toLogContent, type ActivityRef, type LogAction, type LogContent, type LogEntryInput } from './log-entry.js';
import { insertLogRows, insertSubjectAliases, type NewLogRow } from './logboek.repository.js';
import { insertIntakeRecords } from './intake-records.repository.js';
import { isIntakeChunk, type IntakeRecordContent } from './intake-fns.js';

/** A chunk of intake records (intake-fns.ts): indexed under each record's subject (logboek_intake_records), in the same transaction. */
const isChunk = (e: LogEntryInput): e is LogEntryInput & { details: { records: readonly IntakeRecordContent[] } } =>
  e.action === 'signal-intake' && isIntakeChunk(e.details);

export interface LogWriter {
  append(ex: Executor, entries: readonly LogEntryInput[]): Promise<void>;
  /**
   * The rows `append` would insert, checked and canonical, for a statement that inserts them
   * itself (the question in one round trip, queries/question.repository.ts). `shape` may replace
   * values of the checked content by placeholders that the statement fills in (the question's
   * lookup-dependent fields, queries/question-entry-fns.ts); it must not change anything else.
   */
  rows(entries: readonly LogEntryInput[], shape?: (content: LogContent) => LogContent): NewLogRow[];
  /** Call after the transaction that appended entries has committed. */
  committed(): void;
}

export function createLogWriter(deps: { activityOf: (action: LogAction) => ActivityRef; schemas: SchemaRegistry; onCommitted: () => void }): LogWriter {
  const check = (e: LogEntryInput): void => {
    const errors = deps.schemas.validate('log-entry', { action: e.action, outcome: e.outcome, details: { ...(e.details ?? {}) } });
    if (errors.length > 0) {
      throw new Error(`logboek entry ${e.action}/${e.outcome} does not match its vocabulary: ${errors.map((x) => `${x.pointer} ${x.detail}`).join('; ')}`);
    }
  };
  const rows = (entries: readonly LogEntryInput[], shape?: (content: LogContent) => LogContent): NewLogRow[] => {
    entries.forEach(check);
    // One memo per append: the entries' shared actor, policy and rules are written once.
    const memo = new Map<object, string>();
    return entries.map((e) => {
      const content = toLogContent(e, deps.activityOf(e.action));
      return {
        content: canonicalJson(shape ? shape(content) : content, memo),
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
    });
  };
  return {
    rows,
    async append(ex, entries) {
      const aliased = entries.some((e) => e.alsoSubjectHashes?.length);
      const chunks = entries.some(isChunk);
      const ids = await insertLogRows(ex, rows(entries), aliased || chunks);
      if (aliased) {
        await insertSubjectAliases(
          ex,
          entries.flatMap((e, i) => (e.alsoSubjectHashes ?? []).map((h) => ({ entryId: ids[i]!, subjectHash: h }))),
        );
      }
      if (chunks) {
        await insertIntakeRecords(
          ex,
          entries.flatMap((e, i) => (isChunk(e) ? [{ entryId: ids[i]!, subjects: e.details.records.map((r) => r.subject) }] : [])),
        );
      }
    },
    committed: deps.onCommitted,
  };
}
