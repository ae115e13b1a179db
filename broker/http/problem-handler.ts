/**
 * The one place where errors become HTTP responses: RFC 9457 problem+json.
 * Unknown errors become a 500 that says nothing about their content; the operational
 * log gets the error without values (see logger.ts).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../errors/app-error.js';
import { RETRY_AFTER_SECONDS, unavailableProblem } from '../db/database-faults.js';
import { redactPath } from './logger.js';

export const PROBLEM_TYPE_BASE = 'tag:jpp-broker,2026:problem:';

interface BodyParserError {
  type?: string;
  status?: number;
}

function fromBodyParser(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('validation', 'the request body is not valid JSON', [{ pointer: '/', code: 'invalid-format', detail: 'is not valid JSON' }]);
    case 'entity.too.large':
      return new AppError('payload-too-large', 'the request body is larger than this endpoint accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported-media-type', 'the request body must be UTF-8 JSON');
    default:
      return undefined;
  }
}

export const notFoundHandler: RequestHandler = () => {
  throw new AppError('not-found', 'there is no such resource');
};

export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known: AppError =
    err instanceof AppError ? err
    : unavailableProblem(err) ?? fromBodyParser(err as BodyParserError) ?? new AppError('internal', 'the request could not be completed; nothing was answered');
  const code: ErrorCode = known.code;
  if (code === 'internal') req.log?.error({ err }, 'request failed');
  else if (known !== err && code === 'unavailable') req.log?.warn({ err }, 'the database cannot be reached');
  else req.log?.info({ problem: code }, 'request refused');
  const traceId = res.locals['traceId'] as string | undefined;
  res.locals['problem'] = code;
  // RFC 9110 §10.2.3: when to try again; the database or the service is expected back soon.
  if (code === 'unavailable') res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  // RFC 6585 §4: a rate limit or quota says when it lets the caller in again.
  if (known.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(known.retryAfterSeconds));
  res
    .status(known.status)
    .type('application/problem+json')
    .json({
      type: `${PROBLEM_TYPE_BASE}${code}`,
      title: known.title,
      status: known.status,
      detail: known.message,
      instance: req.path.startsWith('/v1/signals/') ? '/v1/signals/{ref}' : redactPath(req.path),
      ...(traceId ? { traceId } : {}),
      ...(known.errors.length > 0 ? { errors: known.errors } : {}),
    });
};
