/**
 * The rate limiter that services call inside a person's unit of work, as the last step of the
 * work (so that the counters' row locks are held only until the commit, not across the work of
 * every colleague's question in the organisation): it counts the action for the person and for their organisation, and refuses with
 * `429 too-many-requests` (with `Retry-After`) when either is past its limit.
 *
 * Why counted in the database: limits must hold across replicas and restarts, on PostgreSQL and
 * on the embedded PGlite, and the count, the refusal and its logboek entry must be one
 * transaction. express-rate-limit's memory store holds per process only; rate-limiter-flexible's
 * PostgreSQL store opens its own pool outside the unit of work and does not run on PGlite.
 *
 * Invariants:
 * - The refusal is logged (`rate-limit`, outcome `refused`) through `w.refuse`, so it is kept
 *   while the work, and the count of the refused request, roll back.
 * - The refusal entry names the limit, never a subject, pseudonym, casus or case reference.
 */
import { AppError } from '../errors/app-error.js';
import type { PersonWork } from '../unit-of-work/unit-of-work.js';
import type { LimitedAction, MinuteCount, RateLimits } from './rate-limit-types.js';
import { exceeded } from './rate-limit-fns.js';
import { countOne } from './rate-limit.repository.js';

const WHAT: Record<LimitedAction, string> = { questions: 'questions', casusCreation: 'casus creations' };

export interface RateLimiter {
  /** Counts `action` for `w.person`; refuses (logged, never returns) when a limit is exceeded. */
  admit(w: PersonWork, action: LimitedAction, doel?: string): Promise<void>;
  /**
   * The counters of `action` for `person`, in the order they are counted (and locked), with their
   * limits: for a statement that counts them itself (the question in one round trip, issue 21).
   */
  counters(person: { readonly id: string; readonly organisation: string }, action: LimitedAction): Array<{ scope: 'person' | 'organisation'; counter: string; perMinute: number; perDay: number }>;
  /** Refuses, as `admit` does, when `counts` (this request's included, counted at `now`) exceed a limit of `action`; else returns. */
  decide(w: Pick<PersonWork, 'person' | 'refuse'>, action: LimitedAction, counts: ReadonlyMap<string, readonly MinuteCount[]>, now: Date, doel?: string): void;
}

export function createRateLimiter(limits: RateLimits): RateLimiter {
  const counters: RateLimiter['counters'] = (person, action) =>
    (['person', 'organisation'] as const).map((scope) => ({
      scope,
      counter: `${action}:${scope}:${scope === 'person' ? person.id : person.organisation}`,
      ...limits[action][scope],
    }));
  const decide: RateLimiter['decide'] = (w, action, counts, now, doel) => {
    for (const { scope, counter } of counters(w.person, action)) {
      const over = exceeded(limits[action][scope], counts.get(counter) ?? [], now);
      if (!over) continue;
      const per = over.window === 'minute' ? 'minute' : '24 hours';
      const whose = scope === 'person' ? 'for each person' : 'for your organisation together';
      w.refuse(
        new AppError('too-many-requests', `at most ${over.max} ${WHAT[action]} per ${per} ${whose}; nothing was done. Try again in ${over.retryAfterSeconds} s`, [], {
          retryAfterSeconds: over.retryAfterSeconds,
        }),
        {
          action: 'rate-limit',
          outcome: 'refused',
          ...(doel ? { doel } : {}),
          details: { limited: action, scope, window: over.window, max: over.max, retryAfterSeconds: over.retryAfterSeconds },
        },
      );
    }
  };
  return {
    counters,
    decide,
    async admit(w, action, doel) {
      const now = w.now();
      const counts = await countOne(w.trx, counters(w.person, action).map((c) => c.counter), now);
      decide(w, action, counts, now, doel);
    },
  };
}
