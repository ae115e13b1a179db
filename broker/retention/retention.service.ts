/**
 * Retention: removes what has passed its bewaartermijn (docs/casus.md).
 * - Signals go at their expiresAt (which intake already caps at the platform's maximum).
 * - Closed casussen go `bewaartermijnen.closedCaseDays` after closing, with their subjects,
 *   history, vervolgacties and queries.
 * - Logboek entries' content is redacted `bewaartermijnen.logContentDays` after logging; the
 *   leaf hash stays, so inclusion and consistency proofs still verify.
 * - Ended bezwaren (rejected, or upheld and lifted) go `bewaartermijnen.bezwaarDays` after they
 *   ended, once nothing of their subject is left (no signal, casus or unredacted log entry): they
 *   are the evidence of how an objection was handled. An upheld bezwaar in force never goes.
 * - Answered verzoeken van betrokkenen go `bewaartermijnen.verzoekDays` after they were answered,
 *   with their tasks for partners, on the same terms (nothing of their subject left, no task still
 *   open). An open verzoek never goes. Erasure records (partner and ref only) stay: they keep an
 *   erased signal out for as long as the partner could send it again.
 * - Custodian usage counts go once the quotas' 24-hour window has passed them.
 * - An active legal hold suspends removal for its casus or subject.
 *
 * Invariants:
 * - One run is one transaction, and its record is a logboek entry (`retention-run`) written in
 *   that transaction: counts per kind and time ranges, never an identity, hash or reference.
 *   The entry is signed like every other, through the logboek's checkpoints (RFC 9162 tree
 *   heads, JWS), so the record cannot be altered unseen.
 * - Runs are serialised across processes by an advisory lock.
 * - The clock is injected: a run "two years ahead" is a run with `now` two years ahead.
 */
import type { DetailsOf } from '../logboek/log-vocabulary.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork, Work } from '../unit-of-work/unit-of-work.js';
import {
  heldExpiredSignals,
  lockRetention,
  redactLogContent,
  removeClosedCases,
  removeAnsweredVerzoeken,
  removeEndedBezwaren,
  removeExpiredSignals,
  removeStaleCustodianUsage,
  type Removed,
} from './retention.repository.js';
import { listRetentionRecords } from './retention-record.repository.js';

const DAY = 86_400_000;

export type RetentionTrigger = 'api' | 'schedule' | 'cli';

interface RangeView {
  count: number;
  from: string | null;
  to: string | null;
}

export interface RetentionRun {
  runId: string;
  ranAt: string;
  trigger: RetentionTrigger;
  removed: {
    signals: RangeView;
    cases: RangeView;
    logContent: RangeView;
    bezwaren: RangeView;
    verzoeken: RangeView;
    custodianUsage: RangeView;
  };
  kept: { onHold: number };
  /**
   * In a list: the record's seq in the logboek (null until the sequencer placed it), whose
   * inclusion proof against a signed checkpoint shows the record is unaltered (RFC 9162).
   */
  logSeq?: number | null;
}

export interface RetentionService {
  /** Runs retention now (schedule and CLI). */
  run(trigger: 'schedule' | 'cli'): Promise<RetentionRun>;
  /** Runs retention on a person's request (capability `rights`). */
  runFor(principal: Principal, traceId: string): Promise<RetentionRun>;
  list(principal: Principal, query: Record<string, unknown>): Promise<{ items: RetentionRun[] }>;
}

const view = (r: Removed): RangeView => ({ count: r.count, from: r.from?.toISOString() ?? null, to: r.to?.toISOString() ?? null });

/** The record's details: flat counts and ranges (log entry details hold scalars only). */
function detailsOf(run: RetentionRun): DetailsOf<'retention-run'> {
  const out: DetailsOf<'retention-run'> = { runId: run.runId, trigger: run.trigger, keptOnHold: run.kept.onHold };
  for (const [kind, r] of Object.entries(run.removed)) {
    out[`${kind}Removed`] = r.count;
    out[`${kind}From`] = r.from;
    out[`${kind}To`] = r.to;
  }
  return out;
}

