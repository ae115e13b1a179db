/**
 * Rate limits on what a person may do in a burst: ask questions ("bekend?") and open casussen.
 * Configured per platform (`rateLimits` in `policies/<platform>.platform.json`, checked by
 * `schemas/platform.schema.json`); a platform file without the block gets `DEFAULT_RATE_LIMITS`.
 *
 * Why: a hit/no-hit broker answers one bit per question, so a person who may ask can search
 * through youths by asking many questions. The custodian's quotas make dictionary attacks online
 * ones; these limits slow down the online search itself (AVG art. 32: appropriate measures;
 * RFC 9497 §7.2.3 asks the same of the evaluations behind it).
 *
 * Invariants:
 * - Every limit counts within a minute (fixed window) and within the 24 hours up to now (sliding,
 *   by minute), per person and per organisation.
 * - A limit is a positive whole number; a window of a day is never shorter than its minute.
 */

/** How many actions are allowed in a minute and in 24 hours. */
export interface Limit {
  readonly perMinute: number;
  readonly perDay: number;
}

/** The limits of one kind of action: for each person, and for all people of one organisation together. */
export interface LimitPair {
  readonly person: Limit;
  readonly organisation: Limit;
}

/** The actions that are rate limited. */
export type LimitedAction = 'questions' | 'casusCreation';

export const LIMITED_ACTIONS: readonly LimitedAction[] = ['questions', 'casusCreation'];

export type RateLimits = Readonly<Record<LimitedAction, LimitPair>>;

/**
 * Generous for a casusoverleg (a voorzitter screens a few dozen youths a day) and for the tests
 * of the broker itself, tight enough to stop a script going through a municipality's youths.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  questions: { person: { perMinute: 60, perDay: 1000 }, organisation: { perMinute: 300, perDay: 10000 } },
  casusCreation: { person: { perMinute: 30, perDay: 300 }, organisation: { perMinute: 120, perDay: 3000 } },
};

/** Counts of one counter, per minute (the start of the minute). */
export interface MinuteCount {
  readonly minute: Date;
  readonly count: number;
}

/** Which window of a limit is used up, and when to try again (whole seconds, at least 1). */
export interface Exceeded {
  readonly window: 'minute' | 'day';
  readonly max: number;
  readonly retryAfterSeconds: number;
}
