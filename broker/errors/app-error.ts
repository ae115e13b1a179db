/**
 * The broker's one error vocabulary. Services throw these; the single Express error
 * handler (`problem-handler.ts`) maps them to RFC 9457 problem+json.
 *
 * Invariants:
 * - A message never contains a subject, pseudonym, token or signal ref.
 * - `NotFound` is also what a caller gets for something that exists but is not theirs,
 *   so that a denial does not reveal existence.
 */
import type { FieldError } from '../../protocol/schemas/schema-registry.js';

export type ErrorCode =
  | 'validation'
  | 'identity-detected'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  validation: 422,
  'identity-detected': 422,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'too-many-requests': 429,
  unavailable: 503,
  internal: 500,
};

const TITLE: Record<ErrorCode, string> = {
  validation: 'The request is not valid',
  'identity-detected': 'The request contains a value that looks like an identity',
  unauthenticated: 'Authentication is required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'payload-too-large': 'The request body is too large',
  'unsupported-media-type': 'The request body must be application/json',
  'too-many-requests': 'Quota exceeded',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** An error the broker means to report to the caller. */
export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  /** For `too-many-requests`: when the caller may try again, sent as `Retry-After` (RFC 9110 §10.2.3; RFC 6585 §4). */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly errors: readonly FieldError[] = [],
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(detail, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.status = STATUS[code];
    this.title = TITLE[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export const validationError = (errors: readonly FieldError[], detail?: string): AppError =>
  new AppError('validation', detail ?? describe(errors), errors);

export const identityDetected = (errors: readonly FieldError[]): AppError =>
  new AppError(
    'identity-detected',
    `${describe(errors)}. The broker accepts minimal signals only; nothing was stored.`,
    errors,
  );

function describe(errors: readonly FieldError[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.pointer} ${e.detail}`)
    .join('; ');
}