/** Reads a run back from its record's details. */
export function runOfDetails(d: Record<string, unknown>, ranAt: Date): RetentionRun {
  const range = (kind: string): RangeView => ({
    count: Number(d[`${kind}Removed`] ?? 0),
    from: (d[`${kind}From`] as string | null) ?? null,
    to: (d[`${kind}To`] as string | null) ?? null,
  });
  return {
    runId: String(d['runId']),
    ranAt: ranAt.toISOString(),
    trigger: d['trigger'] as RetentionTrigger,
    // Records of runs before bezwaren, verzoeken and usage counts were cleaned up read as 0 for them.
    removed: {
      signals: range('signals'),
      cases: range('cases'),
      logContent: range('logContent'),
      bezwaren: range('bezwaren'),
      verzoeken: range('verzoeken'),
      custodianUsage: range('custodianUsage'),
    },
    kept: { onHold: Number(d['keptOnHold'] ?? 0) },
  };
}

export function createRetentionService(deps: {
  uow: UnitOfWork;
  platform: Platform;
  querySchemas: SchemaRegistry;
}): RetentionService {
  const { platform } = deps;
  const { closedCaseDays, logContentDays, bezwaarDays, verzoekDays } = platform.bewaartermijnen;

  /** One run, inside the caller's unit of work (a person's, or the broker's own). */
  const execute = async (w: Work, trigger: RetentionTrigger): Promise<RetentionRun> => {
    const { trx } = w;
    await lockRetention(trx);
    const now = w.now();
    // Cases first: a case's own queries go with it; then what is left of the log; then the
    // bezwaren and verzoeken whose subject has nothing left after that.
    const cases = await removeClosedCases(trx, new Date(now.getTime() - closedCaseDays * DAY), closedCaseDays);
    const heldSignals = await heldExpiredSignals(trx, now);
    const signals = await removeExpiredSignals(trx, now);
    const logContent = await redactLogContent(trx, new Date(now.getTime() - logContentDays * DAY), logContentDays);
    const bezwaren = await removeEndedBezwaren(trx, new Date(now.getTime() - bezwaarDays * DAY), bezwaarDays);
    const verzoeken = await removeAnsweredVerzoeken(trx, new Date(now.getTime() - verzoekDays * DAY), verzoekDays);
    const custodianUsage = await removeStaleCustodianUsage(trx, now);
    const result: RetentionRun = {
      runId: randomUUID(),
      ranAt: now.toISOString(),
      trigger,
      removed: {
        signals: view(signals),
        cases: view(cases),
        logContent: view(logContent),
        bezwaren: view(bezwaren),
        verzoeken: view(verzoeken),
        custodianUsage: view(custodianUsage),
      },
      kept: { onHold: heldSignals + cases.held + logContent.held + bezwaren.held + verzoeken.held },
    };
    w.log({ action: 'retention-run', outcome: 'completed', details: detailsOf(result) });
    return result;
  };

  return {
    run: (trigger) => deps.uow.asSystem(`system:retention-${trigger}`, randomUUID().replaceAll('-', ''), (w) => execute(w, trigger)),

    runFor: (principal, traceId) => deps.uow.asPerson(principal, { capability: 'rights' }, traceId, (w) => execute(w, 'api')),

    list: (principal, query) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, '', async (w) => {
        const params: Record<string, unknown> = { ...query };
        const errors = deps.querySchemas.validate('retention#/$defs/listQuery', params);
        if (errors.length > 0) throw validationError(errors);
        const records = await listRetentionRecords(w.trx, params['limit'] as number);
        return { items: records.flatMap((r) => (r.details ? [{ ...runOfDetails(r.details, r.loggedAt), logSeq: r.seq }] : [])) };
      }),
  };
}

/** Runs retention every `intervalSeconds` inside the service; returns a stop function. */
export function scheduleRetention(service: RetentionService, intervalSeconds: number, logger: Logger): () => void {
  if (intervalSeconds <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .run('schedule')
      .then((r) => logger.info({ removed: r.removed, kept: r.kept }, 'retention run'))
      .catch((err: unknown) => logger.error({ err }, 'retention run failed; it is tried again at the next interval'))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}


