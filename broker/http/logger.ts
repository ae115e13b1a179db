/**
 * Operational logs: pino JSON. Never an identity, pseudonym, subject hash, signal ref,
 * case reference or token (AVG art. 5(1)(f), art. 32): request bodies are not logged,
 * URLs and redirects' Location headers are logged without query values and with every path
 * segment that is not a route's own word redacted, the Authorization header is redacted, and
 * errors are logged without the database's `detail` (which can hold values).
 */
import type { IncomingMessage } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Paths removed from every log line, wherever a caller puts them. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'subject',
  '*.subject',
  'subjects',
  '*.subjects',
  'pseudonym',
  '*.pseudonym',
  'token',
  '*.token',
  'ref',
  '*.ref',
  'caseRef',
  '*.caseRef',
  'body',
  '*.body',
];

/**
 * What a path segment may look like to be logged as it is: a route's own word (`cases`,
 * `legal-holds`, `openapi.json`), an API version, or a number of up to four digits (a policy
 * version). Anything else (ids, refs, case numbers, and whatever identity someone pasted
 * into a URL: `/v1/cases/111222333`) may be a value, and is logged as [redacted].
 */
const ROUTE_WORD = /^(?:[a-z][a-z-]{0,39}(?:\.[a-z]{1,8}){0,2}|v\d{1,2}|\d{1,4})$/;

/** The path with every segment that is not a route word redacted (see ROUTE_WORD). */
export function redactPath(path: string): string {
  return path
    .replace(/^(\/(?:p\/[^/]+\/)?v1\/signals\/)[^/]+/, `$1${REDACTED}`)
    .split('/')
    .map((segment) => (segment === '' || segment === REDACTED || ROUTE_WORD.test(segment) ? segment : REDACTED))
    .join('/');
}

/** `/v1/signals/abc?x=1` -> `/v1/signals/[redacted]?x=[redacted]`: routes stay readable, values go. */
export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const safePath = redactPath(path);
  if (query === undefined) return safePath;
  const keys = query.split('&').map((kv) => `${kv.split('=', 1)[0]}=${REDACTED}`);
  return `${safePath}?${keys.join('&')}`;
}

/**
 * Errors without `detail`, `params` or `query`: database drivers put values there.
 * pino-http hands over errors it has serialized already (plain objects with `type`), so
 * both shapes are read.
 */
function serializeError(err: unknown): Record<string, unknown> {
  if (err === null || typeof err !== 'object') return { message: 'non-error thrown' };
  const e = err as { name?: unknown; type?: unknown; message?: unknown; code?: unknown; stack?: unknown };
  return { type: e.type ?? e.name, message: e.message, code: e.code, stack: e.stack };
}

interface LoggedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: IncomingMessage['headers'];
}

/**
 * A response as status and headers, with a redirect's Location redacted like a request URL: it
 * can carry tokens (RP-initiated logout's id_token_hint) and login state in its query. pino-http
 * hands over the response it serialized already (status and headers); pino, the raw response.
 */
function serializeResponse(res: { statusCode?: number; headers?: Record<string, unknown>; getHeaders?: () => Record<string, unknown> }): Record<string, unknown> {
  const headers = { ...(typeof res.getHeaders === 'function' ? res.getHeaders() : (res.headers ?? {})) };
  if (typeof headers['location'] === 'string') headers['location'] = redactUrl(headers['location']);
  return { statusCode: res.statusCode, headers };
}

/**
 * The serializers for requests and errors. pino-http applies its own unless given these,
 * so `http-app.ts` passes them too. A request is logged as id, method, redacted URL and
 * two headers: no query object, no path parameters, no body.
 */
export const LOG_SERIALIZERS = {
  err: serializeError,
  res: serializeResponse,
  req: (req: LoggedRequest) => ({
    id: req.id,
    method: req.method,
    url: redactUrl(req.url ?? ''),
    headers: { 'user-agent': req.headers?.['user-agent'], authorization: req.headers?.authorization },
  }),
};

export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    { level: opts.level, redact: { paths: REDACT_PATHS, censor: REDACTED }, serializers: LOG_SERIALIZERS },
    opts.destination,
  );
}
