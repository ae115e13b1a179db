/**
 * Which errors mean "the database cannot be reached right now" rather than "this request is
 * wrong" or "the broker has a bug": a PostgreSQL that restarts, fails over, or terminates the
 * broker's connections (`pg_terminate_backend`), a network that drops them, a server that
 * refuses new ones. A request that meets one fails with `503 unavailable` and a Retry-After
 * header (RFC 9110 §10.2.3), not with `500 internal`; the pool replaces the broken connection,
 * so the same request succeeds again once PostgreSQL is back.
 *
 * Invariants:
 * - Pure: looks at an error's `code`, its message and its causes only, never at values it may carry.
 * - Only connection-level faults count. A constraint violation, a serialization failure or a
 *   refused logboek change (SQLSTATE 42501) is not "unavailable": retrying it would not help.
 *
 * SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
import { AppError } from '../errors/app-error.js';

/** Seconds a client is asked to wait before retrying (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 2;

/** SQLSTATEs that say the server or the connection is going away, not that the statement is wrong. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown: another backend crashed, the server restarts
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '57P05', // idle_session_timeout
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction: a replica after a failover that has not finished
]);

/** Node's socket-level errors: the server is not there, or the connection broke. */
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** node-postgres and pg-pool raise these as plain Errors without a code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "... unexpectedly", "... due to connection timeout"
  /not queryable/, // "Client has encountered a connection error and is not queryable"
  /^timeout exceeded when trying to connect$/,
  /^Client was closed and is not queryable$/,
];

/** Whether `err` (or one of its causes) is a database connection fault. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { code, message, errors } = e as { code?: unknown; message?: unknown; errors?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || UNAVAILABLE_ERRNOS.has(code)) return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
    // Node's happy-eyeballs connect fails with an AggregateError of one error per address.
    if (Array.isArray(errors) && errors.length > 0 && errors.every((x) => isDatabaseUnavailable(x))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The caller's problem for a database fault, or undefined when `err` is something else. */
export function unavailableProblem(err: unknown): AppError | undefined {
  if (err instanceof AppError || !isDatabaseUnavailable(err)) return undefined;
  return new AppError(
    'unavailable',
    `the database cannot be reached at the moment, so nothing was answered; try again in ${RETRY_AFTER_SECONDS} seconds`,
    [],
    { cause: err },
  );
}
