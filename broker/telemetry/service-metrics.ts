/**
 * Counters around services, wired in the composition root: each wrapper takes a service and a
 * Pick<> of the platform's metrics and returns the same interface, counting what the service
 * returned or refused. The services themselves do not know about metrics.
 *
 * Invariants:
 * - What is counted is an outcome, a caller kind or a number of elements; never an argument,
 *   a subject or an id.
 * - A wrapper changes no result and no error: it only looks at them.
 */
import { AppError } from '../errors/app-error.js';
import type { QueryService } from '../queries/query.service.js';
import type { CustodianService } from '../custodian/custodian.service.js';
import type { RetentionService } from '../retention/retention.service.js';
import type { BrokerMetrics } from './metrics.js';

/** Answers per outcome (hit, no-hit, not-permitted), one per partner of each answered question. */
export function countAnswers(queries: QueryService, metrics: Pick<BrokerMetrics, 'answers'>): QueryService {
  return {
    ...queries,
    async ask(principal, body, traceId) {
      const response = await queries.ask(principal, body, traceId);
      metrics.answers(response.answers.map((a) => a.answer));
      return response;
    },
  };
}

/** Evaluations and elements by caller kind, and refusals for a used-up quota. */
export function countEvaluations(custodian: CustodianService, metrics: Pick<BrokerMetrics, 'custodianEvaluation' | 'quotaRefusal'>): CustodianService {
  return {
    ...custodian,
    async evaluate(principal, body, traceId) {
      try {
        const result = await custodian.evaluate(principal, body, traceId);
        metrics.custodianEvaluation(principal.kind, result.evaluatedElements.length);
        return result;
      } catch (err) {
        if (err instanceof AppError && err.code === 'too-many-requests') metrics.quotaRefusal(principal.kind);
        throw err;
      }
    },
  };
}

/** Retention runs by trigger and outcome (a failed scheduled run is retried at the next interval). */
export function countRetentionRuns(retention: RetentionService, metrics: Pick<BrokerMetrics, 'retentionRun'>): RetentionService {
  const counted = async <T>(trigger: string, run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      metrics.retentionRun(trigger, 'completed');
      return result;
    } catch (err) {
      metrics.retentionRun(trigger, 'failed');
      throw err;
    }
  };
  return {
    ...retention,
    run: (trigger) => counted(trigger, () => retention.run(trigger)),
    runFor: (principal, traceId) => counted('api', () => retention.runFor(principal, traceId)),
  };
}
