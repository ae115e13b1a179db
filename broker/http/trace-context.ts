/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): a caller's `traceparent`
 * trace id is kept, so that a disclosure can be followed across systems (Logboek
 * Dataverwerkingen); otherwise a new one is made. The response carries our own span.
 *
 * With tracing on (telemetry/tracing.ts), the request's OpenTelemetry server span, which
 * continued the same `traceparent`, gives the trace id and span id: the trace id that goes into
 * the logboek is then the trace's own, so the logboek leads to the trace.
 */
import { randomBytes } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export function parseTraceId(header: string | undefined): string | undefined {
  const m = header ? TRACEPARENT.exec(header.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return m[1];
}

/** Sets `res.locals.traceId` and the response's `traceparent`. */
export const traceContext: RequestHandler = (req, res, next) => {
  const span = trace.getActiveSpan()?.spanContext();
  const traced = span && isSpanContextValid(span) ? span : undefined;
  const traceId = traced?.traceId ?? parseTraceId(req.get('traceparent')) ?? randomBytes(16).toString('hex');
  res.locals['traceId'] = traceId;
  res.setHeader('traceparent', `00-${traceId}-${traced?.spanId ?? randomBytes(8).toString('hex')}-01`);
  next();
};
