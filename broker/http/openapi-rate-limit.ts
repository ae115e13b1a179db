/**
 * The OpenAPI response of a rate limit or quota refusal: 429 problem+json with `Retry-After`
 * (RFC 6585 §4; RFC 9110 §10.2.3), for the routes that count (questions, casus creation, the
 * key custodian's evaluations).
 */
export function tooManyRequests(description: string): Record<string, unknown> {
  return {
    description,
    headers: {
      'Retry-After': { description: 'Seconds until the limit lets the caller in again.', schema: { type: 'integer', minimum: 1 } },
    },
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/problem' } } },
  };
}
